"""What organizers do besides reviewing and broadcasting: loading event, venue and FAQ files
(imports, content_updates) and reading the campaign's figures (stats). Telegram-free."""

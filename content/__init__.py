"""The content store and question answering. Knows nothing of Telegram."""

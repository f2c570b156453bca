"""kepubot: the composition root, CLI, local chat and Telegram-free services."""

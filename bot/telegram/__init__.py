"""The Telegram transport, below the feature handlers: the webhook server (webhook), the
durable update queue and per-user ordering that feed the Application (update_queue,
update_order), the Bot API client and the outbox's Telegram sender (delivery), and the
in-process fake Bot API of the terminal chat (local_api)."""

"""The Telegram transport, below the feature handlers: the webhook server (webhook), the
durable update queue and per-user ordering that feed the Application (update_queue,
update_order), the Bot API client and the outbox's Telegram sender (delivery), and the fake
Bot API of the terminal chat, the tests and the benches (local_api; served over HTTP on
127.0.0.1 by local_server)."""

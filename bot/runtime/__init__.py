"""How the processes of one deployment run together: the database lease that picks the one
process that sends and runs the jobs (lease, leadership), logs that keep secrets out, Prometheus
metrics, and stopping background tasks cleanly. Telegram-free."""

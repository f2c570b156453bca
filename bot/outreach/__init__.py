"""Reaching the campaign's audience: who follows it (subscriptions), composing announcements
(broadcasts), the durable outbox every bulk message goes through and its paced, crash-safe
sender (outbox, dispatcher), and what the scheduler sends when: daily digests, creator
prompts, deadline reminders (digests, reminders). Telegram-free: the sender is injected."""

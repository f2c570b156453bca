"""Telegram's feature handlers, one module per feature; each exports its handlers as a list that
`bot.app` registers in order. Cross-cutting checks live in `guards`, replies in `replies`."""

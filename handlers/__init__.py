"""Thin Telegram adapters, one module per feature; each exports a list of handlers."""

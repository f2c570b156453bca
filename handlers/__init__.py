"""Channel adapters: thin layers that turn a channel's messages into service calls and the
results into that channel's replies. One sub-package per channel (telegram, …); a channel
imports the services, never another channel."""

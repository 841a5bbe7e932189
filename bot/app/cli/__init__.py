"""The `supportbot` command, one module per command group (main.py is the entry point)."""

"""The ground layer: imports nothing of the project (errors, records, ports, events, configuration, tables)."""

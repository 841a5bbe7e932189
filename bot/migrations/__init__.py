"""Alembic's script directory for the relational schema (bot/core/tables.py's tables).

`supportbot db upgrade` runs these (see bot/core/database.py); `python -m bot.migrations "message"` writes a
new revision from the difference between the models and a database at head.
"""

"""Alembic's script directory for the relational schema (bot/storage.py's tables).

`supportbot db upgrade` runs these (see bot/database.py); `python -m bot.migrations "message"` writes a
new revision from the difference between the models and a database at head.
"""

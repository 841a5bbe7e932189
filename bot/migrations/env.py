"""Alembic environment: run by bot/core/database.py with an open connection (under the migration lock)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import MetaData
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from bot.core.database import made_here


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    # sqlmodel's types are plain SQL types underneath (AutoString a VARCHAR, UTCDateTime a timestamp with
    # time zone where the database has one): revisions name those and never import sqlmodel
    if kind == "type" and isinstance(obj, AutoString):
        return "sa.String()"
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _metadata() -> MetaData:
    given = context.config.attributes.get("target_metadata")  # a past version's tables, when generating its revision
    if given is not None:
        return given
    from sqlmodel import SQLModel

    import bot.core.tables  # noqa: F401  (registers the tables)

    return SQLModel.metadata


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=_metadata(),
    render_as_batch=True,  # SQLite alters a table by copying it; PostgreSQL alters in place
    render_item=_render_item,
    compare_type=True,
    include_object=made_here(connection.dialect.name),
)
with context.begin_transaction():
    context.run_migrations()

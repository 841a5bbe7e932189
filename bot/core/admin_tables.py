"""The dashboard's daily rollup (issue #18: /admin in <= 300 ms over 90 days of history).

`admin_day` holds, per UTC day and tenant, the day's figures as JSON (outcomes, routes, handoff
reasons, latency buckets, feedback, ratings, spend): one row where the audit trail has thousands.
A row with tenant `*` marks how far the day is folded (`upto`); bot/app/admin_rollup.py adds what
came after `upto` and moves it on in the same transaction, so two processes never add an hour twice.
`admin_user_day` holds, per day, tenant and user pseudonym, messages and spend: the "per user" figures.
Kept apart from bot/core/tables.py (which imports this module, so one metadata holds every table).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

MARKER = "*"  # the tenant of a day's marker row


class AdminDay(SQLModel, table=True):
    __tablename__ = "admin_day"
    day: str = Field(primary_key=True)  # YYYY-MM-DD, UTC
    tenant: str = Field(primary_key=True)
    figures: str = "{}"
    upto: datetime | None = None  # marker rows only: events before this are in the day's rows


class AdminUserDay(SQLModel, table=True):
    # keyed by tenant and user first: the window's totals per user are read in key order, no sort
    __tablename__ = "admin_user_day"
    tenant: str = Field(primary_key=True)
    user: str = Field(primary_key=True)  # the audit trail's pseudonym (bot/engine/assistant.py), never the id
    day: str = Field(primary_key=True, index=True)  # indexed: today's rows are read on each page
    messages: int = 0
    calls: int = 0
    cost_usd: float = 0.0


class AdminHandoffDay(SQLModel, table=True):
    """Per UTC day and tenant, the handoffs begun that day: how many, claimed and resolved with the
    minutes it took, and the claims per minute bucket (JSON). Written once the day is a week old
    (bot/app/admin_rollup.py HANDOFF_SETTLE): claims and resolutions change a handoff's row until then."""

    __tablename__ = "admin_handoff_day"
    day: str = Field(primary_key=True)
    tenant: str = Field(primary_key=True)  # MARKER: the day is folded
    figures: str = "{}"

"""Aware datetimes, one fix for all: SQLite gives datetimes back without their zone; they were written in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    """`moment` with its zone: a naive one (as SQLite returns them) is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

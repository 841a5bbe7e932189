"""`supportbot db upgrade|current|downgrade`: the relational schema's migrations (bot/core/database.py).

Run `db upgrade` once per release before new processes start (the Procfile's `release:` step); it
takes the migration lock, so a second runner waits and then finds nothing to do.
"""

from __future__ import annotations

import click
from alembic.util.exc import CommandError

from bot.app.cli.common import friendly, load_settings


def _engine():  # type: ignore[no-untyped-def]
    from bot.core.connections import make_engine, reach

    engine = make_engine(load_settings().database_url)
    reach(engine)
    return engine


def _refused(exc: Exception) -> Exception:
    """Alembic's refusal of a revision (`abc`, `-9` past the first one) as one line, not a traceback."""
    from bot.core.errors import InputError

    return InputError(f"{exc}; `supportbot db current` shows where the database is")


@click.group()
def db() -> None:
    """The database schema: upgrade, current revision, downgrade."""


@db.command()
@click.argument("revision", default="head")
@friendly
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head, the newest this version knows)."""
    from bot.core.connections import shown
    from bot.core.database import upgrade as run_upgrade

    engine = _engine()
    try:
        before, after = run_upgrade(engine, to=revision)
    except CommandError as exc:
        raise _refused(exc) from None
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"{shown(engine.url)}: at {after}, nothing to do")
    else:
        click.echo(f"{shown(engine.url)}: upgraded from {before or 'nothing'} to {after}")


@db.command()
@friendly
def current() -> None:
    """The revision the database is at, and the newest this version knows."""
    from bot.core.database import describe

    engine = _engine()
    try:
        click.echo(describe(engine))
    finally:
        engine.dispose()


@db.command(context_settings={"ignore_unknown_options": True})
@click.argument("revision")
@friendly
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION: `-1` for one step back, a revision id, or `base` (drops every table)."""
    from bot.core.connections import shown
    from bot.core.database import downgrade as run_downgrade

    engine = _engine()
    try:
        before, after = run_downgrade(engine, to=revision)
    except CommandError as exc:
        raise _refused(exc) from None
    finally:
        engine.dispose()
    click.echo(f"{shown(engine.url)}: downgraded from {before} to {after or 'nothing'}")

"""`python -m bot.migrations "what changed"`: write the next revision from the difference between the
tables in bot/core/tables.py and a scratch SQLite database upgraded to head through the revisions.

Review what it wrote (renames look like drop + add; data fixes are yours to add), add its `in_layout`
only if databases from before migrations could have the change (new revisions: `return False`).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.core.connections import make_engine
from bot.core.database import MIGRATIONS, head, upgrade


def main(message: str) -> None:
    import bot.core.tables  # noqa: F401  (the tables)

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        upgrade(engine, to="0001")
        upgrade(engine)
        with engine.connect() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.revision(config, message=message, autogenerate=True, rev_id=f"{int(head()) + 1:04d}")
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit('usage: python -m bot.migrations "what changed"')
    main(sys.argv[1])

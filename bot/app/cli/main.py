"""`supportbot` command line: serve, ingest, ask, eval, redact, audit, staff.

User errors (a `SupportbotError`) print one clear line and exit 2; no tracebacks for them.
"""

from __future__ import annotations

import logging
import os

import click

from bot.app.cli.ask import ask
from bot.app.cli.common import friendly, load_settings
from bot.app.cli.db import db
from bot.app.cli.eval_command import eval_
from bot.app.cli.ingest import ingest
from bot.app.cli.redact import redact
from bot.app.cli.reports import audit, usage
from bot.app.cli.rollout import rollout
from bot.app.cli.staff import staff
from bot.app.cli.telegram import telegram
from bot.app.cli.vectors import vectors


def _quiet_libraries() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never hang on a hub download; bundled files load offline
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # gRPC's C core (pymilvus, and the Milvus Lite child, which inherits this) writes its own lines
    # straight to stderr, past our log format: only its errors
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    # until the settings are read (they may be wrong): warnings and worse, plain
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@click.group()
def main() -> None:
    """supportbot: a self-hosted support bot with a real human handoff."""
    _quiet_libraries()


main.add_command(usage)
main.add_command(audit)
main.add_command(staff)
main.add_command(db)
main.add_command(rollout)
main.add_command(vectors)
main.add_command(ingest)
main.add_command(ask)
main.add_command(eval_)
main.add_command(telegram)
main.add_command(redact)


@main.command()
@click.option("--host", default=None, help="address to listen on  [default: SUPPORTBOT_HOST or 127.0.0.1]")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="port  [default: SUPPORTBOT_PORT or 8080]")
@friendly
def serve(host: str | None, port: int | None) -> None:
    """Run the whole product: widget, HTTP API, webhooks, dashboard, metrics."""
    from bot.app.web import run

    settings = load_settings(default_level="INFO")
    run(settings, host=host or settings.host, port=port or settings.port)


if __name__ == "__main__":
    main()

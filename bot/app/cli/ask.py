"""`supportbot ask`: one question (or one per line of standard input) through the whole pipeline."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click

from bot.app.cli.common import friendly, identity_of, load_settings, open_services
from bot.core.config import DEFAULT_TENANT


@click.command()
@click.argument("question", required=False)
@click.option("--tenant", default=DEFAULT_TENANT, show_default=True)
@click.option("--user", default=None)
@click.option("--groups", default=None, help="access groups of the asker, comma-separated")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@friendly
def ask(question: str | None, tenant: str, user: str | None, groups: str | None, as_json: bool) -> None:
    """Ask one question, or many on standard input: one per line, as plain text or as a JSON object
    {"question", "user"?, "groups"?, "id"?}; one JSON object out per line (with the "id" given)."""
    from bot.core.errors import InputError

    if question is not None:
        question = _readable(question)
    load_settings().tenant(tenant)  # a mistyped tenant is said at once, before the models and the store load
    services = open_services()
    identity = identity_of(tenant=tenant, user=user, groups=groups)

    async def one(text: str, asker: Any = identity, echo: dict[str, Any] | None = None) -> None:
        result = await services.assistant.ask(text, identity=asker)
        if as_json or question is None:
            click.echo(json.dumps({**(echo or {}), **result.to_json()}, ensure_ascii=False))
        else:
            click.echo(result.answer)
            for n, option in enumerate(result.options, 1):
                click.echo(f"  {n}. {option.title} ({option.source})")
            if result.outcome.value == "handoff":
                click.echo(f"\n[handoff: {result.handoff_reason.value if result.handoff_reason else '-'}]")

    async def many() -> None:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            echo: dict[str, Any] = {}
            asked = text  # what the error line names: the question of a JSON line, not the whole line
            try:
                data = _json_line(text)
                echo = {"id": data["id"]} if isinstance(data, dict) and "id" in data else {}
                if isinstance(data, dict) and isinstance(data.get("question"), str):
                    asked = data["question"]
                question_text, asker = _stdin_question(text, data, identity)
                await one(question_text, asker, echo)
            except InputError as exc:
                click.echo(json.dumps({**echo, "question": asked[:200], "error": str(exc)}, ensure_ascii=False))
            sys.stdout.flush()

    try:
        asyncio.run(one(question) if question is not None else many())
    finally:
        services.close()


def _json_line(line: str) -> Any:
    """A line of `ask`'s standard input read as JSON when it looks like an object, else None (plain text)."""
    from bot.core.errors import InputError

    if not line.lstrip().startswith("{"):
        return None
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON object ({exc.msg} at column {exc.colno}); send plain text or {{\"question\": ...}}") from exc


def _stdin_question(line: str, data: Any, identity: Any) -> tuple[str, Any]:
    """The question and the asker of one line of `ask`'s standard input: the line itself, or a JSON
    object `{"question", "user"?, "groups"?, "id"?}` (the caller copies its "id" into the answer line)."""
    from bot.core.errors import InputError

    if data is None:
        return _readable(line), identity
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        raise InputError('a JSON line needs a "question" string')
    if "user" not in data and "groups" not in data:
        return _readable(data["question"]), identity
    user, groups = data.get("user", identity.user), data.get("groups", list(identity.groups))
    if user is not None and not isinstance(user, str):
        raise InputError('"user" must be a string')
    if isinstance(groups, list) and all(isinstance(g, str) for g in groups):
        groups = ",".join(groups)
    elif not isinstance(groups, str):
        raise InputError('"groups" must be a list of strings (or one comma-separated string)')
    return _readable(data["question"]), identity_of(tenant=identity.tenant, user=user, groups=groups)


def _readable(text: str) -> str:
    """The question, refused when it holds bytes that are not UTF-8 (Python reads them as lone
    surrogates, which no model or store can take: the answer would be an apology and a handoff)."""
    from bot.core.errors import InputError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the question is not valid UTF-8 text") from None
    return text

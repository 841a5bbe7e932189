"""`supportbot redact`: redact personal data from standard input, as the bot would."""

from __future__ import annotations

import json
import sys

import click

from bot.app.cli.common import friendly, load_settings, open_services


@click.command()
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line: text, redacted, entities (the default)")
@click.option("--text", "as_text", is_flag=True, help="only the redacted text, one line per line")
@click.option("--tenant", default=None, help="use this tenant's pii_kinds and its own terms (knowledge base, keep_terms); default: every kind, no terms")
@click.argument("texts", nargs=-1)
@friendly
def redact(as_json: bool, as_text: bool, tenant: str | None, texts: tuple[str, ...]) -> None:
    """Redact personal data from each line of standard input, as the bot would: one JSON object
    per line, {"text", "redacted", "entities": [{"type", "start", "end"}]}. Texts given as arguments
    (`supportbot redact "I'm Ana Ruiz"`) are redacted instead of standard input, one result each."""
    if as_json and as_text:
        raise click.UsageError("--json and --text exclude each other")
    from policies.redaction import SpacyRedactor

    settings = load_settings()
    kinds = settings.tenant(tenant).pii_kinds if tenant else None
    services = None
    if tenant:  # the tenant's knowledge base tells which words are its own (knowledge/terms.py)
        services = open_services()
        redactor = services.redactor
    else:
        redactor = SpacyRedactor(model=settings.spacy_model, names_cache=settings.model_cache or settings.data_dir / "models")
    redactor.warm_up()
    batch: list[str] = []

    def flush() -> None:
        for result in redactor.redact_batch(batch, kinds=frozenset(kinds) if kinds is not None else None, tenant=tenant):
            click.echo(result.redacted if as_text else json.dumps(result.to_json(), ensure_ascii=False))
        sys.stdout.flush()
        batch.clear()

    if texts:
        batch.extend(texts)
        flush()
        return
    for line in sys.stdin:
        batch.append(line.rstrip("\n"))
        # batch for speed when piped a file, answer at once when typed line by line
        if len(batch) >= 64 or not sys.stdin.isatty() and not _more_waiting():
            flush()
    if batch:
        flush()
    if services is not None:
        services.close()


def _more_waiting() -> bool:
    import select

    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError):
        return False

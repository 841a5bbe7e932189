"""`supportbot` command line: serve, ingest, ask, eval, redact, audit, staff.

User errors (a `SupportbotError`) print one clear line and exit 2; no tracebacks for them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from bot.app.cli.common import friendly, load_settings
from bot.app.cli.db import db
from bot.app.cli.eval import gate_exit, gate_options, judge_results
from bot.app.cli.reports import audit, usage
from bot.app.cli.rollout import rollout
from bot.app.cli.staff import staff
from bot.app.cli.vectors import vectors
from bot.core.config import DEFAULT_TENANT, Settings


def _quiet_libraries() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never hang on a hub download; bundled files load offline
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # gRPC's C core (pymilvus, and the Milvus Lite child, which inherits this) writes its own lines
    # straight to stderr, past our log format: only its errors
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    # until the settings are read (they may be wrong): warnings and worse, plain
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _services(*, sample: bool | None = None, redact: bool = True, join_serve: bool = True) -> Any:
    from bot.app.composition import build_services
    from knowledge.milvus_endpoint import Owner

    settings = load_settings()
    services = build_services(settings, redact=redact)
    # while `serve` runs, its store process is used (knowledge/milvus_endpoint.py), unless told not to
    services.store.join_owners = (Owner.STANDALONE, Owner.SERVE) if join_serve else (Owner.STANDALONE,)
    services.start(sample=sample)
    return services


def _groups(value: str | None) -> tuple[str, ...]:
    return tuple(g.strip() for g in (value or "").split(",") if g.strip())


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


@main.command()
@click.option("--host", default=None, help="address to listen on  [default: SUPPORTBOT_HOST or 127.0.0.1]")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="port  [default: SUPPORTBOT_PORT or 8080]")
@friendly
def serve(host: str | None, port: int | None) -> None:
    """Run the whole product: widget, HTTP API, webhooks, dashboard, metrics."""
    from bot.app.web import run

    settings = load_settings(default_level="INFO")
    run(settings, host=host or settings.host, port=port or settings.port)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--tenant", required=True, help="tenant whose knowledge base receives the files")
@click.option("--groups", default=None, help="access groups, comma-separated (default: public)")
@click.option("--prune", is_flag=True, help="remove documents whose files vanished from PATHS")
@click.option("--question-column", default="question", show_default=True)
@click.option("--answer-column", default="answer", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option("--url-column", default="url", show_default=True)
@friendly
def ingest(paths: tuple[str, ...], tenant: str, groups: str | None, prune: bool, question_column: str,
           answer_column: str, id_column: str, url_column: str) -> None:
    """Ingest Markdown, HTML, text, PDF files and FAQ tables (CSV/JSONL)."""
    from bot.core.errors import StoreBusyError
    from knowledge.loaders import FaqColumns

    settings = load_settings()
    settings.tenant(tenant)
    try:
        # with the admin token, files go to the running server (it refreshes at once); without, through its store
        services = _services(join_serve=not settings.admin_token)
    except StoreBusyError:
        if not settings.admin_token:
            raise
        columns = {"question_column": question_column, "answer_column": answer_column, "id_column": id_column, "url_column": url_column}
        _ingest_through_server(settings, paths=paths, tenant=tenant, groups=_groups(groups), prune=prune, columns=columns)
        return
    report = services.ingestor.ingest(
        list(paths), tenant=tenant, groups=_groups(groups), prune=prune, progress=True,
        columns=FaqColumns(question=question_column, answer=answer_column, id=id_column, url=url_column),
        on_skip=lambda name, reason: click.echo(f"skipped {name}: {reason}", err=True),
    )
    services.close()
    click.echo(
        f"{tenant}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {len(report.skipped)} skipped; {report.chunks} chunks in {report.seconds:.1f}s"
    )
    if report.skipped and not (report.added or report.updated or report.unchanged):
        sys.exit(1)


def _ingest_through_server(settings: Settings, *, paths: tuple[str, ...], tenant: str, groups: tuple[str, ...], prune: bool,
                           columns: dict[str, str] | None = None) -> None:
    """The running server holds the store: upload the files to it (it reads no paths of its own).

    Each file goes under its path as given (`kb/billing.md`), which becomes its `source`, as when
    ingesting locally; files of types ingest doesn't read are reported here and not sent.
    """
    import urllib.error
    import urllib.request

    from bot.core.errors import StoreBusyError

    fields, files, skipped = _upload_plan(paths, tenant=tenant, groups=groups, prune=prune, columns=columns or {})
    for name, reason in skipped:
        click.echo(f"skipped {name}: {reason}", err=True)
    body, content_type = _multipart(fields, files)
    request = urllib.request.Request(
        settings.server_url.rstrip("/") + "/api/v1/admin/ingest", data=body, method="POST",
        headers={"Authorization": f"Bearer {settings.admin_token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            report = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        raise click.ClickException(f"the server refused the ingest ({exc.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreBusyError(f"the store is held by another process and the server at {settings.server_url} did not take the work ({exc})") from None
    for item in report["skipped"]:
        click.echo(f"skipped {item['path']}: {item['reason']}", err=True)
    click.echo(
        f"{tenant} (through the server): {report['added']} added, {report['updated']} updated, {report['unchanged']} unchanged, "
        f"{report['removed']} removed, {len(report['skipped']) + len(skipped)} skipped; {report['chunks']} chunks in {report['seconds']:.1f}s"
    )


def _upload_plan(paths: tuple[str, ...], *, tenant: str, groups: tuple[str, ...], prune: bool,
                 columns: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, Path]], list[tuple[str, str]]]:
    """The form fields, the files (name as given, local path) and what is skipped here, as the
    ingester walks folders (knowledge/ingest.py): hidden files left out, other types reported."""
    from knowledge.loaders import TEXT_SUFFIXES

    fields = [("tenant", tenant), ("groups", ",".join(groups)), ("prune", "true" if prune else "false"), *columns.items()]
    files: list[tuple[str, Path]] = []
    skipped: list[tuple[str, str]] = []
    for given in paths:
        root, shown = Path(given), os.path.normpath(given)
        fields.append(("path", shown))  # a path that doesn't exist is reported by the server, like any other
        if root.is_file():
            files.append((shown, root))
        elif root.is_dir():
            for file in sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)):
                name = os.path.join(shown, str(file.relative_to(root)))
                if file.suffix.lower() in TEXT_SUFFIXES:
                    files.append((name, file))
                else:
                    skipped.append((name, f"unsupported file type {file.suffix or '(none)'}"))
    return fields, files, skipped


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, Path]]) -> tuple[bytes, str]:
    """A multipart/form-data body (the standard library has no encoder): text fields, then the files."""
    import uuid
    from urllib.parse import quote

    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for name, path in files:
        # RFC 7578/5987: a name with any character is carried percent-encoded in filename*
        disposition = f"form-data; name=\"file\"; filename*=utf-8''{quote(name, safe='')}"
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        out += path.read_bytes() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _identity(tenant: str, user: str | None, groups: str | None) -> Any:
    from bot.engine.pipeline import Identity

    return Identity(tenant=tenant, user=user, groups=_groups(groups), channel="cli")


@main.command()
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

    services = _services()
    identity = _identity(tenant, user, groups)
    services.settings.tenant(tenant)

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
            try:
                data = _json_line(text)
                echo = {"id": data["id"]} if isinstance(data, dict) and "id" in data else {}
                question_text, asker = _stdin_question(text, data, identity)
                await one(question_text, asker, echo)
            except InputError as exc:
                click.echo(json.dumps({**echo, "question": text[:200], "error": str(exc)}, ensure_ascii=False))
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
        return line, identity
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        raise InputError('a JSON line needs a "question" string')
    if "user" not in data and "groups" not in data:
        return data["question"], identity
    groups = data.get("groups", list(identity.groups))
    groups = ",".join(str(g) for g in groups) if isinstance(groups, list) else groups
    return data["question"], _identity(identity.tenant, data.get("user", identity.user), groups)


@main.command(name="eval")
@click.argument("cases_file", type=click.Path(path_type=Path))
@click.option("--tenant", default=DEFAULT_TENANT, show_default=True)
@click.option("--user", default=None)
@click.option("--groups", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.option("--calibrate", is_flag=True, help="choose the tenant's gate thresholds from the cases and write them to --output")
@click.option("--max-wrong", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="--calibrate: the largest share of answerable questions answered wrong (and of off-topic ones answered); "
                   "one case is tolerated while a bound times the cases is below one")
@click.option("--max-clarified", type=click.FloatRange(0, 1), default=0.15, show_default=True,
              help="--calibrate: the largest share of answerable questions answered with a clarifying question")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="--calibrate: the thresholds file to write (default thresholds-TENANT.toml); include it from the tenants file")
@gate_options
@friendly
def eval_(cases_file: Path, tenant: str, user: str | None, groups: str | None, as_json: bool, calibrate: bool, max_wrong: float,
          max_clarified: float, output: Path | None, save: str | None, baseline: str | None) -> None:
    """Score the pipeline on CASES.jsonl: retrieval hits, answer/handoff precision and recall, latency,
    and a risk-coverage table (right, wrong, clarified, handed over, off-topic answered per threshold)."""
    from bot.engine.evaluation import calibrate_thresholds, load_cases, run_cases, score, thresholds_toml

    cases = load_cases(cases_file)
    services = _services()
    thresholds = services.settings.tenant(tenant).thresholds
    identity = _identity(tenant, user, groups)
    try:
        results = asyncio.run(run_cases(cases, lambda q: services.assistant.ask(q, identity=identity)))
        judged = judge_results(services, tenant=tenant, results=results) if save or baseline else None
    finally:
        services.close()
    report = score(cases, results, thresholds=thresholds)

    def gate() -> dict[str, Any]:  # the release gate (bot/app/cli/eval.py): store this run, compare with a stored one
        if not (save or baseline):
            return {}
        from bot.app.cli.eval import run_gate

        return run_gate(settings=services.settings, tenant=tenant, cases_file=cases_file, cases=cases, results=results,
                        thresholds=thresholds, save=save, baseline=baseline, as_json=as_json, judged=judged)

    calibrated = None
    if calibrate:
        found = calibrate_thresholds(list(zip(cases, results, strict=True)), thresholds=thresholds, max_wrong=max_wrong,
                                     max_offtopic=max_wrong, max_clarified=max_clarified)
        if found is None:
            raise click.ClickException(f"no thresholds keep answered wrong and off-topic answered at or below {max_wrong} "
                                       f"with at most {max_clarified} clarified on these cases")
        calibrated, shares = found
        output = output or Path(f"thresholds-{tenant}.toml")
        note = f"written by `supportbot eval {cases_file} --tenant {tenant} --calibrate --max-wrong {max_wrong}`: {json.dumps(shares)}"
        output.write_text(thresholds_toml(tenant, calibrated, note=note), encoding="utf-8")
    if as_json:
        data = report.to_json()
        if calibrated is not None:
            data["calibrated"] = {"file": str(output), "min_confidence": calibrated.min_confidence,
                                  "min_choice_confidence": calibrated.min_choice_confidence, "expected": shares}
        data.update(gate())
        click.echo(json.dumps(data, default=str))
        gate_exit(data)
        return
    click.echo(f"cases                {report.cases}")
    for name in ("hit_at_1", "hit_at_3", "answer_precision", "answer_recall", "handoff_precision", "handoff_recall", "reason_accuracy", "contains_rate"):
        value = getattr(report, name)
        if value is not None:
            click.echo(f"{name:<20} {value:.3f}")
    click.echo(f"latency_ms           p50 {report.latency_ms['p50']}  p90 {report.latency_ms['p90']}  p99 {report.latency_ms['p99']}")
    click.echo(f"cost_usd             {report.cost_usd:.4f}")
    click.echo("risk-coverage (answerable: right, wrong, clarified, handed over; off-topic: answered), "
               f"at min_choice_confidence {thresholds.min_choice_confidence}, clarify_gap {thresholds.clarify_gap}:")
    columns = ("right", "wrong", "clarified", "handed_over", "offtopic_answered")
    click.echo(f"  {'min_confidence':>14}" + "".join(f"{c:>18}" for c in columns))
    for row in report.risk_coverage:
        mark = " <- now" if abs(row["min_confidence"] - thresholds.min_confidence) < 0.025 else ""
        click.echo(f"  {row['min_confidence']:>14.2f}" + "".join(f"{'-' if row[c] is None else format(row[c], '.3f'):>18}" for c in columns) + mark)
    if calibrated is not None:
        click.echo(f"calibrated: min_confidence {calibrated.min_confidence}, min_choice_confidence {calibrated.min_choice_confidence} "
                   f"-> {output}; expected on these cases: {shares}")
        click.echo(f'include it from the tenants file: include = ["{output}"] (the tenants file\'s own thresholds win over it)')
        if shares.get("tolerated"):
            click.echo(f"note: {', '.join(shares['tolerated'])} above the bound by one case, tolerated on so few cases "
                       "(a bound is exact from 1/bound cases on); more cases give firmer thresholds")
    gate_exit(gate())


@main.group()
def telegram() -> None:
    """Telegram bot helpers."""


@telegram.command("set-webhook")
@click.argument("url")
@click.option("--tenant", default=DEFAULT_TENANT, show_default=True)
@friendly
def telegram_set_webhook(url: str, tenant: str) -> None:
    """Point the tenant's Telegram bot at URL (e.g. https://bot.example.com/telegram/default/webhook)."""
    from bot.app.channel_setup import telegram_bots
    from bot.core.errors import ConfigError

    settings = load_settings()
    bots = telegram_bots(settings)
    if tenant not in bots:
        raise ConfigError(f"no Telegram bot token for tenant {tenant!r}: set TELEGRAM_BOT_TOKEN or [tenants.{tenant}.telegram] bot_token")
    token, secret = bots[tenant]
    if not secret:  # `supportbot serve` refuses an unsigned webhook, so don't point Telegram at one
        raise ConfigError(f"no webhook secret for tenant {tenant!r}: set TELEGRAM_WEBHOOK_SECRET or [tenants.{tenant}.telegram] webhook_secret")
    from channels.telegram import set_webhook

    asyncio.run(set_webhook(token=token, api_url=settings.telegram_api_url, url=url, secret=secret))
    click.echo(f"Telegram webhook for {tenant} set to {url}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line: text, redacted, entities (the default)")
@click.option("--text", "as_text", is_flag=True, help="only the redacted text, one line per line")
@click.option("--tenant", default=None, help="use this tenant's pii_kinds and its own terms (knowledge base, keep_terms); default: every kind, no terms")
@friendly
def redact(as_json: bool, as_text: bool, tenant: str | None) -> None:
    """Redact personal data from each line of standard input, as the bot would: one JSON object
    per line, {"text", "redacted", "entities": [{"type", "start", "end"}]}."""
    if as_json and as_text:
        raise click.UsageError("--json and --text exclude each other")
    from policies.redaction import SpacyRedactor

    settings = load_settings()
    kinds = settings.tenant(tenant).pii_kinds if tenant else None
    services = None
    if tenant:  # the tenant's knowledge base tells which words are its own (knowledge/terms.py)
        services = _services()
        redactor = services.redactor
    else:
        redactor = SpacyRedactor(model=settings.spacy_model)
    redactor.warm_up()
    batch: list[str] = []

    def flush() -> None:
        for result in redactor.redact_batch(batch, kinds=frozenset(kinds) if kinds is not None else None, tenant=tenant):
            click.echo(result.redacted if as_text else json.dumps(result.to_json(), ensure_ascii=False))
        sys.stdout.flush()
        batch.clear()

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


if __name__ == "__main__":
    main()

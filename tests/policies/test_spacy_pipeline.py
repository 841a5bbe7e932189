"""The redactor and the near-domain reader run on one loaded spaCy model (policies/spacy_pipeline.py): a second
copy cost every process about 40 MB, and the two read it at once from different threads without mixing results."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import thinc.backends

from policies.near_domain import SpacyNounReader
from policies.redaction import SpacyRedactor


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def test_the_near_domain_reader_adds_no_second_model(redactor: SpacyRedactor) -> None:
    before = _rss_mb()
    reader = SpacyNounReader(model=redactor.model_name)
    reader.warm_up()
    assert reader.nouns("Can I export timesheets to my accountant?") == ["timesheets", "accountant"]
    assert _rss_mb() - before < 15  # a copy of en_core_web_sm's components is about 40 MB


MESSAGES = [
    "Hi, I'm Priya Raman and my card 4111 1111 1111 1111 was charged twice for the Pro plan",
    "Can Mateo Alvarez from our Berlin office get access to the shared invoices?",
    "How do I move my dashboard to another workspace?",
    "Please ask Olusegun Bankole to call me back on the refund, he handled the ticket",
    "Does the thermostat schedule follow daylight saving time?",
    "Send the receipt to Hannah Schultz, Lindenstraße 12, 10969 Berlin",
]


def test_names_and_nouns_read_at_once_from_threads_match_one_at_a_time(redactor: SpacyRedactor) -> None:
    reader = SpacyNounReader(model=redactor.model_name)
    alone_redacted = [r.redacted for r in redactor.redact_batch(MESSAGES)]
    alone_nouns = [reader.nouns(m) for m in MESSAGES]
    assert any("<PERSON_" in r for r in alone_redacted) and all(alone_nouns)

    def both(i: int) -> tuple[str, list[str]]:
        m = MESSAGES[i % len(MESSAGES)]
        return redactor.redact_batch([m, *MESSAGES[:2]])[0].redacted, reader.nouns(m)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(both, range(60)))
    assert results == [(alone_redacted[i % len(MESSAGES)], alone_nouns[i % len(MESSAGES)]) for i in range(60)]


def test_spacy_in_a_fresh_context_does_not_look_for_thincs_backend_again(redactor: SpacyRedactor, monkeypatch: pytest.MonkeyPatch) -> None:
    """`asyncio.to_thread` runs each call in a copy of the caller's context, where thinc's backend variable may be
    unset: thinc then searched its registry and sys.path for CPU backends on every model call."""
    redactor.detect_batch(["Please ask Olusegun Bankole to call me back"])  # the backend found once
    looked: list[str] = []
    real = thinc.backends.get_ops
    monkeypatch.setattr(thinc.backends, "get_ops", lambda name, **kw: looked.append(name) or real(name, **kw))
    found = [contextvars.Context().run(redactor.detect_batch, ["Please ask Olusegun Bankole to call me back"]) for _ in range(3)]
    assert looked == []
    assert all(f == found[0] for f in found) and any(e.kind == "PERSON" for e in found[0][0])

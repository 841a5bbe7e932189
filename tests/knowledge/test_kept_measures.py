"""knowledge/kept_measures.py: a tenant's levels, words and terms measured once per state of its knowledge base,
not at every start: a restarted server's first question reads them back instead of measuring (at 100,000 chunks
that measurement made a tenant's first question wait 37-92 s), and an ingest makes them measured again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlmodel import Session

from bot.core.database import open_database
from bot.core.tables import Document
from knowledge.kept_measures import KeptMeasures, registry_state
from knowledge.profile import TenantProfiles
from knowledge.terms import TenantTerms
from knowledge.vocabulary import TenantVocabulary
from tests.knowledge.test_profile import passage

V = [1.0, 0.0]
LEVELS = {
    "a.md": [passage("a.md", 1.8, V), passage("b.md", 1.0, [0, 1])],
    "b.md": [passage("b.md", 1.8, [0, 1]), passage("c.md", 1.2, V)],
    "c.md": [passage("c.md", 1.8, V), passage("a.md", 0.8, [0, 1])],
    "d.md": [passage("d.md", 1.8, V), passage("b.md", 1.4 / 3, [0, 1])],
}
TEXTS = [("Juno exports", "Settings", "Open Juno and press Export. Ask Nell for a VAT invoice."), ("Billing", "", "Invoices in Paperkite.")]


def _started(kept: KeptMeasures) -> tuple[TenantProfiles, TenantVocabulary, TenantTerms, list[str]]:
    """One start of a server: its caches empty; what it reads of the knowledge base is counted."""
    reads: list[str] = []

    def search(tenant: str, keys: Sequence[str], vectors: np.ndarray, texts: Sequence[str]) -> list[list]:
        reads.append("search")
        return [LEVELS[t] for t in texts]

    def documents(tenant: str, keys: Sequence[str]) -> list[tuple[str, str | None, str]]:
        reads.append("documents")
        return [(f"d{n}", None, " ".join(parts)) for n, parts in enumerate(TEXTS)]

    def chunk_parts(tenant: str) -> list[tuple[str, str, str]]:
        reads.append("chunk_parts")
        return list(TEXTS)

    profiles = TenantProfiles(titles=lambda tenant, keys: {d: d for d in LEVELS}, embed=lambda texts: np.zeros((len(texts), 2)),
                              search=search, kept=kept)
    return profiles, TenantVocabulary(documents=documents, kept=kept), TenantTerms(load=chunk_parts, kept=kept), reads


def _measured(started: tuple[TenantProfiles, TenantVocabulary, TenantTerms, list[str]]) -> tuple:
    profiles, vocabulary, terms, _ = started
    return (profiles.get("acme", ["public"]), vocabulary.unknown_terms("Does Juno export to Gmail?", tenant="acme", access_keys=["public"]),
            vocabulary.own_names_in("What is Paperkite?", tenant="acme", access_keys=["public"]), terms.for_tenant("acme"))


def test_a_restart_reads_what_was_measured_until_the_knowledge_base_changes(tmp_path: Path) -> None:
    state = {"acme": "before"}
    kept = KeptMeasures(tmp_path / "measures", state=lambda tenant: state[tenant])
    first = _started(kept)
    measured = _measured(first)
    assert sorted(first[3]) == ["chunk_parts", "documents", "search"]
    assert measured[0].probes == 4 and measured[1] and measured[3]
    again = _started(kept)  # a restart: the same values, nothing read
    assert _measured(again) == measured and again[3] == []
    state["acme"] = "after an ingest"
    changed = _started(kept)
    assert _measured(changed) == measured and sorted(changed[3]) == ["chunk_parts", "documents", "search"]
    # the same values as without keeping anything
    plain = _started(None)  # type: ignore[arg-type]
    assert _measured(plain) == measured


def test_an_unreadable_kept_file_is_measured_again(tmp_path: Path) -> None:
    kept = KeptMeasures(tmp_path, state=lambda tenant: "s")
    measured = _measured(_started(kept))
    for path in tmp_path.glob("*.json"):
        path.write_text("{not json")
    again = _started(kept)
    assert _measured(again) == measured and sorted(again[3]) == ["chunk_parts", "documents", "search"]


def test_the_state_is_the_tenant_s_registry_of_documents(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    state = registry_state(engine)
    empty = state("acme")
    with Session(engine) as session:
        session.add(Document(tenant="acme", source="a.md", doc_id="a", content_hash="h1", updated_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.add(Document(tenant="other", source="a.md", doc_id="a", content_hash="h1", updated_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.commit()
    one = state("acme")
    assert one != empty and state("acme") == one
    with Session(engine) as session:
        row = session.get(Document, 1)
        assert row is not None
        row.content_hash, row.version = "h2", 2  # the document ingested again, changed
        session.add(row)
        session.commit()
    assert state("acme") not in (one, empty)
    engine.dispose()


def test_a_tenant_s_registry_is_read_whole_once_per_state_not_once_per_measure(tmp_path: Path) -> None:
    """Its terms, words and levels each ask for the state: the registry's every row was read three times
    (4.2-4.7 s each at 100,000 documents); now once, and again only when the registry changed."""
    from sqlalchemy import event

    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with Session(engine) as session:
        for n in range(3):
            session.add(Document(tenant="acme", source=f"{n}.md", doc_id=f"d{n}", content_hash=f"h{n}"))
        session.commit()
    whole_reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if "content_hash" in statement and "document.tenant =" in statement:  # a tenant's every document
            whole_reads.append(statement)

    kept = KeptMeasures(tmp_path / "measures", state=registry_state(engine))
    first = _started(kept)
    measured = _measured(first)
    assert sorted(first[3]) == ["chunk_parts", "documents", "search"] and len(whole_reads) == 1
    # a restart (a new process: nothing known of the registry) reads it once, and measures nothing
    again = _started(KeptMeasures(tmp_path / "measures", state=registry_state(engine)))
    assert _measured(again) == measured and again[3] == [] and len(whole_reads) == 2
    # an ingest in between: read again, measured again (and kept under the new state)
    with Session(engine) as session:
        row = session.get(Document, 1)
        assert row is not None
        row.content_hash, row.version = "h9", 2
        session.add(row)
        session.commit()
    changed = _started(kept)
    assert _measured(changed) == measured and sorted(changed[3]) == ["chunk_parts", "documents", "search"] and len(whole_reads) == 3
    engine.dispose()

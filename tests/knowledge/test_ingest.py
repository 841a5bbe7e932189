from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.engine.pipeline import Identity
from bot.app.composition import Services
from knowledge.ingest import Ingestor

ARTICLE = """# Change your plan
URL: https://help.example/plan

## Upgrade

Open Settings, then Billing, and choose Upgrade. The new plan starts at once and you pay the difference pro rata.

## Downgrade

Downgrades take effect at the end of the billing period.
"""


def write_kb(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.md").write_text(ARTICLE)
    (folder / "faq.csv").write_text(
        "id,question,answer\n"
        "q1,Do you offer a student discount?,Students get 50% off the Team plan with a school e-mail address.\n"
        "q2,Can I pay by invoice?,Invoices are available on the Business plan and above.\n"
    )
    return folder


async def ask(services: Services, text: str, *, tenant: str = "default", groups: tuple[str, ...] = ()) -> object:
    return await services.assistant.ask(text, identity=Identity(tenant=tenant, groups=groups))


async def test_ingest_is_idempotent_and_changes_replace_old_chunks(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    first = services.ingestor.ingest([kb], tenant="default")
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    chunks = services.store.count(tenant="default")

    again = services.ingestor.ingest([kb], tenant="default")
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 3, 0)
    assert services.store.count(tenant="default") == chunks

    (kb / "plan.md").write_text(ARTICLE.replace("pro rata", "on the next invoice"))
    changed = services.ingestor.ingest([kb], tenant="default")
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert services.store.count(tenant="default") == chunks
    result = await ask(services, "How do I upgrade my plan?")
    assert "next invoice" in result.answer and "pro rata" not in result.answer


async def test_faq_rows_removed_from_a_table_disappear(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    services.ingestor.ingest([kb], tenant="default")
    (kb / "faq.csv").write_text("id,question,answer\nq2,Can I pay by invoice?,Invoices are available on the Business plan and above.\n")
    report = services.ingestor.ingest([kb], tenant="default")
    assert report.removed == 1
    result = await ask(services, "is there a discount for students?")
    assert all(c.source != "kb/faq.csv#q1" for c in result.citations)


async def test_prune_removes_vanished_files_only_when_asked(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    services.ingestor.ingest([kb], tenant="default")
    (kb / "plan.md").unlink()
    assert services.ingestor.ingest([kb], tenant="default").removed == 0
    pruned = services.ingestor.ingest([kb], tenant="default", prune=True)
    assert pruned.removed == 1
    result = await ask(services, "How do I upgrade my plan?")
    assert all("plan.md" not in c.source for c in result.citations)


def test_the_same_files_under_another_path_are_added_and_reported_as_copies(make_services: Callable[..., Services],
                                                                            tmp_path: Path) -> None:
    """A source is the path as given: the help center ingested again from another working directory (here
    through a link) was added a second time without a word, and answers cited both copies."""
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    first = services.ingestor.ingest([kb], tenant="default")
    assert first.added == 3 and first.duplicates == []
    (tmp_path / "again").symlink_to(kb, target_is_directory=True)
    again = services.ingestor.ingest([tmp_path / "again"], tenant="default")
    assert again.added == 3  # still added: two sources may hold one text on purpose
    assert sorted((Path(new).parent.name, Path(old).parent.name, Path(new).name) for new, old in again.duplicates) == [
        ("again", "kb", "faq.csv#q1"), ("again", "kb", "faq.csv#q2"), ("again", "kb", "plan.md")]
    assert services.ingestor.ingest([tmp_path / "again"], tenant="default").duplicates == []  # unchanged: said once


def test_unreadable_files_are_reported_by_name_and_the_rest_ingested(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    (kb / "logo.png").write_bytes(b"\x89PNG\r\n")
    (kb / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    report = services.ingestor.ingest([kb, tmp_path / "missing"], tenant="default")
    skipped = dict(report.skipped)
    assert set(skipped) >= {"kb/logo.png", "kb/scan.pdf"} or {Path(k).name for k in skipped} >= {"logo.png", "scan.pdf"}
    assert any("missing" in name for name in skipped)
    assert report.added == 3


async def test_an_empty_file_is_skipped_and_an_emptied_one_no_longer_answers(make_services: Callable[..., Services],
                                                                            tmp_path: Path) -> None:
    # an empty file was reported "added" with no chunks: the operator thought it was answerable
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    (kb / "draft.md").write_text("")
    report = services.ingestor.ingest([kb], tenant="default")
    assert report.added == 3
    assert [(Path(name).name, reason) for name, reason in report.skipped] == [("draft.md", "no text to answer from")]

    (kb / "plan.md").write_text("# Change your plan\n\n")  # the article emptied: its old text must not answer
    emptied = services.ingestor.ingest([kb], tenant="default")
    assert (emptied.removed, emptied.unchanged) == (1, 2)
    assert {Path(name).name for name, _ in emptied.skipped} == {"draft.md", "plan.md"}
    result = await ask(services, "How do I upgrade my plan?")
    assert "pro rata" not in (result.answer or "")


async def test_a_huge_document_is_refused_by_name_and_its_earlier_version_keeps_answering(
        make_services: Callable[..., Services], tmp_path: Path) -> None:
    # a 30 MB export uploaded as one article ingested for minutes and crowded every search
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    assert services.ingestor.ingest([kb], tenant="default").added == 3
    line = "Upgrades are billed pro rata from the day you change your plan, and every seat is counted again. "
    (kb / "plan.md").write_text("# Change your plan\n\n" + line * 25_000)  # 2.4 million characters
    report = services.ingestor.ingest([kb], tenant="default", prune=True)
    [(name, reason)] = report.skipped
    assert Path(name).name == "plan.md"
    assert "2.4 million characters" in reason and "split it into articles" in reason
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 2)
    result = await ask(services, "How do I upgrade my plan?")
    assert any(Path(c.source).name == "plan.md" for c in result.citations)


def test_a_skip_is_said_once_by_whoever_asked_to_hear_it(make_services: Callable[..., Services], tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    # the CLI prints each skip; logged as well, every skipped file was on the terminal twice
    services = make_services()
    heard: list[str] = []
    with caplog.at_level("WARNING", logger="knowledge.ingest"):
        services.ingestor.ingest([tmp_path / "missing"], tenant="default", on_skip=lambda name, reason: heard.append(name))
        assert len(heard) == 1 and not [r for r in caplog.records if "skipped" in r.getMessage()]
        services.ingestor.ingest([tmp_path / "missing"], tenant="default")  # no one listening: logged
        assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 1


async def test_restricted_documents_are_only_cited_to_their_group(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()
    kb = tmp_path / "admin"
    kb.mkdir()
    (kb / "refund-override.md").write_text(
        "# Manual refund override\n\nAdmins can issue a manual refund override from the Console, tab Payments, "
        "button Override refund, up to 500 euros without approval.\n"
    )
    services.ingestor.ingest([kb], tenant="default", groups=["billing-admins"])
    services.access.refresh("default")
    outsider = await ask(services, "How do I issue a manual refund override?")
    assert all("refund-override" not in c.source for c in outsider.citations)
    assert "500 euros" not in outsider.answer
    insider = await ask(services, "How do I issue a manual refund override?", groups=("billing-admins",))
    assert insider.citations and insider.citations[0].source.endswith("refund-override.md")


def test_a_second_process_on_the_same_store_gets_a_clear_error(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services()  # holds the store, as a running `supportbot serve` does
    # Milvus Lite allows one opener per directory and the lock is per process: ingest from another one
    import os
    import subprocess
    import sys

    kb = write_kb(tmp_path / "kb")
    env = {**os.environ, "SUPPORTBOT_DATA_DIR": str(services.settings.data_dir), "SUPPORTBOT_SAMPLE_KB": "0"}
    out = subprocess.run([str(Path(sys.executable).parent / "supportbot"), "ingest", str(kb), "--tenant", "default"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode != 0
    assert "in use by another process" in out.stderr and "supportbot serve" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


@pytest.mark.parametrize("groups", [["public"], []])
def test_default_groups_mean_public(make_services: Callable[..., Services], tmp_path: Path, groups: list[str]) -> None:
    services = make_services()
    report = services.ingestor.ingest([write_kb(tmp_path / "kb")], tenant="default", groups=groups)
    assert report.added == 3
    readable, hidden = services.access.access_keys(tenant="default", groups=("public",))
    assert readable == ["public"] and hidden == []


def test_a_store_embedded_under_other_model_settings_is_re_embedded(make_services: Callable[..., Services], tmp_path: Path) -> None:
    """Passages are embedded at MiniLM's trained length (128 word pieces); a store written before that,
    or with another model, must not mix old and new vectors: its documents re-embed on the next ingest."""
    services = make_services()
    filler = "Refunds are issued to the original payment method. " * 20
    tail_a, tail_b = services.embedder.embed([filler + "Alpha.", filler + "Omega."])
    assert np.allclose(tail_a, tail_b)
    kb = write_kb(tmp_path / "kb")
    embedder = services.embedder

    class Before:  # the same model as an earlier version named it
        dim = embedder.dim
        fingerprint = embedder.model_name
        embed = staticmethod(embedder.embed)
        warm_up = staticmethod(embedder.warm_up)

    old = Ingestor(engine=services.engine, store=services.store, embedder=Before())
    assert old.ingest([kb], tenant="default").added == 3
    again = services.ingestor.ingest([kb], tenant="default")
    assert (again.updated, again.unchanged) == (3, 0)
    assert services.ingestor.ingest([kb], tenant="default").unchanged == 3


async def test_two_ingests_of_one_tenant_at_once_add_each_document_once(make_services: Callable[..., Services], tmp_path: Path) -> None:
    """Two processes starting at once on an empty store both ingest the sample; `ingest` from the CLI can
    run while `serve` does. Here two threads race on one database: the second waits and finds it done."""
    import asyncio

    services = make_services()
    kb = write_kb(tmp_path / "kb")
    reports = await asyncio.gather(
        asyncio.to_thread(services.ingestor.ingest, [kb], tenant="default"),
        asyncio.to_thread(services.ingestor.ingest, [kb], tenant="default"),
    )
    assert sorted((r.added, r.unchanged) for r in reports) == [(0, 3), (3, 0)]
    alone = make_services()
    alone.ingestor.ingest([kb], tenant="default")
    assert services.store.count(tenant="default") == alone.store.count(tenant="default")


async def test_an_article_changed_and_changed_back_leaves_every_answer_as_it_was(make_services: Callable[..., Services], tmp_path: Path) -> None:
    """Re-ingesting leaves the store cut into more segments, and Milvus Lite scored BM25 per segment: an operator
    who fixed a typo in one article and undid it saw other questions answered with other confidences."""
    from bot.engine.services import SAMPLE_KB

    services = make_services()
    kb = tmp_path / "kb"
    kb.mkdir()
    for name in ("reset-your-password", "export-your-data", "invite-members", "download-invoices", "two-factor-authentication",
                 "cancel-your-subscription", "remove-members", "delete-your-account"):
        (kb / f"{name}.md").write_text((SAMPLE_KB / f"{name}.md").read_text(encoding="utf-8"), encoding="utf-8")
    services.ingestor.ingest([kb], tenant="default")
    questions = ["how do I reset my password?", "can I export my data to CSV?", "how do I invite people to my workspace?",
                 "where do I find my invoices?", "how do I turn on two-factor authentication?", "how do I cancel my subscription?"]

    async def answers() -> list[tuple[str, float, tuple[str, ...]]]:
        found = []
        for question in questions:
            result = await ask(services, question)
            found.append((result.outcome.value, round(result.confidence, 6), tuple(c.source for c in result.citations)))
        return found

    before = await answers()
    article = sorted(kb.glob("*.md"))[0]
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\n\nThis page was reviewed by the support team.\n", encoding="utf-8")
    assert services.ingestor.ingest([kb], tenant="default").updated == 1
    article.write_text(original, encoding="utf-8")
    assert services.ingestor.ingest([kb], tenant="default").updated == 1
    assert await answers() == before


async def test_documents_are_removed_by_the_names_ingest_gave_them(make_services: Callable[..., Services], tmp_path: Path) -> None:
    """There was no way to take one article out of a tenant's knowledge base short of deleting its file and
    pruning the whole folder (from the folder it was ingested from). Removal takes the name ingest gave: a
    file, one FAQ row, a FAQ table or a folder; a name that matches nothing is said with the closest ones."""
    services = make_services()
    kb = write_kb(tmp_path / "kb")
    services.ingestor.ingest([kb], tenant="default", display_base=tmp_path)
    assert services.ingestor.sources(tenant="default") == {"kb/plan.md", "kb/faq.csv#q1", "kb/faq.csv#q2"}
    assert any(c.source == "kb/plan.md" for c in (await ask(services, "How do I upgrade my plan?")).citations)

    removed = services.ingestor.remove(["kb/plan.md", "kb/faq.csv#q1"], tenant="default")
    assert removed.removed == ["kb/faq.csv#q1", "kb/plan.md"] and removed.missing == []
    assert services.ingestor.sources(tenant="default") == {"kb/faq.csv#q2"}
    assert all(c.source != "kb/plan.md" for c in (await ask(services, "How do I upgrade my plan?")).citations)
    assert (kb / "plan.md").exists()  # no file is touched: the knowledge base only

    typo = services.ingestor.remove(["kb/faq.cvs", "/nowhere/at/all.md"], tenant="default")
    assert typo.removed == [] and [name for name, _ in typo.missing] == ["kb/faq.cvs", "nowhere/at/all.md"]
    assert typo.missing[0][1][0] == "kb/faq.csv" and typo.missing[1][1] == []  # the closest name first; none near
    assert services.ingestor.remove(["kb/faq.csv#q2"], tenant="other").missing == [("kb/faq.csv#q2", [])]  # another tenant's
    assert services.ingestor.sources(tenant="default") == {"kb/faq.csv#q2"}

    again = services.ingestor.ingest([kb], tenant="default", display_base=tmp_path)  # an ingest brings them back
    assert (again.added, again.unchanged) == (2, 1)
    everything = services.ingestor.remove([str(tmp_path / "kb")], tenant="default")  # a folder, by any path ingest would name so
    assert everything.removed == [] and everything.missing[0][0] == str(tmp_path / "kb").lstrip("/")
    assert services.ingestor.remove(["./kb/"], tenant="default").removed == ["kb/faq.csv#q1", "kb/faq.csv#q2", "kb/plan.md"]
    assert services.ingestor.sources(tenant="default") == set() and services.store.count(tenant="default") == 0

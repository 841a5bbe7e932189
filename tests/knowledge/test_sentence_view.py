"""The sentence view: a question about one sentence deep inside an article that covers several topics
is answered from that article, not handed over, and a store made before the view keeps its chunks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.app.composition import Services
from bot.core.passages import MAX_WINDOWS, Chunk
from bot.engine.pipeline import Identity
from knowledge.retrieval import Retriever
from knowledge.store import MilvusStore
from knowledge.store_schema import WINDOW_COLLECTION

# an invented help center whose articles are one paragraph each, about several things at once
ARTICLES = {
    "users-and-roles.md": """# Users, roles and your team

Quillbook lets several people work in the same company file. Every person you invite gets their own login and one role.
The owner of the company file can change anyone's role at any time from Settings, and every change is written to the
audit trail with the date and the person who made it. Invitations expire after seven days; you can resend an expired
invitation from the same page. A read only user can open every report and download it as a PDF, but cannot create
invoices, record payments or change any settings. Accountant users can post journal entries and close a period, but
they cannot add or remove other users. If you remove someone, their past entries stay in the books under their name.
Each plan includes a number of users: Starter includes two, Growth includes ten and Scale has no limit. Extra users on
Starter cost 6 dollars a month each.
""",
    "bank-feeds.md": """# Bank feeds and reconciliation

Connect your bank account once and Quillbook brings in new transactions every night. Most banks in the United States,
Canada and the United Kingdom are supported through our banking partner. A connection has to be renewed every 90 days
because banks require you to confirm access again; we send an email a week before it runs out. Transactions from the
last 12 months are fetched when you first connect. To reconcile, open the account, match each bank line to an invoice,
a bill or a new entry, and mark the statement as reconciled once the closing balances agree. Credit card accounts work
the same way as bank accounts. Foreign currency accounts are converted at the daily rate on the transaction date.
""",
    "subscription.md": """# Your Quillbook subscription

Quillbook is billed monthly or yearly; paying yearly saves two months. You can switch plans at any time, and the price
difference is prorated to the day. Every new company file starts with a 30 day free trial with all features of the
Growth plan, and no card is needed to start. Nonprofit organizations get 25 percent off any plan after we confirm their
status. If a card payment fails, we retry it three times over ten days before the account becomes read only; nothing is
deleted. Receipts are emailed to the owner and can be downloaded from the Billing page. To cancel, open Billing and
choose Cancel subscription; you keep access until the end of the period you paid for.
""",
    "payroll.md": """# Payroll

Payroll is an add-on for companies in the United States with employees in any state. It costs 40 dollars a month plus
5 dollars per employee paid. Employees get an email with a link to their pay stubs and their W-2 at the end of the
year. You can pay people weekly, every two weeks, twice a month or monthly, and contractors can be paid through the
same run. Direct deposit takes two business days, so a payroll has to be approved by 5 pm Pacific time two days before
payday. Quillbook files federal and state payroll taxes for you and pays them on time.
""",
}
# (question, the article, words of the one sentence that answers it)
DEEP = [
    ("what can a read only user do", "users-and-roles.md", "read only user can open every report"),
    ("how much is an extra user on Starter", "users-and-roles.md", "6 dollars a month"),
    ("what happens if my card payment fails", "subscription.md", "retry it three times"),
]


@pytest.fixture
def services(make_services: Callable[..., Services], tmp_path: Path) -> Services:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text("[tenants.acme]\n")
    services = make_services(SUPPORTBOT_TENANTS_FILE=str(tenants))
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in ARTICLES.items():
        (docs / name).write_text(text)
    services.ingestor.ingest([docs], tenant="acme", display_base=docs)
    services.after_ingest("acme")
    return services


@pytest.mark.parametrize(("question", "article", "said"), DEEP)
async def test_a_question_about_a_deep_sentence_is_answered_from_it(services: Services, question: str, article: str, said: str) -> None:
    result = await services.assistant.ask(question, identity=Identity(tenant="acme", user="u", channel="test"))
    top = result.details["evidence"]
    assert result.outcome.value == "answer", (question, top["similarity"], top["views"][0])
    assert result.citations[0].source.endswith(article)
    assert said in result.answer
    # the body, title and lead alone are below the floor: the sentence view is what let it through
    assert max(top["views"][0][:3]) < 0.40 <= top["similarity"]


async def test_an_unrelated_question_is_still_handed_over(services: Services) -> None:
    for question in ("recommend a good pizza place", "who won the world cup in 2018"):
        result = await services.assistant.ask(question, identity=Identity(tenant="acme", user="u", channel="test"))
        assert result.outcome.value == "handoff", question


def test_sentence_windows_pair_consecutive_sentences_under_the_heading() -> None:
    def chunk(text: str) -> Chunk:
        return Chunk(id="c", doc_id="d", source="s.md", title="Plans", url=None, heading="Prices", text=text, position=0)

    assert chunk("One. Two. Three.").sentence_texts == ("Plans › Prices\nOne. Two.", "Plans › Prices\nTwo. Three.")
    assert chunk("Only one sentence").sentence_texts == ("Plans › Prices\nOnly one sentence",)
    assert chunk("").sentence_texts == ()
    listed = chunk("\n".join(f"- item {n}" for n in range(60)))
    assert len(listed.sentence_texts) == MAX_WINDOWS  # a long list: pairs without overlap, then no more
    assert listed.sentence_texts[1] == "Plans › Prices\n- item 2 - item 3"


def test_a_store_made_before_sentence_windows_keeps_its_chunks_and_gets_them_when_written_again(services: Services) -> None:
    question = DEEP[0][0]
    vector = services.embedder.embed([question])[0]
    store = services.store
    hits = store.search(tenant="acme", access_keys=["public"], vector=vector, text=question)
    chunks = {h.chunk.id: h.chunk for h in hits}
    assert max(h.sentence for h in hits) > 0.4
    store._client.drop_collection(WINDOW_COLLECTION)  # as a store written before the sentence view
    store.close()

    reopened = MilvusStore(uri=store.uri, dim=services.embedder.dim)
    reopened.open()
    try:
        assert reopened.count(tenant="acme") == len(ARTICLES)
        assert reopened._client.has_collection(WINDOW_COLLECTION)
        before = reopened.search(tenant="acme", access_keys=["public"], vector=vector, text=question)
        assert {h.chunk.id for h in before} == set(chunks)
        assert all(h.sentence == 0.0 for h in before)  # no windows yet: the floor reads body, title and lead as before
        # the next ingest writes the chunks again, with their windows; what this process had read is read again
        written = list(chunks.values())
        views = [services.embedder.embed([c.embed_text, c.heading_text, c.lead_text]) for c in written]
        reopened.insert(
            tenant="acme", access="public", chunks=written, dense=np.stack([v[0] for v in views]), title_dense=np.stack([v[1] for v in views]),
            lead_dense=np.stack([v[2] for v in views]), sentences=[services.embedder.embed(list(c.sentence_texts)) for c in written],
        )
        reopened.flush()
        after = Retriever(store=reopened).search(tenant="acme", access_keys=["public"], vector=vector, text=question)
        assert after[0].source.endswith(DEEP[0][1])
        assert after[0].sentence > 0.4 and after[0].similarity == after[0].sentence
    finally:
        reopened.close()

"""Asking instead of guessing, through the pipeline and the widget's conversation API: the options
offered, an option chosen by its button (its title) or its number, and "none of these"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import READY
from bot.app.composition import Services
from bot.app.web import build_app
from bot.engine.pipeline import Identity
from tests.conftest import make_settings, running_app

# a tenant whose gate never trusts one article alone and always finds the first three close: every
# covered question is a clarification (the real thresholds keep it for split evidence), even one whose first
# article leads on every view (`min_lead_confidence` 1.0: policies/clear_lead.py off)
ASK_UNLESS_CLEAR = """
[tenants.default.widget]
keys = ["demo"]
[tenants.default.thresholds]
min_confidence = 1.0
min_choice_confidence = 0.0
clarify_gap = 10.0
"""
ALWAYS_ASK = ASK_UNLESS_CLEAR + "min_lead_confidence = 1.0\n"
QUESTION = "how do I reset my password?"


def tenants_file(folder: Path) -> str:
    path = folder / "tenants.toml"
    path.write_text(ALWAYS_ASK)
    return str(path)


async def test_split_evidence_is_a_clarification_with_options_and_a_chosen_one_answers(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path))
    asked = await services.assistant.ask(QUESTION, identity=Identity(tenant="default"))
    assert asked.outcome.value == "clarify" and asked.handoff_reason is None
    assert 2 <= len(asked.options) <= 3 and asked.citations == ()
    assert len({o.source for o in asked.options}) == len(asked.options)
    data = asked.to_json()
    assert data["outcome"] == "clarify" and data["options"] == [{"source": o.source, "title": o.title} for o in asked.options]
    second = asked.options[1]
    chosen = await services.assistant.ask(QUESTION, identity=Identity(tenant="default"), chosen_source=second.source)
    assert chosen.outcome.value == "answer" and chosen.citations[0].source == second.source


async def test_a_question_whose_first_article_leads_every_view_is_answered_and_one_naming_two_is_asked(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    """The same close articles, with policies/clear_lead.py on: the password question, whose first article (the FAQ row
    on resetting a password) is ahead of the others by body, title, BM25 and word coverage, is answered from it (on main:
    "which of these?"); a question that names two articles is still asked about, with both offered."""
    path = tmp_path / "tenants.toml"
    path.write_text(ASK_UNLESS_CLEAR)
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=str(path))
    clear = await services.assistant.ask(QUESTION, identity=Identity(tenant="default"))
    assert clear.outcome.value == "answer" and clear.options == (), clear
    assert "password" in clear.citations[0].source or "password" in clear.citations[0].title.lower(), clear
    both = await services.assistant.ask("api tokens or rate limits?", identity=Identity(tenant="default"))
    assert both.outcome.value == "clarify", both
    assert {"sample_kb/api-tokens.md", "sample_kb/api-rate-limits.md"} <= {o.source for o in both.options}, both


async def test_an_off_topic_question_is_not_turned_into_a_clarification(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path))
    result = await services.assistant.ask("what's the capital of Australia?", identity=Identity(tenant="default"))
    assert result.outcome.value == "handoff" and result.options == ()


UNSURE_PAIRS = """
[tenants.default.thresholds]
min_confidence = 1.0
min_choice_confidence = 1.0
min_split_confidence = 0.0
split_gap = 10.0
min_lead_confidence = 1.0
"""


async def test_an_unsure_question_is_asked_this_one_or_that_one_and_a_person_named_is_handed_over(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    """Below every other threshold, the unsure pair offers the top article and the closest one or two others: two or three
    options, each a different article; a message that names a person goes to one, and an off-topic one too."""
    path = tmp_path / "tenants.toml"
    path.write_text(UNSURE_PAIRS)
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=str(path))
    asked = await services.assistant.ask(QUESTION, identity=Identity(tenant="default"))
    assert asked.outcome.value == "clarify" and len(asked.options) in (2, 3), asked
    assert len({o.source for o in asked.options}) == len({o.title for o in asked.options}) == len(asked.options)
    named = await services.assistant.ask("I need a human to help me reset my password", identity=Identity(tenant="default"))
    assert named.outcome.value == "handoff", named
    off_topic = await services.assistant.ask("what's the capital of Australia?", identity=Identity(tenant="default"))
    assert off_topic.outcome.value == "handoff" and off_topic.options == ()


@pytest.mark.parametrize("question", [
    "my colleague forgot her password, how does she reset it?",
    "someone in my team can't reset their password",
    "a 3rd person on our workspace needs to reset the password",
])
async def test_a_question_about_people_of_the_customers_own_world_is_asked_this_one_or_that_one(
    make_services: Callable[..., Services], tmp_path: Path, question: str
) -> None:
    """People of the customer's own world ("my colleague", "someone in my team", "a 3rd person") are no request for a
    person: such a question is asked "this one or that one?" like any other (it was handed over as low confidence, every
    person word read as one of the support side), while a person of the support side is still handed over."""
    path = tmp_path / "tenants.toml"
    path.write_text(UNSURE_PAIRS)
    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=str(path))
    asked = await services.assistant.ask(question, identity=Identity(tenant="default"))
    assert asked.outcome.value == "clarify" and len(asked.options) in (2, 3), asked
    reach = await services.assistant.ask("can someone from your team call me about my password", identity=Identity(tenant="default"))
    assert reach.outcome.value == "handoff" and reach.handoff_reason is not None and reach.handoff_reason.value == "customer_request", reach



@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    app = build_app(make_settings(tmp_path_factory.mktemp("clarify"), SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path_factory.mktemp("t"))))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client


async def conversation(client: TestClient) -> tuple[str, dict[str, str]]:
    data = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    return f"/api/v1/conversations/{data['conversation_id']}", {"Authorization": f"Bearer {data['token']}"}


async def say(client: TestClient, url: str, auth: dict[str, str], text: str, client_id: str) -> dict:
    response = await client.post(f"{url}/messages", json={"text": text, "client_message_id": client_id}, headers=auth)
    assert response.status in (200, 201), await response.text()
    return (await response.json())["reply"]


async def test_the_widget_offers_options_and_the_title_pressed_answers_from_that_article(client: TestClient) -> None:
    url, auth = await conversation(client)
    offer = await say(client, url, auth, QUESTION, "q1")
    assert offer["outcome"] == "clarify" and len(offer["options"]) >= 2
    pick = offer["options"][1]
    answer = await say(client, url, auth, pick["title"], "q2")  # the widget's button says the title
    assert answer["outcome"] == "answer" and answer["citations"][0]["source"] == pick["source"]
    # the offer is remembered in the stored conversation: the history shows it with its options
    history = (await (await client.get(f"{url}/messages", headers=auth)).json())["messages"]
    assert any(m.get("outcome") == "clarify" and m.get("options") == offer["options"] for m in history)


async def test_an_option_can_be_chosen_by_its_number(client: TestClient) -> None:
    url, auth = await conversation(client)
    offer = await say(client, url, auth, QUESTION, "q1")
    answer = await say(client, url, auth, "1", "q2")
    assert answer["outcome"] == "answer" and answer["citations"][0]["source"] == offer["options"][0]["source"]


@pytest.mark.parametrize(("said", "n"), [("the second one", 1), ("Option 1", 0), ("the last one", -1), ("la primera", 0)])
async def test_an_option_can_be_chosen_by_its_place_in_words(client: TestClient, said: str, n: int) -> None:
    """"the second one" was searched as a question of its own and handed to a person as `no_answer`."""
    url, auth = await conversation(client)
    offer = await say(client, url, auth, QUESTION, "q1")
    answer = await say(client, url, auth, said, "q2")
    assert answer["outcome"] == "answer" and answer["citations"][0]["source"] == offer["options"][n]["source"]


async def test_none_of_these_hands_over_to_a_person(client: TestClient) -> None:
    url, auth = await conversation(client)
    await say(client, url, auth, QUESTION, "q1")
    response = await client.post(f"{url}/handoff", headers=auth)  # the widget's "none of these" asks for a person
    assert response.status in (200, 201)
    reply = (await response.json())["reply"]
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "customer_request"


async def test_none_of_these_typed_hands_over_as_a_request_for_a_person(client: TestClient) -> None:
    """Typed as the button says (on any channel), "none of these" was searched as a question and handed
    over as `no_answer` ("I couldn't find this in our help center"), not as the customer's request."""
    url, auth = await conversation(client)
    await say(client, url, auth, QUESTION, "q1")
    reply = await say(client, url, auth, "None of these", "q2")
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "customer_request"
    # the same words with no offer before them are no answer to one
    url, auth = await conversation(client)
    assert (await say(client, url, auth, "none of these", "q1"))["handoff_reason"] != "customer_request"
    # "no" to "Which one do you mean?" declines them all too (elsewhere a no is a goodbye: tests/policies/test_pleasantries.py)
    for n, said in enumerate(("no", "neither", "nein")):
        url, auth = await conversation(client)
        await say(client, url, auth, QUESTION, f"q{n}a")
        reply = await say(client, url, auth, said, f"q{n}b")
        assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "customer_request", (said, reply)


async def test_options_offered_before_a_restart_are_answered_after_it(tmp_path: Path) -> None:
    """The offer is the stored reply: a new process (same data dir) answers the option chosen from
    the article offered. An ingest measures the knowledge base's levels; a start measures none, nor
    the terms redaction keeps (it would grow with the tenants): the first question does, and finds
    the same."""
    from bot.app.composition import build_services
    from bot.engine.conversations import ConversationService

    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path), SUPPORTBOT_SAMPLE_KB="1")
    public = ["public"]

    def keys(services: Services) -> list[str]:
        return services.access.access_keys(tenant="default", groups=services.settings.tenant("default").groups_for(None))[0]

    before = build_services(settings)
    try:
        await asyncio.to_thread(before.start)
        assert before.profiles is not None
        ingested = before.profiles.cached("default", keys(before))  # the sample ingested at start, measured
        assert ingested is not None and ingested.probes > 0
        conversations = ConversationService(services=before)
        conversation = conversations.create(tenant="default", channel="widget", user="visitor", conversation_id="restart-1")
        offer, _ = await conversations.submit(conversation_id=conversation.id, text=QUESTION, client_id="q1")
        assert offer.outcome == "clarify" and len(offer.options) >= 2
        assert before.terms is not None and before.terms.is_cached("default")  # read for the message's redaction
        terms = before.terms.for_tenant("default")
    finally:
        before.close()
    after = build_services(settings)
    try:
        await asyncio.to_thread(after.start)
        assert after.profiles is not None and after.profiles.cached("default", keys(after)) is None
        assert after.terms is not None and not after.terms.is_cached("default")
        pick = offer.options[1]
        answer, _ = await ConversationService(services=after).submit(conversation_id="restart-1", text=pick.title, client_id="q2")
        assert answer.outcome == "answer" and answer.citations[0].source == pick.source
        measured = after.profiles.cached("default", keys(after))
        assert measured == ingested  # measured on the first question, the same levels as at the ingest
        assert after.terms.is_cached("default") and after.terms.for_tenant("default") == terms
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "webhooks.md").write_text("# Webhooks\n\nSend page events to your own server: Settings → Integrations → Webhooks.\n")
        await asyncio.to_thread(after.ingestor.ingest, [docs], tenant="default", groups=public, display_base=tmp_path)
        await asyncio.to_thread(after.after_ingest, "default")
        again = after.profiles.cached("default", keys(after))
        assert again is not None and again is not measured
    finally:
        after.close()


async def test_a_served_process_measures_its_tenants_before_it_is_ready_within_a_budget(tmp_path: Path) -> None:
    """serve waits up to WARM_BEFORE_READY seconds for its tenants' measurement before /readyz says ready (a
    deploy's first questions need not wait); past that the measurement goes on in the background."""
    from bot.app.app_keys import SERVICES
    from bot.app.composition import build_services

    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path), SUPPORTBOT_SAMPLE_KB="1")
    services = build_services(settings)
    try:
        await asyncio.to_thread(services.start)  # the sample ingested (and measured by that): forgotten again
        assert services.profiles is not None and services.terms is not None
        services.profiles.refresh("default")
        services.terms.refresh("default")
        keys = services.access.access_keys(tenant="default", groups=settings.tenant("default").groups_for(None))[0]
        assert not services.terms.is_cached("default") and services.profiles.cached("default", keys) is None
        await services.warm_tenants()
        assert services.terms.is_cached("default") and services.profiles.cached("default", keys) is not None
    finally:
        services.close()

    # a later start on the same data dir ingests nothing (the sample is there already), so nothing is
    # measured by an ingest: the start measures before it is ready
    async with running_app(settings) as client:
        served = client.app[SERVICES]  # type: ignore[index]
        assert served.terms.is_cached("default") and served.profiles.cached("default", keys) is not None


async def test_the_first_question_after_an_ingest_does_not_wait_to_read_the_knowledge_base(tmp_path: Path) -> None:
    """The ingest measures again what the next question reads (the tenant's terms for redaction, its words
    for the gate, its levels): that question reads nothing more from the store. It used to read every
    chunk twice, which after a 3 MB article kept the first customer waiting a second (ten after 30 MB)."""
    from bot.app.composition import build_services

    settings = make_settings(tmp_path / "data", SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path), SUPPORTBOT_SAMPLE_KB="1")
    services = build_services(settings)
    try:
        await asyncio.to_thread(services.start)
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "printing.md").write_text(
            "# Printing a board\n\nTo print a Quillmark board on paper, open the board and choose File → Print, then pick "
            "the paper size (A4 or Letter). A printed Quillmark board shows every card with its due date.\n"
        )
        await asyncio.to_thread(services.ingestor.ingest, [docs], tenant="default", display_base=tmp_path)
        await asyncio.to_thread(services.after_ingest, "default")
        reads: list[str] = []
        store = services.store
        chunk_parts, documents = store.chunk_parts, store.documents
        store.chunk_parts = lambda **kw: reads.append("chunk_parts") or chunk_parts(**kw)  # type: ignore[method-assign]
        store.documents = lambda **kw: reads.append("documents") or documents(**kw)  # type: ignore[method-assign]
        result = await services.assistant.ask("How do I print a Quillmark board on paper?", identity=Identity(tenant="default", user="v"))
        offered = [c.source for c in result.citations] + [o.source for o in result.options]
        assert any("printing" in source for source in offered), result  # the new article, found
        assert "Quillmark" in result.question  # the new article's own word is no name: the terms were read anew
        assert reads == []
    finally:
        services.close()


async def test_with_leases_a_chosen_option_is_answered_in_few_database_statements(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    """As `serve` runs on PostgreSQL (conversation turns are leases other processes see): the option
    chosen from an offer is answered, and on PostgreSQL the turn costs the database 4 statements: the
    message's write taking the lease, the load (the offer read with it), the reply written in one
    statement and the lease's release (it was 10: the latest reply and its question were read apart,
    the lease taken and the reply written in statements of their own)."""
    from sqlalchemy import event

    from bot.engine.conversations import ConversationService
    from bot.engine.leases import LeaseTable
    from bot.engine.turns import ConversationTurns

    services = make_services(sample=True, SUPPORTBOT_TENANTS_FILE=tenants_file(tmp_path))
    conversations = ConversationService(services=services, turns=ConversationTurns(leases=LeaseTable(engine=services.engine)))
    conversation = conversations.create(tenant="default", channel="widget", user="visitor", conversation_id="leased-1")
    offer, _ = await conversations.submit(conversation_id=conversation.id, text=QUESTION, client_id="q1")
    assert offer.outcome == "clarify" and len(offer.options) >= 2
    pick = offer.options[1]
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # the rollback watch of the first answer reads the audit trail and the grades in the background
        if "FROM auditevent" not in statement and "FROM answer_grade" not in statement:
            statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", count)
    answer, _ = await conversations.submit(conversation_id=conversation.id, text=pick.title, client_id="q2")
    event.remove(services.engine, "before_cursor_execute", count)
    assert answer.outcome == "answer" and answer.citations[0].source == pick.source
    if services.engine.dialect.name == "postgresql":
        assert len(statements) <= 4, statements

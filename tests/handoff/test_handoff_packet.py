"""What a handoff hands staff (bot/core/packet.py), on its own: the customer's intent before their
request for a person, a draft that never resends an answer to another question, and what the bot
tried (answers and articles found, never its own handoff notice)."""

from __future__ import annotations


def test_the_packet_states_the_intent_before_the_request_for_a_person() -> None:
    from datetime import UTC, datetime

    from bot.core.messages import Message, Role
    from bot.core.packet import build_packet
    from bot.core.records import Citation, HandoffReason, Outcome

    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    messages = [
        Message(id=1, role=Role.CUSTOMER, text="my export to PDF is stuck at 99%", created_at=at),
        Message(id=2, role=Role.BOT, text="To export a page, open the menu...", created_at=at, outcome=Outcome.ANSWER, confidence=0.61,
                citations=(Citation(title="Export your data", source="sample_kb/export-your-data.md", url=None, score=0.61),)),
        Message(id=3, role=Role.CUSTOMER, text="that didn't work, agent please", created_at=at),
    ]
    packet = build_packet(messages=messages, reason=HandoffReason.CUSTOMER_REQUEST, topic=None, customer={"channel": "widget"})
    assert packet.intent == "my export to PDF is stuck at 99%"
    assert packet.attempts[0].sources[0]["source"] == "sample_kb/export-your-data.md"
    # the answer the customer just turned down is not offered again
    assert packet.draft == "Hi, thanks for waiting, I'm looking into this for you now."
    assert [m["role"] for m in packet.transcript] == ["customer", "bot", "customer"]
    assert packet.summary.startswith("The customer wrote 2 messages: my export")
    # more than the summary quotes: it says which (it read "wrote 4 messages:" over three of them; qa11)
    more = [Message(id=n, role=Role.CUSTOMER, text=f"message {n}", created_at=at) for n in range(10, 14)]
    longer = build_packet(messages=more, reason=HandoffReason.CUSTOMER_REQUEST, topic=None, customer={"channel": "widget"})
    assert longer.summary == "The customer wrote 4 messages, the last 3: message 11 / message 12 / message 13"


def test_the_draft_never_resends_an_answer_to_another_question() -> None:
    """Found trying the console: "billing" answered from the invoices article, then a question the help
    center does not cover; the draft was "Hi, thanks for waiting." and the invoices answer again, one
    click ("Send draft") from the customer. Likewise after "not helpful, twice"."""
    from datetime import UTC, datetime

    from bot.core.messages import Message, Role
    from bot.core.packet import build_packet
    from bot.core.records import HandoffReason, Outcome

    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    answered = [
        Message(id=1, role=Role.CUSTOMER, text="how do I download my invoices?", created_at=at),
        Message(id=2, role=Role.BOT, text="Open Settings, Billing, Invoices.", created_at=at, reply_to=1, outcome=Outcome.ANSWER, confidence=0.9),
    ]
    uncovered = [
        *answered,
        Message(id=3, role=Role.CUSTOMER, text="why was I charged twice this month?", created_at=at),
        Message(id=4, role=Role.BOT, text="I couldn't find this in our help center.", created_at=at, reply_to=3, outcome=Outcome.HANDOFF),
    ]
    packet = build_packet(messages=uncovered, reason=HandoffReason.NO_ANSWER, topic=None, customer={"channel": "widget"})
    assert packet.intent == "why was I charged twice this month?"
    assert packet.draft == "Hi, thanks for waiting, I'm looking into this for you now."
    unhelpful = build_packet(messages=answered, reason=HandoffReason.NOT_HELPFUL, topic=None, customer={"channel": "widget"})
    assert "Open Settings" not in unhelpful.draft
    # nor when the customer asked for a person right after that answer: it is what they turned down
    asked = build_packet(messages=[*answered, Message(id=3, role=Role.CUSTOMER, text="a person please", created_at=at)],
                         reason=HandoffReason.CUSTOMER_REQUEST, topic=None, customer={"channel": "widget"})
    assert asked.draft == "Hi, thanks for waiting, I'm looking into this for you now."


def test_what_the_bot_tried_lists_answers_and_articles_found_never_its_handoff_notice() -> None:
    """The handoff notice (outcome handoff, confidence 0.0) was listed as an attempt; a request for a person
    first thing then read as a failed answer. The articles found when unsure are still listed."""
    from dataclasses import asdict
    from datetime import UTC, datetime

    from bot.core.messages import Message, Role
    from bot.core.packet import build_packet, nothing_tried
    from bot.core.records import HandoffReason, Outcome

    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    first_thing = [
        Message(id=1, role=Role.CUSTOMER, text="I want to talk to a person", created_at=at),
        Message(id=2, role=Role.BOT, text="Sure, I'm passing you to a person from our support team.", created_at=at,
                outcome=Outcome.HANDOFF, confidence=0.0),
    ]
    packet = build_packet(messages=first_thing, reason=HandoffReason.CUSTOMER_REQUEST, topic=None, customer={"channel": "widget"})
    assert packet.attempts == []
    assert nothing_tried(packet) == "Nothing: the customer asked for a person before the bot answered anything."
    unsure = [
        Message(id=1, role=Role.CUSTOMER, text="can you refund the second charge?", created_at=at),
        Message(id=2, role=Role.BOT, text="I'm not sure enough to answer this, so I'm passing you to a person.", created_at=at,
                outcome=Outcome.HANDOFF, confidence=0.31),
    ]
    found = [{"source": "sample_kb/refunds.md", "title": "Refunds", "score": 0.42}]
    packet = build_packet(messages=unsure, reason=HandoffReason.LOW_CONFIDENCE, topic=None, customer={"channel": "widget"}, found=found)
    [attempt] = packet.attempts
    assert "passing you" not in attempt.text and "not sure" in attempt.text
    assert attempt.sources == [{"source": "sample_kb/refunds.md", "title": "Refunds", "score": 0.42}]
    # handed over as not covered: the articles found are said as that reason, the card's "Why"
    packet = build_packet(messages=unsure, reason=HandoffReason.NO_ANSWER, topic=None, customer={"channel": "widget"}, found=found)
    [attempt] = packet.attempts
    assert attempt.text == "No answer: the articles it found do not cover this" and attempt.outcome == "no_answer"
    # a packet stored before that ("unsure" whatever the reason) is shown with its own reason
    from bot.core.packet import stored_attempts
    [old] = stored_attempts([{**asdict(attempt), "text": "No answer: it was not sure enough", "outcome": "unsure"}], reason="no_answer")
    assert old.text == attempt.text and old.outcome == "no_answer"

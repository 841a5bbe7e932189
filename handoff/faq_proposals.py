"""FAQ entries proposed from resolved handoffs (issue #18, learning from staff).

Staff turn a resolved exchange into a question and an answer in the desk (the console's form, or the
Slack card's "Propose as FAQ" modal through `DeskProposals`); an operator approves or
rejects it in /admin (bot/app/admin_learning.py), where approval runs the release gate first. Only
redacted text is stored: the prefill comes from the stored (redacted) transcript, and what staff
submit is redacted again, since an edit may bring a name or an address back in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.errors import InputError
from bot.core.handoff_states import SETTLED
from bot.core.messages import Message, Role
from bot.core.ops_tables import FaqProposal
from policies.intent import asks_to_reach_a_person
from policies.pleasantries import pleasantry

MAX_QUESTION = 500
MAX_ANSWER = 4000
DECIDED = ("approved", "rejected", "failed_gate")
RESOLVED = SETTLED  # handoffs whose exchange staff may propose (rated: resolved, then rated)


@dataclass(frozen=True, slots=True)
class Prefill:
    question: str
    answer: str


def prefill(messages: Sequence[Message]) -> Prefill:
    """The customer's question and staff's replies as the answer, as staff edit them. The bot's own attempts are
    left out: they are what did not answer the question. The question is what the handoff came from: the message
    the bot handed over on and what the customer said after it, or, when that message only asked for a person, the
    question before it (the one the bot's answer did not settle); greetings, thanks and requests for a person are
    left out (every proposal began with "hi" and an earlier question the bot had answered, and ended with
    "thanks!", to be deleted by hand; qa11). A conversation of nothing else keeps all it said."""
    said = [m for m in messages if m.role is Role.CUSTOMER and m.text.strip()]

    def asks(m: Message) -> bool:
        return pleasantry(m.text) is None and not asks_to_reach_a_person(m.text)

    handed_on = next((m.reply_to for m in messages if m.role is Role.BOT and str(m.outcome) == "handoff" and m.reply_to), None)
    start = next((n for n, m in enumerate(said) if m.id == handed_on), 0)
    while start > 0 and not asks(said[start]):
        start -= 1  # "I want to talk to a person" after an answer: the question is the one answered before
    asked = [m for m in said[start:] if asks(m)] or said
    question = "\n".join(m.text.strip() for m in asked)
    answer = "\n\n".join(m.text.strip() for m in messages if m.role is Role.AGENT and m.text.strip())
    return Prefill(question=question[:MAX_QUESTION], answer=answer[:MAX_ANSWER])


def checked(*, question: str, answer: str) -> tuple[str, str]:
    question, answer = question.strip(), answer.strip()
    if not question or len(question) > MAX_QUESTION:
        raise InputError(f"a proposed question has 1 to {MAX_QUESTION} characters")
    if not answer or len(answer) > MAX_ANSWER:
        raise InputError(f"a proposed answer has 1 to {MAX_ANSWER} characters")
    return question, answer


class ProposalBook:
    """The `faq_proposal` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def propose(self, *, tenant: str, handoff_id: int, question: str, answer: str, by: str) -> int:
        question, answer = checked(question=question, answer=answer)
        row = FaqProposal(tenant=tenant, handoff_id=handoff_id, question=question, answer=answer, proposed_by=by)
        with Session(self._engine) as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return int(row.id or 0)

    def get(self, proposal_id: int) -> FaqProposal | None:
        with Session(self._engine) as session:
            return session.get(FaqProposal, proposal_id)

    def of_handoff(self, handoff_id: int) -> list[FaqProposal]:
        with Session(self._engine) as session:
            return list(session.exec(select(FaqProposal).where(FaqProposal.handoff_id == handoff_id).order_by(col(FaqProposal.id))))

    def listing(self, *, tenant: str | None = None, limit: int = 200) -> list[FaqProposal]:
        """Waiting ones first (oldest first), then the latest decided."""
        with Session(self._engine) as session:
            query = select(FaqProposal)
            if tenant:
                query = query.where(FaqProposal.tenant == tenant)
            waiting = list(session.exec(query.where(FaqProposal.status == "proposed").order_by(col(FaqProposal.id)).limit(limit)))
            decided = list(session.exec(query.where(FaqProposal.status != "proposed").order_by(col(FaqProposal.id).desc()).limit(limit)))
            return waiting + decided

    def decide(self, proposal_id: int, *, status: str, note: str = "") -> FaqProposal:
        if status not in DECIDED:
            raise InputError(f"unknown decision {status!r}")
        with Session(self._engine) as session:
            row = session.get(FaqProposal, proposal_id)
            if row is None:
                raise InputError(f"no FAQ proposal #{proposal_id}")
            row.status, row.note, row.decided_at = status, note, datetime.now(UTC)
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def decide_note(self, proposal_id: int, *, note: str) -> None:
        """Why a proposal is still waiting (the gate could not run)."""
        with Session(self._engine) as session:
            row = session.get(FaqProposal, proposal_id)
            if row is not None:
                row.note = note
                session.add(row)
                session.commit()


Redact = Callable[[str, str], Awaitable[str]]  # (text, tenant) -> the text with personal data replaced


class DeskProposals:
    """Proposals from a desk that knows a handoff by its card (the Slack desk): the card's place and
    thread stand for the console's "your tenant's handoff" check. A handoff is proposed only from its
    own card, only once resolved, under its own tenant (never one a payload names), redacted again."""

    def __init__(self, *, book: ProposalBook, handoff: Any, redact: Redact) -> None:
        self._book = book
        self._handoff = handoff  # handoff.service.HandoffService: get, redacted_history
        self._redact = redact

    async def _own(self, handoff_id: int, *, place: str, thread: str) -> Any:
        handoff = await asyncio.to_thread(self._handoff.get, handoff_id)
        if handoff is None or not place or not thread or (handoff.staff_channel, handoff.thread_ts) != (place, thread):
            raise InputError("that handoff is not on this card")
        if handoff.status not in RESOLVED:
            raise InputError("only a resolved handoff can be proposed as a FAQ entry")
        return handoff

    async def draft(self, handoff_id: int, *, place: str, thread: str) -> Prefill:
        """The prefill from the stored (redacted) transcript; InputError when not from its card or not resolved."""
        handoff = await self._own(handoff_id, place=place, thread=thread)
        return prefill(await self._handoff.redacted_history(handoff))

    async def propose(self, handoff_id: int, *, place: str, thread: str, question: str, answer: str, by: str) -> int:
        """The new proposal's id; InputError (saying why) when it can't be."""
        handoff = await self._own(handoff_id, place=place, thread=thread)
        question, answer = checked(question=question, answer=answer)  # before redacting: no 100 kB through spaCy
        # redacted again: an edit may have typed a name, an e-mail or an address back in
        question, answer = await self._redact(question, handoff.tenant), await self._redact(answer, handoff.tenant)
        return await asyncio.to_thread(self._book.propose, tenant=handoff.tenant, handoff_id=int(handoff.id), question=question,
                                       answer=answer, by=by)

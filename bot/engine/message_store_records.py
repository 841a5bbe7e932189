"""What `MessageStore` (bot/engine/messages.py) takes and gives: the new messages it stores, what it
reads for one inbound message, the clarification's offer read along with it, and the question before a
follow-up (`previous_question`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.messages import Message, Role
from bot.core.texts import TEXTS
from policies.pleasantries import declines, pleasantry


@dataclass(frozen=True, slots=True)
class NewInbound:
    """A customer's message to store pending (see `MessageStore.add_and_load_many`)."""

    conversation_id: str
    text: str  # redacted
    client_id: str | None
    payload: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class NewReply:
    """The bot's reply to one inbound message, with the turn's audit events (see `MessageStore.add_replies`)."""

    conversation_id: str
    inbound_id: int
    text: str
    payload: dict[str, Any]
    events: Sequence[tuple[str, dict[str, Any]]]
    tenant: str
    delivery: str | None = None
    # PostgreSQL, several processes: the reply's notification to them up to its id (bot/engine/relay.py
    # `stored_prefix`), sent by the replies' write; None: none (or the caller sends it)
    relay: str | None = None
    # PostgreSQL, several processes: the turn's lease (name, holder) the replies' write deletes as it
    # commits (bot/engine/turns.py `Turn.release_with_write`); None: the turn releases it apart
    release: tuple[str, str] | None = None


# what the "none of these" button asks (bot/app/api.py, bot/engine/dispatch.py): a person
PERSON_REQUEST = "I want to talk to a person"
NONE_OF_THESE = frozenset(label.casefold() for label in TEXTS["button_none"].values())


def _said(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".!")


# an option named by its place ("the second one", "option 2", "la primera", "the last one"), in the languages of the
# bot's own texts: "the second one" was searched as a question of its own and handed over as `no_answer`
ORDINALS = {
    **dict.fromkeys(("first", "1st", "primero", "primera", "primer", "premier", "première", "erste", "erster", "ersten", "primo", "prima",
                     "primeiro", "primeira"), 1),
    **dict.fromkeys(("second", "2nd", "segundo", "segunda", "deuxième", "seconde", "zweite", "zweiter", "zweiten", "secondo", "seconda"), 2),
    **dict.fromkeys(("third", "3rd", "tercero", "tercera", "tercer", "troisième", "dritte", "dritter", "dritten", "terzo", "terza", "terceiro",
                     "terceira"), 3),
}
LAST = frozenset(("last", "último", "última", "dernier", "dernière", "letzte", "letzter", "letzten", "ultimo", "ultima"))
_FILLER = frozenset("the one option number no article please ok i want pick choose take it la le el il lo die der das den o a".split())


def picks_by_place(text: str) -> bool:
    """Whether `text` names an option by its place alone ("2", "the second one", "the last one")."""
    return _place(_said(text), 3) is not None


def _place(said: str, count: int) -> int | None:
    """The option's number (1-based) that `said` names by its place alone, or None."""
    words = [w for w in said.replace("#", " ").replace(",", " ").split() if w not in _FILLER]
    if len(words) != 1:
        return None
    word = words[0]
    if word in LAST:
        return count
    return int(word) if word.isdigit() else ORDINALS.get(word)


def named_option(payload: str, text: str) -> dict[str, Any] | None:
    """The one article of a clarification's options (a stored reply's payload) that `text` names, by
    its title, as its button says, or by its number or place ("2", "the second one"); None for anything else."""
    options = json.loads(payload).get("options") or []
    said = _said(text)
    place = _place(said, len(options))
    chosen = [o for n, o in enumerate(options, 1) if said == " ".join(o["title"].split()).casefold() or n == place]
    return chosen[0] if len(chosen) == 1 else None


def offered_choice(payload: str, asked: str | None, text: str) -> tuple[str, str | None] | None:
    """(the question to answer, the source chosen) when `text` answers a clarification (a stored reply's
    payload) by naming one of its articles, or, typed as its button says, "none of these": then the
    question is a request for a person, as the button's is (it was searched as a question of its own,
    and handed over as `no_answer`). None for anything else."""
    option = named_option(payload, text)
    if option is not None:
        return (asked, option["source"]) if asked is not None else None
    # "no" (or "neither", "nein") to "Which one do you mean?" declines them all, as the button does
    if json.loads(payload).get("options") and (_said(text) in NONE_OF_THESE or declines(text)):
        return PERSON_REQUEST, None
    return None


@dataclass(frozen=True, slots=True)
class Offer:
    """The bot's latest reply before a message (its payload and the message it answered), and that
    message's text: what `MessageStore.choice` reads, read with the message on PostgreSQL."""

    payload: str | None
    reply_to: int | None
    asked: str | None

    def choice(self, text: str) -> tuple[str, str | None] | None:
        """`MessageStore.choice` from what was read."""
        if not self.payload or self.reply_to is None:
            return None
        return offered_choice(self.payload, self.asked, text)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Everything processing one inbound message needs from the database."""

    earlier: list[int]  # pending messages of the conversation stored before this one
    reply: Message | None  # already answered (a duplicate, or recovery after the answer was stored)
    inbound: Any  # a row of the message table (reads like StoredMessage)
    conversation: Any  # a row of the conversation table
    offer: Offer | None = None  # read along (PostgreSQL's one-statement load): the latest reply before the inbound
    offer_read: bool = False  # `offer` holds what was read (else `MessageStore.choice` reads it)


def previous_question(recent: list[dict[str, str]] | None) -> str | None:
    """The customer's last question before this message, when the bot replied to it last (a follow-up leans on
    what the bot just answered; after staff or a notice it is a new start): greetings and introductions skipped."""
    if not recent or recent[-1]["role"] != Role.BOT.value:
        return None
    for message in reversed(recent):
        # an option picked by its place ("2", "the second one") says nothing of its own: the question before it does
        if message["role"] == Role.CUSTOMER.value and pleasantry(message["text"]) is None and not picks_by_place(message["text"]):
            return message["text"]
    return None

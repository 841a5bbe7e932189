"""Who owns a conversation (`State`: `bot → waiting_for_human → with_human → bot | closed`) and where
one handoff to people stands (`HandoffStatus`: `queued → open → claimed → resolved → rated`, or
`returned` to the bot). Both are stored as these values, so they never change."""

from __future__ import annotations

from enum import StrEnum

from bot.core.errors import InputError


class State(StrEnum):
    BOT = "bot"
    WAITING = "waiting_for_human"
    WITH_HUMAN = "with_human"
    CLOSED = "closed"


ALLOWED: dict[State, frozenset[State]] = {
    State.BOT: frozenset({State.WAITING}),
    State.WAITING: frozenset({State.WITH_HUMAN, State.BOT, State.CLOSED}),
    State.WITH_HUMAN: frozenset({State.BOT, State.CLOSED, State.WAITING}),  # WAITING: released back to the queue
    # a closed conversation that the customer writes to again is the bot's again
    State.CLOSED: frozenset({State.BOT, State.WAITING}),
}

HUMAN_OWNED = frozenset({State.WAITING, State.WITH_HUMAN})


class HandoffStatus(StrEnum):
    QUEUED = "queued"  # not yet announced to staff
    OPEN = "open"  # its card is on a staff desk
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    RETURNED = "returned"  # given back to the bot
    RATED = "rated"  # resolved, then rated by the customer


UNCLAIMED = (HandoffStatus.QUEUED, HandoffStatus.OPEN)  # waiting for someone to claim
ACTIVE = (*UNCLAIMED, HandoffStatus.CLAIMED)  # staff may still act on it
SETTLED = (HandoffStatus.RESOLVED, HandoffStatus.RATED)  # resolved by staff (rated or not)


class TransitionError(InputError):
    pass


def check(current: str, target: State) -> State:
    state = State(current)
    if target not in ALLOWED[state]:
        raise TransitionError(f"a conversation cannot go from {state.value} to {target.value}")
    return target

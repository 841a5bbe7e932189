"""The wait a customer in the queue for a person is told: stable, and only a number the claims support.

QA saw the estimate jump between notices (a few minutes, then much more, then back). It was the
customer's place times the *mean* wait of the tenant's latest 20 claims, to the minute, and 5 minutes
per person invented when there was no claim at all. A mean follows its outliers (one handoff claimed
after a night moves every estimate after it), a figure to the minute promises a precision nobody has,
and the default was a guess told as a fact. Now:

- the wait per person is the *median* minutes from escalation to claim of the tenant's latest claims
  (at most `CLAIM_WINDOW`, none older than `CLAIM_MAX_AGE`: last month's staffing says little about
  today's), so one or two unusual claims do not move it;
- with fewer than `MIN_CLAIMS` such claims there is no number: the customer is told their place only;
- the estimate, place × median, is told on a coarse scale (`SCALE`: "under 2 minutes", "about 5
  minutes", ..., "more than 30 minutes"), so a small change of the median changes nothing they read.
  Place × median errs long (a claim's wait already includes waiting behind others, and several staff
  claim in parallel): a wait shorter than told disappoints nobody, a longer one does;
- a customer told again (they ask for a person again while they wait) is never told a longer wait
  while their place did not get worse (`not_above`): a customer who moved up and reads a longer wait
  has been broken a promise, even when the median rose meanwhile. Its place does get worse only if
  handoffs before it come back to the queue.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

CLAIM_WINDOW = 20  # the tenant's latest claims read (handoff/records.py _RECENT_CLAIMS)
CLAIM_MAX_AGE = timedelta(days=14)
MIN_CLAIMS = 5  # fewer: no estimate; a median of one or two claims is an anecdote


@dataclass(frozen=True, slots=True)
class Wait:
    """One step of the scale a customer reads (bot/core/handoff_texts.py "wait_<kind>" with {n} minutes)."""

    rank: int  # a longer wait ranks higher
    kind: str  # "under", "about", "over"
    minutes: int


# (estimates below this many minutes, the step told); the steps are ranked in this order
SCALE: tuple[tuple[float, Wait], ...] = tuple(
    (below, Wait(rank, kind, minutes)) for rank, (below, kind, minutes) in enumerate((
        (2, "under", 2), (7.5, "about", 5), (12.5, "about", 10), (17.5, "about", 15), (25, "about", 20), (35, "about", 30),
        (float("inf"), "over", 30),
    ))
)


@dataclass(frozen=True, slots=True)
class Told:
    """What a customer was last told about a handoff: its place, and the step (None: no estimate)."""

    position: int
    rank: int | None


def minutes_per_person(claims: Iterable[tuple[datetime, datetime]], *, now: datetime) -> float | None:
    """The median minutes from escalation to claim of `claims` ((created, claimed), aware times), at
    most `CLAIM_WINDOW` of the newest claimed within `CLAIM_MAX_AGE`; None with fewer than `MIN_CLAIMS`."""
    recent = sorted((c for c in claims if now - c[1] <= CLAIM_MAX_AGE), key=lambda c: c[1], reverse=True)[:CLAIM_WINDOW]
    if len(recent) < MIN_CLAIMS:
        return None
    return statistics.median(max(0.0, (claimed - created).total_seconds() / 60) for created, claimed in recent)


def estimate(position: int, per_person: float | None) -> Wait | None:
    """The step told to the customer at `position` (1: next); None without a wait per person. A worse
    place never gets a shorter step (the scale is ordered)."""
    if per_person is None:
        return None
    minutes = max(1, position) * per_person
    return next(step for below, step in SCALE if minutes < below)


def not_above(wait: Wait | None, *, position: int, told: Told | None) -> Wait | None:
    """`wait`, but never a longer step than the customer was last told while their place is no worse.
    No estimate stays none: a number the claims no longer support is not repeated."""
    if wait is None or told is None or told.rank is None or position > told.position or wait.rank <= told.rank:
        return wait
    return SCALE[told.rank][1]

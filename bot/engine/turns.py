"""A conversation's turn: one message answered at a time, in order, in this process and across processes.

In one process a FIFO `asyncio.Lock` per conversation is the whole story (SQLite, the default). With
processes sharing PostgreSQL, the holder of the local lock also takes the conversation's lease
(bot/engine/leases.py) before it loads or answers anything, and renews it while it works: whichever process
holds it answers the conversation's pending messages oldest first (`ConversationService` loads the
earlier pending ones under the turn), and the others wait for it. A message whose process died
stays pending with an expiring lease; the next turn taken on that conversation (a new message, or
the sweeper in bot/app/processes.py) answers it. A message already answered is found with its reply
under the turn and never answered twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.core.batching import Batcher
from bot.engine.leases import Claim, LeaseTable

logger = logging.getLogger(__name__)

First = TypeVar("First")
Then = TypeVar("Then")

# seconds a dead process's conversations wait before another process takes them over (renewed every
# third of it: a database round trip per answering conversation every 2 s)
LEASE_TTL = 6.0
_POLL_FIRST, _POLL_MOST = 0.02, 0.25  # seconds between tries for a lease another process holds


_LEASE_PREFIX = "conversation:"


def lease_name(conversation_id: str) -> str:
    return f"{_LEASE_PREFIX}{conversation_id}"


class Turn:
    """`async with turn:` holds the conversation; `locked()` tells whether this process holds or waits for it."""

    __slots__ = ("_conversation_id", "_keeper", "_leases", "_lock", "_released", "_ttl")

    def __init__(self, conversation_id: str, *, leases: LeaseTable | None, ttl: float, keeper: LeaseKeeper | None = None) -> None:
        self._conversation_id = conversation_id
        self._lock = asyncio.Lock()
        self._leases = leases
        self._ttl = ttl
        # renews the lease while the turn holds it and releases it after (`LeaseKeeper`)
        self._keeper = keeper if keeper is not None or leases is None else LeaseKeeper(leases, ttl=ttl)
        self._released = False  # the turn's last write deleted its lease (`release_with_write`)

    def locked(self) -> bool:
        return self._lock.locked()

    async def __aenter__(self) -> Self:
        await self._lock.acquire()
        if self._leases is None:
            return self
        try:
            await self._take()
        except BaseException:
            self._lock.release()
            raise
        self._held()
        return self

    def _held(self) -> None:
        assert self._keeper is not None
        self._keeper.hold(lease_name(self._conversation_id))

    async def enter_with(
        self, first: Callable[[Claim | None], First], then: Callable[[First], Then], *, meanwhile: Callable[[First], Awaitable[None]],
    ) -> tuple[First, Then | None]:
        """Hold the turn as `async with` does (leave it with `__aexit__`), doing `first` before the lease is
        tried and `then(first's result)` once it is held, in the thread hop of the first try: a message's
        write, its lease and its load cost one hop, not three (each hop is Python work on a worker thread
        and on the event loop, bench/bench_scale.py). `meanwhile(first's result)` runs on the loop right
        after that hop, before any further try for the lease (a message is acknowledged stored while
        another process's turn goes on). The second value is None when the lease took more than one try,
        or `then` failed: the caller does that work itself, under the turn. `first` failing leaves it free.
        `first` gets the lease's `Claim` (None without leases): a write that takes it in its own statement
        says so in `claim.taken`, and the lease is not tried again apart."""
        await self._lock.acquire()
        leases, name = self._leases, lease_name(self._conversation_id)

        def in_one_hop() -> tuple[First, bool, Then | None]:
            claim = leases.claim(name, ttl=self._ttl) if leases is not None else None
            done = first(claim)  # raises: nothing taken
            try:
                if claim is not None and leases is not None and not (claim.taken if claim.taken is not None else leases.take(name, ttl=self._ttl)):
                    return done, False, None
            except SQLAlchemyError:  # tried again below, as `_take` does
                logger.warning("could not take the lease of conversation %s; trying again", self._conversation_id)
                return done, False, None
            try:
                return done, True, then(done)
            except Exception:  # done again by the caller under the turn, which then hears why
                logger.debug("the work after taking the lease of conversation %s failed", self._conversation_id, exc_info=True)
                return done, True, None

        try:
            done, taken, after = await asyncio.to_thread(in_one_hop)
        except BaseException:
            self._lock.release()
            raise
        if taken and leases is not None:
            self._held()
        try:
            await meanwhile(done)
            if not taken:
                await self._take()
                self._held()
        except BaseException as exc:
            if taken:
                await self.__aexit__(type(exc), exc, exc.__traceback__)
            else:
                self._lock.release()
            raise
        return done, after

    def release_with_write(self) -> tuple[str, str] | None:
        """(lease name, holder) for the turn's last write to delete in its own statement, with what it commits
        (bot/engine/messages.py `MessageStore.add_replies`): a statement and a thread hop fewer than the release
        apart, and the lease is free exactly when the reply is stored. Renewals of it stop now; call `released()`
        once that write went through, and leaving the turn sends no release of its own (a write that failed
        leaves it to the release on leaving, as before). None: no lease (one process), or it is not held."""
        if self._leases is None or self._keeper is None:
            return None
        name = lease_name(self._conversation_id)
        if not self._keeper.stop_renewing(name):
            return None
        return name, self._leases.holder

    def released(self) -> None:
        """The write `release_with_write` prepared went through: the lease is deleted."""
        self._released = True

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._released:  # the turn's last write released the lease (`release_with_write`)
            self._released = False
            self._lock.release()
            return
        try:
            if self._keeper is not None:
                try:
                    await self._keeper.release(lease_name(self._conversation_id))
                except SQLAlchemyError:  # the lease expires by itself; the next taker finds it free then
                    logger.warning("could not release the lease of conversation %s", self._conversation_id)
        finally:
            self._lock.release()

    async def _take(self) -> None:
        assert self._leases is not None
        name, wait = lease_name(self._conversation_id), _POLL_FIRST
        while True:
            try:
                if await asyncio.to_thread(self._leases.take, name, ttl=self._ttl):
                    return
            except SQLAlchemyError:  # the database is away for a moment: keep trying, the message is stored
                logger.warning("could not take the lease of conversation %s; trying again", self._conversation_id)
            await asyncio.sleep(wait)
            wait = min(wait * 2, _POLL_MOST)


class LeaseKeeper:
    """This process's conversation leases while their turns hold them: one loop renews every one held,
    each third of the time to live, in one statement, and the turns that end while a release is being
    written release theirs in the next one. (A renewal task and a release statement per turn, each with
    its thread hop, cost ~3.5% of a serve process's GIL time under bench/bench_scale.py's load, py-spy --gil.)"""

    def __init__(self, leases: LeaseTable, *, ttl: float) -> None:
        self._leases = leases
        self._ttl = ttl
        self._held: set[str] = set()
        self._renewing: asyncio.Task[None] | None = None
        self._releases: Batcher[None, str, None] = Batcher(lambda _, names: leases.release_many(names), max_batch=256)

    def hold(self, name: str) -> None:
        self._held.add(name)
        if self._renewing is None:
            self._renewing = asyncio.get_running_loop().create_task(self._renew())

    def stop_renewing(self, name: str) -> bool:
        """Renew `name` no more (its turn's last write deletes it); False when it is not held."""
        if name not in self._held:
            return False
        self._held.discard(name)
        return True

    async def release(self, name: str) -> None:
        self._held.discard(name)
        await self._releases.submit(None, name)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            names = sorted(self._held)
            if not names:  # nothing held: the next `hold` starts the loop again (no await between: no race)
                self._renewing = None
                return
            try:
                kept = await asyncio.to_thread(self._leases.renew_many, names, ttl=self._ttl)
            except SQLAlchemyError:
                logger.warning("could not renew %d conversation leases", len(names))
                continue
            for name in names:
                if name not in kept and name in self._held:
                    # we stalled past the time to live and another process took over: it answers from the
                    # stored state, and what we write next finds the reply already there
                    self._held.discard(name)
                    logger.error("lost the lease of conversation %s to another process", name.removeprefix(_LEASE_PREFIX))


class ConversationTurns:
    """`turns[conversation_id]`: that conversation's `Turn` (what `defaultdict(asyncio.Lock)` was)."""

    def __init__(self, *, leases: LeaseTable | None = None, ttl: float = LEASE_TTL) -> None:
        self.leases = leases
        self.ttl = ttl
        self._turns: dict[str, Turn] = {}  # grows with conversations, as the per-conversation locks did
        self._keeper = LeaseKeeper(leases, ttl=ttl) if leases is not None else None

    def __getitem__(self, conversation_id: str) -> Turn:
        turn = self._turns.get(conversation_id)
        if turn is None:
            turn = self._turns[conversation_id] = Turn(conversation_id, leases=self.leases, ttl=self.ttl, keeper=self._keeper)
        return turn

    @property
    def shared(self) -> bool:
        """Turns are leases other processes see (not only this process's locks)."""
        return self.leases is not None

    def busy(self, conversation_id: str) -> bool:
        turn = self._turns.get(conversation_id)
        return turn is not None and turn.locked()

"""Concurrent callers share one call of CPU-bound batch work (spaCy, embeddings, Milvus searches).

Each of those costs a fixed overhead per call (Python glue, a thread hop, a gRPC round trip) on top
of the work per item, and under load the server's conversations ask at the same moment. Requests
queue while a batch runs in its thread; the next batch takes all of them, one call per key (items
with different keys cannot share a call: another tenant, other access keys). Nobody waits on
purpose: a lone request goes at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
I = TypeVar("I")  # noqa: E741 - item
R = TypeVar("R")


@dataclass(slots=True)
class _Request(Generic[K, I, R]):
    key: K
    item: I
    future: asyncio.Future[R] = field(repr=False)


class Batcher(Generic[K, I, R]):
    """`run(key, items)` returns one result per item; it runs in a thread, one call per key per batch.
    An exception in an item's place is raised to that item's caller alone (`gather(return_exceptions=True)`)."""

    def __init__(self, run: Callable[[K, Sequence[I]], Sequence[R | BaseException]], *, max_batch: int = 32, workers: int = 1) -> None:
        """`workers` > 1 lets that many batches run at once (only for a thread-safe `run`): a request
        that comes while one batch runs starts the next at once on another core instead of waiting."""
        self._run = run
        self._max_batch = max_batch
        self._workers = workers
        self._pending: list[_Request[K, I, R]] = []
        self._draining = 0  # drains started and not yet returned: counted down as a drain sees nothing left
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, key: K, item: I) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append(_Request(key, item, future))
        if self._draining < self._workers:
            self._draining += 1
            task = asyncio.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                groups: dict[K, list[_Request[K, I, R]]] = {}
                for request in batch:
                    groups.setdefault(request.key, []).append(request)
                for key, requests in groups.items():
                    try:
                        results = await asyncio.to_thread(self._run, key, [r.item for r in requests])
                    except Exception as exc:  # every waiter of this group hears about it
                        for request in requests:
                            if not request.future.done():
                                request.future.set_exception(exc)
                        continue
                    for request, result in zip(requests, results, strict=True):
                        if request.future.done():  # a waiter may have been cancelled
                            continue
                        if isinstance(result, BaseException):
                            request.future.set_exception(result)
                        else:
                            request.future.set_result(result)
        finally:
            # in the same step as the last look at `_pending`: a request queued after it starts a drain
            self._draining -= 1

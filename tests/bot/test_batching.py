"""Concurrent requests share batch calls, by key, and each caller gets its own result or error."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from bot.core.batching import Batcher


async def test_concurrent_requests_share_calls_per_key_and_get_their_own_results() -> None:
    calls: list[tuple[str, list[int]]] = []
    gate = threading.Event()

    def run(key: str, items: Sequence[int]) -> list[str]:
        gate.wait(5)  # the first call holds the thread while the rest queue up
        calls.append((key, list(items)))
        return [f"{key}:{i * 10}" for i in items]

    batcher: Batcher[str, int, str] = Batcher(run, max_batch=32)
    first = asyncio.create_task(batcher.submit("a", 0))
    await asyncio.sleep(0.05)
    rest = [asyncio.create_task(batcher.submit("ab"[i % 2], i)) for i in range(1, 9)]
    await asyncio.sleep(0.05)
    gate.set()
    results = await asyncio.gather(first, *rest)
    assert results == [f"{'ab'[i % 2]}:{i * 10}" for i in range(9)]
    assert calls[0] == ("a", [0])  # a lone request went at once
    assert sorted(calls[1:]) == [("a", [2, 4, 6, 8]), ("b", [1, 3, 5, 7])]  # then one call per key


async def test_a_failing_call_fails_its_own_group_only() -> None:
    def run(key: str, items: Sequence[int]) -> list[int]:
        if key == "bad":
            raise ValueError("broken model")
        return [i + 1 for i in items]

    batcher: Batcher[str, int, int] = Batcher(run)
    good, bad = await asyncio.gather(batcher.submit("ok", 1), batcher.submit("bad", 2), return_exceptions=True)
    assert good == 2
    assert isinstance(bad, ValueError)
    assert await batcher.submit("ok", 5) == 6  # the batcher keeps working afterwards


async def test_a_cancelled_caller_does_not_break_the_batch() -> None:
    started = threading.Event()
    release = threading.Event()

    def run(key: str, items: Sequence[int]) -> list[int]:
        started.set()
        release.wait(5)
        return list(items)

    batcher: Batcher[str, int, int] = Batcher(run)
    waiter = asyncio.create_task(batcher.submit("k", 1))
    other = asyncio.create_task(batcher.submit("k", 2))
    await asyncio.to_thread(started.wait, 5)
    waiter.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert await other == 2


async def test_an_exception_in_an_items_place_goes_to_that_caller_alone() -> None:
    def run(key: str, items: Sequence[int]) -> list[int | BaseException]:
        return [ValueError(f"bad {i}") if i < 0 else i * 2 for i in items]

    batcher: Batcher[str, int, int] = Batcher(run)
    good, bad = await asyncio.gather(batcher.submit("k", 3), batcher.submit("k", -1), return_exceptions=True)
    assert good == 6
    assert isinstance(bad, ValueError) and str(bad) == "bad -1"


async def test_with_two_workers_a_request_does_not_wait_for_the_running_batch() -> None:
    started: list[list[int]] = []
    first_gate, second_ran = threading.Event(), threading.Event()

    def run(_: None, items: Sequence[int]) -> list[int]:
        started.append(list(items))
        if items[0] == 0:
            first_gate.wait(5)  # the first batch is slow
        else:
            second_ran.set()
        return [i * 2 for i in items]

    batcher: Batcher[None, int, int] = Batcher(run, max_batch=8, workers=2)
    first = asyncio.create_task(batcher.submit(None, 0))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(batcher.submit(None, 1))
    assert await asyncio.to_thread(second_ran.wait, 5)  # ran while the first batch still held its thread
    assert await second == 2
    first_gate.set()
    assert await first == 0
    third = [asyncio.create_task(batcher.submit(None, i)) for i in (3, 4)]
    assert await asyncio.gather(*third) == [6, 8]
    assert started[:2] == [[0], [1]]


async def test_a_request_right_after_a_batch_finished_is_run() -> None:
    # the moment between a drain seeing nothing left and its task's callbacks running: a request
    # that comes then must still start a batch, not wait for one that never comes
    batcher: Batcher[None, int, int] = Batcher(lambda _, items: [i + 1 for i in items], max_batch=8)

    async def one_after_another() -> list[int]:
        return [await batcher.submit(None, i) for i in range(20)]  # each resumes as its batch ends

    assert await asyncio.wait_for(one_after_another(), 5) == list(range(1, 21))

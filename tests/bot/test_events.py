"""The in-process event bus (bot/core/events.py): listeners get events in order; a failing listener is
logged and counted and never reaches the publisher or the other listeners."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.core.events import Answered, Claimed, EventBus, HandedOver


async def test_listeners_get_the_events_of_their_kind_in_order() -> None:
    bus = EventBus()
    got: list[object] = []

    async def record(event: object) -> None:
        got.append(event)

    bus.subscribe(Answered, record)
    first = Answered(tenant="t", conversation_id="c", message_id=1, route="extractive")
    second = Answered(tenant="t", conversation_id="c", message_id=2, route="local")
    await bus.publish(first)
    await bus.publish(HandedOver(tenant="t", conversation_id="c", reason="customer_request"))  # nobody listens
    await bus.publish(second)
    assert got == [first, second]
    assert bus.published == {"Answered": 2, "HandedOver": 1}


async def test_a_failing_listener_is_counted_and_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()
    got: list[object] = []

    async def broken(event: object) -> None:
        raise ZeroDivisionError("a listener's bug")

    async def record(event: object) -> None:
        got.append(event)

    bus.subscribe(Claimed, broken)
    bus.subscribe(Claimed, record)
    event = Claimed(tenant="t", conversation_id="c", handoff_id=7, staff="U1")
    with caplog.at_level(logging.ERROR, logger="bot.core.events"):
        await bus.publish(event)  # does not raise
    assert got == [event]
    assert bus.failures == {"Claimed": 1}
    assert "ZeroDivisionError" in caplog.text and "U1" not in caplog.text  # the kind of error, not the event's content


def test_events_are_frozen_records() -> None:
    event = HandedOver(tenant="t", conversation_id="c", reason="policy")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.reason = "other"  # type: ignore[misc]

from __future__ import annotations

from bot.errors import StageError
from bot.pipeline import HandoffReason, Identity, Outcome, Pipeline, Turn


class Recorder:
    def __init__(self, name: str, log: list[str], *, stop: Outcome | None = None, fail: bool = False) -> None:
        self.name, self._log, self._stop, self._fail = name, log, stop, fail

    async def run(self, turn: Turn) -> None:
        self._log.append(self.name)
        if self._fail:
            raise StageError("boom")
        if self._stop is not None:
            turn.stop(self._stop, reason=HandoffReason.POLICY if self._stop is Outcome.HANDOFF else None)


def turn() -> Turn:
    return Turn(identity=Identity(tenant="default"), text="hi")


async def test_stages_run_in_order_and_stop_at_the_first_outcome() -> None:
    log: list[str] = []
    pipeline = Pipeline([Recorder("a", log), Recorder("b", log, stop=Outcome.HANDOFF), Recorder("c", log)])
    result = await pipeline.run(turn())
    assert log == ["a", "b"]
    assert result.outcome is Outcome.HANDOFF and result.handoff_reason is HandoffReason.POLICY
    assert set(result.timings_ms) == {"a", "b"}


async def test_a_failing_stage_becomes_a_handoff_not_a_crash() -> None:
    log: list[str] = []
    result = await Pipeline([Recorder("a", log, fail=True), Recorder("b", log)]).run(turn())
    assert log == ["a"]
    assert result.outcome is Outcome.HANDOFF and result.handoff_reason is HandoffReason.ERROR
    assert result.notes["failed_stage"] == "a"

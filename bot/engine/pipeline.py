"""The ordered async pipeline: stages run in turn until one sets an outcome.

A stage is one class with a cheap `__init__`, an optional `warm_up()` for heavy loading and one
`async run(turn)`. Stopping is a value (`turn.outcome`), not an exception. This is the error
boundary: any exception from a stage (the project's own, a vector store's, a database's, a model
client's that escaped the tier fallback, a bug) is caught here and turned into an apology plus a
handoff (reason `error`), logged with its traceback but never its message (which may quote the
customer) and counted (`supportbot_stage_errors_total`, from `turn.notes["stage_error"]`).
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from bot.core.errors import error_kind, safe_traceback
# the records of a turn live in the ground layer (policies read them); re-exported here
from bot.core.records import Answer as Answer, Citation as Citation, HandoffReason as HandoffReason, Identity as Identity
from bot.core.records import Option as Option, Outcome as Outcome, Turn as Turn

logger = logging.getLogger(__name__)


class Stage(Protocol):
    name: str

    async def run(self, turn: Turn) -> None: ...


class Pipeline:
    def __init__(self, stages: list[Stage]) -> None:
        self.stages = stages

    def warm_up(self) -> None:
        for stage in self.stages:
            warm = getattr(stage, "warm_up", None)
            if warm is not None:
                warm()

    async def run(self, turn: Turn) -> Turn:
        for stage in self.stages:
            started = time.perf_counter()
            try:
                await stage.run(turn)
            except Exception as exc:  # not BaseException: a cancelled task stays cancelled
                logger.error("stage %s failed with %s\n%s", stage.name, error_kind(exc), safe_traceback(exc))
                turn.notes["failed_stage"] = stage.name
                turn.notes["stage_error"] = error_kind(exc)
                turn.answer = None  # whatever the stage left half done is not shown
                turn.stop(Outcome.HANDOFF, reason=HandoffReason.ERROR)
            finally:
                turn.timings_ms[stage.name] = (time.perf_counter() - started) * 1000
            if turn.outcome is not None:
                break
        if turn.outcome is None:
            turn.stop(Outcome.ANSWER)
        return turn

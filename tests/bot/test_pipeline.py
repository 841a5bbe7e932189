from __future__ import annotations

from bot.core.errors import StageError
from bot.core.late import Late
from bot.engine.pipeline import HandoffReason, Identity, Outcome, Pipeline, Turn


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


# the error boundary: any exception from a stage, one test per kind -------------------------------
import logging  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import openai  # noqa: E402
import pytest  # noqa: E402
import sqlalchemy  # noqa: E402
from pymilvus import MilvusException  # noqa: E402

from bot.engine.generation import GroundedGenerator  # noqa: E402
from bot.engine.models import ModelReply  # noqa: E402
from bot.engine.stages import GenerateStage, RetrieveStage  # noqa: E402
from knowledge.chunking import Chunk  # noqa: E402
from knowledge.retrieval import Passage, Retriever  # noqa: E402
from policies.routing import Route  # noqa: E402

SECRET_QUESTION = "my card 4111 1111 1111 1111 was charged twice, jane.doe@example.com"


class MilvusDown:
    """A vector store whose server answers every search with an error (quoting the query, as servers do)."""

    def search_many(self, *, texts: Sequence[str], **_: Any) -> list[Any]:
        raise MilvusException(code=2, message=f"search failed for {texts[0]!r}: server unavailable")


class UsageStage:
    """A stage that writes to a database whose table is gone: the driver's error quotes the parameters."""

    name = "usage"

    def __init__(self) -> None:
        self._engine = sqlalchemy.create_engine("sqlite://")

    async def run(self, turn: Turn) -> None:
        with self._engine.begin() as conn:
            conn.execute(sqlalchemy.text("INSERT INTO usage (question) VALUES (:q)"), {"q": turn.text})


class Buggy:
    name = "buggy"

    async def run(self, turn: Turn) -> None:
        turn.confidence = len(turn.text) / (len(turn.passages) * 0)  # a plain bug


class ClientWithoutGuard:
    """A chat model client that lets its library's own error out (not `ModelError`), so the tier
    fallback, which catches `ModelError`, does not catch it."""

    tier = "remote"
    model = "gpt-test"

    async def chat(self, messages: Sequence[dict[str, str]], *, on_token: Any = None) -> ModelReply:
        raise openai.APIConnectionError(message=f"connection reset while sending {messages[-1]['content'][:80]!r}",
                                        request=httpx.Request("POST", "http://model.invalid/v1/chat/completions"))


class RemoteRouter:
    def decide(self, turn: Turn, *, affordable: Any) -> Route:
        return Route(tier="remote", reasons=("test",))


class OpenBudget:
    def allows(self, tier: str, **_: Any) -> bool:
        return True

    def record(self, reply: ModelReply, **_: Any) -> float:
        return 0.0


def passage() -> Passage:
    chunk = Chunk(id="c1", doc_id="d1", source="billing.md", title="Billing", url=None, heading="Billing", text="Refunds take five days.", position=0)
    return Passage(chunk=chunk, score=1.0, dense=0.9, title=0.9, lexical=1.0)


def vector_store_error() -> list[Any]:
    return [RetrieveStage(retriever=Retriever(store=MilvusDown()))]  # type: ignore[arg-type]


def model_client_error() -> list[Any]:
    class WithPassages:
        name = "retrieve"

        async def run(self, turn: Turn) -> None:
            turn.passages = [passage()]

    generate = GenerateStage(router=RemoteRouter(), models={"remote": ClientWithoutGuard()}, budget=OpenBudget(),  # type: ignore[arg-type]
                             generator=GroundedGenerator())
    return [WithPassages(), generate]


@pytest.mark.parametrize(
    ("stages", "stage", "error"),
    [
        (vector_store_error, "retrieve", "pymilvus.exceptions.MilvusException"),
        (lambda: [UsageStage()], "usage", "sqlalchemy.exc.OperationalError"),
        (lambda: [Buggy()], "buggy", "builtins.ZeroDivisionError"),
        (model_client_error, "generate", "openai.APIConnectionError"),
    ],
    ids=["vector store", "database", "bug in a stage", "model client"],
)
async def test_any_exception_from_a_stage_becomes_an_apology_and_a_person(
    stages: Any, stage: str, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    after: list[str] = []
    turn = Turn(identity=Identity(tenant="default"), text=SECRET_QUESTION, vector=np.ones(4, dtype=np.float32))
    with caplog.at_level(logging.DEBUG):
        result = await Pipeline([*stages(), Recorder("after", after)]).run(turn)
    assert result.outcome is Outcome.HANDOFF and result.handoff_reason is HandoffReason.ERROR and result.answer is None
    assert result.notes["failed_stage"] == stage and result.notes["stage_error"] == error
    assert after == []  # nothing runs after the failed stage
    # logged, with where it happened, but never what the customer wrote (the exceptions quote it)
    logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert f"stage {stage} failed with {error}" in logged and "message withheld" in logged
    assert "4111" not in logged and "jane.doe" not in logged and "charged twice" not in logged


async def test_a_cancelled_turn_stays_cancelled() -> None:
    class Cancelled:
        name = "slow"

        async def run(self, turn: Turn) -> None:
            raise asyncio.CancelledError

    import asyncio

    with pytest.raises(asyncio.CancelledError):
        await Pipeline([Cancelled()]).run(turn())


def test_one_model_error_class() -> None:
    import bot.core.errors
    import bot.engine.models

    assert bot.engine.models.ModelError is bot.core.errors.ModelError and issubclass(bot.core.errors.ModelError, bot.core.errors.SupportbotError)


async def test_a_turn_that_fails_is_answered_handed_over_counted_and_never_left_pending(core: Any) -> None:
    """Through the durable conversation: the customer hears the apology, a person is asked for (reason
    error), the metric counts it, and the message is done: a restart does not try it again."""
    import dataclasses

    from bot.engine.assistant import Assistant
    from bot.engine.conversations import ConversationService
    from bot.app.metrics import Metrics

    metrics = Metrics()
    services = dataclasses.replace(core, assistant=Assistant(settings=core.settings, pipeline=Pipeline([Buggy()]), pseudonym_key=b"k"))
    escalated: list[str] = []

    class People:
        async def escalate(self, conversation_id: str, *, reason: str, topic: str | None = None, draft: str | None = None,
                           ends_turn: bool = False) -> None:
            escalated.append(reason)

    conversations = ConversationService(
        services=services, on_result=lambda result, channel: metrics.observe(result, channel=channel), handoff=Late("people", People()),
    )
    conversation = conversations.create(tenant="default", channel="widget")
    reply, _ = await conversations.submit(conversation_id=conversation.id, text="why was I charged twice?", client_id=None)
    assert reply.outcome == "handoff" and reply.handoff_reason == "error"
    assert reply.text.startswith("Sorry, something went wrong on our side")
    assert escalated == ["error"]

    # one left pending by a crash is answered at the next start, once: the one after finds nothing to do
    left = conversations.store_inbound(conversation_id=conversation.id, text="hello again", client_id=None)
    assert await conversations.recover() == 1
    assert await conversations.recover() == 0
    assert left.inbound_id not in [m for _, m in conversations._messages.pending()]  # noqa: SLF001
    assert escalated == ["error", "error"]
    counted = metrics.render().decode()
    assert 'supportbot_stage_errors_total{error="ZeroDivisionError",stage="buggy"} 2.0' in counted


@pytest.mark.parametrize(("language_of", "said"), [
    (None, "Hi! What can I help you with?"), (lambda tenant: "es", "¡Hola! ¿En qué puedo ayudarte?"),
])
async def test_a_question_mark_alone_is_greeted_in_the_tenants_language(language_of: Any, said: str) -> None:
    """"?" alone tells no language: the greeting is in the tenant's own (`language = "es"`), English without one."""
    from bot.engine.message_stages import PleasantryStage

    turn = Turn(identity=Identity(tenant="default"), text="?")
    await PleasantryStage(language_of=language_of).run(turn)
    assert turn.outcome is Outcome.ANSWER and turn.answer is not None and turn.answer.text == said

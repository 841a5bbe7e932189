"""The judge: a small model that grades an answer's faithfulness to its cited passages, its relevance
to the question and its tone, each 1-5 with a one-line reason (`SUPPORTBOT_JUDGE_MODEL`).

It goes through the same model clients as answers (bot/engine/models.py: retries, deadline, breaker), is
metered and budgeted like any model call (policies/budget.py), respects the tenant's `never_remote`,
and sees only redacted text: the question and the answer pass the redactor before the prompt is
built. A judge that answers garbage, times out, fails or is over budget leaves the answer ungraded,
with the reason counted (`Judge.ungraded`); it never raises to its caller.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.config import Settings
from bot.core.errors import ModelError
from bot.core.language import caseless_script
from bot.core.records import Tier
from bot.engine.models import ChatModel, ModelReply, OllamaModel, OpenAIModel

logger = logging.getLogger(__name__)

AXES = ("faithfulness", "relevance", "tone")
# No sample object to fill in: a small model copies a sample's placeholder text and numbers verbatim.
SYSTEM = (
    "You grade one answer of a customer-support bot, each of three things from 1 (not at all) to 5 (fully). "
    "faithfulness: is every claim of the answer stated in the passages? "
    "relevance: does the answer give what the question asks for? An answer about another topic gets 1. "
    "tone: is it polite, clear and fit for a customer? "
    'Reply with one JSON object only, with the keys "faithfulness", "relevance" and "tone" (whole numbers 1-5) '
    'and "reason" (one short line of your own words saying why).'
)
MAX_TOKENS = 120  # three grades and one line; a small model that loops in its reason is cut off early
# The same object as a JSON schema, sent as structured output: a server that supports it (OpenAI, vLLM,
# llama.cpp's server, Ollama) constrains decoding to it, so a small judge cannot answer prose or a grade
# out of range. The grades come first, so a reply cut off in a rambling reason still carries them. Only
# the subset every provider takes (no length limits: OpenAI's strict mode refuses them).
GRADE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {**{axis: {"type": "integer", "enum": [1, 2, 3, 4, 5]} for axis in AXES},
                   "reason": {"type": "string"}},
    "required": [*AXES, "reason"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class JudgeGrade:
    faithfulness: int | None = None
    relevance: int | None = None
    tone: int | None = None
    reason: str = ""
    ungraded: str | None = None  # why there is no grade: garbage | timeout | model_error | over_budget | never_remote | unreadable_script

    def to_json(self) -> dict[str, Any]:
        if self.ungraded:
            return {"ungraded": self.ungraded}
        return {"faithfulness": self.faithfulness, "relevance": self.relevance, "tone": self.tone, "reason": self.reason}


def _object_at(decoder: json.JSONDecoder, text: str, start: int) -> Any:
    """The JSON value starting at `start`, or the object that runs to the end of the text closed (cut off
    inside a string, or after a value); None when there is neither."""
    for tail in ("", '"}', "}"):
        try:
            return decoder.raw_decode(text[start:].rstrip() + tail)[0]
        except json.JSONDecodeError:
            continue
    return None


def parse_grade(text: str) -> JudgeGrade | None:
    """The first JSON object of the reply with three whole grades 1-5 and a reason; None for anything else.
    Objects are read whole (a reason may hold braces), wherever they start: after prose, inside a code fence;
    an object cut off at the end of the reply (the token limit, in its reason) counts when its grades are whole."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        data = _object_at(decoder, text, match.start())
        if not isinstance(data, dict):
            continue
        grades = [data.get(axis) for axis in AXES]
        if all(isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 5 for g in grades):
            reason = str(data.get("reason") or "").strip().splitlines()
            return JudgeGrade(*grades, reason=(reason[0] if reason else "")[:200])  # type: ignore[arg-type]
    return None


def judge_model(settings: Settings) -> ChatModel | None:
    """The judge's client on the configured tier, or None when no judge is configured."""
    if not settings.judge_model:
        return None
    if settings.judge_tier == Tier.LOCAL:
        return OllamaModel(host=settings.ollama_host, model=settings.judge_model, timeout=settings.model_timeout)
    return OpenAIModel(base_url=settings.openai_base_url, api_key=settings.openai_api_key, model=settings.judge_model,
                       timeout=settings.model_timeout)


def _timed_out(exc: BaseException | None) -> bool:
    """Whether a client's failure was its deadline (asyncio's, httpx's or openai's timeout)."""
    import httpx
    import openai

    return isinstance(exc, TimeoutError | httpx.TimeoutException | openai.APITimeoutError)


def _refused(exc: BaseException | None) -> bool:
    """Whether the server refused the request as such (400 or 422), as one without structured output may."""
    import openai

    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return True
    try:
        import ollama
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, ollama.ResponseError) and exc.status_code in (400, 422)


Redact = Callable[[str, str], str]  # (text, tenant) -> the text with personal data replaced by placeholders


class Judge:
    """`budget`: a `BudgetBook` (allows / record). `timeout`: seconds for one grade, on top of the client's own."""

    def __init__(self, *, model: ChatModel, budget: Any, settings: Settings, redact: Redact, timeout: float = 20.0) -> None:
        self._model = model
        self._budget = budget
        self._settings = settings
        self._redact = redact
        self._timeout = timeout
        self._schema: Mapping[str, Any] | None = GRADE_SCHEMA  # dropped once the server is seen to refuse it
        self.graded = 0
        self.ungraded: Counter[str] = Counter()

    async def _ask(self, messages: Sequence[dict[str, str]]) -> ModelReply:
        """The judge's reply, in the grade's schema where the server takes one. A server that refuses
        structured output (400/422) but answers without it is asked in words from then on."""
        if self._schema is None:
            return await self._model.chat(messages, max_tokens=MAX_TOKENS)
        try:
            return await self._model.chat(messages, schema=self._schema, max_tokens=MAX_TOKENS)
        except ModelError as exc:
            if not _refused(exc.__cause__):
                raise
            reply = await self._model.chat(messages, max_tokens=MAX_TOKENS)  # raises again when the request itself was the trouble
            logger.warning("the judge's server refuses structured output; the grade's format is asked for in the prompt only")
            self._schema = None
            return reply

    def _skip(self, why: str) -> JudgeGrade:
        self.ungraded[why] += 1
        return JudgeGrade(ungraded=why)

    async def grade(self, *, tenant: str, question: str, answer: str, passages: Mapping[str, str], cited: Sequence[str],
                    user: str | None = None, conversation_id: str | None = None) -> JudgeGrade:
        tier = self._model.tier
        if tier == Tier.REMOTE and self._settings.tenant(tenant).routing.never_remote:
            return self._skip("never_remote")
        if tier == Tier.REMOTE and (caseless_script(question) or caseless_script(answer)):
            return self._skip("unreadable_script")  # names redaction cannot find (policies/routing.py)
        if not await asyncio.to_thread(self._budget.allows, tier, tenant=tenant, user=user):
            return self._skip("over_budget")
        asked, said = await asyncio.to_thread(lambda: (self._redact(question, tenant), self._redact(answer, tenant)))
        shown = "\n\n".join(f"[{n}] {source}\n{passages[source]}" for n, source in enumerate(cited, 1) if source in passages)
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": f"<question>\n{asked}\n</question>\n<answer>\n{said}\n</answer>\n"
                                                f"<passages>\n{shown or '(none cited)'}\n</passages>"}]
        try:
            async with asyncio.timeout(self._timeout):
                reply = await self._ask(messages)
        except TimeoutError:
            return self._skip("timeout")
        except ModelError as exc:
            # the client's own deadline shows as a ModelError caused by a TimeoutError
            return self._skip("timeout" if _timed_out(exc.__cause__) else "model_error")
        await asyncio.to_thread(self._budget.record, reply, tenant=tenant, user=user, conversation_id=conversation_id)
        grade = parse_grade(reply.text)
        if grade is None:
            logger.info("the judge answered no grade (%d characters)", len(reply.text))
            return self._skip("garbage")
        self.graded += 1
        return grade

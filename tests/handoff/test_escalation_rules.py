"""Why a conversation goes to people, and which tenant a Slack workspace is: the rules on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.core.errors import ConfigError
from bot.core.handoff_policy import amounts, policy_from
from bot.engine.confidence_stage import ConfidenceStage
from bot.engine.pipeline import Answer, HandoffReason, Identity, Turn
from channels.slack_workspaces import tenant_for_team
from knowledge.chunking import Chunk
from knowledge.retrieval import Passage


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("refund of $40 please", [40.0]),
        ("I paid 900€ and want it back", [900.0]),
        ("EUR 1.250,50 was taken twice", [1250.5]),
        ("$1,250 and then 19.99 dollars", [1250.0, 19.99]),
        ("order 12345 from <PERSON_1>, call <PHONE_1>", []),  # numbers without a currency are no amounts
    ],
)
def test_amounts_are_read_from_the_redacted_message(text: str, found: list[float]) -> None:
    assert amounts(text) == found


def test_a_human_only_topic_with_a_limit_keeps_small_amounts_for_the_bot() -> None:
    policy = policy_from({"handoff": {"topics": {"refunds": {"human_only": True, "max_amount": 100, "examples": ["I want a refund"]}}}})
    refunds = policy.topic("refunds")
    assert refunds is not None
    assert not refunds.for_people("a refund of $40") and not refunds.for_people("how do refunds work?")
    assert refunds.for_people("a refund of $900") and refunds.for_people("$40 now and $150 later")
    with pytest.raises(ConfigError, match="max_amount"):
        policy_from({"handoff": {"topics": {"refunds": {"human_only": True, "max_amount": "lots"}}}})


def _turn(answer: Answer | None, *, dense: float) -> Turn:
    chunk = Chunk(id="c1", doc_id="d1", source="sample_kb/refund-policy.md", title="Refund policy", url=None, heading="", text="Refunds take 5 days.", position=0)
    turn = Turn(identity=Identity(tenant="default", user="u", channel="test"), text="how long do refunds take?")
    turn.passages = [Passage(chunk=chunk, score=1.0, dense=dense, title=dense, lexical=1.0)]
    turn.answer = answer
    return turn


async def test_a_refused_answer_is_low_confidence_and_nothing_relevant_is_no_answer(tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.toml"
    tenants.write_text("[tenants.default]\n[tenants.default.thresholds]\nmin_confidence = 0.95\n")
    stage = ConfidenceStage(settings=Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants)}))
    answer = Answer(text="Refunds take 5 days.", citations=(), route="extractive")

    relevant_but_doubted = _turn(answer, dense=0.7)  # confidence ~0.78, the tenant wants 0.95
    await stage.run(relevant_but_doubted)
    assert relevant_but_doubted.handoff_reason is HandoffReason.LOW_CONFIDENCE

    nothing_to_say = _turn(None, dense=0.7)
    await stage.run(nothing_to_say)
    assert nothing_to_say.handoff_reason is HandoffReason.NO_ANSWER

    off_topic = _turn(answer, dense=0.2)  # below min_dense: the help center does not cover it
    await stage.run(off_topic)
    assert off_topic.handoff_reason is HandoffReason.NO_ANSWER

    model_says_not_covered = _turn(Answer(text="", citations=(), route="local", not_in_sources=True, support=0.0), dense=0.7)
    await stage.run(model_says_not_covered)
    assert model_says_not_covered.handoff_reason is HandoffReason.NO_ANSWER


def test_slack_workspaces_map_to_tenants_by_the_customers_own_team(tmp_path: Path) -> None:
    def settings(toml: str) -> Settings:
        (tmp_path / "tenants.toml").write_text(toml)
        return Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tmp_path / "tenants.toml")})

    bound = settings('[tenants.default.slack]\nteam_id = "THOST"\n[tenants.acme.slack]\nteam_id = "TACME"\n')
    # a shared channel: the event comes through the host workspace, the customer is from acme (user_team)
    assert tenant_for_team(bound, "TACME", "THOST") == "acme"
    assert tenant_for_team(bound, None, "THOST") == "default"
    assert tenant_for_team(bound, "TSTRANGER") is None  # nobody claims it: no tenant's help center for it

    partly = settings('[tenants.default]\n[tenants.acme.slack]\nteam_id = "TACME"\n')
    assert tenant_for_team(partly, "TSTRANGER") is None
    unbound = settings("[tenants.default]\n[tenants.other]\n")
    assert tenant_for_team(unbound, "TANY") == "default"  # one workspace, no bindings: the default tenant

"""The router's decisions from the tenants file: the tenant's own hard and easy examples, the remote
tier only for some plans, a preferred tier, length and several-questions signals, and weak evidence
handed off without paying for a model call (checked end to end against loopback model servers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.engine.pipeline import Identity, Turn
from bot.app.composition import Services, build_services
from bot.core.config import Settings
from knowledge.chunking import Chunk
from knowledge.embedding import FastEmbedder
from knowledge.retrieval import Passage
from policies.routing import EXTRACTIVE, LOCAL, REMOTE, Route, Router
from tests.conftest import make_settings
from tests.fakes.model_servers import FakeOllama, FakeOpenAI

SIMPLE = "how do I change the language of the app?"
HARD = "I followed the SAML guide but users from Okta still can't log in and provisioning fails, what else should we check and why?"
CONNECTOR = "how do I restart the connector agent?"
TENANTS = """
[tenants.default]
[tenants.connector.routing]
hard_examples = ["how do I restart the on-prem connector agent?"]
[tenants.plain.routing]
easy_examples = ["SAML users from Okta can't log in and provisioning fails, what should we check?"]
[tenants.plans.routing]
remote_groups = ["enterprise"]
[tenants.eager.routing]
prefer = "remote"
[tenants.strict.thresholds]
min_dense = 0.9
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("routing")
    (folder / "tenants.toml").write_text(TENANTS)
    return make_settings(folder / "data", SUPPORTBOT_TENANTS_FILE=str(folder / "tenants.toml"))


@pytest.fixture(scope="module")
def embedder(settings: Settings) -> FastEmbedder:
    model = FastEmbedder(model=settings.embedding_model, cache_dir=settings.data_dir / "models")
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def router(embedder: FastEmbedder, settings: Settings) -> Router:
    routing = Router(embedder=embedder, settings=settings, tiers=[LOCAL, REMOTE])
    routing.warm_up()
    return routing


def passage(similarity: float, *, source: str = "sample_kb/guide.md") -> Passage:
    chunk = Chunk(id="c1", doc_id="d1", source=source, title="Guide", url=None, heading="", text="Some help text.", position=0)
    return Passage(chunk=chunk, score=1.0, dense=similarity, title=similarity / 2, lexical=1.0)


def turn(embedder: FastEmbedder, text: str, *, tenant: str = "default", groups: tuple[str, ...] = ("public",), similarity: float = 0.7) -> Turn:
    made = Turn(identity=Identity(tenant=tenant, user="u1", channel="test"), text=text)
    made.vector = embedder.embed([text])[0]
    made.passages = [passage(similarity)]
    made.notes["groups"] = list(groups)
    return made


def decide(router: Router, made: Turn, *, affordable: tuple[str, ...] = (LOCAL, REMOTE)) -> Route:
    return router.decide(made, affordable=lambda tier: tier in affordable or tier == EXTRACTIVE)


def test_a_tenants_own_hard_examples_send_its_questions_to_the_remote_tier(router: Router, embedder: FastEmbedder) -> None:
    default = decide(router, turn(embedder, CONNECTOR))
    connector = decide(router, turn(embedder, CONNECTOR, tenant="connector"))
    assert default.tier == LOCAL and "simple question" in default.reasons
    assert connector.tier == REMOTE and "hard question" in connector.reasons and connector.difficulty > default.difficulty


def test_a_tenants_own_easy_examples_keep_its_questions_local(router: Router, embedder: FastEmbedder) -> None:
    assert decide(router, turn(embedder, HARD)).tier == REMOTE
    plain = decide(router, turn(embedder, HARD, tenant="plain"))
    assert plain.tier == LOCAL and "simple question" in plain.reasons


def test_the_remote_tier_only_for_the_plans_that_include_it(router: Router, embedder: FastEmbedder) -> None:
    public = decide(router, turn(embedder, HARD, tenant="plans"))
    assert public.tier == LOCAL and "remote tier not in this customer's plan" in public.reasons
    assert decide(router, turn(embedder, HARD, tenant="plans", groups=("public", "enterprise"))).tier == REMOTE


def test_a_preferred_tier_wins_over_difficulty(router: Router, embedder: FastEmbedder) -> None:
    eager = decide(router, turn(embedder, SIMPLE, tenant="eager"))
    assert eager.tier == REMOTE and "tenant prefers remote" in eager.reasons
    assert decide(router, turn(embedder, SIMPLE)).tier == LOCAL


def test_long_and_several_part_questions_count_as_harder(router: Router, embedder: FastEmbedder) -> None:
    short = turn(embedder, SIMPLE)
    base, reasons = router.difficulty(short)
    assert reasons == []
    longer = turn(embedder, SIMPLE)
    longer.text = SIMPLE[:-1] + ", given that " + "I looked through the settings pages, the help center and the menus, " * 3 + "without finding it?"
    several = turn(embedder, SIMPLE)
    several.text = "How do I change the language? And can each colleague pick their own?"
    for made, reason in ((longer, "long question"), (several, "several questions")):
        made.vector = short.vector  # same meaning: only the signal differs
        score, reasons = router.difficulty(made)
        assert reasons == [reason] and score == pytest.approx(base + 0.05)


def test_over_budget_steps_down_with_its_reasons(router: Router, embedder: FastEmbedder) -> None:
    route = decide(router, turn(embedder, HARD), affordable=(LOCAL,))
    assert route.tier == LOCAL and "over budget for remote" in route.reasons
    route = decide(router, turn(embedder, HARD), affordable=())
    assert route.tier == EXTRACTIVE and route.reasons[-2:] == ("over budget for remote", "over budget for local")


def test_weak_evidence_is_a_handoff_route_with_its_reason(router: Router, embedder: FastEmbedder) -> None:
    weak = decide(router, turn(embedder, SIMPLE, similarity=0.2))
    assert weak.handoff and weak.tier == EXTRACTIVE and weak.reasons == ("weak evidence: top passage similarity 0.20 below 0.40",)
    assert weak.to_json()["handoff"] is True
    none = turn(embedder, SIMPLE)
    none.passages = []
    assert decide(router, none).handoff
    # the threshold is the tenant's own
    assert decide(router, turn(embedder, SIMPLE, tenant="strict", similarity=0.8)).handoff
    assert not decide(router, turn(embedder, SIMPLE, similarity=0.8)).handoff


@pytest.fixture(scope="module")
def services(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    ollama, openai = servers
    built = build_services(make_settings(
        tmp_path_factory.mktemp("routed"), OLLAMA_HOST=ollama.url, SUPPORTBOT_LOCAL_MODEL="qwen2.5:0.5b",
        OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
    ))
    built.start(sample=True)
    yield built
    built.close()


async def test_weak_evidence_hands_off_without_calling_any_model(services: Services, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    ollama, openai = servers
    result = await services.assistant.ask("what will the weather be like in Lisbon tomorrow afternoon?", identity=Identity(tenant="default", user="u1", channel="test"))
    assert ollama.requests == [] and openai.requests == []  # nothing paid for
    assert result.outcome.value == "handoff" and result.handoff_reason is not None and result.handoff_reason.value == "no_answer"
    routing = result.details["routing"]
    assert routing["handoff"] is True and routing["reasons"][0].startswith("weak evidence")
    # a covered question still reaches a model
    covered = await services.assistant.ask("I forgot my password and can't sign in, what now?", identity=Identity(tenant="default", user="u1", channel="test"))
    assert covered.details["routing"].get("handoff") is None and len(ollama.requests) == 1

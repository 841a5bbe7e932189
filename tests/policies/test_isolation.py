"""Tenants never see each other's knowledge, whatever they ask."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path

from bot.engine.pipeline import Identity
from bot.app.composition import Services

TOPICS = {
    "support-hours": ("Support hours", "Our support team answers chats from {hours}, Monday to Friday."),
    "refunds": ("Refund policy", "Refunds are paid back within {days} days to the original payment method."),
    "storage": ("Storage limits", "Each workspace can store up to {gb} GB of files on the Team plan."),
    "export": ("Exporting data", "Exports are produced as a ZIP archive and kept for {days} days."),
    "sso": ("Single sign-on", "SAML single sign-on is available on the {plan} plan."),
}
FACTS = {
    "alpha": {"hours": "8 am to 4 pm", "days": "7", "gb": "100", "plan": "Business"},
    "beta": {"hours": "10 am to 10 pm", "days": "21", "gb": "250", "plan": "Enterprise"},
}
TEMPLATES = [
    "{t}?", "what is your {t}", "tell me about the {t}", "question about {t} please", "how does {t} work for us",
    "I need details on {t}", "{t} - can you explain", "where do I find info on {t}", "quick one: {t}",
    "help with {t}", "can you remind me of the {t}", "explain {t} to me like I'm new", "any news about {t}",
]


def tenants_file(tmp_path: Path) -> Path:
    path = tmp_path / "tenants.toml"
    path.write_text("[tenants.alpha]\n[tenants.beta]\n")
    return path


async def test_no_question_from_one_tenant_returns_the_others_passage(make_services: Callable[..., Services], tmp_path: Path) -> None:
    services = make_services(SUPPORTBOT_TENANTS_FILE=str(tenants_file(tmp_path)))
    for tenant, facts in FACTS.items():
        folder = tmp_path / tenant
        folder.mkdir()
        for slug, (title, body) in TOPICS.items():
            (folder / f"{slug}.md").write_text(f"# {title}\n\n{body.format(**facts)}\n")
        services.ingestor.ingest([folder], tenant=tenant)
    questions = [
        prefix + template.format(t=title.lower())
        for prefix, template, (title, _) in itertools.product(("", "hi, ", "urgent: "), TEMPLATES, TOPICS.values())
    ]
    questions += [f"is it {fact}?" for facts in FACTS.values() for fact in facts.values()]
    assert len(questions) >= 200

    async def check(tenant: str, other: str, question: str) -> None:
        result = await services.assistant.ask(question, identity=Identity(tenant=tenant))
        for citation in result.citations:
            # ingested by absolute path: the source is that path without its leading "/" (knowledge/ingest.py)
            assert citation.source.startswith(str(tmp_path / tenant).lstrip("/") + "/"), (tenant, question, citation.source)
        for value in FACTS[other].values():
            if value not in FACTS[tenant].values():
                assert value not in result.answer, (tenant, question, result.answer)

    pairs = [("alpha", "beta"), ("beta", "alpha")]
    await asyncio.gather(*(check(t, o, q) for (t, o), q in itertools.product(pairs, questions)))
    answered = 0
    for slug, (title, _) in TOPICS.items():
        result = await services.assistant.ask(f"what is your {title.lower()}?", identity=Identity(tenant="beta"))
        answered += result.outcome.value == "answer"
    assert answered >= 4  # the check above is not vacuous: beta does get its own answers

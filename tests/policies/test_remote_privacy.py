"""No personal value of a customer's message reaches the remote model, and odd questions (only a
placeholder, only a name, only digits, a pasted log) get an answer or a handoff, never a crash.

Through the whole pipeline with the real `openai` client against the loopback fake OpenAI server,
which keeps every request body it receives."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from bot.engine.pipeline import Identity, Outcome
from bot.app.composition import Services, build_services
from tests.conftest import make_settings
from tests.fakes.model_servers import FakeOllama, FakeOpenAI

QUESTIONS = [
    "how do I reset my password?", "how do I export my data?", "can I get a refund for my annual plan?",
    "how do I turn on two-factor authentication?", "how do I invite members to my workspace?", "how do I cancel my subscription?",
    "where do I download my invoices?", "how do I connect Slack?", "how do I change my email address?", "how do I delete my account?",
]
# names spelt as customers write them: rare surnames, lower case, initials, first names that are words
NAMES = ["Destiny Ogasahara", "hyuuma t. maida", "Keiko Watanabe-Hollis", "Olumide Adeyemi", "Sigrún Þórsdóttir", "Priyanka R. Venkataraman",
         "Mateusz Grzybowski", "Aoife Ní Bhriain", "Thandiwe Mokoena", "Joaquín Echeverría"]
EMAILS = ["d.ogasahara@example.com", "hyuuma.maida@example.jp", "kwh@example.org", "olu.adeyemi@example.ng", "sigrun@example.is"]
PHONES = ["+1 415-555-0134", "+44 20 7946 0958", "(212) 555-0187", "+49 30 901820", "+81 3-1234-5678"]
CARDS = ["4111 1111 1111 1111", "5555 5555 5555 4444", "3782 822463 10005", "6011 1111 1111 1117"]
TEMPLATES = [
    "Hi, I'm {name}. {q} My email is {email}.",
    "my name is {name} and {q} you can reach me at {phone}",
    "{q} The card ending in my account is {card}. Thanks, {name}",
    "Hello, this is {name} ({email}). {q}",
    "{q}\n\n{name}\n{phone}\n{email}",
    "Dear support, {q} Please call me on {phone}. Regards, {name}",
    "{q} My card {card} was charged twice. My name is {name}.",
    "This is {name}, {q} My number is {phone}, card {card}",
]


def messages() -> list[tuple[str, list[str]]]:
    rng = random.Random(15)
    out = []
    for i in range(40):
        values = {"name": NAMES[i % len(NAMES)], "email": rng.choice(EMAILS), "phone": rng.choice(PHONES), "card": rng.choice(CARDS)}
        template = TEMPLATES[i % len(TEMPLATES)]
        text = template.format(q=QUESTIONS[i % len(QUESTIONS)], **values)
        secrets = [v for k, v in values.items() if "{" + k + "}" in template]
        out.append((text, secrets))
    return out


def _pieces(value: str) -> list[str]:
    """What must not be sent of a value: every name word of 3 letters or more; the digits of numbers."""
    if "@" in value:
        return [value.lower()]
    if any(c.isdigit() for c in value):
        return [re.sub(r"\D", "", value)]
    return [w.strip(".").lower() for w in value.split() if len(w.strip(".")) >= 3]


@pytest.fixture(scope="module")
def services(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    _, openai = servers
    folder = tmp_path_factory.mktemp("remote_privacy")
    settings = make_settings(
        folder / "data", OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini",
        SUPPORTBOT_MODEL_TIMEOUT="5",
    )
    made = build_services(settings)
    made.start()
    yield made
    made.close()


async def test_no_personal_value_reaches_the_remote_model(services: Services, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    _, openai = servers
    openai.requests.clear()
    cases = messages()
    for text, _ in cases:
        await services.assistant.ask(text, identity=Identity(tenant="default", user="u1", channel="test"), record=False)
    sent = openai.everything_sent().lower()
    sent_digits = re.sub(r"\D", "", sent)
    assert len(openai.requests) >= 10, "too few questions went to the remote model for the test to say anything"
    leaked = set()
    for _, secrets in cases:
        for value in secrets:
            for piece in _pieces(value):
                haystack = sent_digits if piece.isdigit() else sent
                if piece in haystack if piece.isdigit() else re.search(rf"(?<![\w]){re.escape(piece)}(?![\w])", haystack):
                    leaked.add(piece)
    assert not leaked, f"sent to the remote model: {sorted(leaked)}"


@pytest.mark.parametrize(
    "text",
    [
        "<PERSON_1>",
        "<EMAIL_1> <PHONE_2>",
        "jane.doe@example.com",  # searched by its original's vector, it was offered the articles about e-mail
        "+1 415 555 0132",
        "Destiny Ogasahara",
        "hyuuma t. maida",
        "1234567890",
        "4111 1111 1111 1111",
        "00000",
        "2024-05-01 12:00:03,114 ERROR [worker-7] job 88213 failed after 3 retries (code 500) 10.0.0.12:8443 took 1532 ms\n"
        "2024-05-01 12:00:04,002 WARN [worker-2] queue depth 1204 > 1000, 17 consumers, 0.93 load\n" * 8,
    ],
)
async def test_odd_questions_get_an_answer_or_a_handoff(services: Services, text: str) -> None:
    result = await services.assistant.ask(text, identity=Identity(tenant="default", user="u2", channel="test"), record=False)
    assert result.outcome in (Outcome.ANSWER, Outcome.HANDOFF)
    assert result.answer.strip()


@pytest.mark.parametrize("text", [
    "how do I cancel my subscription? I have to explain why to my colleague. شكرا، محمد عبد الرحمن",
    "why does the sync fail when two people edit the same page at once? 田中 太郎より",
])
async def test_a_message_in_a_script_redaction_cannot_read_never_reaches_the_remote_model(
        services: Services, servers: tuple[FakeOllama, FakeOpenAI], text: str) -> None:
    """Redaction finds names by capitals and the English NER: an Arabic or Japanese signature passed it
    unchanged and went, with the question, to the only model configured, the remote one. Now such a
    message gets the extractive answer, the articles to choose from or a person (policies/routing.py
    `caseless_script`): none of them asks a model."""
    _, openai = servers
    openai.requests.clear()
    result = await services.assistant.ask(text, identity=Identity(tenant="default", user="u3", channel="test"), record=False)
    assert result.outcome in (Outcome.ANSWER, Outcome.CLARIFY, Outcome.HANDOFF) and result.answer.strip()
    sent = openai.everything_sent()
    assert "محمد" not in sent and "田中" not in sent
    # the same question signed in Latin letters is redacted and does reach it
    await services.assistant.ask(text.split("?")[0] + "? Thanks, Olumide Adeyemi", identity=Identity(tenant="default", user="u3", channel="test"),
                                 record=False)
    assert openai.requests and "adeyemi" not in openai.everything_sent().lower()

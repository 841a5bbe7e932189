"""The tenant's own words are not personal data: product, feature and UI names stay, numbers need a
real address's structure, and the message itself can still say that a word is a name."""

from __future__ import annotations

import pytest

from bot.engine.pipeline import Identity
from bot.app.composition import Services
from knowledge.terms import TenantTerms, terms_of
from policies.redaction import SpacyRedactor

KB = [
    ("Paperkite and Google Drive", "Connect Google Drive", "Paperkite syncs with Google Drive. Open Settings and pick Google Drive."),
    ("Boards", "Move a row", "Every Row belongs to a board. To move a Row, drag it. Ask Maria in billing about invoices."),
    ("Plans", "", "The Zentrix plan includes Zentrix Sync. Zentrix works offline."),
]


@pytest.fixture(scope="module")
def redactor() -> SpacyRedactor:
    terms = TenantTerms(load=lambda tenant: KB if tenant == "acme" else [], keep=lambda tenant: ["Orbly"] if tenant == "acme" else [])
    r = SpacyRedactor(terms=terms.for_tenant)
    r.warm_up()
    return r


def test_the_terms_come_from_titles_headings_and_recurring_capitalised_words() -> None:
    terms = terms_of(KB)
    assert {"paperkite", "google drive", "google", "drive", "row", "zentrix"} <= terms
    assert "maria" not in terms  # a first name the articles mention once stays a name


# a product named like a person, never in a title: the articles open it, install it, name its app and its plan;
# a colleague of the same kind of name is asked and contacted
FIRST_NAME_PRODUCT_KB = [
    ("Getting started", "Install the app", "Download Juno from the App Store. Open Juno and sign in. The Juno app works on iPhone."),
    ("Invite your team", "", "In Juno, go to Settings > Members. Ask Nell in billing if the seat count is wrong."),
    ("Export your data", "", "Juno exports boards to CSV. The Juno Pro plan adds PDF export. Contact Nell for invoices."),
]


def test_a_first_name_the_articles_use_as_the_product_is_a_term_and_one_they_ask_stays_a_name() -> None:
    terms = terms_of(FIRST_NAME_PRODUCT_KB)
    assert "juno" in terms and "nell" not in terms
    # used for a person as often as for a product ("invoices from Juno Vesketh", "in Juno Vesketh's name"): not a term
    assert "juno" not in terms_of([("Invoices", "", "Find invoices from Juno Vesketh. Search in Juno Vesketh's name. Open Juno Vesketh's bill.")])
    r = SpacyRedactor(terms=lambda _tenant: terms)
    r.warm_up()
    assert r.redact_sync("What components does Juno have?", tenant="t").redacted == "What components does Juno have?"
    assert r.redact_sync("I talked with Nell yesterday about the invoice", tenant="t").redacted == \
        "I talked with <PERSON_1> yesterday about the invoice"
    assert r.redact_sync("My name is Juno Vesketh", tenant="t").redacted == "My name is <PERSON_1>"


@pytest.mark.parametrize(
    "text",
    [
        "Does Paperkite sync with Google Drive?",
        "What components does Zentrix have?",
        "How do I move Row 500 to another board?",
        "Is Orbly included in my plan?",  # keep_terms
    ],
)
def test_the_tenants_own_words_stay(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text, tenant="acme").redacted == text


def test_the_message_can_still_say_it_is_a_name(redactor: SpacyRedactor) -> None:
    assert redactor.redact_sync("My name is Zentrix Paperkite", tenant="acme").redacted == "My name is <PERSON_1>"
    assert "<PERSON_1>" in redactor.redact_sync("I talked with Maria yesterday about the invoice", tenant="acme").redacted


def test_a_real_address_stays_an_address_even_of_tenant_words(redactor: SpacyRedactor) -> None:
    result = redactor.redact_sync("Send it to 12 Row Street, Leeds LS1 4AB", tenant="acme")
    assert "12" not in result.redacted and "<STREET_ADDRESS_1>" in result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "How do I move row 500 to another board?",
        "Please close 2 of my tickets",
        "Close 2 of my tickets",
        "how do i move row 500 to another board",
        "where is invoice #00108",
        "what is the square root of 144",
        "I've been in Mexico from August 1 to August 5",
        "Does Paperkite sync with Google Drive?",
        "Can I pay with American Express?",
        "Where is Focus Mode on the desktop app?",
        "Can I install it on Fedora 39?",
        "Can I schedule YouTube Shorts?",
        "Refund for order 7731-2290 still hasn't arrived",
    ],
)
def test_without_any_knowledge_base_ordinary_words_and_numbers_stay(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hi, this is Destiny, my order never came", "Destiny"),
        ("my name is hyuuma t. maida and my card was charged twice", "hyuuma"),
        ("Please ask Ms. Ogasahara to call me back", "Ogasahara"),
        ("Thanks,\nKeiko Ogasahara\nkeiko@example.com", "Ogasahara"),
    ],
)
def test_names_the_context_calls_names_go(redactor: SpacyRedactor, text: str, value: str) -> None:
    assert value not in redactor.redact_sync(text).redacted


async def test_the_pipeline_keeps_the_sample_help_centers_words(core: Services) -> None:
    """Through `ask`: the sample help center's own product and integration are no people, and the
    question finds the Google Drive article among its passages (which one ranks first is the
    retrieval's business, not redaction's)."""
    result = await core.assistant.ask("Does Paperkite sync with Google Drive?", identity=Identity(tenant="default", channel="test"), record=False)
    assert any(source.endswith("google-drive-integration.md") for source in result.details["retrieved"])
    redacted = await core.redactor.redact("Does Paperkite sync with Google Drive?", tenant="default")
    assert redacted.redacted == "Does Paperkite sync with Google Drive?"


def test_terms_are_read_on_first_use_once_per_tenant_and_never_from_before_a_reingest() -> None:
    """The terms of the knowledge base as `terms_of` finds them, plus keep_terms; read once however
    many ask at once; an ingest landing while they are read has them read again, per tenant."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    kb = {"acme": KB, "globex": [("Widgets", "", "Frobnitz Pro pairs with Frobnitz Pro Max.")]}
    reading, ingested = threading.Event(), threading.Event()
    loads: list[str] = []

    def load(tenant: str) -> list[tuple[str, str, str]]:
        loads.append(tenant)
        chunks = kb[tenant]
        if tenant == "acme" and len(loads) == 1:
            reading.set()
            ingested.wait(5)
        return chunks

    terms = TenantTerms(load=load, keep=lambda tenant: ["Orbly"] if tenant == "acme" else [])
    assert not terms.is_cached("acme") and loads == []  # nothing read before it is asked for
    with ThreadPoolExecutor(4) as pool:
        first = [pool.submit(terms.for_tenant, "acme") for _ in range(3)]
        assert reading.wait(5)
        kb["acme"] = [*KB, ("Quorbit export", "", "Export to Quorbit.")]  # the re-ingest
        terms.refresh("acme")
        ingested.set()
        found = {f.result(timeout=5) for f in first}
    assert found == {terms_of(kb["acme"]) | {"orbly"}} and "quorbit" in terms.for_tenant("acme")
    assert loads == ["acme", "acme"]  # three first asks: one read, made again once for the ingest
    assert terms.for_tenant("globex") == terms_of(kb["globex"]) and "quorbit" not in terms.for_tenant("globex")

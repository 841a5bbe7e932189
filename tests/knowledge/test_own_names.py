"""The help center's own product name in a question is no part of what is searched for: every article is about
the product, but only some write its name, and questions naming it were answered from those (or handed over)."""

from __future__ import annotations

import pytest

from bot.app.composition import Services
from bot.engine.pipeline import Identity
from knowledge.own_names import own_names, site_labels
from knowledge.vocabulary import TenantVocabulary

URL = "https://help.lumenhome.example/articles/{}"
ARTICLES = {
    "restart": "Restart your hub. Hold the button on the back of the Lumen hub for five seconds. Home screen shows a spinner.",
    "wifi": "Wi-Fi needs. The Lumen app needs 2.4 GHz. Go back home and open Settings on your phone.",
    "plans": "Plans. Lumen Protect keeps 30 days of video. Your home is covered by one plan. Lumen Protect is monthly.",
}


def chunks(*, urls: bool = True) -> list[tuple[str, str | None, str]]:
    return [(doc, URL.format(doc) if urls else None, text) for doc, text in ARTICLES.items()]


def test_the_word_of_the_site_name_the_articles_write_with_a_capital_is_the_own_name() -> None:
    # "Home" is part of the host too, but the articles write "home" in lower case: an ordinary word
    assert own_names(chunks()) == {"lumen"}
    assert site_labels(["https://help.lumenhome.example/a", "https://status.lumen-home.example", "support.acme.com:8443"]) == {
        "lumenhome", "lumen", "acme"}


def test_a_hosting_platform_in_the_host_is_no_name_of_the_product() -> None:
    # a help center hosted on a platform it also integrates with: "Zendesk" must stay in questions about that
    docs = [(doc, f"https://lumen.zendesk.com/hc/{doc}", f"{text} Connect Zendesk to see tickets. Zendesk users sync.")
            for doc, text in ARTICLES.items()]
    assert own_names(docs) == {"lumen"}


def test_the_widget_origins_name_the_site_when_the_articles_have_no_links() -> None:
    # "lumen" is a dictionary word: without the site's name, nothing says it is this product's
    assert own_names(chunks(urls=False)) == frozenset()
    assert own_names(chunks(urls=False), sites=["https://www.lumenhome.example"]) == {"lumen"}


def test_an_invented_word_most_articles_write_with_a_capital_is_the_own_name_without_any_site() -> None:
    docs = [(doc, None, text.replace("Lumen", "Quorvel")) for doc, text in ARTICLES.items()]
    assert own_names(docs) == {"quorvel"}
    # two products of one maker, each in half the articles: each name tells the articles apart
    two = [(doc, None, text.replace("Lumen", "Quorvel" if i % 2 else "Zimbrax")) for i, (doc, text) in enumerate([*ARTICLES.items(), ("more", "Lumen more.")])]
    assert own_names(two) == frozenset()
    # in one article of three only: a feature's or a partner's name, which questions need to find the article
    docs = [(doc, None, text.replace("Lumen", "Quorvel") if doc == "plans" else text.replace("Lumen", "the")) for doc, text in ARTICLES.items()]
    assert own_names(docs) == frozenset()


def test_links_and_code_in_lower_case_do_not_hide_the_name() -> None:
    docs = [*chunks(), ("sdk", URL.format("sdk"), "Install it with `pip install lumen` or see status.lumenhome.example for Lumen.")]
    assert own_names(docs) == {"lumen"}


def vocabulary() -> TenantVocabulary:
    return TenantVocabulary(load=lambda tenant, keys: list(ARTICLES.values()) if keys else [],
                            documents=lambda tenant, keys: chunks() if keys else [])


def test_the_own_name_is_found_in_a_question_as_written() -> None:
    words = vocabulary()
    assert words.own_names_in("How do I restart my Lumen hub?", tenant="t", access_keys=["public"]) == ["Lumen"]
    assert words.own_names_in("does lumen's app need wifi", tenant="t", access_keys=["public"]) == ["lumen's"]
    assert words.own_names_in("restart the hub", tenant="t", access_keys=["public"]) == []
    # a link or an address naming the site is no word of the question
    assert words.own_names_in("see help.lumenhome.example/lumen for the hub", tenant="t", access_keys=["public"]) == []


def test_a_question_that_is_only_the_name_keeps_it() -> None:
    words = vocabulary()
    assert words.own_names_in("What is Lumen?", tenant="t", access_keys=["public"]) == []
    assert words.own_names_in("Lumen", tenant="t", access_keys=["public"]) == []
    assert words.own_names_in("Lumen", tenant="t", access_keys=[]) == []  # nothing readable: no names


@pytest.mark.parametrize(("question", "plain"), [
    ("is my data in Paperkite stored in the EU?", "is my data stored in the EU?"),
    ("can I undo deleting a card in Paperkite", "can I undo deleting a card"),
    ("does paperkite's API limit how many calls I make", "does the API limit how many calls I make"),
])
async def test_a_question_naming_the_product_is_answered_as_it_would_be_without(core: Services, question: str, plain: str) -> None:
    """The sample help center's articles are all about Paperkite; a third of them write its name. Searched with
    the name, the data question was answered from the GDPR article and the card question handed over."""
    identity = Identity(tenant="default", user="u-own", channel="test")
    named = await core.assistant.ask(question, identity=identity, record=False)
    without_name = await core.assistant.ask(plain, identity=identity, record=False)
    assert named.outcome.value == "answer", named
    assert (named.outcome, [c.source for c in named.citations][:1]) == (without_name.outcome, [c.source for c in without_name.citations][:1])
    assert named.details.get("own_names") == 1 and "aperkite" in named.question  # searched without it, shown as written


def test_a_product_named_with_the_brand_keeps_it() -> None:
    """"Lumen Protect" is a plan: "protect" alone names nothing, so a question about it keeps the brand. "Lumen hub"
    is a device the articles also call "the hub": the brand goes."""
    words = vocabulary()
    assert words.own_names_in("how much is lumen protect a month", tenant="t", access_keys=["public"]) == []
    assert words.own_names_in("is Lumen Protect worth it for my Lumen hub", tenant="t", access_keys=["public"]) == []
    assert words.own_names_in("my lumen hub blinks red", tenant="t", access_keys=["public"]) == ["lumen"]

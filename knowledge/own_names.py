"""The help center's own product or company name ("Paperkite", "Wren"), left out of what a question searches for.

A customer often names the product they are asking about ("How do I pause my Tellora broadband?"). To the
search that word is noise: every article is about the product, yet only some of them write its name, so the
question leans towards those (the ordering's name coverage, knowledge/retrieval.py `name_coverage`, rewards a
chunk for each of the question's capitalised words it contains), and the embedding model, which never saw
the invented word, cuts it into pieces that mean something else. Measured before this module on the TUNE
split of bench/bench_answers.py: questions naming the product were answered right 0.10 (kb7) and 0.33 (the
sample help center) of the time, against 0.70 and 0.74 for the rest.

A product name is no frequent word of the chunks (it is in 18-59% of the sections of the knowledge bases we
tried, as often as plan and feature names), so a document frequency cannot tell it. What can:
- the help site's own host names (the documents' URLs, the widget's `allowed_origins`): a capitalised word
  of the knowledge base that is part of the site's name ("help.wrenhome.example": "Wren"), written with a
  capital far more often than without (the knowledge base writes "home" in lower case: no name);
- without host names, an invented word (no dictionary word) that the knowledge base always writes with a
  capital and that at least half of its articles use, when no other invented word is half as common.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from bot.core.common_words import is_dictionary_word
from bot.core.words import stop_words

# a capitalised word, not all capitals ("API" is a word of the trade, not a brand), three letters or more
CAPITALISED = re.compile(r"\b([A-Z][a-z0-9]*[a-z][A-Za-z0-9]*)\b")
LOWER = re.compile(r"\b([a-z][a-z0-9]*)\b")
PAIR = re.compile(r"\b([A-Z][a-z0-9]*[a-z][A-Za-z0-9]*)(?:['’]s)? ([A-Z][a-z0-9]*[a-z][A-Za-z0-9]*)\b")
# what is no prose: links, host names, e-mail addresses, paths and code spans ("status.ferrolink.example",
# "`pip install ferrolink`") write a brand in lower case and say nothing about how the prose writes it
NOT_PROSE = re.compile(r"`[^`\n]*`|\S*(?:://|@|/|\.[a-z]{2,})\S*")
# labels of a help site's host that name its role, not its owner
ROLE_LABELS = frozenset({
    "www", "help", "helpcenter", "support", "docs", "doc", "kb", "faq", "faqs", "hc", "api", "app", "apps", "status", "community",
    "learn", "developer", "developers", "dev", "knowledge", "knowledgebase", "guide", "guides", "manual", "en", "us", "uk", "eu",
    "customer", "customers", "service", "care", "portal", "info", "home", "my", "get", "try", "go", "shop", "store", "blog",
    # the platforms a help center is hosted on ("acme.zendesk.com", "acme.gitbook.io"): they name the host, not the product,
    # and a help center that mentions its integration with one must keep that word in questions
    "zendesk", "intercom", "freshdesk", "helpscout", "helpscoutdocs", "gitbook", "readme", "notion", "github", "gitlab",
    "atlassian", "document360", "hubspot", "helpjuice", "medium", "wordpress", "squarespace", "webflow", "wixsite",
    "netlify", "vercel", "herokuapp", "pages", "azurewebsites", "cloudfront", "amazonaws", "google", "googleusercontent",
    "sites", "site", "web", "cdn", "static",
})
CAPITAL_RATIO = 3  # written with a capital at least this many times as often as without
MIN_SHARE = 0.5  # without host names: the share of articles an invented word must be in


def site_labels(urls: Iterable[str]) -> set[str]:
    """The words of the hosts that name their owner: "https://help.wrenhome.example/a" -> {"wrenhome"}."""
    out: set[str] = set()
    for url in urls:
        try:
            host = urlsplit(url if "//" in url else f"//{url}").hostname
        except ValueError:
            continue
        if not host:
            continue
        labels = host.lower().split(".")
        if len(labels) > 1:
            labels = labels[:-1]  # the top-level domain
        out |= {part for label in labels for part in label.split("-") if len(part) >= 3 and part not in ROLE_LABELS and not part.isdigit()}
    return out


class OwnNames(NamedTuple):
    names: frozenset[str] = frozenset()  # lower case
    # (own name, the word after it) of the products named with it ("Wren Protect", "Tellora Essentials": lower case)
    compounds: frozenset[tuple[str, str]] = frozenset()


def own_names(documents: Sequence[tuple[str, str | None, str]], *, sites: Iterable[str] = ()) -> frozenset[str]:
    """The knowledge base's own names, lower case. `documents`: (document id, its URL or None, its text) per chunk;
    `sites`: more host names or origins of the help site (the widget's `allowed_origins`)."""
    return read_own_names(documents, sites=sites).names


def read_own_names(documents: Sequence[tuple[str, str | None, str]], *, sites: Iterable[str] = ()) -> OwnNames:
    """`own_names`, with the products named after the brand: a plan or product whose name is the brand and a word the
    knowledge base writes with a capital ("Ampella Care", "Wren Protect", twice or more) keeps the brand in a question,
    since "care" or "protect" alone names nothing; a device the knowledge base also writes in lower case ("Wren
    Thermostat", "the thermostat") does not. Chosen on the TUNE split of bench/bench_answers.py: a question about a
    plan named with the brand, searched without the brand, was handed over instead of answered."""
    articles: dict[str, set[str]] = {}
    capitals: Counter[str] = Counter()
    lowers: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    urls = set(sites)
    for doc_id, url, text in documents:
        if url:
            urls.add(url)
        prose = NOT_PROSE.sub(" ", text)
        found = CAPITALISED.findall(prose)
        capitals.update(w.lower() for w in found)
        articles.setdefault(doc_id, set()).update(w.lower() for w in found)
        lowers.update(LOWER.findall(prose))
        pairs.update((a.lower(), b.lower()) for a, b in PAIR.findall(prose))
    if not articles:
        return OwnNames()
    share: Counter[str] = Counter(w for ws in articles.values() for w in ws)
    stop = stop_words()

    def capitalised(word: str) -> bool:
        return capitals[word] >= CAPITAL_RATIO * lowers[word] and word not in stop

    labels = site_labels(urls)
    named = {w for w in share if len(w) >= 3 and share[w] >= 2 and capitalised(w)
             and any(w in label and 2 * len(w) >= len(label) for label in labels)}
    # without a name from the site: one invented word only, and only when no other comes near it: a maker of two products ("Zorbo" in half the
    # articles, "Quix" in the other half) needs each name to find the right half
    invented = sorted(((n, w) for w, n in share.items() if len(w) >= 4 and n >= 2 and lowers[w] == 0 and capitalised(w)
                       and not is_dictionary_word(w)), reverse=True)
    if not named and invented and invented[0][0] >= MIN_SHARE * len(articles) and (len(invented) == 1 or invented[1][0] * 2 <= invented[0][0]):
        named.add(invented[0][1])
    compounds = {(a, b) for (a, b), n in pairs.items() if a in named and n >= 2 and capitalised(b)}
    return OwnNames(frozenset(named), frozenset(compounds))

"""Names of other companies' products and services, to notice a question about one of them.

"How do I cancel my netflix subscription?" reads like "How do I cancel my subscription?", so similarity
answers it from the tenant's own article. knowledge/vocabulary.py `unknown_terms` flags a word the
tenant's knowledge base never uses, but not one that is a whole word of the embedding model's
vocabulary: "netflix", "facebook" and "youtube" are, like any common word. A product name from this list
that the knowledge base never mentions counts as an unknown *name* (the confidence model's
`unknown_names` input), whatever its case: a tenant whose help center mentions Netflix (an integration,
say) keeps answering about it.

The names: the titles of the simple-icons project (release 16.36.0, redistributed on PyPI as
`simple-icons-pack`; its data is CC0 1.0), in `simple_icons_titles.txt` beside this file, about 3,400
brands. Kept: one-word titles of three or more letters that are no ordinary word (Webster's and GCIDE
in lower case, policies/name_words.py, nor a word whose stem is one), no first name, and not in
`ORDINARY` below: words in everyday use that Webster's 1934 and GCIDE lack, written for this list (file
formats and protocols, "shortcut", "homepage"). Multi-word titles ("Google Calendar") are left out: their
words are counted one by one ("google" is a common word, "calendar" too).

`product_words`: the one-word titles that *are* ordinary words ("Apple", "Zoom", "Stripe", "Google", about 500)
count as unknown names only where the question writes them like a name, capitalised inside a sentence, and the
knowledge base never uses them ("Can I pay with Stripe?" was answered from the sample help center's invoices
article at 0.89; "my apple account" is no product). Recorded with `bench/bench_answers.py` (2026-12-05): no case of
any set changed (TUNE, REPORT, kb4, kb5), so it costs nothing measured; one unknown name is not always enough
("two-factor authentication on my Apple ID" falls from 0.98 to 0.65 and is still answered).
"""

from __future__ import annotations

import re
from functools import cache

from bot.core.first_names import Names
from bot.core.words import stems
from policies.brands import simple_icons_titles
from policies.name_words import NameWords

_ONE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")

# everyday words (formats, protocols, parts of a site or an app, abbreviations, places, planets, surnames)
# that are also some project's title
ORDINARY = frozenset("""
abbott academia bim bluetooth box castro ccc chatbot crowdsource css csv cts daf diaspora doi dts dvc eac expo fauna
gltf gplv3 helpdesk homepage html html5 ios jpeg json knowledgebase lazarus livechat loopback mega metro midi mini
moq mqtt msi mta mtr ndr neptune nfc norwegian odin org pdf pdq pearson png pwa quicklook readme rss rtm saturn
semver sepa serverless shortcut speedtest sst startpage statuspage stryker svg swr tangled tga timescale toml
treehouse uml unicode ups vegas webassembly xml yaml
""".split())


@cache
def product_names() -> frozenset[str]:
    """Lower-cased one-word names of well-known products and services (see the module's docstring)."""
    english, first = NameWords.english(), Names.first_names()
    return frozenset(w for w in _one_word_titles() if not (w in ORDINARY or w in first or _ordinary(w, english)))


def _one_word_titles() -> set[str]:
    """The simple-icons titles of one word of three or more letters, lower-cased."""
    return {t.lower() for t in simple_icons_titles() if _ONE_WORD.fullmatch(t) and len(t) >= 3}


def _ordinary(word: str, english: frozenset[str]) -> bool:
    return word in english or any(s in english for s in stems(word))


@cache
def product_words() -> frozenset[str]:
    """Lower-cased one-word product names that are also ordinary words ("amazon", "outlook", "zoom",
    "stripe"): a product only where the question writes it like a name, capitalised inside a sentence
    (knowledge/vocabulary.py `unknown_terms`). No first names ("Ruby", "Grace")."""
    english, first = NameWords.english(), Names.first_names()
    return frozenset(w for w in _one_word_titles() if w not in first and w not in ORDINARY and _ordinary(w, english))


@cache
def product_titles() -> frozenset[str]:
    """Every one-word simple-icons title, lower-cased ("amazon", "zendesk", "jenkins"): what a company, not a person,
    is called where a rule would otherwise take a lone capitalised word for someone (policies/person_names.py)."""
    return frozenset(_one_word_titles())

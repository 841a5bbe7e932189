"""No value of the shared PII file is written into the redaction code (STYLE.md 14): a rule that
names "Yefremova" catches Yefremova, not the next customer's surname, and makes the file's recall
a training score.

policies/brands.py is checked too, but for the words of `IN_BRAND_NAMES`: its brands (a public icon set's titles
and brands written by kind) are named after people too ("Johnson & Johnson", "Burger King", "Louis Vuitton"), so
some of their words are names of the file; a brand only ever keeps text that a name rule found (policies/businesses.py
`a_brand`), so such a word can lower the file's recall, never raise it. Any other word of the file there fails.
policies/places.py (US states and countries) likewise, but for the words of `IN_PLACE_NAMES`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from knowledge.vocabulary import common_words
from policies import street_words
from policies.name_words import Names

PII_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "pii" / "presidio_synth_dev.json"
POLICIES = Path(__file__).resolve().parents[2] / "policies"
WORD = re.compile(r"[^\W\d_]{4,}")



# first names and surnames of the file that are words of well-known brands' names in policies/brands.py
# (Kimberly-Clark, Hugo Boss, Raymond James, Papa John's, Johnson & Johnson, Edward Jones, Kate Spade, Burger King,
# Leon and Marcus (a restaurant chain and a bank, single words: brands only before what a service does),
# Louis Vuitton, Mary Brown's, Michael Kors, Victoria's Secret)
IN_BRAND_NAMES = {"clark", "hugo", "james", "john", "johnson", "jones", "kate", "king", "leon", "louis", "marcus", "mary", "michael", "victoria"}
# words of the PII file that are words of the US states' and the countries' names in policies/places.py (France, Sierra
# Leone, the Marshall Islands): a place there only ever keeps text that a name rule found (policies/things.py `a_thing`), so
# such a word can lower the file's recall, never raise it
IN_PLACE_NAMES = {"france", "leone", "marshall"}

def _allowed() -> frozenset[str]:
    """Words that are part of how any address is written (street types, unit and box words, from
    general postal vocabulary: policies/street_words.py), and ordinary English words that are no
    first name ("street", "gate", "upper"). A first name or a surname is never allowed."""
    structural = {
        w.lower()
        for words in (street_words.TYPE_AFTER, street_words.TYPE_FIRST, street_words.COMPOUND_ENDINGS, street_words.UNIT_WORDS,
                      street_words.FOREIGN_TYPE_AFTER, street_words.MILITARY_POST, street_words.MILITARY_SHIPS,
                      street_words.POST_BOX)
        for phrase in words for w in phrase.split()
    }
    ordinary = {w for w in common_words() if w not in Names.first_names()}
    return frozenset(structural | ordinary)


@pytest.mark.skipif(not PII_FILE.exists(), reason=f"shared test data not found at {PII_FILE}")
def test_no_person_or_address_word_of_the_pii_file_is_in_the_policies_code() -> None:
    values = set()
    for record in json.loads(PII_FILE.read_text(encoding="utf-8")):
        for span in record["spans"]:
            if span["entity_type"] in ("PERSON", "STREET_ADDRESS"):
                values |= {w.lower() for w in WORD.findall(span["entity_value"])}
    allowed = _allowed()
    found = {}
    for path in sorted(POLICIES.glob("*.py")):
        code = re.sub(r"\bspacy\.lang\b", "", path.read_text(encoding="utf-8"))  # a module's name, not a surname
        words = {w.lower() for w in WORD.findall(code)}
        leaked = sorted((words & values) - allowed - (IN_BRAND_NAMES if path.name == "brands.py" else IN_PLACE_NAMES if path.name == "places.py" else set()))
        if leaked:
            found[path.name] = leaked
    assert not found, f"values of {PII_FILE.name} in the code: {found}"

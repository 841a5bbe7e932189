"""Where the spaCy model must look at all (`may_hold_a_name`): a message with a capitalised word that
could be a name, a cue that a name follows, or, all in lower case, a name the lists or the rules see.

Split from policies/name_cues.py: it asks the cues, the name lists and the rules of name_extent,
name_slots and name_spans, each of which reads name_cues (one direction, no cycle).
"""

from __future__ import annotations

from policies.colleagues import from_our_unit
from policies.lowercase_names import LOWER_CUED, LOWER_CUED_WEAK, lowercase_names
from policies.name_cues import (
    CAPITALISED,
    INITIALLED,
    INTRODUCED_HERE,
    PERSON_TELLS,
    SIGNATURE_LINE,
    SPEAKER,
    common_word_set,
    mask_placeholders,
    sentence_start,
)
from policies.name_requests import requested_names, requested_pair
from policies.name_slots import slot_names
from policies.name_spans import lexicon_spans, listed_names, titled_lowercase
from policies.name_words import NOT_NAMES, Names, plain
from policies.person_slots import person_slots
from policies.product_names import product_titles


def may_hold_a_name(text: str) -> bool:
    if LOWER_CUED.search(text) or LOWER_CUED_WEAK.search(text) or SIGNATURE_LINE.match(text) or len(SPEAKER.findall(text)) >= 2 \
            or INTRODUCED_HERE.search(text) or INITIALLED.search(text) or _tells_the_writer(text) \
            or person_slots(text) or from_our_unit(text):
        return True
    for m in CAPITALISED.finditer(mask_placeholders(text)):
        word = m.group()
        if word == "I" or (word.isupper() and len(word) <= 4):
            continue  # "I", "FAQ", "2FA"
        if not sentence_start(text, m.start()) or word.lower() in Names.first_names() or word.lower() not in common_word_set():
            return True
    # all in lower case: the model only where the name lists see a name (the model alone tags "olf", "yup")
    return not any(c.isupper() for c in text) and bool(
        lexicon_spans(text, not_names=NOT_NAMES) or lowercase_names(text, in_context=True) or titled_lowercase(text) or listed_names(text)
        or slot_names(text) or requested_pair(text) or requested_names(text)
    )


def _tells_the_writer(text: str) -> bool:
    """"Prescott emailed me": a message opening with a capitalised word that is no ordinary word (a surname the
    embedding model knows, so no `common_word_set` test below lets it through), then what someone did to the writer."""
    m = CAPITALISED.match(text)
    return m is not None and not plain(m.group()) and m.group().lower() not in product_titles() and PERSON_TELLS.match(text, m.end()) is not None

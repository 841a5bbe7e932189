"""Which patterns need a digit (policies/regex_gates.py): a street pattern is skipped only where it could find nothing."""

from __future__ import annotations

import re

import pytest

from policies import street_addresses, street_forms
from policies.regex_gates import DIGIT, may_match, needs_digit
from policies.street_addresses import address_entities


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\d", True),
        (r"[0-9]+ Lane", True),
        (r"a?\d{1,5}", True),
        (r"(?:\d|[0-5])x", True),
        (r"(?i:no)\.?\s*7", True),
        (r"x{2}(?:\d{1,3})+", True),
        (r"(?>\d)", True),
        # may match without one
        (r"a|\d", False),
        (r"\d*", False),
        (r"\d?x", False),
        (r"(?=\d)x", False),  # a look-ahead consumes nothing
        (r"(?<=\d)x", False),
        (r"[^\D]", False),  # a negated class: not told, so never skipped
        (r"[a\d]", False),
        (r".", False),
    ],
)
def test_a_pattern_needs_a_digit_only_when_every_match_holds_one(pattern: str, needs: bool) -> None:
    assert needs_digit(re.compile(pattern)) is needs


def test_a_skipped_pattern_finds_nothing_in_a_text_without_digits() -> None:
    texts = ["Send it to Calle Roble Interior, Westfield", "I live on Birkenweg, Hamburg", "Rua das Pedras\nBairro Alto", "Esimerkkikatu B"]
    patterns = [*street_addresses.STREET_PATTERNS, *street_addresses.LOWER_STREET_PATTERNS, *street_addresses.PLACED_STREETS,
                street_addresses.LOWER_PLACED_STREET, street_addresses.LONE_UNIT, *street_forms.FORMS]
    skipped = [p for p in patterns if not may_match(p, False)]
    assert len(skipped) > len(patterns) / 2  # most street shapes have a house number
    for text in texts:
        assert DIGIT.search(text) is None
        assert all(p.search(text) is None for p in skipped)


def test_the_gate_sees_the_digits_the_patterns_see() -> None:
    # Unicode's decimal digits are `\d` to both: an address numbered in Arabic-Indic digits is still tried
    assert DIGIT.search("٣") is not None
    assert may_match(re.compile(r"\d+ Birch Lane"), DIGIT.search("١٢ Birch Lane") is not None)
    assert [e.text for e in address_entities("Please ship it to 12 Birch Lane")] == ["12 Birch Lane"]

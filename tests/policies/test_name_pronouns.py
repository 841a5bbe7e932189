"""Names that a later "he" or "she" refers to, and lists of first names (policies/name_pronouns.py): the names never
reach the remote model; products and ordinary lists keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The welcome email went to Bogusław although he never signed up.", ["Bogusław"]),
        ("I forwarded the quote to Ifeanyi but she says it never arrived.", ["Ifeanyi"]),
        ("when vittorio opens the app he sees a blank page", ["vittorio"]),
        ("We have three agents: ludmila, arjun and sven.", ["ludmila", "arjun", "sven"]),
        # working with someone, not what a product works with (policies/things.py)
        ("I work with Henrik Berg on the Oslo rollout.", ["Henrik Berg"]),
        ("We work with Mikkel Holm every week.", ["Mikkel Holm"]),
    ],
)
def test_a_name_the_sentence_says_is_someone_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "I moved my files to Dropbox but he still cannot see them.",
        "We have three plans: basic, plus and premium.",
        "The colours are: red, green and blue.",
        "Does the app work with Slack and Teams?",
        "I sent the report to my manager and she approved it.",
    ],
)
def test_products_and_ordinary_lists_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

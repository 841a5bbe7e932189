"""Korean given names written with a hyphen (policies/romanised_names.py), and English hyphenated words of the same
shape that must stay. The names are invented from romanised syllables; none is taken from the shared PII file, the
blind sets or the development sets."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hye-rin changed the shipping details yesterday.", "Hye-rin"),
        ("Da-som Park placed the order for our office.", "Da-som Park"),
        ("Ye-jin Cho can't log in since Monday.", "Ye-jin Cho"),
    ],
)
def test_a_hyphenated_korean_given_name_and_its_surname_are_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert not any(part in result.redacted for part in name.replace("-", " ").split()), result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "The pop-up is blocked by my browser.",
        "Set-up fails at the last step.",
        "Re-run the import and check the log.",
    ],
)
def test_hyphenated_english_words_stay(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

"""Chinese names written in pinyin (policies/chinese_names.py): a common surname and a pinyin given name, in either
order, never reach the remote model; places, practices and English word pairs keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The parcel is for Li Na.", "Li Na"),
        ("Ma Lin uploaded the file.", "Ma Lin"),
        ("The invoice lists Guo Xiaoming as the buyer.", "Guo Xiaoming"),
        ("I asked Jun Deng to resend the file.", "Jun Deng"),
    ],
)
def test_a_pinyin_name_is_redacted_whole(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    start = text.index(name)
    assert any(e.kind == "PERSON" and e.start <= start and e.end >= start + len(name) for e in result.entities), result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "Do you ship to Hong Kong?",
        "Is the Yin Yang pendant in stock?",
        "The Long Beach store is closed.",
        "Does the Song Pin badge come in gold?",
    ],
)
def test_places_and_practices_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

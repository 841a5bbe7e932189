"""A given name written in lower case where only a person stands (policies/lowercase_names.py `_framed_given_name`): a
first name the embedding model also knows as a word ("ricardo"), or one only the world's list knows ("rachit"), after
"why is", "named him", "shouted at", or before "is very", "is so", "just has". The same frames with ordinary words,
brands and errands keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("why is federico so slow to answer my emails", "federico"),
        ("adebola is very patient with new customers", "adebola"),
        ("nkiru just has to reset her password again", "nkiru"),
    ],
)
def test_a_lower_case_given_name_in_a_person_frame_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted


@pytest.mark.parametrize(
    "text",
    [
        "why is spotify so slow today",
        "why is chrome so slow",
        "how many miles can i drive on one tank",
        "send my current location to the courier, please",
        "the battery is very weak after the update",
    ],
)
def test_the_same_frames_with_words_keep_them(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

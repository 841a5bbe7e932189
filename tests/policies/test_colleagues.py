"""Someone of a part of an organisation as the subject of what follows (policies/colleagues.py), and the messages of
the same shape whose first word is no one.

The names are invented ("Bramwen", "Quillon") or first names that are ordinary words too ("Mark"); none is taken from
the shared PII file, the blind sets or the development sets.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bramwen from our office says the export is broken again.", "Bramwen"),
        ("Mark from our office says the export is broken again.", "Mark"),
        ("Thanks. Mark from the clinic called about the invoice.", "Mark"),
        ("Mark in accounting asked me to write to you.", "Mark"),
        ("Quillon at reception signed for the parcel yesterday.", "Quillon"),
    ],
)
def test_someone_of_a_unit_before_what_someone_does_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted, result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "Updates from our team are posted every Monday.",
        "Trust in our team is what keeps customers with us.",
        "Feedback from the sales team is that the export is slow.",
    ],
)
def test_what_comes_from_a_unit_stays(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Quillon is on leave, please contact me.", "Quillon"),
        ("Bramwen is on leave until Monday, please write to me instead.", "Bramwen"),
    ],
)
def test_someone_away_on_leave_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted

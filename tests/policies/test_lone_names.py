"""One name word alone where a sentence has room only for a person (policies/lone_names.py): the object of what is done
for or to someone ("belongs to X", "went to X by mistake", "helped X"), the subject of what a colleague does to the
account ("X needs a new password", "Did X already pay"). First names that no name list here knows leave the redacted
text; services, products, countries and companies in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The laptop belongs to Wairimu.", "Wairimu"),
        ("The password reset went to Kiptoo by mistake.", "Kiptoo"),
        ("Whoever helped Babajide yesterday was great.", "Babajide"),
        ("The courier gave the parcel to Mthunzi next door.", "Mthunzi"),
        ("Anahera needs a new password.", "Anahera"),
        ("Did Adaora already pay for the upgrade?", "Adaora"),
        ("Could Folasade sign the contract instead?", "Folasade"),
        ("As Tamati explained on the phone, the parcel is missing.", "Tamati"),
        ("Ekow reported the same bug on Android.", "Ekow"),
        ("Kahurangi never received the confirmation email.", "Kahurangi"),
    ],
)
def test_a_lone_first_name_no_list_knows_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Can Hey email forward to Gmail?",
        "The money transfer to India is stuck.",
        "The photos went to Dropbox by mistake.",
        "Zoom needs an update.",
        "Did Spotify already charge me for March?",
        "Outlook never received the confirmation email.",
        "The invoice belongs to Acme.",
        "Can you send the export to Excel?",
    ],
)
def test_services_places_and_companies_in_the_same_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted

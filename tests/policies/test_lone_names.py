"""One name word alone where a sentence has room only for a person (policies/lone_names.py): the object of what is done
for or to someone ("belongs to X", "went to X by mistake", "helped X", "the refund to X", "X instead of me", "cheers X",
"from X to Y"), the subject of what a colleague does to the account ("X needs a new password", "Did X already pay"). First
names that no name list here knows leave the redacted text; services, products, countries and companies in the same
frames keep their words."""

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
        ("Please issue the refund to Zodwa instead.", "Zodwa"),
        ("the receipt shows Onyeka instead of me", "Onyeka"),
        ("Everything works now, cheers Makoa", "Makoa"),
        ("That fixed it.\nThanks, Yindi!", "Yindi"),
        ("Can I transfer the licence from Hinewai to Tokala?", "Hinewai"),
        ("Can I transfer the licence from Hinewai to Tokala?", "Tokala"),
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
        "My payment to Violet failed with error 402.",
        "the invoice shows Stripe instead of PayPal",
        "Thanks, Zendesk",
        "cheers Apple, great update",
        "Where do I find the access for Grafana?",
        "How do I move my files from Dropbox to Box?",
        "Can I transfer my number from Vodafone to Tesco?",
    ],
)
def test_services_places_and_companies_in_the_same_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I need Sunniva's invoices from March.", "Sunniva"),
        ("I need Wiesław's invoices from March.", "Wiesław"),
        ("Ludmila's receipts show the old address.", "Ludmila"),
    ],
)
def test_a_first_name_before_its_invoices_or_receipts_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    """policies/task_names.py `PERSONAL_THING`: a first name of the lists before what only a customer's person has."""
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize("text", ["I need Amazon's invoices from March.", "Where are Etsy's receipts?", "Can I get Shopify's invoices as a PDF?"])
def test_a_company_before_its_invoices_keeps_its_name(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

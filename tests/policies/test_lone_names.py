"""A first name alone as the object of what is done for or to a person (policies/lone_names.py): "belongs to X", "went
to X by mistake", "gave the parcel to X", "the refund to X", "transfer the licence from X to Y"; and a first name before
its invoices, receipts or payslips (policies/task_names.py). The names leave the redacted text; services, products,
countries and companies in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The laptop belongs to Sunniva.", "Sunniva"),
        ("The laptop belongs to Keiko.", "Keiko"),
        ("The password reset went to Suresh by mistake.", "Suresh"),
        ("The password reset went to Itzel by mistake.", "Itzel"),
        ("The courier gave the parcel to Radomir next door.", "Radomir"),
        ("The courier gave the parcel to Nayeli next door.", "Nayeli"),
        ("Please issue the refund to Hiroko instead.", "Hiroko"),
        ("Please issue the refund to Veikko instead.", "Veikko"),
        ("Can I transfer the licence from Aditi to Jorunn?", "Aditi"),
        ("Can I transfer the licence from Aditi to Jorunn?", "Jorunn"),
        ("We moved the seat from Cem to Malia last week.", "Cem"),
    ],
)
def test_a_lone_first_name_after_what_is_done_to_a_person_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Can Hey email forward to Gmail?",
        "The money transfer to India is stuck.",
        "The photos went to Dropbox by mistake.",
        "Can you send the export to Excel?",
        "My payment to Violet failed with error 402.",
        "Where do I find the access for Grafana?",
        "How do I move my files from Dropbox to Box?",
        "Can I transfer my number from Vodafone to Tesco?",
        "I forwarded the alerts to Notaro by mistake.",
        "Can I switch the billing from Pixora to Kivano?",
        "Quillbox needs a restart after every update.",
        "Great update, cheers Trellio",
        "The export shows Veltrix instead of my name.",
        "Ask Quillix to refund me",
    ],
)
def test_services_places_and_products_in_the_same_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I need Sunniva's invoices from March.", "Sunniva"),
        ("I need Wiesław's invoices from March.", "Wiesław"),
    ],
)
def test_a_first_name_before_its_invoices_or_receipts_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    """policies/task_names.py `PERSONAL_THING`: a first name of the lists before what only a customer's person has."""
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize("text", ["I need Amazon's invoices from March.", "Where are Etsy's receipts?", "Can I get Shopify's invoices as a PDF?"])
def test_a_company_before_its_invoices_keeps_its_name(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

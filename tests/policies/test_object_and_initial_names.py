"""Names the model reads as organisations or places, and names written with initials (policies/object_names.py,
policies/initial_names.py, the trades and roles of policies/name_cues.py and policies/person_names.py): two or three name
words nothing knows after what is done for or to a person, initials and a surname, a first name and a surname found apart
with a middle initial between them, an assistant or a bookkeeper named, one whose card or old e-mail is meant. Their names never reach the model or the logs;
products, places, companies and lettered choices in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Could you transfer the licence to Chinwe Okafor-Eze?", ["Chinwe", "Okafor", "Eze"]),
        ("Can you reset the password for Rawiri Te Whatu-Ngata?", ["Rawiri", "Whatu", "Ngata"]),
        ("Thanks,\nK. Dornacre", ["Dornacre"]),
        ("the account is under B. Vesketh", ["Vesketh"]),
        ("Please cc J. R. Quillon-Vesk on the invoice.", ["Quillon", "Vesk", "J. R."]),
        ("Oria H. Vesketh\nMachado\nRua das Flores, 12\n01000-000 São Paulo\nMobile: +55 11 91234-5678", ["Oria", "H.", "Vesketh"]),
        ("Wilhelmien ten Quillor will be talking at the webinar.", ["Wilhelmien", "Quillor"]),
        ("My assistant Ndapewa will handle the payment.", ["Ndapewa"]),
        ("Send the receipt to my assistant, Ndapewa.", ["Ndapewa"]),
        ("Our bookkeeper Kgomotso can't download the export.", ["Kgomotso"]),
        ("Thembeka's card was refused twice.", ["Thembeka"]),
        ("The reset link went to Tavaita's work email.", ["Tavaita"]),
    ],
)
def test_a_name_the_model_does_not_take_for_a_person_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "Does Paperkite sync with Google Drive?",
        "Does Paperkite de Luxe support Outlook?",
        "Can I pay with Klarna Pay Later?",
        "Please send the card to Calle Olmeda 12, Madrid.",
        "I picked plan B. Smith said it was fine.",
        "Is T. Rowe Price supported?",
        "My assistant Siri doesn't understand me.",
        "Send it to my assistant, Siri.",
        "Can Paperkite's email reminders be turned off?",
        "Can Paperkite's card reader take Amex?",
    ],
)
def test_products_places_companies_and_choices_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert "<PERSON" not in result.redacted, result.redacted

"""People in the written forms of policies/name_forms.py: a handle or login of name words, a title without its full stop, a
greeting or a closing with a name only the world's list knows, thanks of another language in lower case, a name's order,
a form's label, what is booked for someone, a family by its surname, the other half of "X/Y". The names leave the
redacted text; the same shapes with a team, a role, a product or a plain word stay as they were."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("@tinashe_obi.eze can you look at the invoice?", "tinashe"),
        ("<rutendo_mutasa> is the login page down for anyone else?", "rutendo"),
        ("my login is nyasha.gitau, can you unlock it?", "gitau"),
        ("Prof Mutasa can't open the shared course folder.", "Mutasa"),
        ("Please send it to Avv. Mutasa today.", "Mutasa"),
        ("Thanks Kudzai!! That fixed it.", "Kudzai"),
        ("gracias, wambui", "wambui"),
        ("Where is Wambui's parcel?", "Wambui"),
        ("Please ship the new card.\nRecipient: Wairimu", "Wairimu"),
        ("The invoice is wrong again.\nBest wishes Ebere", "Ebere"),
        ("Please book a table for Adwoa at 7.", "Adwoa"),
        ("The Otieno family plan renews tomorrow.", "Otieno"),
        ("Tinashe/Chukwuma from the office both get the error.", "Tinashe"),
    ],
)
def test_a_name_in_a_written_form_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "@billing_team please check the export.",
        "my login is admin.console, can you unlock it?",
        "Sr. Developer role can't see the billing tab.",
        "Thanks Support!! That fixed it.",
        "gracias, saludos",
        "Can you refund the order from Tuesday?",
        "Please ship the new card.\nRecipient: Finance Team",
        "The invoice is wrong again.\nBest wishes, the Ops team",
        "Please book a table for two at 7.",
        "The Galaxy family of phones is on sale.",
        "Sales/Billing from the office both get the error.",
    ],
)
def test_the_same_forms_without_a_person_stay(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

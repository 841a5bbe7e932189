"""People named by the part they play for the account (policies/role_names.py): added as an admin, the account's owner, a
booking under their name, a role in parentheses, a thing meant for them rather than the writer, a first name asked about
as able to see something in a lower-case message. Their names never reach the model or the logs; products, teams and
ordinary words in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("We need Mpho added as a second admin.", ["Mpho"]),
        ("please add tumelo as a viewer on the billing page", ["tumelo"]),
        ("The owner of the account is Oyinkansola Balogun-Reid.", ["Oyinkansola", "Balogun-Reid"]),
        ("the reservation is under ayelen huenchullan, can you check?", ["ayelen", "huenchullan"]),
        ("Tipene (our bookkeeper) can't open the VAT report.", ["Tipene"]),
        ("the refund was meant for nomvula, not for me", ["nomvula"]),
        ("can gertrude see my tickets?", ["gertrude"]),
    ],
)
def test_a_name_in_an_account_role_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "We need Zapier added as an integration, not as a user.",
        "The owner of the account is the company, not me.",
        "the booking is under review, can you check?",
        "Xero (our accounting software) stopped syncing.",
        "the invoice was meant for the head office, not for me",
        "can sonos see my playlists?",
        "can zoom access my calendar?",
    ],
)
def test_products_teams_and_ordinary_words_in_those_roles_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

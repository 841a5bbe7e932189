"""Names where a sentence leaves a place for a person (policies/person_slots.py), in any case, and the ordinary
messages of the same shapes that must stay as they are.

The names are invented ("Bramwen", "Quillon", "Vesketh") or common first names already used by the other tests of
tests/policies; none is taken from the shared PII file, the blind sets or the development sets under bench/.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I had a call with Bramwen Vesketh last week about the renewal", "Bramwen Vesketh"),
        ("The refund was approved by Quillon on Tuesday", "Quillon"),
        ("I was helped by Bramwen on chat and the problem is back", "Bramwen"),
        ("cc Quillon Vesketh who handles our invoices", "Quillon Vesketh"),
        ("I'm writing on behalf of Bramwen, she can't type right now", "Bramwen"),
        ("hey its ingrid from the front desk, the printer is jammed again", "ingrid"),
        ("talked to ingrid baker on the phone and she said to email you", "ingrid baker"),
        ("pass this on to ingrid please", "ingrid"),
        ("let ingrid know the server is back", "ingrid"),
        ("Both Quillon and I get logged out every hour", "Quillon"),
        ("I think Joy from billing said the fee would be waived", "Joy"),
        ("Bill told me the upgrade was free", "Bill"),
        ("Sent from my phone\nBramwen", "Bramwen"),
        ("Please confirm the table for Mr and Mrs Vesketh", "Mr and Mrs Vesketh"),
    ],
)
def test_a_name_in_a_persons_place_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted, result.redacted
    assert any(e.kind == "PERSON" and name in text[e.start : e.end] for e in result.entities), result.entities


@pytest.mark.parametrize(
    "text",
    [
        "Can I click to call with Zoom from the browser?",
        "The dashboard was created by Zapier, can I edit it?",
        "Forward it to Zendesk so the team sees it",
        "let me know when the export is done",
        "Support told me the refund takes 5 days",
        "my car won't start and i think it's the battery",
        "my card was declined at the diner and i want to know why",
        "i want to switch speaking to french",
        "i do not know how to chat with someone in billing",
        "Does the Analytics team from marketing see this?",
    ],
)
def test_ordinary_messages_of_the_same_shape_stay(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("please share the login with Bramwen while I'm away", "Bramwen"),
        ("I sent my password to Quillon by mistake, can you reset it?", "Quillon"),
    ],
)
def test_who_an_account_s_login_is_shared_with_is_a_person(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted


def test_sharing_a_password_manager_entry_keeps_ordinary_words(redactor: SpacyRedactor) -> None:
    text = "How do I share the login with my whole team?"
    assert redactor.redact_sync(text).redacted == text

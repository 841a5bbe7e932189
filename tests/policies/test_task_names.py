"""People in a support chat's frames (policies/task_names.py): a ticket's assignee, who is looped in, copied or pinged,
whose word is passed on, who gets a thing instead of the writer, who is thanked in lower case, whose login is meant, who
the next sentence calls "he" or "she", who opens a sentence wanting something, who is "the one who" did something. Their
names never reach the remote model; teams, products and ordinary words in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The ticket was reassigned to Tevita but nobody answered.", ["Tevita"]),
        ("Please escalate this to Oluwaseun before Friday.", ["Oluwaseun"]),
        ("loop in Nnamdi and Kalolaine, they sign off the budget", ["Nnamdi", "Kalolaine"]),
        ("as per gurdeep the export is fixed", ["gurdeep"]),
        ("The reset link goes to Tawanda instead of me.", ["Tawanda"]),
        ("thanks ikechukwu, that sorted it", ["ikechukwu"]),
        ("hey again, folasade here, the app still crashes", ["folasade"]),
        ("Ingeborg's login stopped working after the update.", ["Ingeborg"]),
        ("why does kwadwo still see the old invoice? he cleared the cache", ["kwadwo"]),
        # a first name opening a sentence with what someone wants; someone asked about by their role
        ("Prudence needs a copy of the receipts.", ["Prudence"]),
        ("Hope would like a call back tomorrow.", ["Hope"]),
        ("Is Joy the one who set up the billing?", ["Joy"]),
    ],
)
def test_a_name_in_a_support_frame_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "Please assign it to Support and escalate to Tier 2.",
        "cc billing and legal on the reply please",
        "as per GDPR we need a data processing agreement",
        "The ticket was assigned to Marketing by mistake.",
        "thanks again, that worked",
        "hi everyone here, quick question about invoices",
        "why does zoom still lag? she says the network is fine",
        "Why does Mozilla keep crashing? He reinstalled it.",
        "thanks alot, that worked",
        "Ruby needs version 3.2 to run the CLI.",
    ],
)
def test_teams_products_and_ordinary_words_in_those_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

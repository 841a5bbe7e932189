"""A yes/no question about what a lone first name does in general is about a product ("Can Oliver convert PDFs?"),
what a customer asks of a person is what the account lets them do or what they do for the writer (policies/program_cues.py
`capability_asked`). The names are common first names not in the shared PII file, the blind sets or the development
sets; the sentences are invented."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        "Can Oliver convert scanned invoices to text?",
        "Does Gertrude support Google Pay?",
        "Can Mortimer summarise a two hour meeting?",
        "Is Harold able to transcribe voicemails?",
    ],
)
def test_what_a_product_can_do_is_asked_with_its_name_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Can Oliver get admin rights on our workspace?", "Oliver"),
        ("Can Gertrude call me back about the refund?", "Gertrude"),
        ("Does Mortimer have access to the shared folder?", "Mortimer"),
        ("Could Harold see the invoices from March?", "Harold"),
    ],
)
def test_what_a_person_is_let_do_or_does_for_the_writer_keeps_the_name_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    assert name not in redactor.redact_sync(text).redacted

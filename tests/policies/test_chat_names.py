"""People in a chat message's own shapes (policies/chat_names.py): an "@" mention, a Japanese or Korean honorific, "Hi all,
X here" and "hi, x again", a sign-off after a dash, someone at a site saying so, a cleft question, one told something in a
lower-case message, an initial and a surname in lower case, a lower-case name's possessive, a name in a message written
in capitals, a forwarded e-mail's "From:" line, a quoted reply's author, someone with the writer, who writes in Spanish. Their names never reach the model or the logs; mentions of no one, products and ordinary words in the same
shapes keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@abiodun can you check why the export is empty?", ["abiodun"]),
        ("Thanks @Kahurangi, that fixed it", ["Kahurangi"]),
        ("Kobayashi-san asked for the invoice in Japanese.", ["Kobayashi"]),
        ("Hi all, Tevaite here. The dashboard is blank again.", ["Tevaite"]),
        ("hi, ofelia again, any news on my refund?", ["ofelia"]),
        ("the app logs me out every hour\nthx - rowan", ["rowan"]),
        ("Wairimu at the depot says the scanner app freezes.", ["Wairimu"]),
        ("Was it Adwoa or Ebere who reported the broken page?", ["Adwoa", "Ebere"]),
        ("pls tell ebuka the parcel came broken", ["ebuka"]),
        ("the card belongs to r. subramanyam but that's my uncle", ["subramanyam"]),
        ("can you merge my account with curtis mendoza's? same family", ["curtis", "mendoza"]),
        ("PLEASE CALL GERALD FITZPATRICK ABOUT THE REFUND", ["GERALD", "FITZPATRICK"]),
        # a forwarded e-mail's header, a quoted reply's author, someone with the writer, who writes in Spanish
        ("From: Chidubem Eze\nSent: Tuesday\nSubject: refund", ["Chidubem"]),
        ("> Osaze wrote: the upload stops at 80%", ["Osaze"]),
        ("me and tariq both get error 500 on login", ["tariq"]),
        ("Hola, soy Itziar y no puedo entrar.", ["Itziar"]),
    ],
)
def test_a_name_in_a_chat_shape_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "@here can someone look at the failed payments?",
        "Outlook said the attachment is too big.",
        "Support said the refund takes five days.",
        "thanks - bye",
        "tell alexa to play music in the kitchen",
        "ask siri to set a timer for ten minutes",
        "it works now, e.g. the export and the import",
        "PLEASE CALL BACK ASAP ABOUT THE DOUBLE CHARGE",
        "Hi all, quick question here about invoices.",
        "Was it the update or the plugin that broke the sync?",
        "Is Zoom still the default meeting app for our team?",
        "From: Support Team\nSubject: your ticket",
        "Outlook and I don't get along, it crashes daily.",
        "text my sister for me and tell them i'm late",
        "Hola, soy cliente nuevo y no puedo entrar.",
        "Chrome on the office laptop says the certificate is invalid.",
    ],
)
def test_mentions_of_no_one_products_and_ordinary_words_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


def test_an_email_address_is_no_mention() -> None:
    from policies.chat_names import chat_names

    assert chat_names("Please write to billing@example.com or to ops@oria.io about the invoice.") == []

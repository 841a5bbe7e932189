"""Ordinary questions in shapes the name and street rules took for personal data (chosen on
bench/ordinary/dev_questions_privacy34.txt): a voice skill named with its wake word, a street with no house number that
names a shop's branch, a question's verb before a brand, a claim or return number, what a train runs from, "X the
dashboard". Each comes back unchanged; personal data of a nearby shape is still redacted."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a voice skill or an assistant named with its wake word (policies/product_context.py `wake_word_name`)
        "Why does Hey Bertie keep answering in Spanish?",
        "Can Ask Clementine read my shopping list out loud?",
        "Does Hey Lorcan work with Philips Hue bulbs?",
        "How do I stop Ask Penelope from ordering things by voice?",
        "Is Ask Agatha's quiz free?",
        "Ask Martha says she can't find my recipe box, is the skill down?",
        "Hey Ottilie won't turn off the hallway lights anymore.",
        # a street with no house number naming a branch (policies/thing_roles.py, policies/product_phrases.py)
        "Can I pick up my prescription at the Victoria Road pharmacy?",
        "Why did my parcel go to the Brook Street post office instead of home?",
        "Can I get my laptop fixed at the Broad Street service centre?",
        "Do you still have a shop on Lombard Street?",
        "My reservation at the Marriott Park Lane was cancelled, why?",
        "Can I change my booking at the Holiday Inn Regent's Park?",
        # a question's verb opening the sentence is no first name (policies/name_pairs.py, policies/name_extent.py)
        "Are Calvin Klein boxers included in the 3 for 2?",
        # a claim or a return's number is no phone and no street (policies/pii_patterns.py, policies/street_addresses.py)
        "Claim number 7720145 was rejected, can I appeal?",
        "Has return 8831-22 been processed yet?",
        # where a train runs from is a place (policies/places.py `travel_end`)
        "The 7:45 train from Euston was cancelled, can I claim?",
        # what a product is after "the", brands named after people (policies/product_phrases.py, policies/brands.py)
        "Why does Homer the dashboard show a blank page?",
        "Why can't Emma the mattress company deliver on Saturdays?",
        "Is Toby the kids' tablet safe for a five year old?",
        "Is Russell Hobbs kettle descaler safe for glass kettles?",
        "Does Charlotte Tilbury make fragrance-free products?",
        # a firm's name: two names joined by "&" asked what a shop does, a name before "Brothers" (policies/businesses.py)
        "Does Harlow & Finch sell gift cards?",
        "Can I open a business account at Baxter Brothers?",
    ],
)
def test_an_ordinary_question_comes_back_unchanged(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Hey Martha, my order never arrived.", "Martha", "PERSON"),
        ("Hi, can you ask Clementine Vesketh to call me back?", "Clementine Vesketh", "PERSON"),
        ("Hey Ottilie Dornacre can you check my refund?", "Ottilie Dornacre", "PERSON"),
        ("I live on Lombard Street, can the courier come after six?", "Lombard Street", "STREET_ADDRESS"),
        ("Please send it to 12 Victoria Road, Leeds LS1 4AB", "12 Victoria Road", "STREET_ADDRESS"),
        ("Is Oria Vesketh still the contact on our account?", "Oria Vesketh", "PERSON"),
        ("About my claim: please call me on +44 7700 900123 after 5.", "+44 7700 900123", "PHONE"),
        ("Re the claim 0161 496 0000 is my number for updates", "0161 496 0000", "PHONE"),
        ("For the appointment 07700 900123 works best", "07700 900123", "PHONE"),
        ("The train from Leeds was late, my colleague Bram Vesketh missed the meeting.", "Bram Vesketh", "PERSON"),
        ("Homer Dornacre the plumber never came.", "Homer Dornacre", "PERSON"),
        ("My landlord is Russell Vesketh, he never replies.", "Russell Vesketh", "PERSON"),
        ("Please tell Oria & Bram Vesketh that their order shipped.", "Oria", "PERSON"),
        ("Please tell Oria & Bram Vesketh that their order shipped.", "Bram Vesketh", "PERSON"),
        ("Is Oria Vesketh still the manager at Baxter Brothers?", "Oria Vesketh", "PERSON"),
    ],
)
def test_personal_data_of_a_nearby_shape_is_still_redacted(redactor: SpacyRedactor, text: str, value: str, kind: str) -> None:
    result = redactor.redact_sync(text)
    start = text.index(value)
    assert any(e.kind == kind and e.start <= start and text.index(value) + len(value) <= e.end for e in result.entities), result.redacted
    assert value not in result.redacted

"""Well-known brands, shops named after their owners, what a tool keeps, dishes and forms of address are not people;
people in the same places still are.

Each case is a message a customer could send, written for these tests: the shops, tools and people are invented
(or common first names), the brands are well-known ones of policies/brands.py that the benchmark's ordinary
questions (bench/ordinary/) do not ask about. Every "kept" case was redacted before the rule it names.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a well-known brand's whole name, named after people (policies/brands.py)
        "Does John Deere make lawn mowers?",
        "Does Albert Heijn deliver on Sunday?",
        "Is Edward Jones a partner for rewards?",
        "Is El Corte Ingles open on Sunday?",
        "Does Procter & Gamble make this detergent?",
        # a lone brand's word that is a surname, before what a service does
        "Does Dell ship laptops to Ireland?",
        # ... and one that is a first name too
        "Does Otto deliver to Austria?",
        # a carrier that is a first name too, in a message about a parcel
        "Yamato lost my parcel",
        "Why did Yamato return my package?",
        # a name's possessive asked to do what a shop does
        "Does Marla's take gift cards?",
        "Can Rudy's deliver to my office?",
        "Does Tobias's have a drive-thru?",
        "Is Marla's having a sale this weekend?",
        "Is Rudy's open on Sunday?",
        # a name right before a kind of goods, even one a name list grows ("Betty" found alone, then its surname)
        "Is Betty Quill popcorn gluten free?",
        "Does Oria Vesketh cookware work on induction?",
        # a place to eat before its name
        "reserve a table for 2 at bistro les amis",
        # who answers for a brand
        "Is Gibson support open on weekends?",
        # a bot's name with what it is, and a business said to be one
        "Can Archie the bot reset my password?",
        "Is Hubert the virtual agent available 24/7?",
        "Can Leo, the AI helper, draft replies?",
        "Is Jenny Vesk still in business?",
        # a name right before what a tool keeps
        "Why are Orrin task notifications late?",
        # a service left behind is no one spoken to
        "We're moving off Quillbox, can we import our todos?",
        "We moved away from Tallyfern, can I bring my boards over?",
        # an edition's word after a name, with what is said of a device
        "Pella Lite won't pair with my phone",
        "Nova Max keeps disconnecting",
        # a dish
        "what ingredients go into chana masala",
        # how to be spoken to
        "please call me boss",
    ],
)
def test_brands_shops_and_tools_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a noun after the possessive: someone's son, someone's package
        ("Does Marla's son use this card reader?", "Marla"),
        ("Did Benny's package arrive?", "Benny"),
        ("Is Marla's phone off?", "Marla"),
        ("Is Marla having lunch?", "Marla"),
        # goods after a name that opens the message, or after someone asked or given to
        ("Oria Vesketh wine tasting is on Friday", "Oria Vesketh"),
        ("Tell Oria cookies are ready", "Oria"),
        ("Oria treats me well", "Oria"),
        ("Oria, the agent, will call you back", "Oria"),
        ("Oria Vesketh is still in business school", "Oria Vesketh"),
        # "support" as what someone does
        ("Does Oria support the change?", "Oria"),
        # a person asked to do what a shop does, without the possessive
        ("Can Rudy deliver the papers to my office?", "Rudy"),
        # the word after a name that a tool's records could follow is the person's verb after an auxiliary
        ("Can Oria approve invoices?", "Oria"),
        ("I spoke with Tallow Vesk about the call recordings", "Tallow Vesk"),
        # a first name after a kin word, or after "call me", in a message that also books a table
        ("my friend josefina is coming at 7", "josefina"),
        ("please call me marisol", "marisol"),
        # a place to eat before someone who did something, not after a preposition
        ("the restaurant Oria recommended was great", "Oria"),
        # a brand's word that is a first name, asked or spoken to, or someone's surname
        ("Please ask Otto to call me back", "Otto"),
        ("Ask Dell Quillon to send the form", "Dell Quillon"),
        ("Edward Vesketh accepted the quote", "Edward Vesketh"),
        ("Did Raymond call you back about the invoice?", "Raymond"),
        ("Please ask Yamato to call me about the parcel", "Yamato"),
        ("Yamato Vesketh signed for the package", "Yamato Vesketh"),
        ("Oria & Bram will sign the form", "Oria Bram"),
        # someone spoken to before "can": a vocative, not after a preposition
        ("Thanks for the help, Quillon, can you close the ticket?", "Quillon"),
        # an edition's word after a first name, with what a person does
        ("Please ask Oria Max to call me", "Oria Max"),
    ],
)
def test_people_in_the_same_places_are_still_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    for word in name.split():
        assert word not in result.redacted, result.redacted

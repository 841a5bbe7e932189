"""Products, shops and places told by the shape of the sentence around their name, for any tenant
(policies/thing_shapes.py); people in like sentences stay redacted.

Every sentence is written for these tests: the products' and shops' names are common first names or surnames, the
other names invented or generic.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a sequel's or a release's number, a model's code, then what software, a game or a device does
        "Why does Edwin Marsh 3 crash after the intro?",
        "Harold Grant 4xe won't charge at home",
        # a device's or a service's part, then what it does or is
        "Clara Q remote won't pair with the box",
        "Margaret remote won't pair with the box",
        # a bot written with "-bot"
        "Does Carla-bot support slash commands?",
        # what sits in a library
        "Why is Bernard not in my library after I bought it?",
        # a shop's possessive that is its sentence's subject
        "Gregor's says my loyalty stamp didn't register",
        "Rosetti's on Kingsway doesn't show up in the booking app",
        # a numberless street between a shop opening the sentence and its verb
        "Hollis Market on Union Street has no parking anymore?",
        "Harbour Books on Canal Road doesn't take returns anymore?",
        # a shop with goods in stock, a device that won't sync with another
        "Fenwick Hale Queensway has the Vertuo Next in stock?",
        "Clara Paperwhite won't sync with OverDrive",
        # a journey's end whose other end is a place, a train between places that is late
        "My ticket from Leeds to Beverley shows invalid",
        "Brightline Velora from Miami to Orlando delayed 2 hours, refund?",
        # a shop's hours
        "Is Sørensen Møbelhus open on bank holidays?",
        # a maker's goods, software on a system, a shop that takes a way of paying
        "Can I return a Harold Finch coat to the outlet?",
        "Is my Rowena Hale kettle covered by the warranty?",
        "Rowena Hale serum is cheaper on Amazon, why?",
        "Rowena Hale grill smokes a lot",
        "Hollis Grant store on Regent Street is closed today?",
        "Does Edith Lowe run on Linux?",
        "Does Marisol take contactless?",
        # a meeting's number is no phone where the text does not speak of phoning
        "Zoom says meeting 912 338 7711 has ended",
    ],
)
def test_names_in_a_things_shape_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a count or a time after a name, someone's things, someone who moved a ticket, someone who is open to a call
        ("I spoke with Gordon Hale 2 days ago about the refund", "Gordon Hale"),
        ("Please call Edwin Marsh at 3pm tomorrow", "Edwin Marsh"),
        ("Clara Quinn's remote won't pair with the box", "Clara Quinn"),
        ("Gregor's laptop won't start since Monday", "Gregor"),
        ("Why is Bernard not in my team anymore?", "Bernard"),
        ("I moved the ticket from Grzegorz to Jadwiga but it still lists him", "Jadwiga"),
        ("Is Annelise Vorst open to a call on Friday?", "Annelise Vorst"),
        ("I live on Union Street with Hollis Marsh", "Hollis Marsh"),
        ("Can you call me at 912 338 7711 after the meeting?", "912 338 7711"),
        ("Have you been to a Hedda Lindqvist concert before?", "Hedda Lindqvist"),
        ("Can Hedda Lindqvist run on Monday instead?", "Hedda Lindqvist"),
        ("Can Hedda Lindqvist take over as admin?", "Hedda Lindqvist"),
        ("Does Marisol take cash?", "Marisol"),
        ("Does Maria Lopez cook on weekends?", "Maria Lopez"),
        ("Can Maria Lopez watch the kids on Friday?", "Maria Lopez"),
        ("Does Hollis Grant grill steaks on weekends?", "Hollis Grant"),
        ("Is Hollis Grant's portal down?", "Grant"),
    ],
)
def test_people_in_like_sentences_stay_redacted(redactor: SpacyRedactor, text: str, value: str) -> None:
    result = redactor.redact_sync(text)
    assert value not in result.redacted, result.redacted

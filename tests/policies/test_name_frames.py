"""Names in the frames that say someone is meant (policies/name_frames.py) and the parts of an address around what the
street rules find (policies/street_extent.py): the values never reach the remote model; ordinary greetings, signatures
of teams and requests keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # greeted or thanked: a name that is an English word too, in lower case, with a title
        ("Hi Chance, the export finished but the totals are off.", "Chance"),
        ("Thanks Grace!", "Grace"),
        ("good afternoon jade, is my refund processed?", "jade"),
        ("Thanks again Daisuke, that fixed it.", "Daisuke"),
        # a signature that goes on after its name's line
        ("Thanks a lot,\nEmeka Obi\nAbuja branch", "Emeka Obi"),
        # under the e-mail signature's delimiter line
        ("See the attached log.\n--\nCressida Lane\nOperations", "Cressida Lane"),
        # the addressee before a street on its line
        ("Deliver to Vikram Rao, House 21, 4th Cross Road, Jayanagar, Bengaluru 560011.", "Vikram Rao"),
        ("Ship to Tomasz Nowak, ul. Długa 15/3, 80-827 Gdańsk.", "Tomasz Nowak"),
        # a Vietnamese name, whole
        ("The box was handed to Le Van Duc at reception.", "Le Van Duc"),
        # someone a request is about, or who did what only someone does
        ("please ask Chance to resend the link", "Chance"),
        ("Joy asked me whether the coupon still works.", "Joy"),
    ],
)
def test_a_name_in_a_frame_that_says_someone_is_meant_is_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted and "<PERSON_" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Hi team, the export is broken",
        "Thanks again!",
        "Hello there, quick question about plans",
        "Hi, may I ask about the yearly plan?",
        "Thanks Amazon!",
        "Best,\nThe Acme Team",
        "Thanks for the help,\nI will try again tomorrow.",
        "Please let us know if the invoice is wrong",
        "ask support to call me back",
        "help me tell visa about fraud on my account",
        "Will this work on my Mac?",
        "Move row 2-14-7 to Board",
        "The steps:\n--\nOpen Settings\nClick Save",
    ],
)
def test_ordinary_greetings_and_requests_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Please deliver to Calle Mayor 55, 2º dcha, 46001 Valencia.", "Calle Mayor 55, 2º dcha"),
        ("Deliver to Vikram Rao, House 21, 4th Cross Road, Jayanagar, Bengaluru 560011.", "House 21, 4th Cross Road"),
        ("The address on file is 3-5-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo.", "3-5-1 Nishi-Shinjuku, Shinjuku-ku"),
    ],
)
def test_the_building_the_floor_and_a_japanese_block_number_go_with_the_address(redactor: SpacyRedactor, text: str, street: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert not any(part in redacted for part in street.replace(",", " ").split()), redacted

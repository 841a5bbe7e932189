"""People in more shapes of a customer's message (policies/people_shapes.py): a casual self-introduction, someone from a
team who said or did something, "according to X", whether someone still holds a role, someone asked to call or to do
something, "I think x deleted it" in lower case, "From the desk of X", a Vietnamese name in lower case, and the other
items of a list of people. Their names never reach the model or the logs; products, assistants, teams and ordinary words
in the same frames keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("yo it's tuilagi, the sync is stuck again", ["tuilagi"]),
        ("hi im tevite and the app closes when i open the map", ["tevite"]),
        ("according to kehinde adewale, the discount applies to the whole year", ["kehinde", "adewale"]),
        ("Is Mahlet still our account manager after the merger?", ["Mahlet"]),
        ("can fetu leota ring me back this afternoon", ["fetu", "leota"]),
        ("Could you ask Olufemi to resend the signed contract?", ["Olufemi"]),
        ("ok so tevite from your team never called back", ["tevite"]),
        ("hiya, Wairimu here again - any news on my refund?", ["Wairimu"]),
        ("Lerato Mokoena (our sysadmin) says the certificate expired.", ["Lerato", "Mokoena"]),
        ("thank you so much kainoa!", ["kainoa"]),
        ("this is sione from the auckland branch", ["sione"]),
        ("i think sefa deleted the shared folder yesterday", ["sefa"]),
        ("From the desk of Tamatea Rangihuna: please confirm the order.", ["Tamatea", "Rangihuna"]),
        ("please refund ha thi nga, she paid twice", ["refund ha", "nga"]),
        ("Please add Rangimarie Pohatu, Ruth Miller and Tomas Berg to the team.", ["Rangimarie", "Pohatu"]),
    ],
)
def test_a_name_in_a_people_shape_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "According to Stripe, the payout failed.",
        "According to the docs, exports are limited to 10,000 rows.",
        "Can you ask Siri to read my new messages?",
        "Can you ask Alexa to turn off the lights at 10?",
        "Is Zendesk still our helpdesk tool?",
        "hi im stuck on the login page",
        "Hey, it's broken again after the update.",
        "Hi, I'm new here and can't find the export button.",
        "Connect Slack, Jira and Zoom to your workspace.",
        "i think the update deleted my saved filters",
        "Can support call me back tomorrow?",
        "According to Paperkite, the file is still syncing.",
        "Is Gmail still my main contact address?",
        "Can you ask Cortana to schedule the meeting?",
        "Can Paperkite call me when the export is done?",
        "please cancel van thi order",
        "Can Comcast call me back tomorrow?",
        "Ask Waze to avoid tolls.",
        "maybe spotify removed the song",
        "this is spotify from my phone, why is it logging out",
    ],
)
def test_a_product_or_a_word_in_the_same_shapes_keeps_its_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

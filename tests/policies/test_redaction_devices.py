"""Devices, games, apps and versions are not people or addresses; people and addresses next to them still are.

Each test is a message a customer could send, written for these tests (not taken from the benchmark's blind
sets, the shared PII file or the Faker seeds); the names are invented or common first names and surnames.
"""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # a dotted version after what versions are said of is no IP address
        "After installing driver 2.0.1.33 the touchpad stopped working",
        "Firmware 3.2.0.14 bricked my router",
        "The tablet says update 5.0.2.1 failed to install",
        # a house number is never a decimal
        "Is Cedar Hill 2.1 compatible with the plugin?",
        # a name inside a capitalised run with an ordinary word or an acronym in it is what the run is
        "Why does Marlowe AI draft replies in French?",
        "Does Julian DevTools support Firefox?",
        # a dotted version right after the name
        "Why does Wren builder 1.4 crash on export?",
        # what devices and software are
        "Gideon editor keeps freezing on large files",
        "Otis doorbell rings twice at night",
        "Milo Buds won't pair with my laptop",
        "Lena Dock not detected by the laptop after sleep",
        # what is unlocked or played is a thing
        "How do I unlock Ingrid in the season pass?",
        # the title of a work
        "Is Harold and the Purple Crayon on the kids' plan?",
        # a possessive opening a numbered title
        "Does Cormac's Keep 2 support co-op on the Switch?",
        # a product by an organisation
        "Is Felix by Revolut a savings account?",
        # ordinary words with a number after them
        "The screen says Warning 12 after the update",
        # a team or a product under a closing signs no one
        "Thanks!\nSupport Team",
        "Thanks,\nJIRA",
    ],
)
def test_devices_games_and_versions_are_kept(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.entities


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("My colleague Lucy Hale said the AI feature is broken", ["Lucy Hale"]),
        ("Our CFO Dana Whitby needs access to the console", ["Dana Whitby"]),
        ("Please reset Ingrid Solvang's Gusto login", ["Ingrid Solvang"]),
        ("Please download Gideon the invoice he asked for", ["Gideon"]),
        ("The login from 10.20.30.40 wasn't me", ["10.20.30.40"]),
        ("Mirela's Account 2 is locked since Monday", ["Mirela"]),
        ("Send it to 14 Abbey Road, London NW8 9AY please", ["14 Abbey Road, London NW8 9AY"]),
        ("ship it to 12 calle de alcala, 28014 madrid", ["12 calle de alcala, 28014 madrid"]),
    ],
)
def test_people_and_addresses_next_to_them_are_still_redacted(redactor: SpacyRedactor, text: str, values: list[str]) -> None:
    result = redactor.redact_sync(text)
    for value in values:
        for word in value.split():
            if len(word) > 1:
                assert word.strip(",") not in result.redacted, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a relation of the family, the household or work before a name
        ("my nephew Tobiah broke the console", "Tobiah"),
        ("Our flatmate Quennell changed the router password", "Quennell"),
        # a role, then the name between commas
        ("The installer, Odalys, left before the test call", "Odalys"),
        ("Our plumber, Tadeo, turned the water off", "Tadeo"),
        # an initial before a surname found
        ("It was signed for by someone called R. Pemberton", "R. Pemberton"),
        # the last line under a closing signs the message
        ("Thanks so much,\nMarguerite", "Marguerite"),
        ("Cheers\nAnouk Verbeek", "Anouk Verbeek"),
    ],
)
def test_people_by_relation_role_and_initial(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    for word in name.split():
        assert word not in result.redacted, result.redacted

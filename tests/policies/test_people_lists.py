"""People in three more shapes (policies/people_shapes.py): a double-barrelled surname after a first name already found,
"X can't see / cannot open / doesn't have access" opening a sentence, and a list of first names in lower case. Their names
never reach the model or the logs; products, companies and ordinary words in the same shapes keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Please add Adanna Okeke-Shaw as an admin.", ["Okeke", "Shaw"]),
        ("Temuulen can't see the payroll tab since Friday.", ["Temuulen"]),
        ("It worked yesterday. Oluwadamilare cannot open the shared invoices.", ["Oluwadamilare"]),
        ("Siddharth doesn't have access to the billing page anymore.", ["Siddharth"]),
        ("three users, afua and kojo, can't open the dashboard", ["afua", "kojo"]),
        ("can you add lucia and henrik to the workspace", ["lucia", "henrik"]),
        ("staff: obiageli, uzoma and nnamdi are locked out", ["obiageli", "uzoma", "nnamdi"]),
    ],
)
def test_a_name_in_these_shapes_is_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "Does the app work with Rolls-Royce or Mercedes-Benz infotainment?",
        "Trello can't see my boards since the update.",
        "Outlook cannot open the attachment you sent.",
        "Firefox doesn't have access to the microphone.",
        "Maven can't download from the mirror, 401 Unauthorized",
        "the sync between notion and trello stopped",
        "can you add dropbox and shopify to the integrations",
        "users, admins and guests all see the old menu",
        "red and blue buttons do nothing on the checkout page",
    ],
)
def test_a_product_or_word_in_these_shapes_is_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

"""Lists of first names that the other rules miss (policies/name_pronouns.py `listed_first_names`): after a colon with
commas only, after a colon where the names are of the world's list only (names of India, Africa or Central Asia that
gender-guesser lacks), and after what is done to people ("add ..., ... and ... to the plan"). Ordinary words, products
and apps in the same lists keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("accounts to close: tamsin, ketevan, zarina", ["tamsin", "ketevan", "zarina"]),
        ("we invited 4: aarush, chinedu, yerlan and tanvika.", ["aarush", "chinedu", "yerlan", "tanvika"]),
        ("please invite ishaan, olive and florentyna to the team plan", ["ishaan", "olive", "florentyna"]),
        ("Please add: Ishaan, Chinedu and Florentyna to the plan.", ["Ishaan", "Chinedu", "Florentyna"]),
    ],
)
def test_the_names_of_such_a_list_are_redacted(redactor: SpacyRedactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert all(name not in redacted for name in names), redacted


@pytest.mark.parametrize(
    "text",
    [
        "sizes to restock: small, medium, large",
        "colours: rose, jade, amber",
        "please add tags, labels and filters to the export",
        "add paypal, venmo and zelle as payment methods",
        "add uber, lyft and bolt to my apps",
        "add: tags, labels and filters to the export",
        "channels to archive: general, random, dev",
    ],
)
def test_a_list_of_words_or_products_is_kept(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

"""First names only the world's list knows (policies/world_names.py: WGND 2.0, not gender-guesser's list) where only a person
stands (policies/lone_names.py, policies/world_frames.py), and a found name grown over its particles
(policies/particle_names.py). Products, places and pairs of products in the same frames keep their words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.first_names import Names
from policies.redaction import SpacyRedactor
from policies.world_names import WorldNames, world_first_name


def test_the_world_list_knows_names_that_gender_guessers_does_not() -> None:
    for name in ("Chukwuemeka", "Thandiwe", "Mulugeta", "Kahurangi"):
        assert name.lower() not in Names.first_names()
        assert WorldNames.known(name) and world_first_name(name), name
    for word in ("Dropbox", "Printer", "Amazon", "Monday", "India"):
        assert not world_first_name(word), word


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I gave the old laptop to Chukwuemeka.", "Chukwuemeka"),
        ("The password reset went to Thandiwe by mistake.", "Thandiwe"),
        ("I forwarded the receipt to Mulugeta for approval.", "Mulugeta"),
        ("Kahurangi says the booking page shows the wrong time zone.", "Kahurangi"),
        ("Tsegaye needs a new password.", "Tsegaye"),
        ("Did Nnamdi already pay for the upgrade?", "Nnamdi"),
        ("Is it ok if Ebere collects the parcel for me?", "Ebere"),
        ("We split the bill with Oluwatobi last month.", "Oluwatobi"),
        ("The parcel was signed for by Makoa.", "Makoa"),
        ("Mahina and I share the family plan.", "Mahina"),
        ("Senait and Ahanu need editor access.", "Senait"),
        ("Senait and Ahanu need editor access.", "Ahanu"),
    ],
)
def test_a_first_name_only_the_world_list_knows_is_redacted_where_a_person_stands(
    redactor: SpacyRedactor, text: str, name: str
) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert name not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Amazon says the parcel was delivered.",
        "Can Busuu correct my writing in Japanese?",
        "Can I use Google Authenticator or Authy for 2FA?",
        "How do I translate the widget into German and French?",
        "The photos went to Dropbox by mistake.",
        "I moved the files to Notion last week.",
    ],
)
def test_products_and_languages_in_the_same_frames_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please contact Nurul binti Yusof about the payroll export.", "Nurul binti Yusof"),
        ("Transfer the seat to Hafiz bin Osman, he replaced me.", "Hafiz bin Osman"),
        ("I spoke with Johan du Toit in your Durban office.", "Johan du Toit"),
        ("Please ship it to Ma. Teresa Villanueva at the same address.", "Ma. Teresa Villanueva"),
        ("The card belongs to Andres dela Rosa.", "Andres dela Rosa"),
        ("The booking is under Niamh Ní Dhomhnaill.", "Niamh Ní Dhomhnaill"),
    ],
)
def test_a_found_name_takes_its_particles_and_the_words_after_them(redactor: SpacyRedactor, text: str, name: str) -> None:
    redaction = redactor.redact_sync(text)
    for word in name.split():
        assert word not in redaction.redacted.split(), redaction.redacted


def test_the_world_list_is_built_once_into_the_model_cache_and_mapped_by_later_processes(tmp_path: Path) -> None:
    """A second `serve` or CLI process must not spend seconds of CPU rebuilding the list: it maps the cached file."""
    probe = (
        "import sys; from pathlib import Path; import numpy as np\n"
        "from policies.world_names import WorldNames\n"
        "WorldNames.warm_up(Path(sys.argv[1]))\n"
        "print(type(WorldNames._names).__name__, WorldNames.known('Chukwuemeka'), WorldNames.known('Dropboxer'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SUPPORTBOT_MODEL_CACHE"}
    first = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split() == ["ndarray", "True", "False"]
    assert [p.suffix for p in tmp_path.iterdir()] == [".npy"]
    second = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env, check=True)
    assert second.stdout.split() == ["memmap", "True", "False"]

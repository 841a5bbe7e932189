"""Street addresses as more countries write them (policies/street_world.py, policies/street_forms.py, policies/street_words.py):
no word of the street line, its house number or its flat reaches the remote model; a company's store, office or depot
named by its street in an ordinary question is left as it is."""

from __future__ import annotations

import re

import pytest

from policies.redaction import SpacyRedactor


def _leaked(redacted: str, street: str) -> list[str]:
    """The words and numbers of the street that are still in the redacted text."""
    return [w for w in re.findall(r"\w+", street) if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", redacted)]


@pytest.mark.parametrize(
    ("text", "street"),
    [
        # a street's name with no street word and its number, after words that say an address follows
        ("My address is Hlinená 17, 040 01 Košice.", "Hlinená 17"),
        ("I live at Am Quillonhang 4b, 01067 Dresden.", "Am Quillonhang 4b"),
        ("my address is quillonvegur 31, 101 reykjavik", "quillonvegur 31"),
        ("Adresa: Quillonská 2204/118, 602 00 Brno", "Quillonská 2204/118"),
        # a name, a number, a postcode and a place on one line
        ("Billing: Quillonowa Górka 7, 61-001 Poznań", "Quillonowa Górka 7"),
        # a British house's name above a street with no number, the village and the postcode
        ("Ship to:\nThe Old Forge\nVesketh Lane\nBramwen\nOX7 3QP", "The Old Forge\nVesketh Lane"),
        # Norwegian genitive street, Russian "d." house, Canadian rural route
        ("Leveringsadresse: Oria Veskeths gate 14, 0255 Oslo", "Oria Veskeths gate 14"),
        ("Ship to ul. Quillonova, d. 7, kv. 12, Kazan 420111", "ul. Quillonova, d. 7, kv. 12"),
        ("Send it to RR 4, Site 2, Comp 33, Vesk AB T4A 0B1", "RR 4, Site 2, Comp 33"),
        # a South Asian or Gulf house with its numbered street
        ("deliver to House 12, Street 9, G-9/1, Islamabad", "House 12, Street 9, G-9/1"),
        ("Please deliver to Villa 7, Street 31a, Jumeirah, Dubai", "Villa 7, Street 31a"),
        # a Korean side road after the building's number, a lower-case Japanese block address
        ("Send to 12 Quillon-ro 8-gil, Mapo-gu, Seoul", "12 Quillon-ro 8-gil"),
        ("i moved to 2-8-14 vesketh-cho, quillon-ku", "2-8-14 vesketh-cho, quillon-ku"),
        # a type-first street with no number above its postcode line
        ("New address:\nchemin des Quillons\n84000 Avignon", "chemin des Quillons"),
        # flats, floors, blocks and doors after the house number
        ("Livrare la Strada Quillon 9, bl. C4, ap. 21, Cluj", "Strada Quillon 9, bl. C4, ap. 21"),
        ("Indirizzo: Via Vesketh 40, scala A, interno 6, Genova", "Via Vesketh 40, scala A, interno 6"),
        ("I moved to Av. Quillon 880, piso 3 dto. C, Rosario", "Av. Quillon 880, piso 3 dto. C"),
        ("Send it to Quillon utca 8. III. em. 2., Pécs", "Quillon utca 8. III. em. 2."),
        ("Send the charger to Vesketh vej 4, 2. sal, Aarhus", "Vesketh vej 4, 2. sal"),
        ("Bitte an Quillongasse 12/2/9, 1080 Wien", "Quillongasse 12/2/9"),
        ("moved to Veskethstraat 41 bis, 2000 Antwerpen", "Veskethstraat 41 bis"),
        ("Livrez au 1200, rue Quillon, app. 5, Laval", "1200, rue Quillon, app. 5"),
        # a Czech street named by a preposition or an adjective, with the place's particle below it
        ("Adresa: Pod Quillonem 14\n541 01 Vesketh nad Úpou", "Pod Quillonem 14\n541 01 Vesketh nad Úpou"),
        ("Pošlete to na Quillonská 7, Brno", "Quillonská 7"),
        # a street word no English sentence has, with no number, after "on"
        ("he lives on quillon utca now", "quillon utca"),
        # a British address in lower case down to its postcode, an Indian one down to its PIN code
        ("ship to:\nflat 4\nquillon mews\nvesketh\nab1 2cd", "flat 4\nquillon mews\nvesketh\nab1 2cd"),
        ("deliver to:\n12/45\nquillon path\nvesketh 411001", "12/45\nquillon path\nvesketh 411001"),
        # a Dutch postcode alone on its line and the place below it
        ("Adres:\nQuillonsingel 9\n1234 AB\nVesketh en Dal", "Quillonsingel 9\n1234 AB\nVesketh en Dal"),
    ],
)
def test_street_lines_of_many_countries_are_redacted(redactor: SpacyRedactor, text: str, street: str) -> None:
    redacted = redactor.redact_sync(text).redacted
    assert not _leaked(redacted, street), redacted


@pytest.mark.parametrize(
    "text",
    [
        "Can I book a fitting at the Quillon Road flagship?",
        "Do you deliver to offices on Vesketh Street the same day?",
        "Is there a service centre near Quillon Road?",
        "Our team meets at the Vesketh Street coworking space, can you ship demo units there?",
        "Is the Oria Veskeths gate shop open on Sunday?",
        "My address is wrong on the invoice, how do I change it?",
        "Can you ship to Norway in 3 days?",
        "I live at the office most weeks, can I get deliveries there?",
        "Is Windows 11, 2024 edition supported?",
        "Can I pay cash at the Quillon utca store?",
        "Is the Na Quillonu 2 app free?",
    ],
)
def test_a_company_s_place_by_its_street_and_nearby_questions_are_unchanged(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

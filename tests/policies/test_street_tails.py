"""Whole addresses of more countries (policies/street_tails.py, policies/street_shapes.py and the street words added to
policies/street_words.py): no word or number of the street line, its flat, its place, its postcode or its region reaches
the remote model; ordinary questions with the same numbers and signs stay as they are."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


def _left(redactor: SpacyRedactor, text: str, address: str) -> str:
    """The letters and digits of the address that no redacted span covers (a postcode cut after six of its seven digits
    leaves one), and the redacted text."""
    result = redactor.redact_sync(text)
    start = text.index(address)
    spans = [(e.start, e.end) for e in result.entities]
    left = "".join(c for i, c in enumerate(address, start) if c.isalnum() and not any(s <= i < e for s, e in spans))
    return f"{left!r} left in {result.redacted!r}" if left else ""


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # the place and postcode after a street line found from its name and number alone
        ("Ship it to Quillonvollen 2, 3127 Veskeby please", "Quillonvollen 2, 3127 Veskeby"),
        # a seven-digit postcode (Chile) after the region; the region after a place line with its postcode (Argentina)
        ("The office is at Calle Vesk 66 Piso 4\nQuillon, Región de Vesk, 2476910", "Calle Vesk 66 Piso 4\nQuillon, Región de Vesk, 2476910"),
        ("Please send it to Avenida 3 N° 221\nLa Vesk 1900, Quillonia", "Avenida 3 N° 221\nLa Vesk 1900, Quillonia"),
        # a Canadian postcode's second half, an Irish Eircode's last character
        ("Send to 6975 route Quillon\nBaie Vesk, ON C8X 9A2", "6975 route Quillon\nBaie Vesk, ON C8X 9A2"),
        ("She lives at 40 Quillon Street P991EK2 Vesk Ville", "40 Quillon Street P991EK2 Vesk Ville"),
        # a house number written with a word ("N°", "No.", "Nr.")
        ("meet me at jl. quillon no. 53 please", "jl. quillon no. 53"),
        # Slovenian, Croatian and Slovak streets with their words in lower case and the postcode line below
        ("It is Quillonova cesta 4c\n2264 Vesk Bramwen", "Quillonova cesta 4c\n2264 Vesk Bramwen"),
        ("Sent to Quillonac 9a/5\n21732 Vesketh", "Quillonac 9a/5\n21732 Vesketh"),
        ("It is Quillonska pot 317\n4884 Vesk", "Quillonska pot 317\n4884 Vesk"),
        # a Chilean street with no street word, its house found for the flat after it
        ("It's in Los Quillones 930 Piso 7\nVesk, Región del Maule, 6408440", "Los Quillones 930 Piso 7\nVesk, Región del Maule, 6408440"),
        # Colombian streets with an ordinal or a name before "#", the tower, flat and postcode lines below
        ("The letter arrived at Av. Quillon # 7-6 Sur\nTorre 9 apartamento 504\n132945\nSan Vesk, Bolívar", "Av. Quillon # 7-6 Sur\nTorre 9 apartamento 504\n132945\nSan Vesk, Bolívar"),
        ("I'll meet you at Calle 6ª # 54-32 Sur", "Calle 6ª # 54-32 Sur"),
        # Portuguese "sem número"
        ("I once lived in Largo Quillon Vesk, S/N\n4157-946 Vila Quillon", "Largo Quillon Vesk, S/N\n4157-946 Vila Quillon"),
        # Azerbaijani district, settlement, street, building and flat
        ("Please return to Quba ray., Vesk qəs., E.QUILLON küçəsi, b. 2, m. 3 now", "Quba ray., Vesk qəs., E.QUILLON küçəsi, b. 2, m. 3"),
        # Vietnamese house and alley numbers, street, commune, city and postcode
        ("Meet at 72/502 Ngõ 70 Đường 99 xã An Vesk Thành phố Quillon 51776 after", "72/502 Ngõ 70 Đường 99 xã An Vesk Thành phố Quillon 51776"),
        # Malaysian house and Jalan, section, postcode, state
        ("Meet you at No. 3, Jalan 5/70, Seksyen 44, 86569 Bukit Quillon, Vesk after the concert.", "No. 3, Jalan 5/70, Seksyen 44, 86569 Bukit Quillon, Vesk"),
        # Bangladeshi house, area, town and postcode
        ("It is House No. 45, QuillonStation, VeskBari, Vesktown, 5372", "House No. 45, QuillonStation, VeskBari, Vesktown, 5372"),
        # a Philippine block and lot, a house number with its letter after a hyphen, the parts up to the postcode
        ("B05 L78 Quillon Avenue, Vesk Homes, Quillonlupa, 0721 Metro Vesk", "B05 L78 Quillon Avenue, Vesk Homes, Quillonlupa, 0721 Metro Vesk"),
        ("Our offices are at 2713-J Quillon Way Extension, Vesk, 6706 Quillonar", "2713-J Quillon Way Extension, Vesk, 6706 Quillonar"),
    ],
)
def test_whole_addresses_of_more_countries_are_redacted(redactor: SpacyRedactor, text: str, address: str) -> None:
    assert not _left(redactor, text, address)


@pytest.mark.parametrize(
    "text",
    [
        "Contact us via ticket no. 12345",
        "I have 3 Apple Watches and a TV stand # 40-12 plus S/N: 1234",
        "The plaza order no. 12 was late",
        "Is the router's S/N 4471 covered?",
        "Which TV model # 55-12 fits the wall mount?",
    ],
)
def test_ordinary_questions_with_the_same_signs_are_unchanged(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

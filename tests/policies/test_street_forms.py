"""Street lines of other countries' shapes and the units after a street (policies/street_forms.py): the whole street line
never reaches the remote model; ordinary questions with '#', 'No.' or a Roman numeral keep their words."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "street"),
    [
        # a Dutch floor in Roman numerals, a Polish flat, a Danish floor and side, a Singapore unit
        ("Deliver to Prinsengracht 512-II, 1017 KH Amsterdam.", "Prinsengracht 512-II"),
        ("Please ship to ul. Kwiatowa 18 m. 9, 00-120 Warszawa.", "ul. Kwiatowa 18 m. 9"),
        ("My flat is Jagtvej 61, 4. tv, 2200 København N.", "Jagtvej 61, 4. tv"),
        ("Use Blk 210 Bedok North St 1, #11-204, Singapore 460210.", "Blk 210 Bedok North St 1, #11-204"),
        # an office word and its number, a Portuguese floor's side with a capital
        ("Our office: Rua Haddock Lobo, 595, sala 31, São Paulo.", "Rua Haddock Lobo, 595, sala 31"),
        ("I'm at Rua do Almada 44, 1º Esq., Porto.", "Rua do Almada 44, 1º Esq"),
        # a French "bis" and a Canadian "boul." with its "bureau"
        ("New address: 9 bis avenue Foch, 69006 Lyon.", "9 bis avenue Foch"),
        ("Bureau : 2020 boul. Robert-Bourassa, bureau 1500, Montréal.", "2020 boul. Robert-Bourassa, bureau 1500"),
        # Spanish "C/", a Turkish street with "No:" and "D:", Colombian and Mexican numbering, an Indian sector
        ("Our shop is at C/ Atocha 27, 3ºB, 28012 Madrid.", "C/ Atocha 27, 3ºB"),
        ("Adres: Bağdat Cad. No: 214 D: 7, Kadıköy, İstanbul.", "Bağdat Cad. No: 214 D: 7"),
        ("Ship to Carrera 43A # 16-25, Apto 1203, Medellín.", "Carrera 43A # 16-25, Apto 1203"),
        ("Envío a Calle Morelos #318, Int. 5, Oaxaca.", "Calle Morelos #318, Int. 5"),
        ("please send it to house no. 27, sector 9, chandigarh", "house no. 27, sector 9"),
        # a Bangladeshi house and road, with its area when the town follows
        ("the rider couldn't find house 17, road 6, uttara, dhaka", "house 17, road 6, uttara"),
        ("Office: House 5, Road 2A, Mirpur DOHS", "House 5, Road 2A"),
    ],
)
def test_a_street_line_of_these_shapes_is_redacted_whole(redactor: SpacyRedactor, text: str, street: str) -> None:
    result = redactor.redact_sync(text)
    streets = [e.text for e in result.entities if e.kind == "STREET_ADDRESS"]
    assert any(street in s for s in streets), (streets, result.redacted)


@pytest.mark.parametrize(
    "text",
    [
        "How do I close ticket #08-11 in the queue?",
        "Is Chapter 12-III of the course free?",
        "What does error No. 45-10 mean in the app?",
        "Can I rename sector 7 on the seating map?",
        "Why is step 4, 2. th line missing from the export?",
    ],
)
def test_ordinary_questions_with_such_numbers_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

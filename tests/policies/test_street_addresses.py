"""Street addresses by structure (policies/street_addresses.py): the whole written address goes, its place lines too."""

from __future__ import annotations

import pytest

from policies.street_addresses import address_entities


def streets(text: str) -> list[str]:
    return [e.text for e in address_entities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place line that ends in a region code and a postcode, whatever the case of its words
        ("Send it to Calle Roble 12 Interior 4\nSan Tomás los pinos, OAX 68000", "Calle Roble 12 Interior 4\nSan Tomás los pinos, OAX 68000"),
        ("ship to 12 birch lane apt. 3\nwestfield, nj 07090 please", "12 birch lane apt. 3\nwestfield, nj 07090"),
        ("ship to 12 birch lane\nwest field, nsw, 2000", "12 birch lane\nwest field, nsw, 2000"),
        ("calle roble 12 piso 3 \ntoledo, 45001", "calle roble 12 piso 3 \ntoledo, 45001"),
        # a state after a slash, below a district line; a province in brackets
        ("Rua das Pedras, 12\nBairro Alto 2ª Seção\n01000000 Vila de Serena / SP", "Rua das Pedras, 12\nBairro Alto 2ª Seção\n01000000 Vila de Serena / SP"),
        ("via roma, 3\n00100, roma (rm)", "via roma, 3\n00100, roma (rm)"),
    ],
)
def test_the_place_line_below_a_street_goes_with_it(text: str, expected: str) -> None:
    assert streets(text) == [expected]


def test_a_region_code_and_postcode_far_along_the_sentence_are_not_taken() -> None:
    assert streets("Our office is at 12 Main Street and we open at 9, on Monday, NY 10001 sorry") == ["12 Main Street"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The shop is at 12 Birkenweg", "12 Birkenweg"),
        ("the shop is at 7 lindengatan", "7 lindengatan"),
        ("We met at 4 Kastanjedreef", "4 Kastanjedreef"),
        ("He lives on the north side of Tammikuja.", "Tammikuja"),
        ("He lives on Vogelbaan 3.", "Vogelbaan 3"),
    ],
)
def test_a_one_word_street_with_its_number_before_or_after_a_place_word(text: str, expected: str) -> None:
    assert streets(text) == [expected]


def test_english_words_with_a_street_ending_are_no_streets() -> None:
    assert streets("I have 2 strings attached and 3 kindergarten kids; at 5 offspring, on notepad") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meet me at 12, rue des lilas\n75001 villeneuve-sur-lot", "12, rue des lilas\n75001 villeneuve-sur-lot"),
        ("send it to karl-heinz-allee 4/5\n12345 neustadt", "karl-heinz-allee 4/5\n12345 neustadt"),
        ("my place: 7 wattle formation\nnorth ryde, nsw, 2113", "7 wattle formation\nnorth ryde, nsw, 2113"),
    ],
)
def test_a_lower_case_street_line_above_a_place_line(text: str, expected: str) -> None:
    assert streets(text) == [expected]


@pytest.mark.parametrize("text", ["i ordered 3 chairs\nand 2 tables", "step 2 click save\n10 minutes later it failed"])
def test_numbered_lines_with_no_place_line_below_are_no_streets(text: str) -> None:
    assert streets(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pedestrians must enter on Lindqvist St. the first three months", "Lindqvist St."),
        ("Pedestrians must enter on Barrow Hill St.", "Barrow Hill St."),
    ],
)
def test_a_named_street_with_an_abbreviated_type_after_a_place_word(text: str, expected: str) -> None:
    assert streets(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Meet at 14. Bodzavirág utca", "14. Bodzavirág utca"),
        ("He lives at Bodzavirág kerti utca 7.", "Bodzavirág kerti utca 7"),
    ],
)
def test_a_street_word_no_english_sentence_has_after_lower_case_words_or_a_numbered_house(text: str, expected: str) -> None:
    assert streets(text) == [expected]


def test_an_english_word_among_the_foreign_street_words_needs_more() -> None:
    assert streets("Give me a ring 5 minutes before") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send it to USNS Quillon\nFPO AE 09123", "USNS Quillon\nFPO AE 09123"),
        ("what is your address? it is uscgc vesketh\nfpo ap 96543", "uscgc vesketh\nfpo ap 96543"),
        ("unit 4410 box 2231\ndpo ae 09876", "unit 4410 box 2231\ndpo ae 09876"),
    ],
)
def test_a_military_post_address(text: str, expected: str) -> None:
    assert streets(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a street's words are on one line: the name on the line above is no part of it
        ("billing address: oria vesketh\n17 quillonby allé 5", "17 quillonby allé 5"),
        ("ingrid dornacre\nquillon utca 12", "quillon utca 12"),
        ("Billing address: Oria Vesketh\nQuillon Strasse 12", "Quillon Strasse 12"),
    ],
)
def test_a_street_starts_on_its_own_line(text: str, expected: str) -> None:
    assert streets(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range of house numbers, a street named with a hyphen before its German ending, and its number: one span
        ("Please send it to 4-6 Vornelberg-straße 98", "4-6 Vornelberg-straße 98"),
        ("Please send it to 4-6 Vornelberg-platz 98 thanks", "4-6 Vornelberg-platz 98"),
        ("42-66 quellbrunn-platz 98", "42-66 quellbrunn-platz 98"),
        ("my address is 12-14 vornelberg-weg 7", "12-14 vornelberg-weg 7"),
        ("send it to 3-5 brammen-gasse 11 please", "3-5 brammen-gasse 11"),
    ],
)
def test_a_house_number_range_and_a_hyphenated_street_are_one_address(text: str, expected: str) -> None:
    assert streets(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "see section 42-66",
        "see sections 4-6 of the manual",
        "my mouse-pad 2 is broken",
        "the key-ring 3 came loose",
        "pages 12-14 cover the setup",
    ],
)
def test_ranges_and_hyphenated_words_with_numbers_are_no_streets(text: str) -> None:
    assert streets(text) == []


@pytest.mark.parametrize("text", ["Unit 4 of the course won't load", "I'm stuck on lesson 3 of the course", "Part 2 of the drive is missing"])
def test_a_number_then_only_particles_before_a_street_word_is_no_street(text: str) -> None:
    assert streets(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("She lives at 12 Avenue of the Americas", "12 Avenue of the Americas"), ("45 The Drive, Oxford", "45 The Drive, Oxford")],
)
def test_a_street_named_with_particles_after_a_word_is_still_one(text: str, expected: str) -> None:
    assert expected in streets(text)


@pytest.mark.parametrize(
    "text",
    [
        "Build 1234 Main Branch failed",
        "Ticket 4471 Oak Lane issue is still open",
        "Sprint 12 Harbor Drive release notes are missing",
        "Room 12 Conference calendar not syncing",
        "Level 10 Boss fight crashes",
    ],
)
def test_a_number_that_counts_a_build_a_ticket_or_a_room_is_no_house_number(text: str) -> None:
    assert streets(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ship order 12 to 55 Oak Lane", "55 Oak Lane"),
        ("My order 12 Oak Lane, Leeds went missing", "12 Oak Lane, Leeds"),
        ("Suite 5\n12 Oak Lane", "Suite 5\n12 Oak Lane"),
    ],
)
def test_a_street_after_a_counted_thing_or_with_its_place_line_stays_a_street(text: str, expected: str) -> None:
    assert streets(text) == [expected]

"""Two sets written blind for the redaction benchmark and committed before redaction was run on them.

- bench/ordinary/blind_questions.txt: ordinary customer questions (no personal data) about real products
  and services: smart home, games, banking and payment apps, travel, admin consoles, developer tools;
- bench/blind_pii_messages.txt: customer messages with personal data, each value marked [[KIND:value]]
  (presidio's kind names), turned here into the shared PII file's record shape.

Each is split in two halves by a hash of the text (not by position, so adding a line moves no other
line between halves): the TUNE half may be read to choose rules, the REPORT half is only measured.

Two more, written blind by privacy14 and committed before redaction was run on them, are report only
(whole files, no halves; no rule is chosen on them):
- bench/ordinary/blind_questions_2.txt: 153 software-support questions (products named like people,
  versions, rows, amounts, times, plans, some in lower case);
- bench/blind_pii_messages_2.txt: 82 messages with people's names in varied places (lower case, after
  "from", "with", "cc", "by", non-English names, signatures) and a few addresses, e-mails and phones.

The third (privacy16) and the fourth (privacy17: 135 questions with products named like people and predicates a
person could also have, 71 messages with people) are report only too, whole, and so is the fifth (privacy18: 229
questions about real products and services in several domains and countries, 70 messages with people, addresses outside
the US and contacts). So is the sixth PII set (privacy19, written at the same time as the fifth,
bench/blind_pii_messages_6.txt): 88 people of many cultures, lower case, after
greetings, in signatures, names that are English words; 18 street addresses of 12 countries; no ordinary questions.
The eighth PII set (privacy21, bench/blind_pii_messages_8.txt) is report only too: 97 messages, 84 people as subjects of
ordinary verbs, in lists of first names, after "says", "told", "named", "of", in parentheses, possessives, quoted replies
and signatures; 28 street addresses in varied formats of 26 countries.
The seventh (privacy20, bench/ordinary/blind_questions_7.txt, written at the same time as privacy21's eighth PII set) is
report only too: 307 questions about real products and services (assistants, libraries and stores named like people or
places, branches and airports by street or town, versions, model, order and booking numbers, amounts, times, non-English
product names, lower case); no PII messages.
The eighth ordinary set (privacy23, bench/ordinary/blind_questions_8.txt) is report only too, whole: 302 questions about
real products, services, stores and devices (banking assistants, finance apps, shops, cars, speakers, coffee machines and
cameras named like people; operating-system releases, car models and shops named like places; versions, order and booking
numbers, amounts, times, non-English names and a few questions in other languages, lower case); no PII messages.
The ninth PII set (privacy22, bench/blind_pii_messages_9.txt) is report only too: 84 messages, 70 people of many cultures
(East and South Asian, Arabic, Persian, Turkish, African, Slavic, Nordic, Celtic, Latin American, Pacific) after "cc", "ask",
"per", "via", "assigned to", greetings and sign-offs, possessives, lower case, names that are English words, titles, one
in capitals; 21 street addresses of many countries; e-mails, phones, cards.
The tenth PII set (privacy24, bench/blind_pii_messages_10.txt) is report only too: 94 messages, 86 people of many cultures
as subjects, objects, after prepositions, in lists, parentheses, possessives, greetings, sign-offs and "@" mentions, lower
case, one in capitals, nicknames, initials, names that are English words; titles outside the marks; 12 street addresses of
many countries; e-mails, phones.
The ninth ordinary set (privacy25, bench/ordinary/blind_questions_9.txt) is report only too, whole: 345 questions about
real apps, assistants, libraries, banks, shops, restaurants, cars, phones, printers, routers, games and carriers (named like
people or places; plans, features, model, order, ticket and booking numbers, versions, amounts, times; a few in other
languages, some in lower case); no PII messages.
The tenth ordinary set (privacy28, bench/ordinary/blind_questions_10.txt) is report only too, whole: 447 questions about
real and invented software products, services, devices and shops (SaaS tools and their plans and features,
integrations, CamelCase and one-word names, names with digits, model numbers, versions, order, invoice and ticket
numbers, times, amounts, brands named like people or places, some in lower case); no PII messages.
The eleventh ordinary set (privacy31, bench/ordinary/blind_questions_11.txt) is report only too, whole: 392 questions about
software products and services (integrations, plan, tier and feature names, model numbers, order, ticket, case and invoice
numbers, versions, times, amounts, brands of one and two capitalised words some named like people, cities, regions, data
centres, shops and branches that are not addresses, room and desk numbers, quantities, some in lower case or capitals);
no PII messages.
The eleventh PII set (privacy27, bench/blind_pii_messages_11.txt) is report only too: 75 messages, 90 people of many cultures
(African, Arabic, Persian, Turkish, Hebrew, South and South-East Asian, East Asian, Mongolian, Slavic, Balkan, Caucasian,
Finno-Ugric, Nordic, Celtic, Romance, Latin American and Andean, Pacific) in signatures, "this is X", "X here", forwarded
headers and quoted replies, lower case, after titles, in lists, nicknames, names with particles; a few street addresses,
e-mails and phones.
The twelfth PII set (privacy32, bench/blind_pii_messages_12.txt) is report only too: 87 messages, 91 people of many origins
(African, Arabic, Turkish, Persian, South Asian, Tibetan, Central Asian, East and South-East Asian, Pacific, Aboriginal
Australian, Native American, Slavic, Central European, Germanic, Nordic, Celtic, Romance, Latin American) after "my
colleague", in lower case, with initials, particles, hyphenated and double surnames, next to product words, in signatures and
sign-offs, after titles, possessives, lists, "X here", "on behalf of X"; 11 street addresses of many countries; e-mails,
phones, cards.
The twelfth ordinary set (blind13, bench/ordinary/blind_questions_12.txt) is report only too, whole: 630 questions about
real and invented software products, services, apps, devices and shops (assistants, apps, appliances, cars, operating
systems and plans named like people or places, one-word and CamelCase brands, versions, model, order, ticket, invoice and
booking numbers, amounts, dates, times, public stores and offices named by street or town, airports, regions, some in
lower case, with typos, very short or long); no PII messages.
The thirteenth PII set (blind13, bench/blind_pii_messages_13.txt, written at the same time as the twelfth ordinary set) is
report only too: 108 messages, 118 people of many cultures (African, Arabic, Persian, Kurdish, Turkish, Hebrew, South and
Central Asian, Tibetan, Mongolian, East and South-East Asian, Pacific, Aboriginal Australian, Navajo, African American,
Slavic, Balkan, Greek, Caucasian, Finno-Ugric, Nordic, Celtic, Germanic, Romance, Basque, Maltese, Latin American) as
subjects and objects, after prepositions, in lists, greetings, signatures and sign-offs, possessives, lower case, single
first names with weak context, names that are English words, nicknames, initials; 15 street addresses of 15 countries;
e-mails, phones, cards, IBANs, a US SSN, IP addresses.
The thirteenth ordinary set (blind14, bench/ordinary/blind_questions_13.txt) is report only too, whole: 516 questions to the
support desks of banks, airlines, telecoms, games, SaaS tools, hardware makers, marketplaces, delivery apps, insurers,
utilities, universities, clinics' booking systems and government-like portals (products, plans, features, assistants and
models named like first names, surnames or places, one-word and CamelCase brands, versions, SKUs, model numbers, order,
ticket, booking, claim and policy numbers, IBAN-like reference codes, amounts in many currencies, dates, times, durations,
branches and offices named by street or neighbourhood, airports, regions, lower case, typos, very short and very long
messages, pasted error messages and log lines); no PII messages.
The fourteenth PII set (blind14, bench/blind_pii_messages_14.txt, written at the same time as the thirteenth ordinary set)
is report only too: 137 messages, 112 people of many cultures (West, East and Southern African, Horn of Africa, Arabic,
Malay with bin and binti, Persian, Turkish, Hebrew, South Asian, Sri Lankan, East and South-East Asian, Pacific, Native
American, African American, Celtic with O', Mac and Ní, Dutch and Flemish with van der and de, French with du and de la,
Iberian and Latin American double surnames, Italian, Central and Eastern European, Nordic, Sámi) as subjects and objects,
after prepositions, in lists, greetings, signatures and sign-offs, possessives, lower case, single first names
mid-sentence, names that are English words, hyphenated and initialled names; 36 street addresses of about 30 countries in
their own formats (PO boxes not marked); e-mails, phones, cards, IBANs, US SSNs, IP addresses.
The fourteenth ordinary set (blind15, bench/ordinary/blind_questions_14.txt) is report only too, whole: 580 everyday
messages to banking, travel, rail, hotel, car-hire, utility, telecom, insurance, health-booking, public-service, software,
device, retail, restaurant and delivery assistants (amounts, dates, times, order, ticket, invoice, booking, flight, claim
and tracking numbers, versions; rooms, gates, platforms, desks, seats and rows, quantities; brands, plans, tiers and
assistants named like first names, surnames, two capitalised words, streets or places, CamelCase and with digits; public
stores, branches, airports, stations and landmarks; staff by role only; lower case, capitals, a few in French, Spanish,
German and Portuguese); no PII messages.
The fifteenth PII set (blind15, bench/blind_pii_messages_15.txt, written at the same time as the fourteenth ordinary set)
is report only too: 182 messages, 134 people of many cultures (West, East and Southern African, Horn of Africa, Arabic,
Persian, Turkish, Hebrew, South, Central and East Asian in both name orders, South-East Asian, Malay, Mongolian, Pacific,
Māori, Aboriginal Australian, Inuit, Native American, Slavic, Greek, Hungarian in its own order, Nordic, Irish, Basque,
Dutch and Flemish with particles, Romance, Latin American and Andean) as subjects and objects, after prepositions, in
lists, possessives, greetings, signatures and sign-offs, quoted replies, forwarded headers, parentheses, lower case, all
capitals, nicknames, initials, hyphenated and compound names, names that are English words; titles outside the marks;
50 street addresses of over 40 countries in their own formats (town and postcode outside the marks); e-mails, phones of
many countries, cards, IBANs, US SSNs, IP addresses (v4 and v6).
The fifteenth ordinary set (blind16, bench/ordinary/blind_questions_15.txt) is report only too, whole: 584 questions to the
support of software, developer tools, SaaS integrations and plans, games, devices, appliances, cars, banks, airlines, rail,
car hire, shops, restaurants, delivery, telecoms, utilities, insurers, health booking and public services (products,
assistants and brands named like given names or surnames, model numbers, versions, order, ticket and booking numbers,
times, amounts, places of business, brand + goods; lower case, a few in French, Spanish, German, Italian, Portuguese,
Dutch, Polish, Swedish, Finnish); staff by role only; no PII messages.
The sixteenth PII set (blind16, bench/blind_pii_messages_16.txt, written at the same time as the fifteenth ordinary set)
is report only too: 183 messages, 164 people of many cultures (West, East and Southern African, Horn of Africa, Arabic,
Persian, Turkish, Hebrew, South and East Asian, Tibetan, Kazakh, South-East Asian, Malay with bin, Pacific, Māori,
Slavic, Greek, Hungarian, Nordic, Irish with Ní and Mac, Dutch and Afrikaans with van, Romance, Latin American) as
subjects and objects, after prepositions, in lists, possessives, greetings, signatures and sign-offs, forwarded headers,
"@" handles, lower case, all capitals, nicknames, initials, hyphenated and compound names, names that are English words;
titles and kinship words outside the marks; 52 street addresses of about 40 countries in their own formats (town,
postcode and units written apart outside the marks); e-mails, phones, cards, IBANs.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
BLIND_QUESTIONS = HERE / "ordinary" / "blind_questions.txt"
BLIND_PII = HERE / "blind_pii_messages.txt"
BLIND_QUESTIONS_2 = HERE / "ordinary" / "blind_questions_2.txt"
BLIND_PII_2 = HERE / "blind_pii_messages_2.txt"
BLIND_QUESTIONS_3 = HERE / "ordinary" / "blind_questions_3.txt"
BLIND_PII_3 = HERE / "blind_pii_messages_3.txt"
BLIND_QUESTIONS_4 = HERE / "ordinary" / "blind_questions_4.txt"
BLIND_PII_4 = HERE / "blind_pii_messages_4.txt"
BLIND_QUESTIONS_5 = HERE / "ordinary" / "blind_questions_5.txt"
BLIND_PII_5 = HERE / "blind_pii_messages_5.txt"
BLIND_PII_6 = HERE / "blind_pii_messages_6.txt"
BLIND_PII_8 = HERE / "blind_pii_messages_8.txt"
BLIND_PII_9 = HERE / "blind_pii_messages_9.txt"
BLIND_PII_10 = HERE / "blind_pii_messages_10.txt"
BLIND_PII_11 = HERE / "blind_pii_messages_11.txt"
BLIND_PII_12 = HERE / "blind_pii_messages_12.txt"
BLIND_PII_13 = HERE / "blind_pii_messages_13.txt"
BLIND_PII_14 = HERE / "blind_pii_messages_14.txt"
BLIND_PII_15 = HERE / "blind_pii_messages_15.txt"
BLIND_PII_16 = HERE / "blind_pii_messages_16.txt"
BLIND_QUESTIONS_7 = HERE / "ordinary" / "blind_questions_7.txt"
BLIND_QUESTIONS_8 = HERE / "ordinary" / "blind_questions_8.txt"
BLIND_QUESTIONS_9 = HERE / "ordinary" / "blind_questions_9.txt"
BLIND_QUESTIONS_10 = HERE / "ordinary" / "blind_questions_10.txt"
BLIND_QUESTIONS_11 = HERE / "ordinary" / "blind_questions_11.txt"
BLIND_QUESTIONS_12 = HERE / "ordinary" / "blind_questions_12.txt"
BLIND_QUESTIONS_13 = HERE / "ordinary" / "blind_questions_13.txt"
BLIND_QUESTIONS_14 = HERE / "ordinary" / "blind_questions_14.txt"
BLIND_QUESTIONS_15 = HERE / "ordinary" / "blind_questions_15.txt"
_MARK = re.compile(r"\[\[([A-Z_]+):([^\]]+)\]\]")
HALVES = ("tune", "report")


def half_of(text: str) -> str:
    """'tune' or 'report', from the text's SHA-256 (its first byte even: tune)."""
    return "tune" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "report"


def _lines(path: Path) -> list[str]:
    return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _check_half(half: str | None) -> None:
    if half is not None and half not in HALVES:
        raise ValueError(f"half must be 'tune' or 'report', not {half!r}")


def blind_questions(half: str | None = None) -> list[str]:
    _check_half(half)
    return [q for q in _lines(BLIND_QUESTIONS) if half is None or half_of(q) == half]


def parse_marked(line: str) -> dict:
    """One marked line -> {"full_text", "spans": [{"entity_type", "entity_value", "start_position", "end_position"}]}."""
    line = line.replace("\\n", "\n")
    text, spans, last = "", [], 0
    for m in _MARK.finditer(line):
        text += line[last : m.start()]
        value = m.group(2)
        spans.append({"entity_type": m.group(1), "entity_value": value, "start_position": len(text), "end_position": len(text) + len(value)})
        text += value
        last = m.end()
    return {"full_text": text + line[last:], "spans": spans}


def blind_pii_records(half: str | None = None) -> list[dict]:
    _check_half(half)
    records = [parse_marked(line) for line in _lines(BLIND_PII)]
    return [r for r in records if half is None or half_of(r["full_text"]) == half]


def blind_questions_2() -> list[str]:
    """The second blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_2)


def blind_pii_records_2() -> list[dict]:
    """The second blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_2)]


def blind_questions_3() -> list[str]:
    """The third blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_3)


def blind_pii_records_3() -> list[dict]:
    """The third blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_3)]


def blind_questions_4() -> list[str]:
    """The fourth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_4)


def blind_pii_records_4() -> list[dict]:
    """The fourth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_4)]


def blind_questions_5() -> list[str]:
    """The fifth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_5)


def blind_pii_records_5() -> list[dict]:
    """The fifth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_5)]


def blind_pii_records_6() -> list[dict]:
    """The sixth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_6)]


def blind_pii_records_8() -> list[dict]:
    """The eighth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_8)]


def blind_pii_records_9() -> list[dict]:
    """The ninth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_9)]


def blind_pii_records_10() -> list[dict]:
    """The tenth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_10)]


def blind_pii_records_11() -> list[dict]:
    """The eleventh blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_11)]


def blind_pii_records_12() -> list[dict]:
    """The twelfth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_12)]


def blind_pii_records_13() -> list[dict]:
    """The thirteenth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_13)]


def blind_pii_records_14() -> list[dict]:
    """The fourteenth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_14)]


def blind_pii_records_15() -> list[dict]:
    """The fifteenth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_15)]


def blind_pii_records_16() -> list[dict]:
    """The sixteenth blind PII set, whole (report only)."""
    return [parse_marked(line) for line in _lines(BLIND_PII_16)]


def blind_questions_7() -> list[str]:
    """The seventh blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_7)


def blind_questions_8() -> list[str]:
    """The eighth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_8)


def blind_questions_9() -> list[str]:
    """The ninth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_9)


def blind_questions_10() -> list[str]:
    """The tenth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_10)


def blind_questions_11() -> list[str]:
    """The eleventh blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_11)


def blind_questions_12() -> list[str]:
    """The twelfth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_12)


def blind_questions_13() -> list[str]:
    """The thirteenth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_13)


def blind_questions_14() -> list[str]:
    """The fourteenth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_14)


def blind_questions_15() -> list[str]:
    """The fifteenth blind ordinary set, whole (report only)."""
    return _lines(BLIND_QUESTIONS_15)

"""Validated pattern detectors for personal data, and the `Entity` every detector reports.

E-mail, phone numbers (`phonenumbers`, several regions), payment cards (Luhn), IBAN (mod-97), US SSN,
IP addresses (`ipaddress`). Street addresses are policies/street_addresses.py, person names
policies/person_names.py; policies/placeholders.py merges what they all found and writes the placeholders.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import phonenumbers

# the kinds live in the ground layer (configuration checks a tenant's list against them); re-exported here
from bot.core.pii_kinds import ALL_KINDS as ALL_KINDS, CREDIT_CARD as CREDIT_CARD, EMAIL as EMAIL, IBAN as IBAN
from bot.core.pii_kinds import IP_ADDRESS as IP_ADDRESS, PERSON as PERSON, PHONE as PHONE
from bot.core.pii_kinds import SECRET as SECRET, STREET_ADDRESS as STREET_ADDRESS, US_SSN as US_SSN

PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "AU")
# phoning spoken of in other languages: cased ones by word, the scripts without spaces between words
# (Chinese, Japanese, Thai) or without case by the word alone ("电话13812345678": no word boundary there)
PHONE_WORDS_ELSEWHERE = (
    r"\b(?:tel[eé]fono|telefone|t[eé]l[eé]phone|telefon|telefonnummer|handy|handynummer|cellulare|celular|m[oó]vil|portable|"
    r"телефон\w*|мобильн\w*|τηλ[eέ]φων\w*|κινητ\w*)\b|"
    r"电话|電話|手机|手機|携帯|ケータイ|전화|핸드폰|휴대폰|연락처|هاتف|جوال|الجوال|موبايل|تلفن|موبایل|"
    r"טלפון|נייד|फ़ोन|फोन|मोबाइल|โทร|เบอร์"
)
PHONE_CONTEXT = re.compile(
    r"\b(?:call|calling|phone|tel|telephone|mobile|cell|number|reach|contact|fax|whatsapp|sms|text me|texts|messages?|answering|dial|ring|registered)\b|"
    + PHONE_WORDS_ELSEWHERE, re.I
)


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"type": self.kind, "start": self.start, "end": self.end}


# --- validated patterns --------------------------------------------------------------------
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}\b")
CARD_RE = re.compile(r"(?<![\w-])(?:\d[ -]?){11,18}\d(?![\w-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b", re.I)  # mod-97 checked
# a Luhn-valid run of digits right after these words is an order, ticket or meeting number, not a card (nor a phone where
# the text does not speak of phoning: "Zoom says meeting 912 338 7711 has ended")
NOT_A_CARD = re.compile(
    r"(?:(?:order|oder|purchase|invoice|tracking|ticket|reference|ref|booking|confirmation|transaction|shipment|package|parcel|case|meeting"
    # the same in the languages customers most often write in besides English: "Meine Bestellung 2023-88412", "pedido 2231-9921"
    r"|bestellung|bestellnummer|auftrag|rechnung|buchung|sendung|pedido|factura|reserva|encomenda|fatura|commande|facture|"
    r"r[ée]servation|colis|ordine|fattura|prenotazione|spedizione|bestelling|factuur|boeking|zending|best[äa]llning|zam[óo]wienie)"
    r"(?:\s+(?:number|no\.?|id|#))?"
    # a claim's, a return's or a quote's number only when it says so: "Claim number 7720145 was rejected" ("about the
    # claim, 0161 496 0000" may be a phone)
    r"|(?:claim|return|rma|complaint|quote|receipt|serial|warranty)\s+(?:number|no\.?|id|#))"
    r"(?:\s+(?:is|was))?:?\s*#?\s*$",
    re.I,
)
NANP_PHONE = re.compile(r"(?<![\w-])(?:\+?\d{1,3}[-.\s])?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]\d{4}(?![\w-])")
# words about phoning itself (not "number", which orders and tickets have too)
PHONE_WORDS = re.compile(
    r"\b(?:call|calling|phone|tel|telephone|mobile|cell|whatsapp|sms|text me|message|messages|dial|registered)\b|" + PHONE_WORDS_ELSEWHERE, re.I
)
INTL_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){6,13}(?![\w-])")
# letters that make a run of digits part of a code ("INV20240117"): those of the cased scripts; a Chinese or
# Thai letter next to digits is the next word ("电话13812345678谢谢")
CASED_LETTER = r"A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
DIGIT_RUN = re.compile(rf"(?<![\d{CASED_LETTER}_+.,/-])\d{{8,15}}(?![\d{CASED_LETTER}_-]|[.,]\d)")
SSN_RE = re.compile(r"(?<![\w-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-])")
SSN_CONTEXT = re.compile(r"\b(?:ssn|social security|social-security|tax id|taxpayer)\b", re.I)
# a full stop after the address ends the sentence ("my ip is 10.1.2.3."); a dot and a digit mean a
# longer dotted number ("version 1.2.3.4.5"), which is no address
IPV4_RE = re.compile(r"(?<!\w)(?<!\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
# a dotted number right after what versions are said of is a version, not an address ("driver 2.0.1.33", "update to
# 2.3.0.1", "firmware v. 4.1.13.2"); "from 10.1.2.3", "whitelist 10.1.2.3" stay addresses
VERSION_BEFORE = re.compile(
    r"\b(?:version|ver|v|update[sd]?|updating|upgrade[sd]?|upgrading|driver|drivers|firmware|fw|build|release|patch|bios|"
    r"hotfix|revision|rev)\.?(?:\s+(?:to|from|is|was|number|no\.?))?[\s:#]*$",
    re.IGNORECASE,
)
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

# the capital letters of the scripts the name and address patterns read
UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽΆΈ-ΏΑ-ΩА-Я"  # Greek capitals with their accent too ("Άρτα", "Έδεσσα")


# Secrets a customer pastes while asking for help ("my key fl_live_8sd7... gets 401"): whoever holds one is the customer,
# so it is theirs to keep out of logs, stores and models as much as a card number. Written from the providers' own
# published key formats (Stripe, GitHub, Slack, AWS, Google, JWT, PEM), the common "<prefix>_<live|test|...>_<token>"
# shape of API keys, a long token mixing upper case, lower case and digits (no word, order number or version looks like
# that), and a password given in so many words. Not a library: detect-secrets (Yelp) scans lines of files and reports
# every word of a sentence as a possible high-entropy string; its named detectors are these same published formats.
SECRET_RES = (
    re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z]+ )*PRIVATE KEY-----|$)"),
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"\b[A-Za-z]{2,12}_(?:live|test|prod|sandbox|secret|sk|pk|key|token|api)_[A-Za-z0-9]{12,}\b"),
)
_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9_-]{24,}(?![\w-])")
_PASSWORD = re.compile(r"\b(?:password|passwd|passcode|pwd|api[ _-]?key|secret|token)\s*(?:is|was|:|=)\s*[\"']?([^\s\"',;]{4,})", re.I)


def _mixed(token: str) -> bool:
    """Upper case, lower case and digits, each at least twice: a generated token, not a word or a reference."""
    return sum(c.isupper() for c in token) >= 2 and sum(c.islower() for c in token) >= 2 and sum(c.isdigit() for c in token) >= 2


def _secrets(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for regex in SECRET_RES for m in regex.finditer(text)]
    spans += [m.span() for m in _TOKEN.finditer(text) if _mixed(m.group())]
    for m in _PASSWORD.finditer(text):
        value = m.group(1).rstrip(".!?)")
        # "my password is incorrect": a word is no password; one with a digit, a sign or mixed case is
        if any(not c.isalpha() for c in value) or (value != value.lower() and value != value.upper() and value != value.capitalize()):
            spans.append((m.start(1), m.start(1) + len(value)))
    return spans


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    except ValueError:
        return False


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in {"000", "666"} and not area.startswith("9") and group != "00" and serial != "0000"


def pattern_entities(text: str, kinds: frozenset[str]) -> list[Entity]:
    """The validated kinds among `kinds` found in the text (street addresses: policies/street_addresses.py)."""
    found: list[Entity] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Entity(kind, start, end, text[start:end]))

    if EMAIL in kinds:
        for m in EMAIL_RE.finditer(text):
            add(EMAIL, m.start(), m.end())
    if IBAN in kinds:
        for m in IBAN_RE.finditer(text):
            if iban_ok(m.group()):
                add(IBAN, m.start(), m.end())
    if CREDIT_CARD in kinds:
        for m in CARD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 12 <= len(digits) <= 19 and luhn_ok(digits) and not NOT_A_CARD.search(text[max(0, m.start() - 40) : m.start()]):
                add(CREDIT_CARD, m.start(), m.end())
    if US_SSN in kinds:
        for m in SSN_RE.finditer(text):
            dashed = bool(m.group(2))
            if _ssn_ok(m.group(1), m.group(3), m.group(4)) and (dashed or SSN_CONTEXT.search(text)):
                add(US_SSN, m.start(), m.end())
    if IP_ADDRESS in kinds:
        for regex in (IPV4_RE, IPV6_RE):
            for m in regex.finditer(text):
                value = m.group()
                if regex is IPV4_RE and VERSION_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                    continue  # "driver 2.0.1.33": a version
                if value.endswith(":") and not value.endswith("::"):  # "from fe80::1: why?": the colon is the sentence's
                    value = value[:-1]
                try:
                    ipaddress.ip_address(value)
                except ValueError:
                    continue
                add(IP_ADDRESS, m.start(), m.start() + len(value))
    if PHONE in kinds and sum(map(str.isdigit, text)) >= 6:
        found.extend(_phones(text))
    if SECRET in kinds:
        for start, end in _secrets(text):
            add(SECRET, start, end)
    return found


def _phones(text: str) -> list[Entity]:
    spans: dict[tuple[int, int], str] = {}
    for region in PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            spans[(m.start, m.end)] = m.raw_string
    for m in NANP_PHONE.finditer(text):
        spans.setdefault((m.start(), m.end()), m.group())
    for m in INTL_PHONE.finditer(text):  # "+44(7)1234567890": a country code the matcher does not know
        spans.setdefault((m.start(), m.end()), m.group())
    bare = set()
    if PHONE_WORDS.search(text):  # "my registered 12345678901": a bare run of digits only where phoning is spoken of
        for m in DIGIT_RUN.finditer(text):
            if (m.start(), m.end()) not in spans:
                spans[(m.start(), m.end())] = m.group()
                bare.add((m.start(), m.end()))
    out = []
    context = PHONE_CONTEXT.search(text) is not None
    for (start, end), raw in spans.items():
        digits = re.sub(r"\D", "", raw)
        # a bare run of digits is an order or account number unless the text talks about phoning
        formatted = raw.startswith("+") or raw.startswith("(") or re.search(r"\d[\s.\-)]+\d", raw) is not None
        # the tail of a mistyped card number ("4111 1111 1111 1112") is no phone number
        inside_longer_number = re.search(r"\d{4}[ -]$", text[:start]) and re.fullmatch(r"\d{4}(?:[ -]\d{4})+", raw)
        if start > 0 and (_joins(text[start - 1]) or (text[start - 1] == "-" and start > 1 and _joins(text[start - 2]))):
            continue  # the tail of a code: "INV-2024-0117", "1Z999AA10123456784"
        if dotted_version(text, start, raw):
            continue  # "update 10.0.22631", "build 23.4.1187": a version, not a phone
        # "order 7731-2290": a number named as something else is a phone only where the text speaks of phoning
        named = NOT_A_CARD.search(text[max(0, start - 40) : start]) is not None
        if named and ((start, end) in bare or not PHONE_WORDS.search(text)):
            continue  # "my order number is 12345678": the order's number ("number" alone says nothing of phoning)
        if len(digits) >= 7 and (formatted or context) and not inside_longer_number and not (named and not context):
            out.append(Entity(PHONE, start, end, raw))
    return out


DOTTED = re.compile(r"\d+(?:\.\d+)+")


def dotted_version(text: str, start: int, raw: str) -> bool:
    """Digits and dots only, after what versions are said of ("build 23.4.1187", "update to 10.0.22631"), or with a
    one-digit group after the first ("10.0.22631", "2023.1.4417"), where the message does not speak of phoning: a
    version, a build or a release. Phones written with dots group their digits by two to four ("555.201.7788",
    "06.12.34.56.78")."""
    if not DOTTED.fullmatch(raw):
        return False
    if VERSION_BEFORE.search(text, max(0, start - 24), start):
        return True
    return any(len(group) == 1 for group in raw.split(".")[1:]) and PHONE_WORDS.search(text) is None


def _joins(ch: str) -> bool:
    """Whether a character before a number makes it part of a code: a digit or a letter of a cased script."""
    return ch.isdigit() or (ch.isalpha() and (ch.isascii() or ch.lower() != ch.upper()))

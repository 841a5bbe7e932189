"""Street lines of countries whose addresses have no street word where policies/street_addresses.py looks for one, each
found by the shape its postal convention gives it (general conventions, not taken from any evaluation file; chosen on
the tune half of the shared PII file and generated development sentences of bench/unseen_pii.py's `MORE_LOCALES`,
seeds below 100):
- Colombia: a street named by a type and a number or a name, "#" and the crossing street's number with the distance, an
  ordinal or "Bis" in it ("Calle 6ª # 54-32 Sur", "Carrera 30B Bis M # 57-46", "Av. Ejemplo # 7-6");
- Portugal and Spain, a house with no number: a street type first, its name, "S/N" ("Travessa Exemplo, S/N");
- Azerbaijan: district, settlement, the street with "küçəsi"/"prospekti", then the building and flat ("X ray., Y qəs.,
  Z küçəsi, b. 4, m. 12");
- Vietnam: the house number (with its alley numbers), "Ngõ"/"Hẻm"/"Khu", the street, then ward, commune, district, city
  and province words ("72/5 Ngõ 70 Đường Ví Dụ, phường Mẫu, Thành phố Mẫu 12345");
- Malaysia: the house, "Jalan"/"Lorong" and the road's name or number ("No. 3, Jalan 5/70", "7, Lorong Contoh 3/2");
- Bangladesh: a house, holding or building number with the flat before it, then the area, town and a four-digit postcode
  ("Flat 4, House No. 12, Mohalla, Town, 1234");
- the Philippines: a block and lot before a street ("B05 L78 Contoh Avenue");
- a street type first and its name with no number above a place and its postcode ("Aleea Exemplu\nOras, 123456").

Hand-written: no maintained library parses addresses offline without a 2 GB model (libpostal).
"""

from __future__ import annotations

import re

from policies.pii_patterns import UPPER
from policies.street_words import TYPE_FIRST

# the type's word in full, or abbreviated with its full stop ("Cr.", "Tv.": "TV stand # 40-12" is no street)
CO_TYPE = r"(?:(?i:calle|carrera|cra|kra|cll|avenida|diagonal|transversal)\.?|(?i:av|ak|ac|cr|cl|dg|diag|tr|tv)\.)"
CO_PART = r"(?:\d{1,3}[ºª°]?[A-Za-z]?|[A-Za-zÀ-ÿ][\w'’]*)"
COLOMBIAN = re.compile(
    rf"(?<![\w.]){CO_TYPE}[ \t]+{CO_PART}(?:[ \t]+{CO_PART}){{0,3}}?[ \t]*#[ \t]*\d{{1,3}}[ \t]?[A-Za-z]{{0,2}}[ \t]?-[ \t]?\d{{1,3}}"
    r"(?:[ \t]+(?i:sur|este|norte|oeste)\b)?"
)
TYPE_BEFORE_SN = (
    r"(?:rua|travessa|largo|avenida|av|praça|praca|estrada|beco|calle|camino|carretera|paseo|plaza|ronda|ctra|urbanización|urbanizacion)"
)
# "Travessa Exemplo, S/N": sem número, sin número (not a serial number: "S/N 12345")
NO_NUMBER = re.compile(rf"(?<![\w.])(?i:{TYPE_BEFORE_SN})\.?[ \t]+(?:[\w'’.-]+[ \t]+){{0,5}}?[\w'’.-]+,?[ \t]+(?i:S/N|s\.n\.)(?![\w/])(?![ \t]*[:#]?[ \t]*\d)")
AZ_WORD = r"[^\W\d_][\w'’.-]*"
AZ_STREET = r"(?:küçəsi|KÜÇƏSİ|Küçəsi|küç\.|KÜÇ\.|prospekti|PROSPEKTI|PROSPEKTİ|dalanı|döngəsi)"
AZ_BUILDING = r"(?:,[ \t]*b\.[ \t]?\d{1,4}[A-Za-z]?)(?:,[ \t]*m\.[ \t]?\d{1,4})?"
AZ_HINT = re.compile(rf"{AZ_STREET}|\bpr\.,")
AZERBAIJANI = re.compile(
    rf"(?:{AZ_WORD}[ \t]+(?:rayonu|ray\.|şəhəri|ş\.),[ \t]*)?(?:{AZ_WORD}(?:[ \t]+{AZ_WORD})?[ \t]+(?:qəsəbəsi|qəs\.|kəndi|k\.),[ \t]*)?"
    rf"{AZ_WORD}(?:[ \t-]+{AZ_WORD}){{0,3}}[ \t]+(?:{AZ_STREET}(?:{AZ_BUILDING})?|pr\.{AZ_BUILDING})"
)
VN_ADMIN = r"(?:phường|Phường|xã|Xã|quận|Quận|huyện|Huyện|thị[ \t]trấn|thị[ \t]xã|[Tt]hành[ \t]phố|[Tt]ỉnh|TP\.)"
VN_NAME_CASED = rf"(?!{VN_ADMIN})[{UPPER}][\w]*"
VN_NAME_ANY = rf"(?!{VN_ADMIN}|số\b)[^\W\d_]+"
VN_WAY = r"(?:[Nn]gõ|[Nn]gách|[Hh]ẻm|[Kk]hu|[Kk]hóm|[Kk]iệt)"


def _vietnamese(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w/])(?:[Ss]ố[ \t]+)?\d{{1,5}}(?:/\d{{1,5}}){{0,3}}[ \t]+(?:{VN_WAY}[ \t]+\d{{1,4}}[ \t]+)*"
        rf"(?:(?:[Pp]hố|[Đđ]ường)[ \t]+)?(?:(?:[Ss]ố[ \t]+)?\d{{1,4}}\b|{name}(?:[ \t]+{name}){{0,4}})"
        rf"(?:,?[ \t]+{VN_ADMIN}[ \t]+(?:{name}|\d{{1,3}})(?:[ \t]+{name}){{0,4}})*(?:,?[ \t]+\d{{5,6}}\b)?"
    )


# a word only a Vietnamese address has: what keeps "3 Apple Watches" out
VN_MARK = re.compile(r"(?i:\b(?:số|ngõ|ngách|hẻm|khu|khóm|kiệt|phố|đường|phường|xã|quận|huyện|tỉnh)\b)")
VIETNAMESE = _vietnamese(VN_NAME_CASED)
VIETNAMESE_ANY = _vietnamese(VN_NAME_ANY)
MALAYSIAN = re.compile(
    r"(?<![\w-])(?:(?i:no|lot)\.?[ \t]*)?[A-Za-z]?-?\d{1,4}[A-Za-z]?(?:-\d{1,3}){0,2},[ \t]*(?i:jalan|jln|lorong|persiaran|lebuh)\.?[ \t]+"
    r"(?:[^\W\d_][\w'’]*[ \t]+){0,4}\d{1,3}[A-Za-z]?(?:/\d{1,3}[A-Za-z]?)?\b"
)
MY_HINT = re.compile(r"\b(?:jalan|jln|lorong|persiaran|lebuh)\b")
BANGLADESHI = re.compile(
    r"(?<![\w.])(?:(?i:studio|apartment|flat)[ \t]+\d{1,4}[A-Za-z]?,[ \t]*)?(?i:house|holding|building)[ \t]+(?i:no)\.?[ \t]*\d{1,4}[A-Za-z]?"
    r"(?:,[ \t]*[^\W\d_][^\n,\d]{0,40}){1,4},[ \t]*\d{4}\b"
)
# "Aleea Quillon Vesk\nVeskesti, 123456": a street type first and its name with no number, above a place and its postcode
UNNUMBERED_ABOVE_PLACE = re.compile(
    rf"(?<![\w.])(?i:{'|'.join(re.escape(w) for w in sorted(set(TYPE_FIRST) - {'via', 'route', 'passage', 'plaza', 'lago', 'vale', 'parque', 'setor', 'sector'}, key=len, reverse=True))})\.?"
    r"[ \t]+(?:[^\W\d_][\w'’.-]*[ \t]+){0,3}[^\W\d_][\w'’.-]*(?=[ \t]*,?[ \t]*\n[ \t>]*[^\W\d_][^\n\d,]{0,40},[ \t]*\d{4,7}\b)"
)
BLOCK_LOT = re.compile(r"(?<![\w-])[Bb]\d{1,3}[ \t]+[Ll]\d{1,3}(?=[ \t]+[^\W\d_])")


def shaped_streets(text: str) -> list[tuple[int, int]]:
    """The street lines of the shapes above."""
    cased = any(c.isupper() for c in text)
    # each shape only where the sign it cannot do without is there (most messages have none: no search at every word)
    lowered = text.lower()
    regexes = [r for r, sign in ((COLOMBIAN, "#" in text), (NO_NUMBER, "s/n" in lowered or "s.n." in lowered),
                                 (MALAYSIAN, MY_HINT.search(lowered)), (BANGLADESHI, "no" in lowered), (AZERBAIJANI, AZ_HINT.search(text)),
                                 (UNNUMBERED_ABOVE_PLACE, "\n" in text), (VIETNAMESE if cased else VIETNAMESE_ANY, VN_MARK.search(text))) if sign]
    spans = [m.span() for regex in regexes for m in regex.finditer(text) if regex not in (VIETNAMESE, VIETNAMESE_ANY) or VN_MARK.search(m.group())]
    return spans + [m.span() for m in BLOCK_LOT.finditer(text) if _street_follows(text, m.end())]


def _street_follows(text: str, end: int) -> bool:
    return re.match(r"[ \t]+(?:[^\W\d_][\w'’-]*[ \t]+){1,3}(?i:street|avenue|road|drive|lane|boulevard|extension|way)\b", text[end:]) is not None

"""Where a name found is rather a place: a US state or a country right after a city ("Savannah, Georgia", "houston
texas", "st charles missouri", "Ghent, Belgium"). Many of them are first names or surnames too ("Georgia", "Virginia",
"Jordan", "Chad", "Kenya"), and the name lists and the model take them for people. Read by policies/things.py
`a_thing`, which asks it of every name that only the model or a name list vouches for.

The lists are general knowledge, written here: the 50 US states and the District of Columbia, and the countries'
common English short names (the nations of the United Kingdom among them). Neither comes from an evaluation file;
three countries whose names hold a word of the shared PII file are left out, since no code may hold one
(tests/policies/test_no_evaluation_values.py).
"""

from __future__ import annotations

import re
from functools import cache

from policies.name_cues import common
from policies.name_words import NameWords

US_STATES = """
Alabama | Alaska | Arizona | Arkansas | California | Colorado | Connecticut | Delaware | Florida | Georgia | Hawaii | Idaho |
Illinois | Indiana | Iowa | Kansas | Kentucky | Louisiana | Maine | Maryland | Massachusetts | Michigan | Minnesota |
Mississippi | Missouri | Montana | Nebraska | Nevada | New Hampshire | New Jersey | New Mexico | New York | North Carolina |
North Dakota | Ohio | Oklahoma | Oregon | Pennsylvania | Rhode Island | South Carolina | South Dakota | Tennessee | Texas |
Utah | Vermont | Virginia | Washington | West Virginia | Wisconsin | Wyoming | District of Columbia | Washington DC |
Washington D.C.
"""

COUNTRIES = """
Afghanistan | Albania | Algeria | Andorra | Angola | Antigua and Barbuda | Argentina | Armenia | Australia | Austria |
Azerbaijan | Bahamas | Bahrain | Bangladesh | Barbados | Belarus | Belgium | Belize | Benin | Bhutan | Bolivia |
Bosnia and Herzegovina | Botswana | Brazil | Brunei | Bulgaria | Burkina Faso | Burundi | Cambodia | Cameroon | Canada |
Cape Verde | Central African Republic | Chad | Chile | China | Colombia | Comoros | Congo | Costa Rica | Croatia | Cuba |
Cyprus | Czech Republic | Czechia | Denmark | Djibouti | Dominica | Dominican Republic | Ecuador | Egypt | El Salvador |
Equatorial Guinea | Eritrea | Estonia | Eswatini | Ethiopia | Fiji | Finland | Gabon | Gambia | Georgia | Germany |
Ghana | Greece | Grenada | Guatemala | Guinea | Guinea-Bissau | Guyana | Haiti | Honduras | Hong Kong | Hungary | Iceland |
India | Indonesia | Iran | Iraq | Ireland | Israel | Italy | Ivory Coast | Jamaica | Japan | Jordan | Kazakhstan | Kenya |
Kiribati | Kosovo | Kuwait | Kyrgyzstan | Laos | Latvia | Lebanon | Lesotho | Liberia | Libya | Liechtenstein | Lithuania |
Luxembourg | Madagascar | Malawi | Malaysia | Maldives | Mali | Malta | Mauritania | Mauritius | Mexico |
Micronesia | Moldova | Monaco | Mongolia | Montenegro | Morocco | Mozambique | Myanmar | Namibia | Nauru | Nepal |
Netherlands | New Zealand | Nicaragua | Niger | Nigeria | North Korea | North Macedonia | Norway | Oman | Pakistan | Palau |
Palestine | Panama | Papua New Guinea | Paraguay | Peru | Philippines | Poland | Portugal | Puerto Rico | Qatar | Romania |
Russia | Rwanda | Saint Kitts and Nevis | Saint Lucia | Samoa | San Marino | Saudi Arabia | Senegal | Serbia | Seychelles |
Singapore | Slovakia | Slovenia | Solomon Islands | Somalia | South Africa | South Korea | South Sudan |
Spain | Sri Lanka | Sudan | Suriname | Sweden | Switzerland | Syria | Taiwan | Tajikistan | Tanzania | Thailand |
Timor-Leste | Togo | Tonga | Trinidad and Tobago | Tunisia | Turkey | Turkmenistan | Tuvalu | Uganda | Ukraine |
United Arab Emirates | United Kingdom | United States | Uruguay | Uzbekistan | Vanuatu | Vatican City | Venezuela |
Vietnam | Yemen | Zambia | Zimbabwe | England | Scotland | Wales | Northern Ireland | Great Britain
"""


@cache
def _region_at_end() -> re.Pattern[str]:
    """A state's or a country's name ending where the text ends (the longest one: "West Virginia", not "Virginia")."""
    names = {n.strip() for n in (US_STATES + "|" + COUNTRIES).replace("\n", " ").split("|") if n.strip()}
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’.-])(?i:{alternation})\Z")


# a city's name right before the region, with a comma or without: "Savannah, Georgia", "st charles missouri"; a word of
# letters (and dots and hyphens: "St. Charles", "Winston-Salem") that is no function word
CITY_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*)(,?)[ \t]+\Z")
# the region is an item of a list of names rather: "Savannah, Georgia and Mia"
LIST_AFTER = re.compile(r",?\s+(?:and|or|&)\s+[^\W\d_]")
# before the city: someone greeted, thanked or signing ("Thanks Savannah, Georgia ..." names two people)
GREETED_BEFORE = re.compile(r"\b(?:hi|hey|hello|dear|thanks|thank you|cheers|regards|love)[,!]?\s*\Z", re.IGNORECASE)
FUNCTION_WORDS = frozenset(
    "a an the to from in at near into via for of on by with and or but my our your their his her its this that "
    "i me we you he she they it is are was were be been am".split()
)


def region_after_city(text: str, start: int, end: int) -> bool:
    """Whether the name found at start:end ends on a US state's or a country's name that comes right after a city's:
    "Savannah, Georgia", "Ship it to Tulsa, Oklahoma", "a car in houston texas", "a hotel for st charles missouri".
    In a message with capitals the city is capitalised and so is the region. Without a comma, a region that is a
    frequent surname too ("Jordan", "Washington") stays a person's after a first name ("Oria Jordan")."""
    stop = start + len(text[start:end].rstrip(".,;:!?'’"))
    region = _region_at_end().search(text, max(0, stop - 40), stop)
    if region is None:
        return False
    cased = any(c.isupper() for c in text)
    if cased and not region.group()[0].isupper():
        return False
    if LIST_AFTER.match(text, region.end()):
        return False
    city = CITY_BEFORE.search(text, 0, region.start())
    if city is None or city.group(1).lower().strip(".") in FUNCTION_WORDS:
        return False
    if (cased and not city.group(1)[0].isupper()) or (not cased and common(city.group(1))):
        return False  # "Tell Georgia", "i told georgia": a verb, no city
    if not city.group(2) and " ".join(region.group().lower().split()) in NameWords.frequent_surnames():
        return False
    return GREETED_BEFORE.search(text, 0, city.start()) is None


# what runs between places, right before "from", "to" or "via": "the 7:45 train from X", "flights to X", "the bus via X"
TRAVEL_BEFORE = re.compile(
    r"\b(?:trains?|bus(?:es)?|coach(?:es)?|flights?|ferr(?:y|ies)|trams?|shuttles?|tube|metro|express|sleeper|"
    r"connections?|departures?|arrivals?|platforms?)[ \t]+(?:from|to|for|into|via|out of)[ \t]+(?:the[ \t]+)?\Z",
    re.IGNORECASE,
)


def travel_end(text: str, start: int, end: int) -> bool:
    """"The 7:45 train from X was cancelled", "Are there flights to X on Sunday?": where a train, a bus, a flight or a
    ferry leaves from or goes to is a place (one word or two: "the coach to X Y"). A person is met off a train, not
    named as its end ("the train to see Oria" has "see" between)."""
    return len(text[start:end].split()) <= 2 and TRAVEL_BEFORE.search(text[max(0, start - 30) : start]) is not None

"""Well-known brands, services and products whose names the name lists could take for a person's ("Wells Fargo",
"Goldman Sachs", "Jenkins", "Ben & Jerry's"), read by policies/businesses.py `a_brand`.

Two lists, neither taken from any evaluation file:
- the titles of the simple-icons project (release 16.36.0, as redistributed on PyPI by `simple-icons-pack`; its
  data is CC0) in policies/simple_icons_titles.txt, shared with policies/product_names.py: about 3,400 brands, kept
  where a word of the title is in the first-name or the Census surname list and the title has at most four words
  (911 titles): the others no name rule takes for a person;
- WRITTEN: brands written for this list by kind (restaurant chains, shops, fashion, banks and payments, parcel
  carriers, software a customer names, assistants and devices, cars, hotels and airlines), the best known of
  each kind, with those named after people or made of ordinary words first.
A brand here is a thing only where the words around do not say it is someone (policies/businesses.py): a lone word
that is also a first name or a frequent surname ("Chase", "Otto", "Ford") only before what a service does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from bot.core.first_names import Names
from policies.name_words import NameWords

SIMPLE_ICONS = Path(__file__).with_name("simple_icons_titles.txt")

WRITTEN = """
# restaurants, coffee and food chains
McDonald's | Wendy's | Arby's | Denny's | Hardee's | Carl's Jr | Dunkin' | Dunkin Donuts | Tim Hortons | Papa John's | Domino's |
Chick-fil-A | Jack in the Box | Long John Silver's | Dairy Queen | Baskin Robbins | Ben & Jerry's | Krispy Kreme | Auntie Anne's |
Jimmy John's | Little Caesars | Nando's | Greggs | Pret A Manger | Costa Coffee | Peet's Coffee | Dutch Bros | Panera Bread | Chipotle |
Applebee's | Chili's | TGI Fridays | Cracker Barrel | Popeyes | Wingstop | Raising Cane's | Culver's | Zaxby's | Sonic Drive-In |
Taco Bell | Pizza Hut | Burger King | Five Guys | Shake Shack | In-N-Out | Whataburger | Jollibee | Wagamama | Leon | Bojangles |
Church's Chicken | Checkers | Captain D's | Steak 'n Shake | Marco's Pizza | Hungry Jack's | Harvey's | Swiss Chalet | Mary Brown's |
# shops, supermarkets and marketplaces
Macy's | Kohl's | Lowe's | Dillard's | Nordstrom | Sainsbury's | Morrisons | Waitrose | Marks & Spencer | John Lewis | Harrods |
Selfridges | Argos | Currys | Boots | Walgreens | Home Depot | Best Buy | Sam's Club | Dick's Sporting Goods | Kroger | Albertsons |
Safeway | Aldi | Lidl | Walmart | Costco | Wayfair | Etsy | eBay | Publix | Wegmans | Meijer | Hy-Vee | Giant Eagle | Stop & Shop |
Harris Teeter | Piggly Wiggly | Winn-Dixie | Fred Meyer | Ralphs | Vons | Tesco | Asda | Iceland | Ocado | Zalando | Otto |
Carrefour | Auchan | Leclerc | Monoprix | Fnac | Darty | El Corte Ingles | Mercadona | MediaMarkt | Saturn | Rossmann | Kaufland |
Edeka | Rewe | Albert Heijn | Jumbo | Hema | Bol.com | Coolblue | Shoppers Drug Mart | Loblaws | Sobeys | Canadian Tire | Hudson's Bay |
Woolworths | Coles | Bunnings | JB Hi-Fi | Harvey Norman | Kmart | Sephora | Ulta | Victoria's Secret | Bath & Body Works |
# fashion, beauty and goods
Hermès | Chanel | Dior | Gucci | Prada | Louis Vuitton | Ralph Lauren | Tommy Hilfiger | Calvin Klein | Hugo Boss | Marc Jacobs |
Michael Kors | Kate Spade | Tory Burch | Coach | Levi's | Lululemon | Zara | Uniqlo | Burberry | Versace | Armani | Giorgio Armani |
Valentino | Fendi | Givenchy | Balenciaga | Yves Saint Laurent | Christian Louboutin | Jimmy Choo | Estée Lauder | Clinique | Lancôme |
L'Oréal | Maybelline | Revlon | Garnier | Nivea | Dove | Gillette | Braun | Oral-B | Colgate | Kellogg's | Heinz | Hershey's |
Cadbury | Nestlé | Lindt | Ferrero | Mars | Wrigley | Campbell's | Johnson & Johnson | Procter & Gamble | Kimberly-Clark |
# home, kitchen and beauty brands and British chains named after people (a lone first name only before what a service does;
# none with a word of the shared PII file: tests/policies/test_no_evaluation_values.py)
Russell Hobbs | Morphy Richards | Kenwood | Breville | Dualit | Le Creuset | Smeg | Hotpoint | Zanussi | Beko |
Salter | Lakeland | Emma | Simba | Silentnight | Stanley | Thermos | Harry's | Billie | Charlotte Tilbury | Jo Malone |
Bobbi Brown | Molton Brown | Kiehl's | Max Factor | Mary Kay | Tom Ford | Dr. Martens |
Ted Baker | Vivienne Westwood | Alexander McQueen | Karen Millen | Oliver Bonas | Joules | Boden | Jack Wills |
Byron | Zizzi | Bella Italia | Prezzo | Frankie & Benny's | Toby Carvery | Harvester | Beefeater | Carluccio's |
Patisserie Valerie | Gail's | Wetherspoon | Bill's | Vauxhall | Cadillac | Buick | Lotus | McLaren |
# banks, brokers, insurers and payments
Wells Fargo | Goldman Sachs | Charles Schwab | Edward Jones | Raymond James | Fidelity | Vanguard | Merrill Lynch | Merrill Edge |
JPMorgan Chase | Chase | Barclays | Lloyds | Lloyds Bank | Santander | HSBC | Citi | Citibank | Capital One | Ally Bank | Discover |
American Express | Synchrony | Marcus | Betterment | Wealthfront | Robinhood | Monzo | Revolut | Wise | Starling | Klarna | Afterpay |
Affirm | Venmo | Zelle | Cash App | Western Union | MoneyGram | Remitly | Nationwide | Halifax | NatWest | Barclaycard | Allianz |
State Farm | Geico | Progressive | Liberty Mutual | Allstate | Aviva | Prudential | MetLife | John Hancock | Northwestern Mutual |
TD Bank | Scotiabank | Desjardins | ING | Rabobank | ABN Amro | BNP Paribas | Société Générale | Crédit Agricole | Deutsche Bank |
Commerzbank | Sparkasse | N26 | Bunq | Nubank | Interactive Brokers | E*Trade | TD Ameritrade | Ameriprise | Lincoln Financial |
# parcel carriers and postal services
DHL | UPS | FedEx | USPS | Royal Mail | Parcelforce | Hermes | Evri | DPD | GLS | Yodel | La Poste | Colissimo | Chronopost |
Deutsche Post | PostNL | Canada Post | Purolator | Australia Post | Aramex | InPost | Correos | Poste Italiane | Japan Post |
Yamato | OnTrac | LaserShip | An Post | Bpost | Posti | PostNord | Swiss Post | New Zealand Post | Sendle | ShipBob |
# software and services a customer names
Gong | Deel | Gusto | Rippling | Lattice | Asana | Monday.com | Notion | Linear | Harvest | Basecamp | Trello | Zapier | Calendly |
Loom | Miro | Figma | Canva | Mailchimp | Klaviyo | Intercom | Zendesk | Freshdesk | Help Scout | Front | Drift | Gorgias |
Outreach | Salesloft | Apollo | Clari | Chorus | HubSpot | Pipedrive | Copper | Attio | Xero | QuickBooks | FreshBooks | Sage |
Brex | Ramp | Expensify | Navan | Workday | BambooHR | Greenhouse | Lever | Ashby | Okta | Twilio | Segment | Amplitude | Mixpanel |
Hotjar | Pendo | Gainsight | Marketo | Hootsuite | Sprout Social | Grammarly | Otter | Fireflies | Descript | Airtable | Smartsheet |
Wrike | ClickUp | Jira | Confluence | Bitbucket | Jenkins | Hudson | Jekyll | Hugo | Travis CI | Heroku | Vercel | Netlify | Shopify | Squarespace | Wix |
Webflow | WordPress | Ghost | Substack | Patreon | Gumroad | Stripe | Square | Paddle | Chargebee | Recurly | Braintree | Adyen |
Mollie | Worldpay | Dropbox | Box | Evernote | Todoist | Things | Bear | Obsidian | Roam | Craft | Bitwarden | LastPass | Dashlane |
# assistants and devices
Siri | Alexa | Cortana | Bixby | Google Assistant | Apple Watch | AirPods | HomePod | Kindle | Echo Dot | Fire TV | Chromecast |
Roku | Sonos | Bose | Garmin | Fitbit | Peloton | Dyson | Miele | Bosch | Siemens | Philips | Logitech | Lenovo | Dell | Asus |
# cars, hotels and airlines
Ford | Tesla | Ferrari | Porsche | Lamborghini | Bentley | Rolls-Royce | Aston Martin | Mercedes | Mercedes-Benz | Chevrolet |
Dodge | Chrysler | Honda | Toyota | Nissan | Renault | Peugeot | Citroën | Opel | Skoda | Kia | Hyundai | Volvo | Subaru |
Hilton | Marriott | Hyatt | Wyndham | Best Western | Ritz-Carlton | Four Seasons | Holiday Inn | Delta | Emirates | Qantas |
Lufthansa | Ryanair | easyJet | Southwest | JetBlue | Alaska Airlines | Virgin Atlantic | Air Canada | WestJet | Hertz | Avis |
Enterprise | Budget | Sixt | Uber | Lyft | Airbnb | Expedia | Booking.com | Hotels.com | Trivago | Kayak |
"""


def brand_key(text: str) -> str:
    """How a brand is looked up: lower case, no accents, no apostrophes ("Arby's", "arbys", "Nestlé" -> "nestle")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = re.sub(r"['’`]", "", plain.lower())
    return " ".join(plain.replace("&", " and ").split()).strip(".,;:!?")


def _titles(source: str) -> list[str]:
    lines = [line for line in source.splitlines() if not line.startswith("#")]
    return [t.strip() for t in " ".join(lines).split("|") if t.strip()]


@cache
def simple_icons_titles() -> tuple[str, ...]:
    """The simple-icons titles, one a line (none when the file is missing); policies/product_names.py reads them too."""
    try:
        return tuple(t for t in SIMPLE_ICONS.read_text(encoding="utf-8").splitlines() if t.strip())
    except OSError:
        return ()


def _named_icons() -> list[str]:
    """The simple-icons titles of at most four words with a word of the first-name or the surname list."""
    titles = simple_icons_titles()
    first, surnames = Names.first_names(), NameWords.surnames()
    return [
        t for t in titles
        if len(t.split()) <= 4 and "|" not in t and any(w.lower() in first or w.lower() in surnames for w in re.findall(r"[^\W\d_]+", t))
    ]


@cache
def brands() -> frozenset[str]:
    """Every brand's key (`brand_key`), built on first use: the name lists load with the redactor's warm-up."""
    return frozenset(brand_key(t) for t in _named_icons() + _titles(WRITTEN))
# the carriers of WRITTEN: read with the parcel words of a message ("Hermes lost my parcel": a first name too)
CARRIERS = frozenset(brand_key(t) for t in _titles(WRITTEN.split("# parcel carriers and postal services", 1)[1].split("\n#", 1)[0]))
# the payment card networks, read with a card number after them (policies/businesses.py `card_brand`): "my Visa 4111 ...";
# "Visa", "Maestro" and "Discover" are first names or words too
CARD_NETWORKS = frozenset(
    brand_key(t) for t in "Visa | Visa Electron | Visa Debit | Mastercard | Master Card | Maestro | Amex | American Express | Discover | "
    "Diners Club | Diners | JCB | UnionPay | Union Pay | RuPay | Interac | Carte Bleue | Cirrus".split("|")
)

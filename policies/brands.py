"""Well-known brands, services and products whose names the name lists could take for a person's ("Wells Fargo",
"Goldman Sachs", "Jenkins", "Ben & Jerry's"), read by policies/things.py `a_brand`.

Two lists, neither taken from any evaluation file:
- SIMPLE_ICONS: the titles of the simple-icons project (release 16.36.0, as redistributed on PyPI by
  `simple-icons-pack`; the project's data is CC0), about 3,400 brands, kept where a word of the title is in the
  first-name or the Census surname list (911 titles): the others no name rule takes for a person;
- WRITTEN: brands written for this list by kind (restaurant chains, shops, fashion, banks and payments, parcel
  carriers, software a customer names, assistants and devices, cars, hotels and airlines), the best known of
  each kind, with those named after people or made of ordinary words first.
A brand here is a thing only where the words around do not say it is someone (policies/things.py): a lone word
that is also a first name or a frequent surname ("Chase", "Otto", "Ford") only before what a service does.
"""

from __future__ import annotations

import re
import unicodedata

SIMPLE_ICONS = """
30 seconds of code | 365 Data Science | 4chan | 9GAG | A-Frame | AB Download Manager | ABB | AI Dungeon | ANA | ARAL
| ARK Ecosystem | Abbott | Academia | Acer | AdAway | Ada | Advent Of Code | Agent Skills | Agora | Air Canada | Air
China | Air France | Air India | Albert Heijn | Album of the Year | Alby | Aldi Nord | Aldi Süd | Alfred | Alibaba
Cloud | Allegro | Alpine Linux | Alpine.js | American Airlines | American Express | Anki | Ant Design | Anta |
Apache | Apache Airflow | Apache Ant | Apache Arrow | Apache Avro | Apache Cassandra | Apache CloudStack | Apache
Cordova | Apache CouchDB | Apache DolphinScheduler | Apache Doris | Apache Druid | Apache ECharts | Apache Flink |
Apache FreeMarker | Apache Groovy | Apache Guacamole | Apache HBase | Apache Hadoop | Apache Hive | Apache JMeter |
Apache Kafka | Apache Kylin | Apache Lucene | Apache Maven | Apache NetBeans IDE | Apache NiFi | Apache OpenOffice |
Apache PDFBox | Apache Parquet | Apache Pulsar | Apache RocketMQ | Apache Solr | Apache Spark | Apache Storm |
Apache Superset | Apache Tomcat | Apollo GraphQL | App Store | Apple | Apple Arcade | Apple Music | Apple News |
Apple Pay | Apple Podcasts | Apple TV | Arch Linux | Arduino | Argo | Arlo | Arm | Arm Keil | Artifact Hub | Aston
Martin | Astra | Astro | Audi | Aurelia | Auth0 | Autodesk Maya | Axis Bank | BEM | BNB Chain | Babel | Babylon.js |
Bambu Lab | Bank of America | Base UI | Basic Attention Token | Bata | Battle.net | Bazel | Beats | Beats by Dre |
Bentley | Bento | Better Auth | Better Stack | Big Cartel | Bio Link | Bitcoin Cash | Black | Blender | Boehringer
Ingelheim | Boeing | Bombardier | Boots | Bosch | Bose | Bower | Box | Brave | Breaker | Bricks | Bruno | Buddy |
Buffer | Buhl | Bun | Burger King | Burp Suite | Burton | Buy Me A Coffee | Caddy | Cairo Graphics | Cairo Metro |
Cal.com | Calibre-Web | Car Throttle | Cardano | Carlsberg Group | Carto | Cash App | Castro | Chai | Change
Detection | Channel 4 | Charles | Chart.js | Chase | Chess.com | Chia Network | China Eastern Airlines | China
Railway | China Southern Airlines | Chrome Web Store | Chrysler | Chupa Chups | Cinnamon | Circle | Cirrus CI |
Cisco | Claris | Claude | Claude Code | Clerk | Clever Cloud | Cline | Cloud 66 | Cloud Foundry | Cloud Native Build
| Cloudflare Pages | Co-op | Coca-Cola | Cockroach Labs | Coda | Code Climate | Code::Blocks | Coder | Codio |
Commodore | Common Lisp | Common Workflow Language | Conan | Conda-Forge | Consul | Contactless Payment | Cooler
Master | Copa Airlines | Coppel | Cora | Corona Engine | Corona Renderer | Counter-Strike | CountingWorks PRO |
Craft CMS | Crayon | Create React App | Creative Commons | Crew United | Critical Role | Crystal | Custom Ink |
Cypress | D-EDGE | D-Wave Systems | DOI | Dacia | Dark Reader | Dart | Darty | Das Erste | Dash | Dash0 | Dazhong
Dianping | De'Longhi | Debrid-Link | Dell | Deno | Deno Deploy | Der Spiegel | Deutsche Bahn | Deutsche Bank |
Deutsche Post | Deutsche Welle | Digi-Key Electronics | Docker | Dodo Payments | Dolby | Dolphin | Dota 2 | Douban
Read | Drone | E.Leclerc | EA | ENS | Eagle | Eclipse Che | Eclipse IDE | Eclipse Jetty | Eclipse Vert.x | Edge
Impulse | Eight Sleep | Elastic Cloud | Elastic Stack | Elk | Elm | Ember.js | Ente | Epic Games | Epson | Ericsson
| European Union | Event Store | Every.org | FIRST | FOX | FRITZ! | Facebook Live | Faker | Falco | Falcon | Fantom
| Favro | Fedora | Ferrari | Ferrari N.V. | Fig | Fila | File.io | Files | Fing | Firefly III | Fish Audio | Fizz |
Flask | Flood | Flower | Fluent Bit | Fluke | Fly.io | Font Awesome | Ford | Fossa | Framer | Fresh | Frontend
Mentor | Fuga Cloud | Furry Network | Fyle | GNU Bash | GNU Privacy Guard | Game Developer | Game Jolt | Game
Science | Gatling | General Electric | General Motors | Gerrit | Ghost | Gin | Git for Windows | GitHub Pages |
Gitter | Glance | Glass | Globus | Go | GoLand | Goldman Sachs | Google Apps Script | Google Calendar | Google Cast
| Google Cloud | Google Cloud Composer | Google Cloud Spanner | Google Cloud Storage | Google Container Optimized OS
| Google Fonts | Google Home | Google Jules | Google Keep | Google Lens | Google News | Google Pay | Google Pub/Sub
| Google Scholar | Google Search Console | Google Sheets | Google Street View | Google Summer of Code | Google Tag
Manager | Grab | Gradle | Gradle Play Publisher | Grand Frais | Greasy Fork | Greenhouse | Grid.ai | Guangzhou Metro
| Guitar Pro | Gutenberg | HAL | HBO Max | HDFC Bank | HERE | HEY | Hack Club | Hack The Box | Hacker Noon | Harbor
| Haskell | Have I Been Pwned | Headphone Zone | Hearth | Helly Hansen | Helm | Help Scout | Hermes | Heroic Games
Launcher | Hetzner | Hi Bob | Hilton | Hilton Hotels & Resorts | Home Assistant | Home Assistant Community Store |
Honda | Honey | Honor | Huawei | Hugging Face | Hugo | Humble Bundle | Hungry Jack's | ICICI Bank | IRIS | Image.sc
| Immer | Indian Super League | Invoice Ninja | JET | JR Group | JSON Web Tokens | JUKE | Jaeger | Jameson | Jasmine
| Jeep | Jenkins | Jio | Jira | Jira Software | John Deere | Joplin | Jordan | Julia | Juniper Networks | Just |
Just Eat | Kali Linux | Kando | Kasa Smart | Katana | Keep a Changelog | Keeper | Khan Academy | Khronos Group | Kia
| Kick | Kik | Kimi | Kingston Technology | Kirby | Kit | Ko-fi | Koa | Koc | Kodak | Konami | Kong | Kuma | LADA |
LINE | LOT Polish Airlines | Laravel Nova | Last.fm | Lazarus | Leader Price | League of Legends | Legacy Games |
Lemmy | Lemon Squeezy | Lens | Leroy Merlin | Les libraires | Less | Let's Encrypt | Li-Ning | Libera.Chat |
LibreOffice Base | LibreOffice Impress | LibreOffice Math | LibreOffice Writer | LightBurn | Lightning | Linear |
Lion Air | Lit | Locust | Longhorn | Looker | Loop | Loot Crate | Lua | Lucia | Lucid | Ludwig | Lydia | M5Stack |
MAAS | MAN | MDN Web Docs | MEGA | MSI Business | MUI | Macy's | Magic | Mail.Ru | Major League Hacking | Malt |
Marko | Marriott | Material for MkDocs | Matter.js | Max | Max-Planck-Gesellschaft | Maze | McAfee | McDonald's |
McLaren | Mercado Pago | Merck | Messenger | Meta | Meta AI | Metro | Metro de Madrid | MinIO | Mini | Miro |
Mistral AI | Mix | MobX-State-Tree | Mocha | Mock Service Worker | Model Context Protocol | Modin | Monica | Monzo |
Moo | Moonshot AI | Moscow Metro | Mural | Métro de Paris | NASA | NEAR | NOW | Nano | Nano Stores | National Rail |
Neo4j | Neptune | NetEase Cloud Music | Nette | Netto | New Balance | New Japan Pro-Wrestling | New Relic | New York
Times | NextBillion.ai | Nike | Nim | Nissan | Node-RED | Norton | Note | Noun Project | O'Reilly | OWASP
Dependency-Check | Octane Render | Octave | October CMS | Odin | Oh Dear | Omada Cloud | Opel | Open Source Hardware
| Orange | Orchard Core | Ory | Otto | Overcast | POWERS | Packer | Paddy Power | Palo Alto Networks | Palo Alto
Software | Pandora | Papers With Code | Parrot Security | Parse.ly | Peak Design | Pearson | Pelican | Penny | Percy
| Perl | Pets at Home | Philips Hue | Phoenix Framework | Pi | Pi Network | Pi-hole | Piaggio Group | Picard
Surgelés | Pine Script | Plane | Platform.sh | PlayStation Vita | Player FM | Player.me | Plume | Poe | Poly | Pond5
| Pop!_OS | Porsche | Postman | Premier League | Presto | Pretzel | Private Division | Private Internet Access | Pro
Tools | Product Hunt | Pronouns.page | Proto.io | Proton Calendar | Proton Mail | Puma | Qi | Quarto | Qubes OS |
Quest | RAD Studio | ROOT | ROS | RStudio IDE | Radar | Radio France | Radix UI | Ram | Rancher | Rasa | Raspberry
Pi | Ray | Razer | React Hook Form | React Query | React Table | Read the Docs | Read.cv | Reason | Reason Studios |
Red | Red Bull | Red Candle Games | Red Hat | Red Hat Open Shift | Redux-Saga | Ren'Py | Renault | Render |
Resurrection Remix OS | Revolt.chat | Rich | Rider | Rime | Ring | Riot Games | Ripple | Ritz Carlton | Roam
Research | Rockstar Games | Rockwell Automation | Rocky Linux | Roll20 | Rolls-Royce | Rook | Roon | Root Me | Roots
| Roots Bedrock | Roots Sage | Rossmann | Ruby | Ruby Sinatra | Ruby on Rails | Ruff | Rumble | Rust | Rye | SAP |
SEAT | STARZ | SUSE | Safari | Sage | Sailfish OS | Sails.js | Salla | Salt Project | Sam's Club | Samsung Pay | San
Francisco Municipal Railway | Sartorius | Sass | Sat.1 | Saturn | Sauce Labs | Scala | Schneider Electric |
Scrutinizer CI | Sega | Semantic Scholar | Semantic Web | Semaphore CI | Server Fault | Session | Shadow | Shanghai
Metro | Shell | Shelly | Shenzhen Metro | Shields.io | SiYuan | Siemens | Signal | Silver Airways | Simple Analytics
| Simple Icons | Simple Icons CDN | Sina Weibo | Sketch | Sky | Smashing Magazine | Social Blade | Solana | Solid |
Solus | SonarQube Cloud | SonarQube Server | SonarQube for IDE | Sony | Spark AR | Speaker Deck | Sphere Online
Judge | Spine | Spring | Spring Boot | Spring Security | Spyder IDE | Square | Square Enix | Stack Exchange | Stack
Overflow | Standard Resume | Star Trek | Starling Bank | Steam Deck | Steinberg | Stellar | Stencil | Stripe |
Stryker | Subtitle Edit | Sui | Sumo Logic | Super User | Suzuki | Swagger | Swarm | Sway | Swift | São Paulo Metro
| TED | THE FINALS | TON | TP-Link | TRAE | TUI | Taco Bell | Taichi Graphics | Taichi Lang | Take-Two Interactive
Software | Tamiya | Tapas | Tata | Tata Consultancy Services | Tauri | Teal | Tencent Hy | Tesla | Testin | Tether |
Thanos | The Algorithms | The Boring Company | The Conversation | The Guardian | The Irish Times | The Mighty | The
Models Resource | The Movie Database | The North Face | The Odin Project | The Planetary Society | The Register |
The Sounds Resource | The Spriters Resource | The StoryGraph | The Washington Post | The Weather Channel | Ticket
Tailor | Tilda Publishing | Tina | Tinder | Toggl Track | Tokio | Tokyo Metro | Toll | Top.gg | Tor Browser | Tor
Project | Tower | Toyota | Traefik Mesh | Transport for Ireland | Transport for London | Travis CI | Trello | Trend
Micro | Triller | Trimble | Trino | Trip.com | Try It Online | Turso | U.S. News | Uber | Uber Eats | Ubuntu MATE |
Under Armour | United Nations | Unity | Uphold | Uptime Kuma | V2EX | VEGAS | VLC media player | Vala | Valve |
Vault | Vector Logo Zone | Vega | Vespa | Virgin | Virgin Atlantic | Virgin Media | Visa | Vite | Viva Wallet |
Vivaldi | Vivino | Void Linux | Voron Design | Vue.js | Vulkan | W3Schools | WEB.DE | Warp | Wasmer | Wayland | Wear
OS | Web Awesome | Web3.js | Welcome to the Jungle | Wells Fargo | Western Union | When I Work | Wikimedia Commons |
Wine | Wire | Wise | Wish | Wix | Wolfram | Wolfram Language | Wolfram Mathematica | Woo | World Health Organization
| Write.as | Xing | Yale | Yandex Cloud | Yarn | Yew | Yoast | YouTube Music | YouTube Shorts | Z.ai | Zaim | Zalo |
Zara | Zed Industries | Zelle | Zen Browser | Zenn | Zhihu | Zilch | Zola | abuse.ch | addy.io | bat | boAt |
boulanger | bunny.net | curl | daily.dev | data.ai | date-fns | dev.to | fish shell | levels.fyi | mail.com | miHoYo
| monkey tie | nf-core | osu! | pino | pr.co | remark | reveal.js | roadmap.sh | scikit-learn | sharp | smart |
start.gg | tado° | ty | vivo | what3words | Île-de-France Mobilités
"""

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
Wrike | ClickUp | Jira | Confluence | Bitbucket | Jenkins | Travis CI | Heroku | Vercel | Netlify | Shopify | Squarespace | Wix |
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


BRANDS = frozenset(brand_key(t) for t in _titles(SIMPLE_ICONS) + _titles(WRITTEN))
# the carriers of WRITTEN: read with the parcel words of a message ("Hermes lost my parcel": a first name too)
CARRIERS = frozenset(brand_key(t) for t in _titles(WRITTEN.split("# parcel carriers and postal services", 1)[1].split("\n#", 1)[0]))

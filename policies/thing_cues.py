"""The words around a capitalised run that say it is what a product, a service or a place is called, not a
person: what is done with it ("sync with X"), the words after it ("X app", "X 2.1"), what is said of a device
("won't pair"), of software ("crashes on startup") or of goods ("popcorn gluten free"). Split from
policies/things.py, whose `a_thing` reads them.
"""

from __future__ import annotations

import re

# "sync with X", "works with X" (not "I work with X": a colleague), "pay with X", "install it on X", "upload a podcast to X", "use X", "connect my X"
THING_CONTEXT = re.compile(
    r"\b(?:sync(?:s|ed|ing)?|integrat\w*|compatible|(?<!\bI )(?<!\bwe )works?|working|connect(?:s|ed|ing)?|link(?:s|ed|ing)?|pay(?:s|ing)?|paid|"
    r"log(?:ged)? ?in|sign(?:ed)? ?in|import(?:s|ed|ing)?|export(?:s|ed|ing)?|migrat\w*|upload(?:s|ed|ing)?|install(?:s|ed|ing)?|"
    r"deploy(?:s|ed|ing)?|embed(?:s|ded|ding)?|use|uses|using|used|via|switch(?:ed|ing)?|upgrad\w*|downgrad\w*|subscrib\w*|"
    # "moving off X", "we're leaving X for": a service left behind
    r"mov(?:e|es|ed|ing) (?:off|away from)|leav(?:e|es|ing) (?:behind )?|"
    r"run(?:s|ning)?|open(?:s|ed|ing)?|support(?:s|ed|ing)?|enable|disable|stream(?:s|ed|ing)?|cancel(?:l?ed)?|buy|bought|order(?:ed)?|redeem|"
    r"deliver(?:s|ed|ing|y)?|ship(?:s|ped|ping)?|travel(?:l?ing)?|fly(?:ing)?|flights?|"
    # the same words mistyped: "udeliver to X", "shippinh to X"
    r"\w?deliver\w*|ship\w+)"
    r"(?!\s+(?:me|us|him|her|them)\b)(?:\s+[\w'’]+){0,2}?(?:\s+(?:with|to|from|into|in|on|onto|for|through))?"
    r"(?:\s+(?:the|my|our|your|their|a|an|this|that))?\s+$",
    re.IGNORECASE,
)
# "X app", "X account", "X integration": words after a product's name
THING_AFTER = re.compile(
    r"\s+(?:app|apps|account|accounts|integration|integrations|plugin|add-?on|extension|plan|subscription|api|sdk|connector|"
    r"store|edition|version|server|cloud|workspace|login|sign-?in|channel|bot|widget|feed|points|rewards|gift|card|cards|"
    r"device|devices|model|firmware|update|license|licence|membership|pass|order|orders|delivery|product|products|service|platform|tool|"
    # "Is Gibson support open?", "the Quillon customer service line": who answers for a brand ("Does Oria support the change?" is hers)
    r"support (?:team|hours|line|number|chat|phone|email|e-mail|page|site|portal|ticket|agents?|staff|is|was|open|closed)|"
    r"customer (?:service|support|care)|help ?desk|helpline|hotline|warranty|website|outlets?|checkout|"
    # what software and devices are: "Gideon editor", "Marlowe AI", "Nova mattress", "Otis doorbell"
    r"editor|ide|ai|cli|dev|framework|library|engine|launcher|client|console|router|headset|speakers?|controller|doorbell|thermostat|vacuum|mattress(?:es)?|firmware|"
    # "X sync stopped working" (a noun WordNet does not list as one; "Can X sync with me" is someone's verb)
    r"sync(?=\s+(?:is|was|has|stopped|keeps|kept|fails|failed|broke|broken|issues?|errors?|not|isn['’]t|doesn['’]t|won['’]t)\b))\b",
    re.IGNORECASE,
)
# a place or a building named after a person
NAMED_AFTER = re.compile(
    r"\s+(?:bridge|tunnel|airport|park|hospital|university|college|school|station|museum|stadium|arena|memorial|library|"
    r"boulevard|highway|expressway|square|center|centre|building|tower|institute|foundation|award|prize)\b", re.IGNORECASE
)
# "Fedora 39", "Ruby on Rails 7", and a model number of one or two capitals and digits: "Dyson V15", "Roomba X2", "Galaxy S23"
VERSION_AFTER = re.compile(r"(?: (?:on|for) (?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[A-Z][\w.+-]*)?[ \t]+(?:v|[A-Z]{1,2})?\d{1,3}(?:\.\d+)*[A-Za-z]{0,2}\b(?![ -]?\d)")
# "Wren builder 1.4", "Oria dev server 3.12", "Quill lts-20.11": a dotted version within two words after the name
VERSION_SOON_AFTER = re.compile(r"(?:[ \t]+[\w-]+){0,2}?[ \t]+(?:[a-z]{1,4}-|v)?\d+\.\d+(?:\.\d+)*\b")
# "Is X supported?", "X compatible with": said of a product, never of a person, whatever its words
# ... or a business: "Is Jenny Vesk still in business?" ("in business school" is someone's)
SUPPORTED_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:(?:is|are|isn['’]t|aren['’]t|not|also|still|fully)\s+)*(?:supported\b|compatible\b|(?:in|out of) business(?=\s*(?:[?.!,;]|$)|\s+(?:anymore|now|today|yet)\b)|"
    # "Is X still in beta?", "X is open source", "Is X HIPAA compliant?", "X is deprecated": said of software only
    r"(?:in|out of) (?:beta|alpha|preview|early access|general availability)\b|open[- ]sourced?\b|self-hosted\b|"
    r"(?:[A-Z0-9]{2,}(?: \d)? )?compliant\b|deprecated\b|discontinued\b|end[- ]of[- ]life\b)",
    re.IGNORECASE,
)
# "Jira Software", "Jira Work Management", "Roku Ultra": a capitalised word right after the name that ends what a
# product is called (`product_end`); the model often tags only "Jira", or the first-name list finds it alone. With
# SYNCS_WITH and THING_APPOSITIVE: PII tune half PERSON 220/226 and ordinary messages changed (tune 122) unchanged,
# Faker seed 11 PERSON 1221 -> 1222 and STREET 760/800 kept (bench/bench_redaction.py --show tune --seed 11)
PRODUCT_NEXT = re.compile(r"[ \t]+([A-Z][a-z]+)\b(?![’'-])")
# "Does Clio sync with Outlook?", "Clio integrates with Slack": what syncs with a product is a product; not "Can
# Bob sync with me", "Can Bob sync with Oria" (a person or a first name after "with")
SYNCS_WITH = re.compile(
    r"\s+(?:(?:also|still|not|now|automatically|natively|directly)\s+)*(?:sync(?:s|ed|ing)?|integrat(?:e|es|ed|ing))\s+"
    r"(?:with|to|into)\s+(?:the\s+|my\s+|our\s+|your\s+)?([A-Z][\w'’.-]*)"
)
# "Ada, our chatbot, ...", "Ivy, the app we use, ...": the words after a name's comma say it is a thing
THING_APPOSITIVE = re.compile(
    r",\s+(?:our|my|your|their|the|a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:chat ?bot|bot|app|application|tool|software|platform|plug-?in|integration|crm|helpdesk|help desk|system|"
    r"(?:virtual|ai|digital|voice) (?:assistant|helper|agent))s?(?=\s*[,.;:!?)]|\s+(?:we|you|they|that|which)\b|\s*$)",
    re.IGNORECASE,
)
# "Can Archie the bot reset my password?", "Is Hubert the virtual agent available?": a bot's name with what it is
THING_EPITHET = re.compile(r"\s+the\s+(?:chat ?bot|bot|(?:virtual|ai|digital|voice) (?:assistant|helper|agent))\b", re.IGNORECASE)
# "Is Nell Vesketh a partner brand?", "Nell is a supported app": said to be a thing, the noun ending its phrase ("Oria is
# a company director", "Is Oria the store manager?" stay people)
THING_PREDICATE = re.compile(
    r"(?:['’]s)?\s+(?:(?:is|are|isn['’]t|aren['’]t|not|also|still|now|already)\s+)*(?:an?|the|our|your|their|one of (?:the|your|our))\s+"
    r"(?:[\w-]+\s+){0,2}?(?:brand|company|store|shop|app|tool|product|service|platform|integration|bank|"
    r"marketplace|website|site|browser|plugin|plug-in|extension|payment method|device)s?"
    r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:in|on|for|that|which|I|we|you|they|with|of|and|or|to|from|like|here|too|anymore)\b)",
    re.IGNORECASE,
)
# "Tallow call recordings", "Orrin task notifications": a name right before what a tool keeps names the tool ("Oria's
# call recordings" keep her possessive); not after a verb of giving ("send Oria invoices") or an auxiliary ("Can Oria
# approve invoices?": the word after is her verb)
TOOL_RECORDS = re.compile(
    r"[ \t]+(?:(?![a-z]*(?:s|ed)\b)[a-z]+[ \t]+)?(?:recordings|notifications|reports|dashboards|invoices|tickets|logs|files|projects|"
    r"boards|tasks|events|meetings|transcripts|notes|contacts|leads|deals|payouts|payments|transactions|subscriptions|webhooks|alerts|"
    r"templates|workflows|forms|insights|analytics|metrics|integrations|settings|permissions|exports|imports|backups|snippets)\b(?!['’-])"
)
# "Is Betty Quill popcorn gluten free?", "Does Oria Vesk cookware work on induction?": a name right before a kind of goods
# is the brand's (a word that is a verb too, "watches", "treats", "wipes", is left out: "Oria treats me well"); not a name
# opening the message ("Oria Vesk wine tasting is on Friday"), someone asked or given to ("Tell Oria cookies are ready")
GOODS_AFTER = re.compile(
    r"[ \t]+(?:popcorn|syrup|cereals?|oatmeal|granola|cookies|crackers|chips|snacks|candy|chocolates?|coffee|tea|juice|soda|lemonade|"
    r"wine|beer|whiske?y|bourbon|vodka|rum|tequila|cider|yogh?urt|cheese|ice cream|peanut butter|ketchup|mustard|mayo(?:nnaise)?|"
    r"sauce|salsa|pasta|noodles|bread|bagels|muffins|(?:cake|pancake|brownie) mix|frosting|baby food|dog food|cat food|kibble|"
    r"soap|shampoo|conditioner|lotion|sunscreen|deodorant|toothpaste|perfume|cologne|fragrance|lipstick|mascara|makeup|skincare|"
    r"moisturi[sz]er|serum|razors|diapers|cookware|bakeware|knives|bedding|towels|pillows|mattress(?:es)?|furniture|rugs|candles|"
    r"glasses|sunglasses|eyewear|jewell?ery|handbags|wallets|sneakers|sandals|jeans|swimwear|underwear|lingerie|activewear|"
    r"sizing|clothing|apparel|guitars|headphones|earbuds|appliances)\b(?!['’-])",
    re.IGNORECASE,
)
GOODS_GIVEN_BEFORE = re.compile(
    r"\b(?:send|sent|give|gave|buy|bought|get|got|order|ordered|bring|brought|make|made|bake|baked|cook|cooked|pour|poured|"
    r"pack|packed|grab|grabbed|fetch|offer|offered|serve|served|owe|lend|lent|show|showed)\s+$",
    re.IGNORECASE,
)
NOT_TOOL_BEFORE = re.compile(
    r"\b(?:send|sent|give|gave|show|showed|email|e-mail|forward|mail|pass|hand|owe|pay|paid|bring|brought|get|got|text|ask|"
    r"tell|cc|does|do|did|can|could|will|would|should|may|might|must|to|let|make|made|have|had)\s+$",
    re.IGNORECASE,
)
# a dish asked about: "what ingredients i need for pollo asado", "a recipe for oria's pie" is about the pie
DISH_BEFORE = re.compile(
    r"\b(?:recipes?|ingredients|calories|nutrition(?:al)? (?:facts|value))\b(?:\s+[\w'’]+){0,4}?\s+(?:for|in|of|into|does|do)\s+$",
    re.IGNORECASE,
)
# someone asked for or spoken with: "talk to", "speak with", "ask for" (the model often calls a first name after them a
# nationality or a place, and "to" a place's preposition)
SPEAK_WITH_BEFORE = re.compile(r"\b(?:(?:speak|speaking|talk|talking|chat|chatting)\s+(?:to|with)|ask(?:ing)?\s+for)\s+$", re.IGNORECASE)
# ... not a team named after a place or a brand: "talk to India support", "speak with Georgia sales"
TEAM_AFTER = re.compile(r"\s+(?:support|sales|team|office|department|branch|store|shop|desk|help|service|billing)\b", re.IGNORECASE)
THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
OWNER_BEFORE = re.compile(r"\b(?:my|our|your|their)\s+$", re.IGNORECASE)
# "the build fails with Ninja", "login failing on Safari": what a failure comes with is a tool or a platform
# "Version 3.2 of X", "the Max plan in X": an edition or a release of what comes after
RELEASE_OF = re.compile(
    r"\b(?:version|release|build|edition|beta|update|firmware|(?:[A-Z][a-z]+ )?(?:plan|tier))\s+(?:v?[\d.]+\s+)?(?:of|in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
FAILS_WITH = re.compile(r"\bfail(?:s|ed|ing)?\s+(?:with|on|under|in)\s+(?:the\s+)?$", re.IGNORECASE)
# "X and the Forgotten Land": a capitalised word after "and the" makes the whole the title of a work
WORK_TITLE_AFTER = re.compile(r"\s+and the [A-Z]")
MADE_BY = re.compile(r"\s+by\s+")
# a possessive, then capitalised words and a number: a numbered title ("Cormac's Keep 2"; "Oria's Account" has no number)
POSSESSIVE_TITLE = re.compile(r"(?:['’]s)? [A-Z][a-z]+(?: [A-Z][a-z]+)? (?:\d{1,2}|II|III|IV|VI{0,3})\b(?![.,:/-]?\d)")
# said only of a device, whatever its name's words
DEVICE_SAID = re.compile(
    r"\s+(?:(?:is|are|isn['’]t|aren['’]t|was|wasn['’]t)\s+)?(?:not\s+)?detected\b|"
    r"\s+(?:won['’]t|doesn['’]t|didn['’]t|can['’]t|cannot|will not|does not|keeps? failing to)\s+(?:pair|boot)\b",
    re.IGNORECASE,
)
PLACE_BEFORE = re.compile(r"\b(?:to|from|in|at|near|into|via|across|around|of)\s+$", re.IGNORECASE)
NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O'|O’|D'|D’|De|Di|Da|Du|La|Le|Van|Von|Fitz)[A-Z][a-z]+$")


# "the Luna Max", "two Zeno Lite speakers", "my Hera Plus": a determiner or a number before an edition's name
COUNTED_BEFORE = re.compile(
    r"\b(?:the|a|an|my|our|your|their|this|that|these|those|new|old|two|three|four|five|six|\d+)\s+$", re.IGNORECASE
)
# what is said of a device or an edition, never of a person: "Luna Max support(s) Bluetooth", "Pearl Lite available in"
PRODUCT_SAID = re.compile(
    r"(?:['’]s)?\s+(?:(?:is|are|isn['’]t|aren['’]t|not|also|still|really|actually|even|won['’]t|doesn['’]t|didn['’]t|can['’]t|"
    r"cannot|will|does|did|keeps?|stopped|no longer)\s+)*"
    r"(?:supports?|(?:dis|re)?connect(?:s|ed|ing)?|boot(?:s|ed|ing)?|turn(?:s|ed)? on|power(?:s|ed)? on|come(?:s)? with|available|waterproof|water-?resistant|in stock|out of stock|ships?|shipping|charg(?:e|es|er|ing)|"
    r"pair(?:s|ed)?|batter(?:y|ies)|screen|speakers?|headphones?|earbuds?|camera|case|cable|remote|firmware|model|edition|version|"
    r"tier|plan|bundle|worth)\b",
    re.IGNORECASE,
)


# the platforms software runs on: "available on Android", "works on Mac"
PLATFORM = (
    r"(?:(?:(?:the|my|our|your|a|an)\s+)?(?:iOS|iPhone|iPad(?:OS)?|Android|Mac|macOS|Windows|Linux|Ubuntu|Chromebooks?|ChromeOS|Apple TV|Fire TV|Roku|"
    r"App Store|Google Play|Play Store|web|mobile|desktop|tablets?|smart ?TVs?|browsers?|phones?)\b)"
)
# what only software is said to do or be: "Why does Bexley crash on startup?", "Can Hollis export to CSV?", "Does Calloway
# work offline?", "Is Calloway available on Android?", "How much does Marlowe cost per seat?", "Does Pemberton support SSO?".
# Said of a lone word the name lists or the model took for a name ("Can Maria export the report?" is hers: an export
# to a format or a place only; "Is Maria available on Monday?": a platform only)
SOFTWARE_SAID = re.compile(
    r"(?:['’]s)?\s+(?:(?:also|still|not|now|really|ever|even|always|suddenly|sometimes|randomly|just|keeps?|kept|won['’]t|"
    r"doesn['’]t|didn['’]t|can['’]t|cannot|will|does|did|is|are|isn['’]t|aren['’]t)\s+)*"
    r"(?:crash(?:es|ed|ing)?|freez(?:e|es|ing)|froze|glitch(?:es|ed|ing)?|lag(?:s|ged|ging)?\b(?!\s+behind)|"
    # what a screen shows or an API returns: "X shows "seat limit reached"", "X throws an error", "X returns a 429"
    r"(?:shows?|showed|showing|displays?|displayed|throws?|threw)\s+(?:me\s+|us\s+)?(?:an?\s+|the\s+)?(?:[\"“]|errors?\b|warnings?\b|"
    r"blank\b|(?:a\s+)?\d{3}\b)|returns?\s+(?:an?\s+)?(?:\d{3}\b|errors?\b|empty\b|null\b)|"
    # a service that is down, a program that uses up a machine: "Is X down right now?", "X uses 100% CPU"
    r"down(?=\s*(?:[?.!,;]|$)|\s+(?:right now|again|today|for (?:everyone|me|us|all|anyone)|at the moment)\b)|"
    r"(?:uses?|using|eats?|eating|takes?\s+up|hogs?)\s+(?:up\s+)?(?:\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?\s*(?:GB|MB|KB|gigs?)\b|"
    r"(?:too much|all the|all my|a lot of)\s+(?:memory|RAM|CPU|battery|data|disk|storage|bandwidth)\b)|"
    # what a device keeps doing by itself: "X keeps printing blank pages", "X keeps buffering"
    r"(?<=keeps )(?:printing|beeping|buffering|rebooting|restarting|blinking|flashing|spinning|disconnecting|dropping)\b|"
    # what a program works with: a model with its number ("work with the Epson ET-2850", "work with my XR-200")
    r"work(?:s)?\s+with\s+(?:the\s+|my\s+|our\s+|an?\s+)?(?:[A-Z][\w-]*\s+){0,2}[A-Z]{1,4}-?\d{2,}\b|"
    r"(?:export|import)(?:s|ed|ing)?\s+(?:(?:my|our|the|all|your)\s+)?(?:\w+\s+)?(?:to|into|from|as)\s+(?:an?\s+)?(?:[A-Z]{2,}|PDFs?|Excel|"
    r"spreadsheets?|files?|CSVs?)\b|"
    r"work(?:s|ing)?\s+offline|(?:work|works|working|run|runs|running)\s+on\s+{platform}|"
    r"(?:available|installed|downloadable)\s+(?:on|for|in)\s+{platform}|"
    # "Can X be installed on a Chromebook?", "X gets deployed twice": what is installed, deployed or hosted
    r"(?:be|been|being|get|gets|got)\s+(?:(?:re|un|pre|auto-?)?install|deploy|self-host|download|embedd|whitelist|allowlist|sideload)ed\b|"
    # "Is X available for law firms?", "X available to small teams": sold to kinds of customers
    r"(?:available|free|discounted|cheaper)\s+(?:for|to)\s+(?:\w+\s+){0,2}?(?:firms|teams|businesses|companies|enterprises|organi[sz]ations|nonprofits|"
    r"non-profits|charities|schools|universities|agencies|startups|freelancers|developers)\b|"
    # "Can X run collections from the command line in CI?", "X runs headless": what runs unattended
    r"run(?:s|ning)?\s+(?:[\w-]+\s+){0,3}?(?:from\s+the\s+(?:command\s+line|terminal|CLI)|in\s+(?:CI|Docker|a\s+container|"
    r"containers|Kubernetes|a\s+pipeline|the\s+pipeline|the\s+background)|headless(?:ly)?|on\s+a\s+schedule)\b|"
    r"cost(?:s)?\b|pric(?:e|es|ed|ing)\b|"
    r"support(?:s)?\s+(?:[A-Z]{2,}s?\b|dark mode|single sign-on|two-factor|webhooks|offline)|"
    r"(?:log(?:s|ging)?|sign(?:s|ing)?|kick(?:s|ing)?)\s+(?:me|us)\s+out\b|"
    r"(?:load(?:s|ing)?|install(?:s|ing)?|updat(?:e|es|ing))\s+(?:slow(?:ly)?|automatically|forever|fine)\b|"
    r"(?:install|launch|load|boot|sync|update)(?:s|ed|ing)?\s+on\s+{platform}|"
    # "X not detected by", "X won't pair", "X can't download from"
    r"(?:not\s+)?detected\b|pair(?:s|ed|ing)?\b|(?:re)?boot(?:s|ed|ing)?\b|power(?:s|ed)?\s+(?:on|off)\b|"
    r"download(?:s|ed|ing)?\s+(?:from|to)\b|"
    # "X doesn't detect my monitor", "Does X have an API?": what devices are found by, and what software has
    r"(?:doesn['’]t|does not|didn['’]t|won['’]t|can['’]t|cannot|no longer|stopped)\s+detect(?:ing)?\b|"
    r"(?:have|has)\s+(?:an?\s+)?(?:(?:public|open|rest|graphql|python|mobile|desktop|ios|android|browser|offline|dark)\s+)?"
    r"(?:API|SDK|CLI|apps?|plugins?|extensions?|webhooks|integrations?|mode)(?=\s*(?:[?.!,;]|$)|\s+(?:for|to|that|which|with|in|on)\b))".replace("{platform}", PLATFORM)
)
# "Can Miro boards be embedded?", "Will Pascal code compile?": a lone word right before what software keeps, the two the
# subject of what follows (a person's would be "Oria's boards")
ARTEFACT_SUBJECT = re.compile(
    r"[ \t]+(?:code|boards?|forms?|files?|scripts?|quer(?:y|ies)|builds?|pipelines?|jobs?|topics?|streams?|notebooks?|sheets?|"
    r"docs|pages|sites?|plugins?|widgets?|servers?|clusters?|nodes?|instances?|databases?|tables?|dashboards?|reports?)"
    r"\s+(?:be|is|are|was|were|won['’]t|don['’]t|doesn['’]t|can['’]t|keeps?|fail(?:s|ed)?|load(?:s|ed)?|compiles?|run|runs|"
    r"work|works|sync|syncs|show|shows|break|broke|stop(?:s|ped)?|crash(?:es|ed)?|time(?:s|d)? out|timing out|hangs|hanging|hung)\b"
)

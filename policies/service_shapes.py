"""What a customer asks of an app, a service or a device named like a person: the words around the name that are said
only of software, whatever the name is (no name is listed here). Asked by policies/thing_shapes.py's `thing_shape`.

- compatibility asked of it: "Does X work with Outlook?", "Will X work with my old iPad?", "Does X work with the
  Business plan?" (a question's auxiliary before the name; after "with", a capitalised product that is no first name, or
  a plan, a tier or a device; "Does X work with Oria?" and "Does X work with the sales team?" stay someone's);
- what it has for sale or on screen: "Does X have a free trial?", "Does X have a desktop version?", "Does X have ads?";
- updates it gets: "Does X still get security updates?" ("Does X get updates about my ticket?" stays someone's);
- a figure it shows wrong: "Why does X show the wrong balance?";
- a login it keeps asking for: "Why does X keep asking me to log in again?";
- what it sends automatically: "Does X send reminders by email?" (reminders, notifications, alerts, codes; not a
  receipt or an invoice, which a person sends too);
- where data is kept: "Is my data stored in X?", "Can I store passwords in X?", "Can I save it to X?";
- a release it is updated to, a platform it is slow on, a suite it is part of, an error it says, whom it is free for:
  "update X to the latest version", "X is so slow on Chrome" (not "on Mondays"), "Is X included in Microsoft 365?",
  "Why does X say invalid licence key?", "Is X free for students?";
- what one does inside it: "sign out of X on all devices", "add my card to X", "turn on notifications in X";
- what breaks down, what a voice assistant mishears: "Why did X stop syncing?", "X stopped working after the update"
  (not "stopped working on my ticket"), "Why does X ignore my voice commands?" (privacy31, chosen on
  bench/ordinary/dev_questions_privacy31.txt and development questions written for it; no PII set holds these shapes
  around a person).

Chosen on bench/ordinary/dev_questions_privacy28.txt (development, written after bench/ordinary/blind_questions_10.txt
was committed, by the same hand: blind10's gain is weak evidence) and the tune halves; the shared PII file's templates,
its tune half and the development PII files hold none of these shapes around a person. Hand-written patterns, as
policies/thing_shapes.py: they correct the model's labels, and no library tells these parts apart.
"""

from __future__ import annotations

import re

from policies.name_words import Names

AUXILIARY_BEFORE = re.compile(r"\b(?:does|do|did|will|would|can|could|should|won['’]t|doesn['’]t|can['’]t)[ \t]+\Z", re.IGNORECASE)
ADVERBS = r"[ \t]+(?:(?:still|also|really|actually|now|not|even|ever|always|already)[ \t]+)*"
# "work with Outlook", "work with my old iPad", "work with the Business plan", "work with Samsung phones"
WORKS_WITH_AFTER = re.compile(
    ADVERBS + r"work[ \t]+with[ \t]+(?:(?:the|my|our|your|an?|this|that|older|old|new|newer)[ \t]+)*"
    # a capitalised product, its clause ending there or going on to what it keeps ("with the Leeds team" is a group's)
    r"(?:(?P<cap>[A-Z][\w.+&'’-]*)(?:[ \t]+[A-Z0-9][\w.+&'’-]*){0,2}(?=[ \t]*(?:[?.!,;]|$)|[ \t]+(?:now|yet|too|anymore|already|"
    r"natively|out of the box|(?i:apps?|accounts?|calendars?|inbox|contacts|phones?|devices?|integration|plans?)\b))|(?:[\w+.-]+[ \t]+){0,2}?(?i:plans?|tiers?|editions?|versions?|subscriptions?|accounts?|"
    r"phones?|tablets?|laptops?|printers?|routers?|browsers?|watch|watches|speakers?|tvs?|cars?|apps?|devices?|iphones?|ipads?|"
    r"macs?|pcs?|chromebooks?)\b)",
)
# "have a free trial", "have a desktop version", "have ads", "have an offline mode"
HAS_AFTER = re.compile(
    ADVERBS + r"(?:have|has)[ \t]+(?:an?[ \t]+|any[ \t]+)?(?:(?:free|paid|web|desktop|mobile|browser|online|offline|lite|dark|"
    r"light|beta|(?-i:iOS|iPhone|iPad|Android|Mac|macOS|Windows|Linux|Chrome|Firefox|Safari|Edge|Apple Watch))[ \t]+)?(?:trial|tier|version|edition|app|client|mode|ads|adverts|widget|"
    r"extension)s?(?=[ \t]*(?:[?.!,;]|$)|[ \t]+(?:for|on|in|yet|anymore|now|too|that|and|or)\b)",
    re.IGNORECASE,
)
# "still get security updates" at the end of its clause ("get updates about my ticket" is someone's)
UPDATES_AFTER = re.compile(
    ADVERBS + r"(?:get|gets|receive|receives)[ \t]+(?:(?:security|software|firmware|system|os|feature|app)[ \t]+)?updates"
    r"(?=[ \t]*(?:[?.!,;]|$)|[ \t]+(?:anymore|now|on|for)\b)",
    re.IGNORECASE,
)
# "show the wrong balance", "shows an incorrect total"
SHOWS_WRONG_AFTER = re.compile(
    ADVERBS + r"(?:show|shows|showing|display|displays)[ \t]+(?:me[ \t]+|us[ \t]+)?(?:the|a|an|my)?[ \t]*"
    r"(?:wrong|incorrect|outdated|old|duplicate|negative|zero)[ \t]+\w+",
    re.IGNORECASE,
)
# "keep asking me to log in again", "keeps asking us to sign in"
LOGIN_ASKED_AFTER = re.compile(
    ADVERBS + r"keeps?[ \t]+(?:asking|prompting)[ \t]+(?:me|us)[ \t]+(?:to[ \t]+)?(?:(?:log|sign)[ \t]*(?:in|on)|re-?log|"
    r"re-?enter[ \t]+my[ \t]+password|verify|update|restart)\b",
    re.IGNORECASE,
)
# "send reminders by email", "sends notifications via SMS": what a program sends by itself
SENDS_AFTER = re.compile(
    ADVERBS + r"(?:send|sends)[ \t]+(?:(?:the|any|my|a|an)[ \t]+)?(?:\w+[ \t]+)?(?:reminders?|notifications?|alerts?|codes?|"
    r"confirmations?|push notifications?)[ \t]+(?:by|via|over|through|as)[ \t]+(?:e-?mail|sms|text|push|whatsapp)\b",
    re.IGNORECASE,
)
# "update X to the latest version", "upgrade X to 4.2": a release
TO_RELEASE_AFTER = re.compile(
    r"[ \t]+to[ \t]+(?:the[ \t]+)?(?:(?:latest|newest|current|most recent|last|new)[ \t]+(?:version|release|build|update|firmware)\b|"
    r"v?\d+(?:\.\d+)+\b)",
    re.IGNORECASE,
)
# "so slow on Chrome", "slow in Safari": slow on a browser, a system or a device (not "slow on Mondays")
SLOW_ON_AFTER = re.compile(
    r"[ \t]+(?:is[ \t]+|so[ \t]+|very[ \t]+|really[ \t]+|too[ \t]+|super[ \t]+|extremely[ \t]+|running[ \t]+)*slow[ \t]+(?:on|in)[ \t]+"
    r"(?:the[ \t]+|my[ \t]+|our[ \t]+)?(?:(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December)s?\b)[A-Z][\w.+-]*|(?i:mac|pc|laptop|phone|tablet|chromebook|wi-?fi|"
    r"mobile|desktop|browser|vpn))"
)
# "included in Microsoft 365", "included with my plan": part of a plan, a bundle or a numbered suite
INCLUDED_IN_AFTER = re.compile(
    r"[ \t]+(?:is[ \t]+|also[ \t]+|still[ \t]+)*included[ \t]+(?:in|with)[ \t]+(?:the[ \t]+|my[ \t]+|our[ \t]+|your[ \t]+|an?[ \t]+)?"
    r"(?:[A-Z][\w.+&-]*[ \t]+){0,3}(?:\d+\b|(?i:plans?|subscriptions?|bundles?|tiers?|packages?|memberships?|licen[cs]es?)\b)"
)
# "Why does X say invalid licence key?", "X says "session expired"": what a screen says
SAYS_ERROR_AFTER = re.compile(
    r"[ \t]+(?:keeps[ \t]+)?(?:say|says|said|saying)[ \t]+(?:[\"“]|(?:invalid|error|unknown|expired|unauthori[sz]ed|access denied|"
    r"session expired|something went wrong|no internet|not found|offline|failed|\d{3}\b))",
    re.IGNORECASE,
)
# "Is X free for students?": priced for kinds of users
FREE_FOR_AFTER = re.compile(
    r"[ \t]+(?:is[ \t]+|still[ \t]+)*(?:free|discounted|cheaper)[ \t]+for[ \t]+(?:students|teachers|educators|personal use|"
    r"non-?commercial use|open[ -]source(?:[ \t]+projects)?|families|individuals|veterans|hobbyists)\b",
    re.IGNORECASE,
)
# "sign out of X", "log out of X on all devices", "add my card to X", "turn on notifications in X": what one does in an app
IN_APP_BEFORE = re.compile(
    r"\b(?:(?:sign|log)(?:ged|s|ging)?[ \t]*(?:out|off)[ \t]+(?:of|from)|"
    r"add(?:ed|ing)?[ \t]+(?:my|a|the|our|another|new)[ \t]+(?:[\w-]+[ \t]+)?(?:card|bank account|calendar|inbox|printer|domain|"
    r"website|store|shop|device|payment method)[ \t]+to|"
    r"turn(?:ed|ing|s)?[ \t]+(?:on|off)[ \t]+(?:[\w-]+[ \t]+){1,3}?(?:in|inside|within))[ \t]+\Z",
    re.IGNORECASE,
)
# "stored in X", "store passwords in X", "save it to X", "back up my photos to X"
KEPT_IN_BEFORE = re.compile(
    r"\b(?:stor(?:e|es|ed|ing)|sav(?:e|es|ed|ing)|back(?:ed|s|ing)?[ \t]+up|host(?:s|ed|ing)?|synced)"
    r"(?:[ \t]+[\w'’]+){0,3}?[ \t]+(?:in|on|to|into|inside)[ \t]+\Z",
    re.IGNORECASE,
)
# "stopped syncing", "stops working after the update": what breaks down is a program or a device ("stopped working on my
# ticket", "stopped working here" and "stopped responding to my emails" are someone's, and stay so)
STOPPED_AFTER = re.compile(
    r"[ \t]+(?:(?:has|have|had|just|suddenly|randomly|keeps?|still|completely)[ \t]+)*(?:stop|stops|stopped|stopping)[ \t]+"
    r"(?:syncing|loading|updating|connecting|charging|pairing|uploading|downloading|backing[ \t]+up|booting|launching|"
    r"working(?![ \t]+(?:on|for|with|at|here|there|as|in|from|over|late|today|tomorrow|overtime|weekends)\b))\b",
    re.IGNORECASE,
)
# "ignores my voice commands", "doesn't hear my wake word": a voice assistant
VOICE_AFTER = re.compile(
    ADVERBS + r"(?:ignores?|ignoring|ignored|(?:doesn['’]t|won['’]t|can['’]t|does[ \t]+not)[ \t]+(?:hear|understand|recogni[sz]e))[ \t]+"
    r"(?:my|our|the)[ \t]+(?:voice(?:[ \t]+commands?)?|wake[ \t]+word|commands?)\b",
    re.IGNORECASE,
)
# after "in"/"to": the end of its clause, or what goes on ("from my phone", "instead of", "for free")
CLAUSE_ENDS = re.compile(r"[ \t]*(?:[?.!,;]|$)|[ \t]+(?:from|instead|for|on|automatically|too|as well|or|and)\b")


def _bare(text: str, start: int, end: int) -> bool:
    return re.search(r"['’]s?$", text[start:end]) is None and "\n" not in text[start:end]


def _works_with(text: str, start: int, end: int) -> bool:
    if AUXILIARY_BEFORE.search(text[max(0, start - 10) : start]) is None or (m := WORKS_WITH_AFTER.match(text, end)) is None:
        return False
    if (cap := m.group("cap")) is None:
        return True
    # a first name after "with" is a colleague ("Does Oria work with Bram?")
    return cap.lower().strip(".'’") not in Names.first_names()


def service_shape(text: str, start: int, end: int) -> bool:
    """Whether what is asked of text[start:end] is asked only of an app, a service or a device (the module's docstring)."""
    if not _bare(text, start, end):
        return False
    if _works_with(text, start, end):
        return True
    if any(p.match(text, end) for p in AFTER):
        return True
    before = text[max(0, start - 50) : start]
    return (KEPT_IN_BEFORE.search(before) is not None or IN_APP_BEFORE.search(before) is not None) and CLAUSE_ENDS.match(text, end) is not None


AFTER = (HAS_AFTER, UPDATES_AFTER, SHOWS_WRONG_AFTER, LOGIN_ASKED_AFTER, SENDS_AFTER, TO_RELEASE_AFTER, SLOW_ON_AFTER,
         INCLUDED_IN_AFTER, SAYS_ERROR_AFTER, FREE_FOR_AFTER, STOPPED_AFTER, VOICE_AFTER)

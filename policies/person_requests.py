"""Requests for a person in so many words, beyond policies/intent.py `_ASKS_TO_REACH`: a role or a team of the other side
named with a way of reaching it ("transfer me to a claims handler", "put me through to billing", "can a human check my
booking", "i need a billing specialist", "get your supervisor on the line", "escalate this ticket to your tier 2 team").

A fresh help center (pet insurance and vet booking) handed over 12 of its 15 requests for a person; the others were
answered or clarified. On a dev set written for the purpose (bench/dev_person_requests.jsonl: 208 requests, 226
near-misses a help center answers; bench/bench_person_requests.py) the stage found 144 of 208: the rules and the
embedding knew "someone", "a human", "an agent" and a few teams, not the roles a help center has (handlers,
specialists, technicians, engineers, advisors, a department by its name) nor asking one of them to look at something.

Built from two parts, so that a new role or phrasing needs one word, not one sentence:
- who (`_WHO`): a person of the other side, named by a role noun with its article and up to two words before it ("your
  billing specialist", "a real claims handler", "one of your staff"), a team or department of theirs ("your engineering
  team", "the complaints department", "billing"), or "someone" with where they sit ("someone in billing", "whoever is in
  charge"). The customer's own people ("my partner", "my vet", "someone else", "other members") are none; of "my", only
  the roles a company gives its customer ("my account manager", "my claims handler").
- how (`_ASKS`): reaching them (talk, speak, chat, be put through, transfer me, connect me, get them on the line, book a
  call with them, complain to them, raise it with them) or asking them to act on the customer's matter ("can a human
  check my booking", "have a technician phone me", "i need someone to walk me through it").
A question about the service ("how do I assign a ticket to an agent", "does a person review my claim", "can your staff
see my messages", "is there a manager role") has neither frame. Chosen on the dev set above and the TUNE split of
bench/bench_answers.py's records only: there the stage found 207 of 208 requests, 85 -> 86 of TUNE's 87, no TUNE
answerable or off-topic question newly taken (docs/measurements/answers.md, 2026-12-07, has the report figures).
"""

from __future__ import annotations

import re

# the people a company puts in front of its customers; the vets, tutors, drivers and hosts a service sells are not
# among them ("can I talk to a vet" asks about a service of a vet-booking help center)
_ROLE = (r"(?:person|human(?:\s+beings?)?|humans|agents?|reps?|representatives?|operators?|managers?|supervisors?"
         r"|advis[oe]rs?|specialists?|technicians?|engineers?|developers?|handlers?|consultants?|experts?|associates?"
         r"|staff(?:\s+members?)?|employees?|boss|team\s+lead(?:er)?s?|member\s+of\s+(?:your\s+)?(?:staff|team))\b")
# a part of the company by its work ("billing", "the claims team", "your complaints department")
_DEPT = (r"(?:billing|claims|sales|accounts?|complaints|support|customer\s+(?:service|services|care|support)|tech(?:nical)?\s+support"
         r"|technical|engineering|finance|payments|refunds|returns|escalations?|retention|tier\s*\d|second\s+line|2nd\s+line)\b")
_UNIT = r"(?:team|department|dept|desk|office|people|staff|line)\b"
# what follows a support word when it is a thing, not someone: "your support hours", "a manager role", "agents' seats"
_NOT_SOMEONE = (r"(?!\s*(?:'s\s+)?(?:hours?|e-?mail|address|number|phone\s+number|plans?|pages?|articles?|polic(?:y|ies)|links?|site"
                r"|portal|roles?|accounts?|seats?|tickets?|options?|details|contacts?|permissions?|access|views?|dashboards?"
                r"|licen[cs]es?|commissions?|rates?|fields?|codes?|process|service\b|services|features?|tools?|apps?)\b)")
_ARTICLE = r"(?:(?:a|an|the|your|ur|some|any|another|one\s+of\s+(?:your|the))\s+)"
_ADJ = r"(?:(?:real|actual|live|proper|human|senior|qualified|dedicated)\s+)"
# a word before the role, not the customer's own ("my agents", "other members", "their manager")
_FREE = r"(?:(?!(?:my|our|other|their|his|her|own|its|fellow)\b)[a-z0-9-]+\s+)"
_WHO = (
    r"(?:"
    rf"{_ARTICLE}?{_ADJ}?{_FREE}{{0,2}}?{_ROLE}"  # "a claims handler", "your billing specialist", "one of your staff"
    r"|one\s+of\s+(?:your|ur)\s+[a-z-]+s\b"  # "one of your vets"
    rf"|{_ARTICLE}?{_FREE}{{0,2}}[a-z-]+\s+from\s+(?:your|ur)\s+(?:side|end|team|staff|company|support)\b"  # "a developer from your side"
    r"|my\s+(?:account\s+manager|claims?\s+(?:handler|advis[oe]r|manager)|case\s+(?:handler|manager|worker|officer)|advis[oe]r)"
    rf"|(?:(?:your|ur|the)\s+)?{_DEPT}(?:\s+{_UNIT})?"  # "billing", "the claims team", "your complaints department"
    rf"|(?:your|ur)\s+{_FREE}{{0,2}}{_UNIT}"  # "your engineering team", "your tier 2 team"
    r"|whoever\s+(?:is\s+)?in\s+charge|(?:someone|somebody|the\s+person)\s+(?:(?:who\s+is|that\s+is)\s+)?in\s+charge"
    r"|(?:someone|somebody|anyone|anybody)\s+(?:more\s+)?(?:senior|higher\s+up|technical)"
    r"|(?:someone|somebody|anyone|anybody|a\s+person)(?!\s+else\b)(?:\s+(?:from|in|at|on|of)\s+(?:your|ur|the)\s+(?:[a-z0-9-]+\s+){0,2}?[a-z0-9-]+"
    rf"|\s+(?:from|in|at|on)\s+{_DEPT}"
    r"|\s+(?:who|that)\s+(?:can|could|actually|really|knows?)\b"
    r"|(?!\s+(?:from|in|at|on|of|who|that)\b))"  # "someone in billing"; not "someone from my family", "someone who has it"
    r")"
    rf"{_NOT_SOMEONE}"
)
_ACT = (r"(?:look\s+(?:at|into|over)|check|review|investigate|double[-\s]?check|take\s+a\s+look|go\s+over|call|phone|ring|contact|email"
        r"|e-mail|get\s+back\s+to|reach\s+out|walk\s+me|sort|fix|handle|deal\s+with|explain|verify|confirm|approve|authori[sz]e|refund)")
# what only a person of the other side is asked to do with "help" ("can a human help me"); "can someone help me" alone may
# be answered by the help center
_HELP = r"(?:help|assist|answer|respond|reply)"
_EXPLICIT = rf"(?:{_ARTICLE}?{_ADJ}?{_FREE}{{0,2}}?{_ROLE}{_NOT_SOMEONE}|(?:someone|somebody|anyone|anybody)\s+(?:from|in|at|on)\s+(?:your|ur|{_DEPT})\b)"
# "support" and "help" wanted are help, not someone ("I need support changing my address"), unless a team is said
_NOT_HELP = rf"(?!(?:some\s+|more\s+|(?:tech(?:nical)?|customer)\s+)?(?:support|help|assistance|service)\b(?!\s+{_UNIT}))"
_PUT_THROUGH = r"(?:transfer|connect|put|pass|hand|forward|send|get|escalate|route|redirect|switch)"
_ASKS = re.compile(
    r"(?<![-\w])(?:"
    # reaching them: "talk to billing", "speak with a claims handler", "have a word with your manager", "get hold of someone in billing"
    # (not "am I talking to a real person?", which asks what answers)
    rf"(?<!\bam\si\s)(?<!\bam\swe\s)(?<!\bi'm\s)(?<!\bim\s)(?<!\bare\swe\s)(?:talk|speak|chat|have\s+a\s+word|get\s+through|get\s+hold|be\s+put\s+through|complain|lodge\s+a\s+complaint|make\s+a\s+complaint|raise\s+(?:this|it|my\s+\w+))\w*\s+(?:to|with|of)\s+{_WHO}"
    # reaching one by name of a person, not of a team ("how can I reach a human agent"; "how do I contact support" is answered)
    rf"|(?:reach|contact|get\s+in\s+touch\s+with|get\s+through\s+to|get\s+hold\s+of)\s+{_EXPLICIT}"
    # being put through: "transfer me to a claims handler", "put me through to billing", "escalate this ticket to your tier 2 team"
    rf"|{_PUT_THROUGH}\s+(?:me|us)\s+(?:over\s+|through\s+|across\s+|on\s+|back\s+)?(?:to|with)\s+{_WHO}"
    rf"|escalate\s+(?:this|it|my\s+\w+|the\s+(?:matter|issue|case|ticket|complaint|problem)|this\s+\w+)\s+(?:up\s+)?to\s+{_WHO}"
    rf"|be\s+(?:transferred|connected|put\s+through|passed|handed\s+over|forwarded|escalated|routed)\s+(?:on\s+)?(?:to|with)\s+{_WHO}"
    rf"|(?:^|(?<=[.!?,;:])\s*|\bplease\s+|\bjust\s+)(?:transfer|connect|put\s+through|pass|forward|switch)\s+(?:me\s+)?to\s+{_WHO}"
    r"|(?:^|(?<=[.!?,;:])\s*|\bplease\s+|\bjust\s+|\bnow\s+|\byou\s+)(?:transfer|put|connect)\s+me(?:\s+through)?\s*(?:please|pls|plz|now)?\s*(?:[.!?]|$)"
    r"|(?:put|get)\s+me\s+in\s+(?:touch|contact)\s+with\b|\bbe\s+put\s+in\s+(?:touch|contact)\s+with\b"
    rf"|(?:get|put)\s+{_WHO}\s+on\s+the\s+(?:line|phone)\b"
    # asking one of them to act: "can a human check my booking", "could someone from sales give me a ring"
    rf"|(?:can|could|would|will|may|might)\s+{_WHO}\s+(?:please\s+|possibly\s+|kindly\s+|just\s+|be\s+able\s+to\s+)*{_ACT}\b"
    rf"|(?:can|could|would|will|may|might)\s+{_EXPLICIT}\s+(?:please\s+|possibly\s+|kindly\s+|just\s+|be\s+able\s+to\s+)*{_HELP}\b"
    rf"|{_WHO}\s+(?:to\s+|please\s+|be\s+able\s+to\s+)?(?:call|phone|ring|email|contact)\s+(?:me|us)\b"
    rf"|{_WHO}\s+(?:to\s+|please\s+)?give\s+(?:me|us)\s+a\s+(?:ring|call|bell)\b"
    rf"|(?<!\blast\s)(?:have|get|ask)\s+{_WHO}\s+(?:to\s+)?{_ACT}\b"
    # wanting one: "i need a billing specialist", "i want someone to walk me through it", "get me someone who knows"
    rf"|(?:i|we)\s*(?:really\s+)?(?:need|want|wanna|would\s+like|'d\s+like|d\s+like|demand|require)\s+(?:to\s+(?:talk|speak|chat)\s+(?:to|with)\s+|{_NOT_HELP}){_WHO}"
    rf"(?!\s+(?:role|account|login|seat|plan|view|access)\b)"
    rf"|(?:get|find|give)\s+me\s+{_NOT_HELP}{_WHO}"
    rf"|(?:book|schedule|arrange|set\s+up|organi[sz]e|request)\s+(?:me\s+|us\s+)?(?:a|an)\s+(?:phone\s+|video\s+|quick\s+|short\s+)?call(?:\s*back)?\s+with\s+{_WHO}"
    rf"|(?:discuss|go\s+(?:over|through)|sort\s+out|talk\s+(?:about|through))\b[^.?!]{{0,60}}?\bwith\s+{_WHO}"
    rf"|(?:^|(?<=[.!?,;:])\s*){_WHO}\s*(?:please|pls|plz|now|asap)\b"  # "sales team please", "rep please"
    r")",
    re.IGNORECASE,
)


def names_a_role_to_reach(text: str) -> bool:
    """Whether `text` asks, in so many words, to reach a person of the other side by their role or team, or to have
    one of them act on the customer's matter (see above)."""
    return _ASKS.search(text) is not None


# A question about what the service does ("how do I add live chat to my store", "do you offer phone support", "is there a
# live chat option", "how do I assign a ticket to an agent") is near a request for a person in meaning: the embedding
# took 23 of the dev set's 226 near-misses for one, most of this shape. Such a question is no request unless it names
# a person of the other side ("how do I get a human", "how to taok to an agent"), and is not about setting one up.
_ABOUT_THE_SERVICE = re.compile(
    r"^\W*(?:how\s+(?:do|does|can|could|should|would|will|to)\b|do\s+you\s+(?:offer|have|provide|support)\b"
    r"|is\s+there\s+(?:a|an|any)\s+(?:[\w-]+\s+){0,2}(?:option|feature|setting|role|button|widget)s?\b"
    r"|who\s+(?:made|built|created|owns|makes|am\s+i)\b|what\s+(?:is|are)\s+(?:a|an|the)\b"
    r"|can\s+(?:i|we)\s+(?:set\s+up|add|use|send|turn|enable|disable|configure|invite|share|assign|start)\b)",
    re.IGNORECASE)
# setting the product up for the customer's own people ("how do I assign a ticket to an agent", "how do I add agents")
_SETTING_UP = re.compile(r"\b(?:add|assign|invite|remove|set\s+up|configure|enable|disable|manage|create|install|integrate|embed)\b", re.IGNORECASE)
_REACHING = re.compile(r"\b(?:talk|speak|chat|call|contact|reach|get|connect|transfer|phone|ring|escalat)\w*", re.IGNORECASE)


def asks_about_the_service(text: str, *, names_a_person: bool) -> bool:
    """Whether `text` is shaped as a question about the service (see above) and names no person of the other side
    (`names_a_person`, policies/intent.py), or names one while setting the product up and reaching no one."""
    if _ABOUT_THE_SERVICE.search(text) is None:
        return False
    return not names_a_person or (_SETTING_UP.search(text) is not None and _REACHING.search(text) is None)

"""What is offered in a plan or a language: "Is X available in the Enterprise plan?", "Is X available in Spanish?".

A capitalised word the model or the name lists take for a person, followed by "available", "offered" or "included"
and then a plan, a tier, an edition, a subscription or a licence ("available on the Pro plan", "offered with every
Business subscription"), or a language the model names right after "in" ("available in Spanish"): what is sold or
translated is a product, an app or an assistant. A person is available on a day, at a time or in an office, and a
name the message declares ("my name is", a title, a greeting, a signature) stays a name (policies/things.py asks this
only of names nothing declares).

Chosen on bench/ordinary/dev_questions_privacy37.txt and the other development questions; the PII tune half, the
development PII files and seeds below 100 were checked for recall. Hand-written: it corrects the model's labels, as
policies/service_shapes.py, and no library tells these parts of a sentence apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

OFFERED = r"[ \t]+(?:(?:is|are|still|now|also|already|only|not|currently)[ \t]+)*(?:available|offered|included|sold)[ \t]+"
# "available on the Pro plan", "included with every Business subscription", "offered in the EU edition"
IN_A_PLAN_AFTER = re.compile(
    OFFERED + r"(?:in|on|with|for|as[ \t]+part[ \t]+of)[ \t]+(?:(?:the|my|our|your|an?|every|each|all|any)[ \t]+)?"
    r"(?:[\w.+&'’-]+[ \t]+){0,3}?(?i:plans?|tiers?|editions?|subscriptions?|licen[cs]es?|bundles?|packages?|memberships?)\b"
)
# "available in " before a language the model names
IN_LANGUAGE_AFTER = re.compile(OFFERED + r"in[ \t]+")


def offered_shape(text: str, start: int, end: int, *, nationalities: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether text[start:end] is offered in a plan or a language (the module's docstring); `nationalities`: the
    spans the model calls languages or nationalities."""
    if re.search(r"['’]s?$", text[start:end]):
        return False  # "Is Oria's calendar available ...": the name is someone's
    if IN_A_PLAN_AFTER.match(text, end):
        return True
    m = IN_LANGUAGE_AFTER.match(text, end)
    return m is not None and any(s == m.end() for s, _ in nationalities)

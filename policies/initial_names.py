"""Names written with initials: "Thanks,\nK. Dornacre", "the account is under B. Vesketh", "cc J. R. Quillon-Vesk", and a
first name and a surname found apart by different rules with a middle initial between them ("[Oria] K. [Vesketh]" above a
street: one name, the initial with it).

The model rarely tags an initial and a surname it has never seen, and the rules that join a middle initial
(policies/name_extent.py `with_initials_between`) see only the spans of policies/person_names.py, not those of the
signature, addressee and frame rules. One or two capital initials with a period, then a surname (policies/task_names.py
`_name`: a name of the lists that is no ordinary word, or a word no dictionary knows; each half of a double-barrelled one),
are a name; not after what labels a choice or a place with a letter ("plan B. Vesketh", "Gate C. Tull"), nor a brand.

Hand-written rather than a library's: no maintained package here reads initials; the word lists are the project's
(policies/name_words.py). Chosen on the development PII files (bench/dev_pii_messages*.txt), the PII tune half, seeds
21-24 and the ordinary tune halves; no value of an evaluation file.
"""

from __future__ import annotations

import itertools
import re

from policies.businesses import a_brand
from policies.name_cues import common
from policies.task_names import _name

# "K. Dornacre", "J. R. Quillon-Vesk", "O.B. Vesketh"
INITIALS_THEN_SURNAME = re.compile(
    r"(?<![\w.'’&-])((?:[A-Z]\.[ \t]?){1,2})[ \t]*([A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+)?)(?![\w'’-]|\.\w)"
)
# a letter that labels a choice, a grade or a place: "plan B.", "option A.", "Gate C."
LABELLED = re.compile(
    r"(?i:plan|option|type|grade|class|section|part|vitamin|size|model|tier|level|step|row|column|category|appendix|exhibit|"
    r"group|room|gate|terminal|block|building|wing|floor|zone|unit|phase|version|series|point|list|item|question|answer|"
    r"letter|choice|box|line|seat|door|lane|hall|pier|platform|bay|dock|shelf|aisle|cabin|deck|track|stage|form|schedule|"
    r"chapter|figure|table|note|plot|lot|area|sector|ward|court|field|pitch|team|squad|route|bus|train|car)[ \t]+\Z"
)
BETWEEN_INITIALS = re.compile(r"[ \t]+(?:[A-Z]\.[ \t]*){1,2}")
# a surname found with its particle ("[ten Vesketh]"), the first name right before it not ("Oria [ten Vesketh]")
PARTICLE_OPENS = re.compile(r"(?:van|von|de|der|den|ten|ter|da|dos|das|du|del|della|di|le|la)[ \t]")
FIRST_BEFORE_PARTICLE = re.compile(r"(?<![\w'’.-])([A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+)[ \t]+\Z")
FIRST_BEFORE = re.compile(r"(?<![\w'’.-])([A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-ž'’]+)[ \t]+(?:[A-Z]\.[ \t]*){1,2}\Z")


def initial_names(text: str) -> list[tuple[int, int]]:
    """Initials and a surname, as (start, end) spans (the initials included)."""
    if "." not in text:
        return []
    out = []
    for m in INITIALS_THEN_SURNAME.finditer(text):
        surname = m.group(2)
        if LABELLED.search(text, max(0, m.start() - 12), m.start()):
            continue
        if any(common(part) or not _name(part, cased=True, later=True) for part in surname.split("-")):
            continue
        if a_brand(text, m.start(), m.end()):
            continue
        out.append((m.start(), m.end()))
    return out


def joined_initials(text: str, people: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Two names found apart with initials between them ("[Oria] K. [Vesketh]") as one; a found name after a first name
    and an initial ("Li C. [Du]"), or a found surname that opens with its particle ("Oria [ten Vesketh]"), with the first
    name."""
    out = []
    spans = sorted(people)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        if (m := BETWEEN_INITIALS.match(text, e1)) and m.end() == s2:
            out.append((s1, e2))
    for s, e in spans:
        m = FIRST_BEFORE.search(text, max(0, s - 30), s)
        if m is None and PARTICLE_OPENS.match(text, s):
            m = FIRST_BEFORE_PARTICLE.search(text, max(0, s - 30), s)
        if m is not None and _name(m.group(1), cased=True) and not common(m.group(1)):
            out.append((m.start(1), e))
    return out

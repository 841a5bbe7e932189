"""What a product offers: a plan or a language it is in ("Is X available in the Enterprise plan?", "Is X available in
Spanish?"), the file formats it opens ("Can X open PDF files?", "X won't import a 50 MB CSV").

A capitalised word the model or the name lists take for a person, followed by "available", "offered" or "included"
and then a plan, a tier, an edition, a subscription or a licence ("available on the Pro plan", "offered with every
Business subscription"), or a language the model names right after "in" ("available in Spanish"): what is sold or
translated is a product, an app or an assistant. A person is available on a day, at a time or in an office, and a
name the message declares ("my name is", a title, a greeting, a signature) stays a name (policies/things.py asks this
only of names nothing declares).

A file format is one the standard library's `mimetypes` knows, written in capitals ("PDF", "CSV", "PSD") or after a
dot (".csv"), right after what a program does to files (open, import, export, convert, preview, play, upload,
parse, accept, support, handle): a person is asked to read, send, sign, check or print a file, never to import one.

Chosen on bench/ordinary/dev_questions_privacy37.txt and the other development questions; the PII tune half, the
development PII files and seeds below 100 were checked for recall. Hand-written: it corrects the model's labels, as
policies/service_shapes.py, and no library tells these parts of a sentence apart.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from functools import cache

OFFERED = r"[ \t]+(?:(?:is|are|still|now|also|already|only|not|currently)[ \t]+)*(?:available|offered|included|sold)[ \t]+"
# "available on the Pro plan", "included with every Business subscription", "offered in the EU edition"
IN_A_PLAN_AFTER = re.compile(
    OFFERED + r"(?:in|on|with|for|as[ \t]+part[ \t]+of)[ \t]+(?:(?:the|my|our|your|an?|every|each|all|any)[ \t]+)?"
    r"(?:[\w.+&'’-]+[ \t]+){0,3}?(?i:plans?|tiers?|editions?|subscriptions?|licen[cs]es?|bundles?|packages?|memberships?)\b"
)
# "available in " before a language the model names
IN_LANGUAGE_AFTER = re.compile(OFFERED + r"in[ \t]+")

# "open PDF files", "won't import a 50 MB CSV", "can't export my ODS spreadsheets"
FILE_VERB_AFTER = re.compile(
    r"[ \t]+(?:(?:still|also|now|not|even|ever|never|always|only)[ \t]+)*(?:(?:won['’]t|can['’]t|doesn['’]t|does[ \t]+not|cannot|"
    r"will[ \t]+not|can[ \t]+not)[ \t]+)?(?:open|import|export|convert|preview|play|upload|parse|accept|support|handle)(?:s|ed|ing)?"
    r"(?:[ \t]+(?:to|from|as|into))?[ \t]+(?:(?:my|our|a|an|the|this|that|these|those|any|large|big|huge|scanned|old|"
    r"password-protected|encrypted|\d+(?:\.\d+)?[ \t]*(?:[kKMG]B|mb|gb)|\d+)[ \t]+)*"
    r"\.?(?P<format>[A-Za-z0-9]{2,5})(?P<file>[ \t]+(?:files?|documents?|attachments?|exports?|uploads?|spreadsheets?))?(?![\w-])"
)


@cache
def _formats() -> frozenset[str]:
    """The file extensions the standard library's `mimetypes` knows (its own table and the system's mime.types, where
    there is one: a machine without it knows fewer formats, and redacts more), without the dot, in lower case."""
    mimetypes.init()
    return frozenset(e.lstrip(".").lower() for e in (*mimetypes.types_map, *mimetypes.common_types))


def file_format_after(text: str, end: int) -> bool:
    """Whether what follows text[:end] is what a program does to a file format ("open PDF files", "import a CSV")."""
    m = FILE_VERB_AFTER.match(text, end)
    if m is None or m.group("format").lower() not in _formats():
        return False
    written = m.group("format")
    # in capitals ("PDF") or after a dot (".csv"): "open one file", "open the box" are no formats
    return (written.isupper() and not written.isdigit()) or text[m.start("format") - 1] == "."


def offered_shape(text: str, start: int, end: int, *, nationalities: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether text[start:end] is offered in a plan or a language (the module's docstring); `nationalities`: the
    spans the model calls languages or nationalities."""
    if re.search(r"['’]s?$", text[start:end]):
        return False  # "Is Oria's calendar available ...": the name is someone's
    if IN_A_PLAN_AFTER.match(text, end) or file_format_after(text, end):
        return True
    m = IN_LANGUAGE_AFTER.match(text, end)
    return m is not None and any(s == m.end() for s, _ in nationalities)

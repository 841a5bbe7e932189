"""Which patterns cannot match a text at all, told from the patterns themselves: a street pattern whose every match holds
a digit finds nothing in a message without one, and most support questions have none. Python's `re` tries such a
pattern at every position of the text (a look-behind or a long list of street words first: no literal prefix to skip
to), so skipping it where the text has no digit saves that scan and changes no result.

`needs_digit` reads the pattern's parse tree (`re._parser`, the standard library's own parser): a pattern needs a digit
when every way through it consumes one (`\\d`, `[0-9]`, a digit literal) outside look-arounds; anything it cannot tell
counts as "may match without one". Hand-written because no library says this of a pattern; the answer is kept per
pattern, so patterns added to a list later are read the first time they are asked about.
"""

from __future__ import annotations

import functools
import re

try:  # Python 3.11+; `sre_parse` before (deprecated since)
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

DIGIT = re.compile(r"\d")  # the same digits as the patterns' `\d` (Unicode's decimal digits)
_REPEATS = tuple(getattr(_c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, name))


@functools.cache
def needs_digit(pattern: re.Pattern[str]) -> bool:
    """Whether every match of `pattern` holds a digit (False where that cannot be told)."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern it cannot read is simply never skipped
        return False
    return _sequence(parsed)


def _sequence(items) -> bool:  # a parsed pattern: a list of (opcode, argument)
    return any(_item(op, av) for op, av in items)


def _item(op, av) -> bool:
    if op is _c.LITERAL:
        return chr(av) in "0123456789"
    if op is _c.IN:
        return bool(av) and all(_digit_member(o, a) for o, a in av)
    if op is _c.SUBPATTERN:
        return _sequence(av[-1])
    if op is _c.BRANCH:
        return all(_sequence(alt) for alt in av[1])
    if op in _REPEATS:
        low, _high, body = av
        return low >= 1 and _sequence(body)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(av)
    return False  # look-arounds consume nothing; anchors, `.`, back-references, conditionals: cannot tell


def _digit_member(op, av) -> bool:
    if op is _c.CATEGORY:
        return av is _c.CATEGORY_DIGIT
    if op is _c.LITERAL:
        return chr(av) in "0123456789"
    if op is _c.RANGE:
        return 48 <= av[0] <= av[1] <= 57
    return False  # NEGATE and any other class: not only digits


def may_match(pattern: re.Pattern[str], has_digit: bool) -> bool:
    """Whether `pattern` can match a text that has (or has no) digit: `has_digit` from `DIGIT.search(text)`."""
    return has_digit or not needs_digit(pattern)

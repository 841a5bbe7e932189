"""The cases `supportbot eval` runs: a JSON lines file, one case a line, read into `EvalCase`s.

Case: {"question", "expect": "answer"|"handoff", "sources": [...]?, "answer_contains": [...]?,
"reason": "no_answer"|"customer_request"?}. Split from bot/engine/evaluation.py, which runs and
scores them.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import InputError
from bot.core.records import HandoffReason
from knowledge.ingest import source_name


@dataclass(frozen=True, slots=True)
class EvalCase:
    question: str
    expect: str
    sources: tuple[str, ...] = ()
    answer_contains: tuple[str, ...] = ()
    reason: str | None = None


_KEYS = ("question", "expect", "sources", "answer_contains", "reason")
_EXAMPLES = {"sources": "docs/reset.md", "answer_contains": "two-factor"}


def _strings(case: dict[str, Any], key: str) -> tuple[str, ...]:
    """A case's list of strings (absent: none). A bare string is refused, not read as its characters."""
    value = case.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings, e.g. [\"{_EXAMPLES[key]}\"]")
    return tuple(value)


def _misspelt(case: dict[str, Any]) -> None:
    """A key that is nearly one of a case's own ("source", "expected") was ignored, so the case was scored
    without it; other keys (an id, a tag) are the file's own business and are left alone."""
    for key in case:
        if key not in _KEYS and (near := difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.85)):
            raise ValueError(f"unknown key {key!r} (did you mean {near[0]!r}?)")


def _as_stored(source: str) -> str:
    """A case's source as ingest stores it: a path given absolute (`/srv/kb/plan.md`, as it was passed
    to `supportbot ingest`) loses its leading `/` as the document's source did (knowledge/ingest.py
    `source_name`); other names are compared as written."""
    if source.startswith(("/", "\\")) or source[1:3] in (":/", ":\\"):
        return source_name(source) or source
    return source


def load_cases(path: Path) -> list[EvalCase]:
    cases = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()  # a byte order mark, as Windows tools write, is no case
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text: a cases file is JSON lines") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d, dict):
                raise ValueError('a case is a JSON object, e.g. {"question": "...", "expect": "answer"}')
            _misspelt(d)
            expect, question, reason = d.get("expect"), d.get("question"), d.get("reason")
            if expect not in {"answer", "handoff"}:
                raise ValueError("expect must be 'answer' or 'handoff'")
            # a number or null would be asked as "5" or "None" and scored as if meant
            if not isinstance(question, str) or not question.strip():
                raise ValueError("question must be a non-empty string")
            # a misspelt reason would silently turn a request for a person into an off-topic case
            if reason is not None and reason not in {r.value for r in HandoffReason}:
                raise ValueError(f"reason must be one of {', '.join(r.value for r in HandoffReason)}")
            cases.append(
                EvalCase(
                    question=question,
                    expect=expect,
                    sources=tuple(_as_stored(s) for s in _strings(d, "sources")),
                    answer_contains=_strings(d, "answer_contains"),
                    reason=reason,
                )
            )
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{n}: not a valid case ({exc})") from None
    if not cases:
        raise InputError(f"{path} holds no cases")
    return cases


def unknown_sources(cases: list[EvalCase], known: set[str]) -> dict[str, str | None]:
    """The cases' sources that no document of the tenant has, each with the ingested source it probably
    means (None when none is near). `eco-drift.md` for `articles/eco-drift.md` (the file's name without
    the folder given to `ingest`), or a path from another working directory, made every answer from the
    right article count as wrong: hit rate 0 and, with `--calibrate`, thresholds fitted to false verdicts."""
    missing: dict[str, str | None] = {}
    for case in cases:
        for source in case.sources:
            if source in known or source in missing:
                continue
            tail = source.replace("\\", "/")
            while tail.startswith("./"):
                tail = tail[2:]
            ends = sorted(k for k in known if k.endswith("/" + tail) or tail.endswith("/" + k))
            if not ends:  # the same file name in another folder
                name = tail.rsplit("/", 1)[-1]
                ends = sorted(k for k in known if k.rsplit("/", 1)[-1] == name)
            near = ends or difflib.get_close_matches(source, sorted(known), n=1, cutoff=0.8)
            missing[source] = near[0] if len(near) == 1 else None
    return missing

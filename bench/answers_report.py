"""The figures of bench/bench_answers.py and their printing: right / wrong / clarified / handed over per set of
(record, outcome) pairs, why an answerable question was missed, and the tables. Split out of bench/bench_answers.py,
which still exports every name here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.core.config import Thresholds

# what one case counts towards, each over its kind's cases (bench/answers_fit.py's grid adds these up point by point)
MARKS = ("right", "wrong", "clarified", "offtopic_answered", "person_handed_over")


def marks(rec: dict[str, Any], outcome: str, sources: list[str]) -> tuple[int, ...]:
    """This case's share of each of `MARKS` (0 or 1), as `figures` counts it."""
    if rec["kind"] == "answer":
        hit = bool(set(sources) & set(rec["sources"]))
        return (int(hit and outcome in ("answer", "clarify")), int(outcome == "answer" and not hit), int(outcome == "clarify"), 0, 0)
    if rec["kind"] == "offtopic":
        return (0, 0, 0, int(outcome != "handoff"), 0)
    return (0, 0, 0, 0, int(outcome == "handoff"))


def figures(pairs: Iterable[tuple[dict[str, Any], tuple[str, list[str]]]]) -> dict[str, Any]:
    n = {"answer": 0, "offtopic": 0, "person": 0}
    right = wrong = clarified = clarified_right = handed = off_not_handed = off_said_back = person_handed = 0
    for rec, (outcome, sources) in pairs:
        n[rec["kind"]] += 1
        r, w, c, off, person = marks(rec, outcome, sources)
        right, wrong, clarified, off_not_handed, person_handed = right + r, wrong + w, clarified + c, off_not_handed + off, person_handed + person
        clarified_right += c and r
        handed += rec["kind"] == "answer" and outcome not in ("answer", "clarify")
        off_said_back += rec["kind"] == "offtopic" and outcome == "answer" and not sources  # a pleasantry said back, no article: still counted as answered

    def share(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "answerable": n["answer"], "right": share(right, n["answer"]), "wrong": share(wrong, n["answer"]),
        "clarified": share(clarified, n["answer"]), "clarified_with_right_option": share(clarified_right, n["answer"]),
        "handed_over": share(handed, n["answer"]), "offtopic": n["offtopic"], "offtopic_answered": share(off_not_handed, n["offtopic"]),
        "offtopic_said_back": share(off_said_back, n["offtopic"]),
        "person": n["person"], "person_handed_over": share(person_handed, n["person"]),
    }


def cause(rec: dict[str, Any], outcome: str, sources: list[str]) -> str | None:
    """Why an answerable question was not answered right (None: it was): what the evidence shows."""
    if rec["kind"] != "answer" or set(sources) & set(rec["sources"]):
        return None
    rank = next((n for n, s in enumerate(rec["retrieved"]) if s in rec["sources"]), None)
    where = "not retrieved" if rank is None else f"{rank + 1}{'st' if rank == 0 else 'nd' if rank == 1 else 'rd' if rank == 2 else 'th'}"
    e = rec["evidence"]
    if outcome == "answer":
        return f"wrong: another article first, the right one {where}" + (" (near-duplicate)" if rank in (1, 2) else "")
    if outcome == "clarify":
        return f"clarified without the right article (it was {where})"
    if e is None:
        return f"handed over before the gate ({rec['reason']})"
    if not e["relevance"]:
        return "handed over: nothing retrieved"
    if e["capped"]:
        return f"handed over: capped (unknown words or not covered), right article {where}"
    if e["similarity"] < Thresholds().min_dense:
        return f"handed over: under the floor min_dense, right article {where}"
    return f"handed over: under min_confidence and no clarification, right article {where}"


def print_failures(pairs: Iterable[tuple[dict[str, Any], tuple[str, list[str]]]]) -> None:
    """The answerable questions not answered right, grouped by `cause`, with what was cited or offered; the off-topic ones not handed over."""
    by_cause: dict[str, list[str]] = {}
    for rec, (outcome, sources) in pairs:
        why = cause(rec, outcome, sources)
        if why:
            got = f"-> {', '.join(sources)}" if sources else f"(top: {rec['retrieved'][0] if rec['retrieved'] else '-'})"
            conf = f"conf {rec['evidence']['confidence']:.2f}/{rec['evidence']['choice_confidence']:.2f}" if rec["evidence"] else ""
            by_cause.setdefault(why, []).append(f"{rec['question']!r} {got} [right: {', '.join(rec['sources'])}] {conf}")
        elif rec["kind"] == "offtopic" and outcome != "handoff":
            by_cause.setdefault(f"off-topic {'answered' if outcome == 'answer' else 'clarified'}", []).append(f"{rec['question']!r} -> {', '.join(sources)}")
    for why, items in sorted(by_cause.items(), key=lambda kv: (not kv[0].startswith("wrong"), -len(kv[1]))):
        print(f"  {why}: {len(items)}")
        for item in items:
            print(f"    {item}")


def print_table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    print(f"== {title}")
    cols = ("answerable", "right", "wrong", "clarified", "handed_over", "offtopic", "offtopic_answered", "offtopic_said_back", "person",
            "person_handed_over")
    width = max(8, *map(len, rows))
    print("  " + f"{'':<{width}}" + "".join(f"{c:>19}" for c in cols))
    for name, f in rows.items():
        print("  " + f"{name:<{width}}" + "".join(f"{'-' if f[c] is None else f[c]:>19}" for c in cols))

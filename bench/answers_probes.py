"""A knowledge base's own probe questions: what a tenant without an evaluation set could ask itself.

Used by bench/bench_answers.py `--probes` to measure whether thresholds set on a knowledge base's
own probes (no customer question, no label from anyone) carry to its real questions. From each
document: its title, each heading of its sections, and the first sentence of its first passage,
each labelled with the document it came from; plus `OFF_TOPIC`, general questions written for this
bench (no data set's text), asked of every knowledge base.

    python bench/bench_answers.py --records R.json --probes P.json   # once (about 2 minutes)
    python bench/answers_probes.py R.json P.json

Measured 2026-12-02 (right / wrong / clarified / off-topic answered; the shipped gate on the same
records: held out 0.696 / 0.036 / 0.111 / 0.028, TUNE held out 0.678 / 0.042 / 0.096):
- thresholds chosen on a KB's own probes (models from the other KBs' TUNE): the probes are easier
  than customers' questions (under the shipped fit 0.88-0.94 of them are answered right), so the
  thresholds come out low and the wrong answers rise: held out 0.769 / 0.062 / 0.144 with all
  probes, 0.719 / 0.053 with lead sentences, 0.745 / 0.078 with titles. Added to the other KBs' TUNE
  as a third constraint they never bind (0.696 / 0.036 / 0.111, unchanged). Not adopted.
- `clarify_gap` in units of the KB's own probe gaps (`gap_units`, six statistics): the best on TUNE
  held out is the lower quartile of the lead-sentence probes' gaps: TUNE held out 0.692 / 0.042 /
  0.102, held out 0.720 / 0.036 / 0.122 (sample 0.643, COVID-QA 0.549 with clarified 0.094 instead
  of 0.230, Bitext 0.838 with clarified 0.140), REPORT 0.733 / 0.028 / 0.161. Not adopted: the TUNE
  gain is 5 questions of 354, chosen among six statistics, and REPORT clarified goes over 0.15; it is
  the lever that looked most like carrying (the unit orders the KBs the way their own fits do: COVID-QA
  small, Bitext and the sample large), to be re-checked on a fourth knowledge base before it ships.
  Re-checked 2026-12-04 on bench/kb4 (report only, never fitted on; bench/answers_kb4.py): fitted on the
  three KBs' TUNE (gap 0.2 units; kb4's unit 0.615), kb4 right 0.667 -> 0.785, wrong 0.004 both,
  clarified 0.059 -> 0.189 (over 0.15), off-topic answered 0.203 -> 0.266 (17 of 64). The right carries;
  the clarified goal does not, as on REPORT. On the three KBs, records of the same day (the sentence
  windows since): TUNE held out 0.695 / 0.040 / 0.110 against the shipped gate's 0.695 / 0.040 / 0.127 (its
  TUNE gain is gone), held out 0.717 / 0.035 / 0.125 (shipped 0.706 / 0.035 / 0.133), REPORT 0.708 / 0.028 /
  0.136. Thresholds from kb4's own probes alone: 0.881-0.896 right,
  wrong 0.030, clarified 0.130-0.144, but off-topic answered 0.39-0.41: no more adoptable there.

Measured 2026-12-03 on records of main at 82da443 (held out as shipped 0.686 / 0.035 / 0.112 / 0.028;
`probe_targets`, `clarify_cap`; TUNE held out = each KB's TUNE cases under the fit on the other two):
- thresholds from a KB's own probes with a stricter target on them (answered wrong <= 0, 0.01, 0.02,
  0.03, 0.05 of the probes; off-topic probes answered <= 0 or 0.05): no target carries. Bitext's
  probes (its titles are its intents' names) are answered right at any threshold, so its
  `min_confidence` falls to the grid's floor and 0.083 of its customers' questions are answered
  wrong whatever the target; the sample help center's fall there too and are right (0.857, wrong
  0.000: a help center of distinct articles would afford a far lower threshold than the shipped
  one, but nothing measured on the probes tells it from Bitext). Where a target meets nothing, the
  other two's fit stays. Every target that gains right is over the wrong goal on TUNE held out: all
  probes, wrong <= 0.03: 0.715 / 0.054 (held out 0.738 / 0.052), <= 0.05: 0.754 / 0.071; the
  stricter ones lose right (<= 0.02: 0.675 / 0.051). Not adopted.
- `clarify_gap` narrowed per KB until its own probes are clarified at most a cap (0.02-0.15): only
  COVID-QA's gap moves (0.14 from the other two's fit), its clarified 0.230 -> 0.127 at cap 0.05 on
  lead sentences but its right 0.647 -> 0.557; TUNE held out 0.669 -> 0.638. Not adopted: it trades
  right for the clarified goal one for one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bot.core.passages import SENTENCE_END

# written for this bench: everyday requests no customer-support knowledge base answers
OFF_TOPIC = (
    "What's the weather going to be like this weekend?",
    "Can you recommend a good pasta recipe for dinner?",
    "Who won the football match last night?",
    "How tall is the Eiffel Tower?",
    "Tell me something funny about penguins",
    "What's the capital of Australia?",
    "How do I change a flat tire on my bike?",
    "What time is sunset today?",
    "Translate 'good morning' into Italian",
    "How many calories are in a banana?",
    "What's a good name for a golden retriever puppy?",
    "How do I get red wine out of a carpet?",
    "Recommend a science fiction novel",
    "How long should I boil an egg?",
    "What do you get if you multiply 17 by 23?",
    "Which planet is closest to the sun?",
    "Set an alarm for 6 am",
    "What's the best way to learn the guitar?",
    "How do I repot a cactus?",
    "Write a short poem about the sea",
    "When was the printing press invented?",
    "How far is the moon from the earth?",
    "What should I pack for a hiking trip?",
    "Is it going to rain tomorrow morning?",
    "How do you make cold brew coffee?",
    "Who painted the Mona Lisa?",
    "What's the tallest mountain in Africa?",
    "How do I tie a bow tie?",
    "Suggest a board game for four players",
    "What's the difference between a crocodile and an alligator?",
    "How do I train my dog to sit?",
    "What movies are playing this weekend?",
    "How many players are on a basketball team?",
    "Give me a fun fact about octopuses",
    "What's the exchange rate of yen to euro?",
    "How do I make sourdough starter?",
    "What's the best time of year to visit Norway?",
    "Convert 30 degrees Celsius to Fahrenheit",
    "How do I fold a paper airplane?",
    "Who wrote Pride and Prejudice?",
)


def _first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


def kb_probes(store: Any, *, tenant: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, question, right sources) for every probe of this tenant's knowledge base.

    Reads the store's rows directly (a bench, not the product: no store method lists every chunk)."""
    from knowledge.store import EVERY_ACCESS_KEY, _scope
    from knowledge.store_schema import DATA_COLLECTION

    rows = store._client.query(DATA_COLLECTION, filter=_scope(tenant=tenant, access_keys=EVERY_ACCESS_KEY),
                               output_fields=["source", "title", "heading", "text", "position"], limit=16384)
    seen: set[tuple[str, str]] = set()
    probes: list[tuple[str, str, tuple[str, ...]]] = []

    def add(kind: str, question: str, source: str) -> None:
        question = " ".join(question.split())
        if len(question) >= 8 and (question.lower(), source) not in seen:
            seen.add((question.lower(), source))
            probes.append((kind, question, (source,)))

    for row in sorted(rows, key=lambda r: (r["source"], r["position"])):
        add("probe_title", row["title"], row["source"])
        if row["heading"]:
            add("probe_heading", row["heading"].split(" › ")[-1], row["source"])
        if row["position"] == 0:
            add("probe_lead", _first_sentence(row["text"]), row["source"])
    probes += [("probe_offtopic", q, ()) for q in OFF_TOPIC]
    return probes


# thresholds from a knowledge base's own probes -----------------------------------------------
PROBE_SETS = {
    "all": ("probe_title", "probe_heading", "probe_lead", "probe_offtopic"),
    # (probe_offtopic in each: the thresholds' off-topic constraint needs them; probe_gaps skips them, no evidence of a right document)
    "lead": ("probe_lead", "probe_offtopic"),
    "title": ("probe_title", "probe_offtopic"),
}


def as_cases(probes: list[dict[str, Any]], *, kb: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Probe records as TUNE cases of a knowledge base of their own ("probe:<kb>")."""
    return [p | {"kb": f"probe:{kb}", "kind": "offtopic" if p["kind"] == "probe_offtopic" else "answer", "split": "tune"}
            for p in probes if p["kb"] == kb and p["kind"] in kinds]


def probe_gaps(probes: list[dict[str, Any]], *, kb: str, kinds: tuple[str, ...]) -> list[float]:
    """For each probe of this KB: how far the top document is ahead of the first document of another
    article (ordering score), as policies/confidence.py `features` reads it: how close the next
    article runs in this knowledge base when a question is about one of its documents."""
    from policies.confidence import SAME_ARTICLE, Evidence, distinct_gaps

    gaps = []
    for p in probes:
        if p["kb"] == kb and p["kind"] in kinds and p["kind"] != "probe_offtopic" and p["evidence"] and p["evidence"]["relevance"]:
            e = Evidence.from_json(p["evidence"])
            gaps.append(distinct_gaps(e.relevance, e.kin, near=SAME_ARTICLE)[0])
    return gaps


# the probe statistics tried as the unit of `clarify_gap` (instead of raw ordering score)
GAP_UNITS = {"median": lambda g: float(np.median(g)), "q25": lambda g: float(np.percentile(g, 25))}
GAP_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0)


def gap_units(records: list[dict[str, Any]], probes: list[dict[str, Any]]) -> None:
    """`clarify_gap` in units of a statistic of each KB's own probe gaps (`probe_gaps`): a KB whose next
    article runs close (an FAQ of near-duplicates) offers fewer, one whose articles stand apart more."""
    import bench.answers_fit as fitting
    import bench.bench_answers_variants as variants

    kb_of_spread = {r["evidence"]["spread"]: r["kb"] for r in records if r["evidence"]}  # one profile per KB in a recording
    for kinds_name, kinds in PROBE_SETS.items():
        for unit_name, unit in GAP_UNITS.items():
            units = {kb: unit(probe_gaps(probes, kb=kb, kinds=kinds)) for kb in {r["kb"] for r in records}}
            changes = (*variants._with_choices(lambda e, units=units: units[kb_of_spread[e.spread]]), (fitting, "GAPS", GAP_GRID))
            with variants.patched(*changes):
                rows = variants.score(records)
            units_shown = ", ".join(f"{kb} {u:.3f}" for kb, u in sorted(units.items()))
            print(f"  gap unit: {unit_name} of {kinds_name} probes ({units_shown})")
            print("    " + "   ".join(f"{k}: {variants._row(f)}" for k, f in rows.items()), flush=True)


def probe_targets(records: list[dict[str, Any]], probes: list[dict[str, Any]]) -> None:
    """Thresholds from each held-out KB's own probes alone, under stricter targets on the probes."""
    import bench.answers_fit as fitting
    import bench.bench_answers as answers

    fits = {kb: fitting.fit([r for r in records if r["kb"] != kb and r["split"] == "tune"]) for kb in answers.KBS}
    targets = fitting.TARGETS
    try:
        for name in PROBE_SETS:
            for wrong in (0.0, 0.01, 0.02, 0.03, 0.05):
                for off in (0.0, 0.05):
                    fitting.TARGETS = {**targets, "wrong": wrong, "offtopic": off}
                    held: list[Any] = []
                    for kb in answers.KBS:
                        answer, choice, t = fits[kb]  # the fit on the other two KBs' TUNE, as shipped
                        try:
                            t = fitting.choose_thresholds(as_cases(probes, kb=kb, kinds=PROBE_SETS[name]), answer, choice)
                        except SystemExit:  # no point of the grid meets the targets on these probes: keep the fit's
                            pass
                        held += [(r, answers.replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["kb"] == kb]
                    print(f"  {name:<6} probes' wrong <= {wrong:<4} off-topic <= {off:<4}  TUNE held out "
                          f"{_figures([h for h in held if h[0]['split'] == 'tune'])}   held out {_figures(held)}", flush=True)
    finally:
        fitting.TARGETS = targets


def clarify_cap(records: list[dict[str, Any]], probes: list[dict[str, Any]]) -> None:
    """The held-out KB's `clarify_gap` (from the other two's fit) narrowed until its own probes are clarified at most `cap`."""
    from dataclasses import replace

    import bench.answers_fit as fitting
    import bench.bench_answers as answers

    fits = {kb: fitting.fit([r for r in records if r["kb"] != kb and r["split"] == "tune"]) for kb in answers.KBS}
    for name in PROBE_SETS:
        for cap in (0.02, 0.05, 0.08, 0.1, 0.15):
            held: list[Any] = []
            for kb in answers.KBS:
                answer, choice, t = fits[kb]
                own = [p for p in as_cases(probes, kb=kb, kinds=PROBE_SETS[name]) if p["kind"] == "answer"]
                gap = t.clarify_gap
                while gap > 0:
                    outcomes = [answers.replay(p, answer=answer, choice=choice, thresholds=replace(t, clarify_gap=gap))[0] for p in own]
                    if sum(o == "clarify" for o in outcomes) <= cap * len(outcomes):
                        break
                    gap = round(gap - 0.01, 3)
                narrowed = replace(t, clarify_gap=max(gap, 0.0))
                held += [(r, answers.replay(r, answer=answer, choice=choice, thresholds=narrowed)) for r in records if r["kb"] == kb]
            print(f"  {name:<6} cap {cap:<4}  TUNE held out {_figures([h for h in held if h[0]['split'] == 'tune'])}   "
                  f"held out {_figures(held)}", flush=True)


def _figures(pairs: list[Any]) -> str:
    import bench.bench_answers as answers

    f = answers.figures(pairs)
    return " / ".join(f"{f[k]:.3f}" for k in ("right", "wrong", "clarified", "offtopic_answered"))


def main() -> int:
    """python bench/answers_probes.py RECORDS PROBES: thresholds set on each KB's own probes, scored held out and on REPORT."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import bench.answers_fit as fitting
    import bench.bench_answers as answers

    records, probes = (json.loads(Path(p).read_text()) for p in sys.argv[1:3])
    print("right / wrong / clarified / off-topic answered; models fitted as shipped, thresholds as said")
    for name, kinds in PROBE_SETS.items():
        for rule in ("probes only", "others' TUNE + probes"):
            def thresholds(tune: list[dict[str, Any]], kb: str, answer: Any, choice: Any, *, kinds: tuple[str, ...] = kinds,
                           alone: bool = rule == "probes only") -> Any:
                own = as_cases(probes, kb=kb, kinds=kinds)
                return fitting.choose_thresholds(own if alone else [*tune, *own], answer, choice)

            held, report = [], []
            for kb in answers.KBS:
                others = [r for r in records if r["kb"] != kb and r["split"] == "tune"]
                answer, choice, _ = fitting.fit(others)
                t = thresholds(others, kb, answer, choice)
                held += [(r, answers.replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["kb"] == kb]
            tune = [r for r in records if r["split"] == "tune"]
            answer, choice = fitting.fit_models(tune)
            for kb in answers.KBS:
                t = thresholds([r for r in tune if r["kb"] != kb], kb, answer, choice)
                report += [(r, answers.replay(r, answer=answer, choice=choice, thresholds=t)) for r in records
                           if r["kb"] == kb and r["split"] == "report"]
            f, g = answers.figures(held), answers.figures(report)
            row = " / ".join(f"{x[k]:.3f}" for x in (f,) for k in ("right", "wrong", "clarified", "offtopic_answered"))
            row2 = " / ".join(f"{g[k]:.3f}" for k in ("right", "wrong", "clarified", "offtopic_answered"))
            print(f"  {name:<6} {rule:<22} held out {row}   REPORT {row2}")
    print("thresholds from a KB's own probes alone, stricter targets (right / wrong / clarified / off-topic answered):")
    probe_targets(records, probes)
    print("clarify_gap narrowed until the KB's own probes are clarified at most a cap:")
    clarify_cap(records, probes)
    print("clarify_gap in units of the KB's own probe gaps (right / wrong / clarified / off-topic answered, as bench/bench_answers_variants.py):")
    gap_units(records, probes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Redaction must not cost retrieval: hit rates with redaction on and off, on every evaluation set.

    python bench/bench_redaction_retrieval.py [--limit N]

Each set's knowledge base is ingested once; each question goes through the same pipeline twice: with
the redaction stage (as the product runs) and without it. A hit: an expected source among the first
(hit@1) or the first three (hit@3) retrieved documents. Sets: COVID-QA's 244 paraphrases (its FAQ as
the knowledge base), the sample help center's cases (bench/cases/sample_kb.jsonl), and Bitext (one
article per intent, every 9th request as a case), and the help centers written for bench/bench_answers.py (bench/kb4,
kb5, kb6, kb7, kb8, kb9, kb10, kb11, kb12, kb13, kb14, kb15, kb16: their answerable cases). Goal: on each set, on minus off within 0.005; a rate higher with redaction is
said ("higher with redaction") and passes: measured 2026-12-06, Bitext hit@1 0.855 on / 0.843 off and kb5 0.796 /
0.778 (hit@3 0.957 / 0.950): the words searched lose order numbers and names, which only added noise to the word search; on the
other four sets on and off are within 0.005 (COVID-QA 0.738 / 0.734, the sample 0.900 both, kb4 0.882 both, kb7
0.816 both). kb8, added 2026-12-06 (qa12): hit@1 0.758 on / 0.754 off, hit@3 0.940 both. kb9 and kb10, added 2026-12-07:
hit@1 0.868 on / 0.854 off and 0.838 / 0.825, hit@3 0.983 / 0.972 and 0.960 / 0.953 (higher with redaction); the
other sets as before. kb11 (Deskwell, a coworking-space operator, written blind), added 2026-12-07 (kb11):
hit@1 0.821 on / 0.812 off, hit@3 0.954 / 0.951 (higher with redaction). In that run (main at 63ba30d) no set was
lower with redaction; some moved since the figures above (the sample 0.929 / 0.900, kb4 0.889 / 0.882, kb7 0.825 / 0.816).
kb12 (Kerbly, a car-sharing service, written blind), added 2026-12-07 (kb12): hit@1 0.858 on / 0.853 off, hit@3 0.955 /
0.952 (higher with redaction). In that run (branch kb12 off main 4432df4) no set was lower with redaction; the other sets'
hit@1 as given above, except kb5 0.799 / 0.778 and kb8 0.758 / 0.747 (kb6 0.874 both).
kb13 (Pawlio, a pet-insurance and vet-booking service, written blind), added 2026-12-07 (kb13): hit@1 0.709 on / 0.701
off, hit@3 0.881 / 0.878 (higher with redaction). In that run (branch kb13 off main b61ad69) no set was lower with
redaction; the other sets as in kb12's run.
kb16 (Larderly, a meal-kit subscription service, written blind), added 2026-12-07 (kb16): hit@1 0.852 on / 0.845 off,
hit@3 0.950 / 0.947 (higher with redaction). In that run (branch kb16 off main 48bbc61) kb14 was lower with redaction at
hit@3 (0.890 on / 0.898 off; hit@1 0.752 both), the one set outside the goal, as it is on main 48bbc61 without kb16
(main's script run the same day: every line the same); kb15 0.838 / 0.832, hit@3 0.960 / 0.948; the others as in kb13's run.

With redaction on, the question is embedded as the customer wrote it (in memory only, bot/engine/stages.py
EmbedStage) and the store is searched for the redacted words without placeholders; what is stored,
logged or sent to a model is the redacted text.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import (  # noqa: E402
    KB4_DIR,
    KB5_DIR,
    KB6_DIR,
    KB7_DIR,
    KB8_DIR,
    KB9_DIR,
    KB10_DIR,
    KB11_DIR,
    KB12_DIR,
    KB13_DIR,
    KB14_DIR,
    KB15_DIR,
    KB16_DIR,
    SAMPLE_CASES,
    kb4_cases,
    kb5_cases,
    kb6_cases,
    kb7_cases,
    kb8_cases,
    kb9_cases,
    kb10_cases,
    kb11_cases,
    kb12_cases,
    kb13_cases,
    kb14_cases,
    kb15_cases,
    kb16_cases,
    sample_cases,
    shared_data_missing,
    write_bitext_kb,
    write_covid_kb,
)
from bot.engine.assistant import Assistant  # noqa: E402
from bot.engine.pipeline import Identity  # noqa: E402
from bot.app.composition import build_pipeline, build_services  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from knowledge.retrieval import Retriever  # noqa: E402

SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"
GOAL = 0.005
HELP_CENTERS = {"kb4": KB4_DIR, "kb5": KB5_DIR, "kb6": KB6_DIR, "kb7": KB7_DIR, "kb8": KB8_DIR, "kb9": KB9_DIR, "kb10": KB10_DIR, "kb11": KB11_DIR, "kb12": KB12_DIR, "kb13": KB13_DIR, "kb14": KB14_DIR, "kb15": KB15_DIR, "kb16": KB16_DIR}
TENANTS = ("covid", "sample", "bitext", *HELP_CENTERS)


async def hits(assistant: Assistant, tenant: str, cases: list) -> tuple[float, float]:
    identity = Identity(tenant=tenant, user="bench", channel="bench")
    top1 = top3 = 0
    for case in cases:
        result = await assistant.ask(case.question, identity=identity, record=False)
        retrieved = result.details["retrieved"]
        top1 += bool(retrieved[:1] and retrieved[0] in case.sources)
        top3 += bool(set(retrieved[:3]) & set(case.sources))
    return top1 / len(cases), top3 / len(cases)


async def run(limit: int | None) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tenants.toml").write_text("".join(f"[tenants.{t}]\n" for t in TENANTS), encoding="utf-8")
        settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")})
        services = build_services(settings)
        services.start(sample=False)
        try:
            covid_kb, covid_cases = write_covid_kb(folder / "covid")
            services.ingestor.ingest([covid_kb], tenant="covid", display_base=covid_kb.parent)
            services.ingestor.ingest([SAMPLE_KB], tenant="sample", display_base=SAMPLE_KB.parent)
            bitext_kb, bitext_cases, _person_requests = write_bitext_kb(folder)
            services.ingestor.ingest([bitext_kb], tenant="bitext", display_base=folder)
            for tenant, folder_of in HELP_CENTERS.items():
                services.ingestor.ingest([folder_of], tenant=tenant, display_base=folder_of.parent)
            for tenant in TENANTS:
                services.access.refresh(tenant)
            plain = Assistant(
                settings=settings, pseudonym_key=b"bench",
                pipeline=build_pipeline(settings=settings, embedder=services.embedder, retriever=Retriever(store=services.store),
                                        access=services.access, redactor=None),
            )
            ok = True
            sets = {
                "covid_qa": ("covid", covid_cases),
                "sample_kb": ("sample", [c for c in sample_cases() if c.expect == "answer" and c.sources]),
                "bitext": ("bitext", bitext_cases),
                **{tenant: (tenant, [c for c in cases() if c.expect == "answer" and c.sources])
                   for tenant, cases in (("kb4", kb4_cases), ("kb5", kb5_cases), ("kb6", kb6_cases), ("kb7", kb7_cases), ("kb8", kb8_cases),
                                          ("kb9", kb9_cases), ("kb10", kb10_cases), ("kb11", kb11_cases), ("kb12", kb12_cases),
                                          ("kb13", kb13_cases), ("kb14", kb14_cases), ("kb15", kb15_cases), ("kb16", kb16_cases))},
            }
            print(f"retrieval hit rate, redaction on vs off (sample cases from {SAMPLE_CASES.name})")
            print(f"  {'set':10s} {'cases':>6s} {'on@1':>7s} {'off@1':>7s} {'on@3':>7s} {'off@3':>7s}  goal |on-off| <= {GOAL}")
            for name, (tenant, cases) in sets.items():
                cases = cases[:limit] if limit else cases
                on1, on3 = await hits(services.assistant, tenant, cases)
                off1, off3 = await hits(plain, tenant, cases)
                # the goal is a cost: redaction may not lower a rate by more than GOAL. Where it raises one (the
                # words searched lose order numbers and names, BM25 noise) that is said, not counted as a failure
                lower = on1 < off1 - GOAL or on3 < off3 - GOAL
                higher = on1 > off1 + GOAL or on3 > off3 + GOAL
                ok &= not lower
                verdict = "OUTSIDE (lower with redaction)" if lower else "ok, higher with redaction" if higher else "ok"
                print(f"  {name:10s} {len(cases):6d} {on1:7.4f} {off1:7.4f} {on3:7.4f} {off3:7.4f}  {verdict}")
            return ok
        finally:
            services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most this many cases a set")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    return 0 if asyncio.run(run(args.limit)) else 1


if __name__ == "__main__":
    raise SystemExit(main())

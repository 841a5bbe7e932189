"""The knowledge bases and cases of bench/bench_answers.py: tenants, the TUNE / REPORT split, the cases of each
knowledge base (the three fitted on, kb7, kb9 and kb15, and the report-only ones, kb4 to kb13) and where a report-only
knowledge base's records are kept. Split out of bench/bench_answers.py, which still exports every name here."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.datasets import (
    KB5_DIR,
    KB6_DIR,
    KB7_DIR,
    KB8_DIR,
    KB9_DIR,
    KB10_DIR,
    KB11_DIR,
    KB12_DIR,
    KB13_DIR,
    KB15_DIR,
    clinc_out_of_scope,
    covid_questions,
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
    kb15_cases,
    sample_cases,
    write_bitext_kb,
    write_covid_kb,
)

TENANTS = "[tenants.default]\n[tenants.covid]\n[tenants.bitext]\n[tenants.kb4]\n[tenants.kb5]\n[tenants.kb6]\n[tenants.kb7]\n[tenants.kb8]\n[tenants.kb9]\n[tenants.kb10]\n[tenants.kb11]\n[tenants.kb12]\n[tenants.kb13]\n[tenants.kb15]\n"
KB_TENANT = {"sample": "default", "covid": "covid", "bitext": "bitext", "kb7": "kb7", "kb9": "kb9", "kb15": "kb15"}
KBS = tuple(KB_TENANT)
# REPORT only: never in a fit (kept out of the records file, in its own file beside it: `report_only_path`)
KB4 = "kb4"
KB5 = "kb5"  # a second one, asked after everything else (so no record of the others can depend on it)
KB6 = "kb6"  # a third, asked after kb5
KB8 = "kb8"  # a fourth, asked after kb6
KB10 = "kb10"  # a fifth, asked after kb8 (no CLINC150 of its own: all 1,200 are dealt)
KB11 = "kb11"  # a sixth, asked after kb10 (none of its own either)
KB12 = "kb12"  # a seventh, asked after kb11 (none of its own either)
KB13 = "kb13"  # an eighth, asked after kb12 (none of its own either)
KB7 = "kb7"  # fitted like the first three (TUNE / REPORT), its cases asked after theirs
KB9 = "kb9"  # fitted like kb7, its cases asked after kb7's (no CLINC150 of its own: all 1,200 are dealt)
KB15 = "kb15"  # fitted like kb9, its cases asked after kb9's (no CLINC150 of its own either)
SEED = 15


@dataclass(frozen=True, slots=True)
class BenchCase:
    kb: str
    kind: str  # "answer" | "offtopic" | "person"
    question: str
    sources: tuple[str, ...] = ()

    @property
    def split(self) -> str:
        return split_of(self.kb, self.question)


def split_of(kb: str, question: str) -> str:
    digest = hashlib.sha256(f"{SEED}|{kb}|{question}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def _shuffled_pools() -> tuple[random.Random, list[str], list[str]]:
    """CLINC150's out-of-scope requests and the COVID-QA paraphrases, shuffled as the cases deal them."""
    rng = random.Random(SEED)
    oos = clinc_out_of_scope()
    rng.shuffle(oos)
    covid_qs = covid_questions()
    rng.shuffle(covid_qs)
    return rng, oos, covid_qs


def build_cases(folder: Path) -> tuple[list[BenchCase], dict[str, Path]]:
    covid_kb, covid = write_covid_kb(folder / "covid")
    bitext_kb, bitext, person = write_bitext_kb(folder / "bitext")
    cases = [BenchCase("covid", "answer", c.question, c.sources) for c in covid]
    cases += [BenchCase("bitext", "answer", c.question, c.sources) for c in bitext]
    cases += [BenchCase("bitext", "person", q) for q in person]
    sample = sample_cases()
    for c in sample:
        kind = "answer" if c.expect == "answer" else "person" if c.reason == "customer_request" else "offtopic"
        cases.append(BenchCase("sample", kind, c.question, c.sources))
    rng, oos, covid_qs = _shuffled_pools()
    for n, kb in enumerate(KBS[:3]):
        cases += [BenchCase(kb, "offtopic", q) for q in oos[n * 150 : (n + 1) * 150]]
    cases += [BenchCase("sample", "offtopic", q) for q in covid_qs[:80]]
    cases += [BenchCase("bitext", "offtopic", q) for q in covid_qs[80:160]]
    cases += [BenchCase("covid", "offtopic", c.question) for c in sample if c.expect == "answer"]
    bitext_qs = [c.question for c in bitext]
    rng.shuffle(bitext_qs)
    cases += [BenchCase("covid", "offtopic", q) for q in bitext_qs[:80]]
    # kb7 last (its tenant is its own, so the other KBs' records are the same with or without it): its own cases,
    # then CLINC150's out-of-scope requests after kb4's and kb5's
    cases += [case for case, _ in _own_cases(KB7, kb7_cases())]
    cases += [BenchCase(KB7, "offtopic", q) for q in oos[KB7_CLINC]]
    cases += [case for case, _ in _own_cases(KB9, kb9_cases())]
    cases += [case for case, _ in _own_cases(KB15, kb15_cases())]
    return cases, {"covid": covid_kb, "bitext": bitext_kb, KB7: KB7_DIR, KB9: KB9_DIR, KB15: KB15_DIR}


# the off-topic questions asked of kb4 besides its own: CLINC150's next 150 out-of-scope requests and 80
# COVID-QA paraphrases, none dealt to another KB (`origin` says which; its own figures count only "own")
KB4_CLINC = slice(3 * 150, 4 * 150)
KB4_COVID = slice(160, 240)


def _own_cases(kb: str, cases: list[Any]) -> list[tuple[BenchCase, str]]:
    """A report-only help center's own cases, each with its kind and the origin "own"."""
    kinds = [("answer" if c.expect == "answer" else "person" if c.reason == "customer_request" else "offtopic") for c in cases]
    return [(BenchCase(kb, kind, c.question, c.sources), "own") for c, kind in zip(cases, kinds, strict=True)]


def build_kb4_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the report-only help center bench/kb4: its own cases, then the extra off-topic ones."""
    _, oos, covid_qs = _shuffled_pools()
    return (_own_cases(KB4, kb4_cases()) + [(BenchCase(KB4, "offtopic", q), "clinc") for q in oos[KB4_CLINC]]
            + [(BenchCase(KB4, "offtopic", q), "covid") for q in covid_qs[KB4_COVID]])


# the off-topic questions asked of kb5 besides its own: CLINC150's next 150 out-of-scope requests (COVID-QA's
# paraphrases are all dealt by then)
KB5_CLINC = slice(4 * 150, 5 * 150)
KB7_CLINC = slice(5 * 150, 6 * 150)  # and kb7's (fitted on its TUNE split, like the first three KBs)
KB6_CLINC = slice(6 * 150, 7 * 150)  # and kb6's (reported only, like kb5)
KB8_CLINC = slice(7 * 150, 8 * 150)  # and kb8's (reported only, like kb6): the last 150 of the 1,200


def build_kb5_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the second report-only help center bench/kb5: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB5, kb5_cases()) + [(BenchCase(KB5, "offtopic", q), "clinc") for q in oos[KB5_CLINC]]


def build_kb6_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the third report-only help center bench/kb6: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB6, kb6_cases()) + [(BenchCase(KB6, "offtopic", q), "clinc") for q in oos[KB6_CLINC]]


def build_kb8_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the fourth report-only help center bench/kb8: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB8, kb8_cases()) + [(BenchCase(KB8, "offtopic", q), "clinc") for q in oos[KB8_CLINC]]


def build_kb10_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the fifth report-only help center bench/kb10: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB10, kb10_cases())


def build_kb11_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the sixth report-only help center bench/kb11: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB11, kb11_cases())


def build_kb12_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the seventh report-only help center bench/kb12: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB12, kb12_cases())


def build_kb13_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the eighth report-only help center bench/kb13: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB13, kb13_cases())


def report_only_path(records: Path, kb: str = KB4) -> Path:
    """Where a report-only KB's records are kept beside the three KBs' (R.json -> R.kb4.json, R.kb5.json):
    tools that fit on every record of the file they are given (bench/bench_answers_variants.py) never see them."""
    return records.with_name(f"{records.stem}.{kb}{records.suffix}")


# the report-only help centers asked after every other case and probe, in this order (each after the one before, so no
# record of the others depends on it): their folder and their (case, origin) pairs
LATE_REPORT_ONLY = {KB5: (KB5_DIR, build_kb5_cases), KB6: (KB6_DIR, build_kb6_cases), KB8: (KB8_DIR, build_kb8_cases),
                    KB10: (KB10_DIR, build_kb10_cases), KB11: (KB11_DIR, build_kb11_cases), KB12: (KB12_DIR, build_kb12_cases),
                    KB13: (KB13_DIR, build_kb13_cases)}

"""The knowledge bases and cases of bench/bench_answers.py: tenants, the TUNE / REPORT split, the cases of each
knowledge base (the three fitted on, kb7, kb9 and kb15, and the report-only ones, kb4 to kb14 and kb16) and where a report-only
knowledge base's records are kept. Split out of bench/bench_answers.py, which still exports every name here.

Knowledge bases (built from ../shared/data into a throwaway data dir, nothing copied into the repo):
- `sample`: the sample help center (knowledge/sample_kb), cases bench/cases/sample_kb.jsonl (its
  `no_answer` handoff cases are off-topic, its `customer_request` ones requests for a person);
- `covid`: the 213 COVID-QA FAQ entries, its 244 paraphrases as cases;
- `bitext`: one article per Bitext intent (title from the intent, body from three of its canned
  responses), 16 other requests per intent as cases; `contact_human_agent` requests are requests for
  a person (no article); `contact_customer_service` has an article but no cases (answering it and
  handing over are both right).
- `kb4`, REPORT only (never in `--fit`, the TUNE split or a leave-one-out fit): bench/kb4, a help
  center written for the bench for an invented product (Hourglen, time tracking and invoicing; 26
  articles, with easily confused pairs: archive / delete a project, CSV / PDF export, pause / cancel,
  guest / member, our receipts / invoicing clients), and bench/cases/kb4.jsonl (270 answerable
  customer phrasings, 43 of them naming two or three right articles; 64 off-topic: other products,
  general knowledge, chit-chat, near-domain questions it does not cover; 17 requests for a person),
  written and committed before the bot was first run on them. Also asked of it, counted apart:
  CLINC150's out-of-scope requests 450-599 and COVID-QA paraphrases 160-239 (none dealt elsewhere).
  Its records go to their own file beside `--records` (R.json -> R.kb4.json), so tools that fit on
  every record of the file (bench/bench_answers_variants.py) never see them.
- `kb5`, REPORT only, wired as kb4 is: bench/kb5, a help center of another kind written for the bench by
  another helper (Ampella, an invented online shop of consumer electronics: orders, payment, delivery,
  returns and refunds, warranty and repairs, account and privacy, gift cards, membership, store pickup,
  trade-in; 25 articles, with confused pairs: return / exchange, refund / store credit, warranty / paid
  repair / protection plan, standard / express delivery, cancel / return), and bench/cases/kb5.jsonl (279
  answerable phrasings, 27 naming two or three articles; 66 off-topic: other shops and services, general
  knowledge, chit-chat, product advice and a phone's own settings, near-domain things it does not cover;
  17 requests for a person, some with a topic), written and committed before the bot was first run on
  them. Also asked of it, counted apart: CLINC150's out-of-scope requests 600-749 (COVID-QA's paraphrases
  are all dealt by then). Ingested and asked after every other case and probe (no probes of its own), so
  no other record depends on it; its records go to R.kb5.json beside `--records`.
- `kb6`, REPORT only, wired as kb5 is (asked after it; its records in R.kb6.json): bench/kb6, a help center written
  blind by a fresh operator (Ferrolink, an invented webhooks and events API with a developer side; 26 articles with
  confused pairs: rate limits / quotas, retries / replay, plan change / cancellation, roles / invitations, SSO / 2FA,
  status / SLA) and bench/cases/kb6.jsonl (190 answerable, 50 off-topic, 12 requests for a person), committed before the
  bot was first run on them. Also asked of it: CLINC150's out-of-scope requests 900-1049.
- `kb8`, REPORT only, wired as kb6 is (asked after it; its records in R.kb8.json): bench/kb8, a help center written
  blind by another fresh operator (Wren, an invented smart-home device maker: thermostat, doorbells, cameras, lock,
  hub, app and subscription plans; 30 articles with confused pairs: restart / factory reset, offline / Wi-Fi,
  schedules / Eco and Away / Routines, cloud history / microSD, plans / managing the subscription, household members /
  moving or selling / access codes, Alexa and Google / Matter, returns / warranty) and bench/cases/kb8.jsonl (285
  answerable, 50 off-topic, 12 requests for a person), committed before the bot was first run on them. Also asked
  of it: CLINC150's out-of-scope requests 1050-1199 (the last of them).
- `kb10`, REPORT only, wired as kb8 is (asked after it; its records in R.kb10.json): bench/kb10, a help center written
  blind by another fresh operator (Fluento, an invented language-learning app: plans, family plan, offline lessons,
  streaks, live tutors paid with credits, courses and levels, gifts, certificates; 30 articles with confused pairs:
  pause / cancel, subscription refunds / tutor-credit refunds, streak freeze / restoring a lost streak, offline
  downloads / freeing storage, microphone / no sound, push reminders / email preferences, booking / rescheduling a
  tutor, adding a course / resetting one, buying / redeeming a gift, cancelling / deleting the account) and
  bench/cases/kb10.jsonl (297 answerable, 16 naming two articles; 62 off-topic, 32 of them near-domain; 14 requests
  for a person), committed before the bot was first run on them. No CLINC150 requests of its own (all are dealt).
- `kb11`, REPORT only, wired as kb10 is (asked after it; its records in R.kb11.json): bench/kb11, a help center written
  blind by another fresh operator (Deskwell, an invented coworking-space operator: plans, day passes, desk and meeting
  room bookings, room credits, guests, team accounts, access cards and 24/7 access, Wi-Fi, printing, mail, virtual
  office, lockers, phone booths, events, billing; 30 articles with confused pairs: pause / cancel the membership,
  desk-booking / meeting-room cancellations, room credits / day passes, meeting rooms / phone booths and focus rooms /
  the event space, guests / team members, opening hours and 24/7 access / access card and phone key, mail and packages
  / virtual office / lockers, invoices / failed payments, refunds / cancelling, cancelling / deleting the account,
  plans / changing plan) and bench/cases/kb11.jsonl (324 answerable, 40 naming two articles; 62 off-topic, 32 of them
  near-domain; 14 requests for a person), committed before the bot was first run on them. No CLINC150 requests of its
  own (all are dealt).
- `kb12`, REPORT only, wired as kb11 is (asked after it; its records in R.kb12.json): bench/kb12, a help center written
  blind by another fresh operator (Kerbly, an invented car-sharing service: plans, licence checks, reserving and
  booking ahead, unlocking, ending a trip and parking zones, late returns, damage checks, accidents, insurance excess,
  fuel and charging, cleaning fees, lost items, fines and tolls, airports and one-way trips, family and business
  accounts, card holds, billing; 30 articles with confused pairs: pause / cancel the membership, cancelling / deleting
  the account, unlocking / a car that won't unlock, cancelling a reservation / ending a trip, damage before the trip /
  accidents / the excess, family / business accounts, failed payments / card holds, receipts / refunds, plans /
  changing plan, ending a trip / extending it, parking zones / fines / airports, fuel / mileage abroad) and
  bench/cases/kb12.jsonl (353 answerable, 54 naming two articles; 62 off-topic, 32 of them near-domain; 14 requests for
  a person), committed before the bot was first run on them. No CLINC150 requests of its own (all are dealt).
- `kb13`, REPORT only, wired as kb12 is (asked after it; its records in R.kb13.json): bench/kb13, a help center written
  blind by another fresh operator (Pawlio, an invented pet-insurance and vet-booking service for cats and dogs: plans,
  waiting periods, pre-existing conditions, excess and co-payment, claims and payouts, appeals, paying the vet
  directly, booking and cancelling vet appointments, video vet calls, emergencies, the Wellness Pot, what is and is not
  covered, more pets, transfers to a new owner, renewals, payments, refunds, travel abroad, documents; 30 articles with
  confused pairs: plans / changing plan, waiting periods / pre-existing conditions, making a claim / its status /
  declined claims, claiming / paying the vet directly, booking / rescheduling, video calls / emergencies, the Wellness
  Pot / what is not covered, what is covered / not covered, adding a pet / transferring one, cancelling / a pet's death
  / deleting the account, failed payments / refunds, the pet's details / the owner's and moving house, travel / moving
  abroad, renewals / plans) and bench/cases/kb13.jsonl (361 answerable, 53 naming two articles; 64 off-topic, 33 of
  them near-domain; 15 requests for a person), committed before the bot was first run on them. No CLINC150 requests
  of its own (all are dealt).
- `kb14`, REPORT only, wired as kb13 is (asked after it; its records in R.kb14.json): bench/kb14, a help center written
  blind by another fresh operator (Voltana, an invented household electricity and gas supplier: tariffs (fixed,
  variable, EV, time-of-use), meter readings and smart meters, bills and estimates, Direct Debit, payment plans, credit
  and refunds, moving home, switching in and away, prepayment and top-ups, solar export, power cuts, gas emergencies,
  boiler cover, the Priority Services Register, hardship, complaints, the app, closing the account, contact; 30 articles
  with confused pairs: fixed / variable, EV / time-of-use, estimated bill / the bill explained / a higher bill, Direct
  Debit / payment plans, moving home / switching away / closing, power cuts / gas emergencies, smart meter not sending /
  submitting a reading / getting a smart meter, prepayment meters / top-ups, hardship / the PSR) and
  bench/cases/kb14.jsonl (391 answerable, 62 naming two articles; 63 off-topic, 33 of them near-domain; 16 requests for
  a person), committed before the bot was first run on them. No CLINC150 requests of its own (all are dealt).
- `kb16`, REPORT only, wired as kb14 is (asked after it; its records in R.kb16.json): bench/kb16, a help center written
  blind by another fresh operator (Larderly, an invented meal-kit subscription service: how it works, plans and prices,
  changing plan, choosing recipes, allergens and diets, recipe cards and nutrition, Market extras, delivery days and
  slots, changing the day or address, tracking, late or missing boxes, safe places, skipping, pausing, cancelling,
  deleting the account, vouchers, referrals, credit and refunds, damaged or missing items, quality problems, payment
  methods, failed payments, when a box is charged, gift boxes and cards, recycling, storing ingredients, the app, sign-in,
  contact; 30 articles with confused pairs: skip / pause / cancel, cancel / delete the account, vouchers / referral
  credit / gift cards, damaged or missing items / quality problems / credit and refunds, a late box / tracking / safe
  places, payment methods / failed payments / when a box is charged, plans and prices / changing plan, allergens /
  choosing recipes) and bench/cases/kb16.jsonl (399 answerable, 59 naming two articles; 64 off-topic, 32 of them
  near-domain; 16 requests for a person), committed before the bot was first run on them. No CLINC150 requests of its
  own (all are dealt).
- `kb7`, fitted like the first three (its cases split TUNE / REPORT by the same hash; in `--fit`, the TUNE split
  and leave-one-out): bench/kb7, a help center written for the bench as tuning data (Tellora, an invented broadband
  and mobile provider: plans, bills, moving home, router set-up and wifi, outages, SIM and eSIM, roaming, number
  porting, cancellation, parental controls, security, engineer visits, equipment returns; 28 articles with six
  confused pairs: pause / cancel, roaming / international calls, restart / factory reset, moving / transferring
  the account, disputing a charge / refunds, porting in / out), and bench/cases/kb7.jsonl (320 answerable
  phrasings, 42 naming two or three articles; 70 off-topic; 18 requests for a person). Also asked of it: CLINC150's
  out-of-scope requests 750-899. Joined 2026-12-06: the first help center written like customers' traffic that a
  choice may be made on (the other three are an FAQ of one virus, intent names, and a help center of 24 cases).
  The shipped models and thresholds are still those fitted on the first three KBs' TUNE (below); a refit on all
  four was measured and not adopted (see "kb7" further down).
- `kb9`, fitted like kb7 (TUNE / REPORT by the same hash; in the TUNE split and leave-one-out; asked after kb7's cases):
  bench/kb9, a help center written for the bench as tuning data (Payloom, an invented HR and payroll product for
  small businesses: pay runs, off-cycle runs, deadlines, payslips, W-2 / 1099, direct deposit, the company's funding
  account, time off, sick leave, leave policies, clocking in, timesheets, schedules, shift swaps, expenses, mileage,
  hiring, contractors, leavers, roles, sign-in, personal details, benefits, plans, cancelling, accounting links,
  contact; 27 articles with confused pairs: regular / off-cycle payroll, time off / sick leave / leave policies,
  expenses / mileage, clocking in / timesheets, schedule / shift swaps, direct deposit / the company's account,
  employee / contractor), and bench/cases/kb9.jsonl (288 answerable phrasings, 24 naming two or three articles; 79
  off-topic, about half of them near-domain: what an employer or employee using such a product might ask that its help
  center does not answer, such as employment law, salaries, visas, other HR modules; 14 requests for a person), written
  and committed before the bot was first run on it (2026-12-06). No CLINC150 requests of its own (all 1,200 are dealt).
- `kb15`, fitted like kb9 (asked after it): bench/kb15 (Payrollo, an invented payroll and HR product for small businesses;
  28 articles, confused pairs: plans / changing plan / our bill, regular / off-cycle payroll, direct deposit / failed deposits,
  tax filings / W-2 and 1099, time off / holidays, benefits / deductions, employee / contractor, 2FA / sign-in, cancel /
  export) and bench/cases/kb15.jsonl (346 answerable, 32 naming two or three; 64 off-topic, 32 near-domain; 15 requests
  for a person), committed before the bot was first run on it (2026-12-07, helper kb15).
"""

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
    KB14_DIR,
    KB15_DIR,
    KB16_DIR,
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
    kb14_cases,
    kb15_cases,
    kb16_cases,
    sample_cases,
    write_bitext_kb,
    write_covid_kb,
)

TENANTS = "[tenants.default]\n[tenants.covid]\n[tenants.bitext]\n[tenants.kb4]\n[tenants.kb5]\n[tenants.kb6]\n[tenants.kb7]\n[tenants.kb8]\n[tenants.kb9]\n[tenants.kb10]\n[tenants.kb11]\n[tenants.kb12]\n[tenants.kb13]\n[tenants.kb14]\n[tenants.kb15]\n[tenants.kb16]\n"
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
KB14 = "kb14"  # a ninth, asked after kb13 (none of its own either)
KB16 = "kb16"  # a tenth, asked after kb14 (none of its own either)
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


def build_kb14_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the ninth report-only help center bench/kb14: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB14, kb14_cases())


def build_kb16_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the tenth report-only help center bench/kb16: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB16, kb16_cases())


def report_only_path(records: Path, kb: str = KB4) -> Path:
    """Where a report-only KB's records are kept beside the three KBs' (R.json -> R.kb4.json, R.kb5.json):
    tools that fit on every record of the file they are given (bench/bench_answers_variants.py) never see them."""
    return records.with_name(f"{records.stem}.{kb}{records.suffix}")


# the report-only help centers asked after every other case and probe, in this order (each after the one before, so no
# record of the others depends on it): their folder and their (case, origin) pairs
LATE_REPORT_ONLY = {KB5: (KB5_DIR, build_kb5_cases), KB6: (KB6_DIR, build_kb6_cases), KB8: (KB8_DIR, build_kb8_cases),
                    KB10: (KB10_DIR, build_kb10_cases), KB11: (KB11_DIR, build_kb11_cases), KB12: (KB12_DIR, build_kb12_cases),
                    KB13: (KB13_DIR, build_kb13_cases), KB14: (KB14_DIR, build_kb14_cases),
                    KB16: (KB16_DIR, build_kb16_cases)}

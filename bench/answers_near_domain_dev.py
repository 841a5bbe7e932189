"""Dev off-topic set (issue #15): near-domain questions written for two TUNE help centers, for choosing rules on.

    python bench/answers_near_domain_dev.py OUT.json [--cases FILE]

`--cases bench/cases/dev_offtopic_near.jsonl` (helper answers42, 2026-12-07, committed before it was first asked): 84 more
near-domain questions, 27 for the sample help center, 25 for kb7 and 32 for kb9 (Payloom, HR and payroll), written the same
way (titles read, each candidate's key word grepped in the help center and dropped where an article speaks of it).

bench/cases/dev_near_domain.jsonl (helper answers31, 2026-12-07): 29 questions for kb7 (Tellora, broadband and
mobile) and 29 for the sample help center (Paperkite, a team workspace) that a customer of that product might plausibly
ask and that its articles do not answer (another service the company might sell, a feature it does not have, advice,
the company itself). Written from the article titles, then each candidate's key word looked up in the help center
(grep) and dropped where an article speaks of it ("printed directory", "lock a page"). Dev data: rules may be chosen on
it; no blind or report-only help center is asked. Records as bench/bench_answers.py `--records` writes them (kind
"offtopic", split "dev", origin "near_domain_dev").

Asked of main at 63ba30d (2026-12-07): kb7 answered or clarified 3 of 29 (0.103), the sample help center 4 of 29
(0.138).

What was tried on it (issue #15, helper answers31; the TUNE split of bench/bench_answers.py, this set, and CLINC150's
in-scope dev requests of bench/answers_clinc_inscope.py: 25 + 44 off-topic cases answered or clarified there; /tmp
scripts over the records, not kept), then measured on the report sets once, after the choice:
- lexical signals over the cases answered or clarified (TUNE and this set; right / wrong / off-topic handed over): a
  noun (spaCy) absent from the top article, 223 / 19 / 21; the same under a similarity of 0.50, 27 / 1 / 12; a noun the
  whole knowledge base never uses, 96 / 8 / 5; a capability question ("do you have / offer / support X", "is there")
  naming a noun absent from the top article, 8 / 0 / 3; the same only on clarifications, no better; all of them (with
  similarity, confidence, unknown words, coverage) in one logistic model, leave one knowledge base out, 11 right for 6
  off-topic at its best point. The paraphrases of covered questions name things their article does not write as
  often as the off-topic ones do.
- chosen (the best trade found): policies/near_domain.py's veto widened from 0.45 to 0.50 (raw cosine) for a common
  noun, written in lower case, that heads the request (spaCy's parse: the object or subject of the main clause, or a
  word compounded with it) and that the knowledge base never uses. On the dev data, 12 off-topic cases (1 here, 11
  CLINC150: an oil change, direct deposit, gas mileage, a todo list, a reminder) for 5 right TUNE ones.
  Recorded (`bench/bench_answers.py --records`, main 63ba30d, then the rule at d0f2af9, one session, load 6-13; right /
  wrong / clarified / off-topic answered / requests for a person handed over):
      TUNE    0.744 -> 0.740 / 0.038 / 0.137 -> 0.133 / 0.036 both / 1.00 (3 right clarifications lost: "a compensation
              of 350 dollars", "external collaborators ... paid seats", "we use sage"; no TUNE off-topic case stopped)
      REPORT  0.702 -> 0.701 / 0.027 / 0.131 / 0.048 -> 0.040 / 1.00 (4 off-topic stopped, 1 right answer lost)
      kb4     0.741 both / 0.007 / 0.122 / 0.156 -> 0.141 / 1.00 (Google Calendar's time zone stopped)
      kb5     0.720 -> 0.713 / 0.065 / 0.104 -> 0.100 / 0.106 both / 1.00
      kb6     0.837 -> 0.832 / 0.032 -> 0.026 / 0.121 -> 0.116 / 0.020 both / 1.00
      kb8     0.621 -> 0.614 / 0.011 / 0.197 -> 0.193 / 0.080 both / 1.00
      kb10    0.774 -> 0.771 / 0.061 / 0.125 -> 0.121 / 0.161 both / 1.00
  Not adopted (reverted): on the help centers written blind it stops one off-topic question of 31 answered, for 6 right
  answers or clarifications ("cancle my oder pls", "press inquiry email", "can my mum see my lessons ...") and 3 wrong
  ones. What the blind sets' off-topic questions still answered look like (read as a diagnosis after the choice; kb4,
  kb5, kb8 and kb10's own, 31): 4 are pleasantries or punctuation ("good morning!", "ok bye", "???") answered with the
  bot's greeting before any search (the bench expects a handoff); of the other 27, 16 answered and 11 clarified,
  similarity under 0.45 for 5, 0.45-0.50 for 6, over 0.50 for 16, an unknown name or word for at most 3: written in the help
  center's own words, which no vocabulary check tells from a covered question.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_answers import KB7, KB9, KB_TENANT, TENANTS, BenchCase, _asked
from bench.datasets import KB7_DIR, KB9_DIR

CASES = Path(__file__).resolve().parent / "cases" / "dev_near_domain.jsonl"
SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"
FOLDERS = {KB7: KB7_DIR, "sample": SAMPLE_KB, KB9: KB9_DIR}


def cases(path: Path = CASES) -> list[BenchCase]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [BenchCase(row["kb"], "offtopic", row["question"]) for row in rows]


async def ask(out: Path, path: Path = CASES) -> None:
    from bot.app.composition import build_services
    from bot.core.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
        env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")}
        services = build_services(Settings.from_env(env))
        services.start()
        try:
            asked = cases(path)
            for kb, folder_of_kb in FOLDERS.items():
                if any(case.kb == kb for case in asked):
                    services.ingestor.ingest([folder_of_kb], tenant=KB_TENANT[kb], display_base=folder_of_kb.parent)
                    services.after_ingest(KB_TENANT[kb])
            records: list[dict[str, Any]] = []
            for case in asked:
                records.append(await _asked(services, case) | {"split": "dev", "origin": "near_domain_dev"})
        finally:
            services.close()
    out.write_text(json.dumps(records), encoding="utf-8")


def main() -> int:
    out = Path(sys.argv[1])
    path = Path(sys.argv[sys.argv.index("--cases") + 1]) if "--cases" in sys.argv else CASES
    asyncio.run(ask(out, path))
    records = json.loads(out.read_text())
    for kb in FOLDERS:
        mine = [r for r in records if r["kb"] == kb]
        if not mine:
            continue
        answered = [r for r in mine if r["outcome"] != "handoff"]
        print(f"{kb}: {len(mine)} near-domain questions, answered or clarified {len(answered)} ({len(answered) / max(1, len(mine)):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

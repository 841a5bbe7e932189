"""Dev off-topic set (issue #15): near-domain questions written for two TUNE help centers, for choosing rules on.

    python bench/answers_near_domain_dev.py OUT.json

bench/cases/dev_near_domain.jsonl (helper answers31, 2026-12-07): 29 questions for kb7 (Tellora, broadband and
mobile) and 29 for the sample help center (Paperkite, a team workspace) that a customer of that product might plausibly
ask and that its articles do not answer (another service the company might sell, a feature it does not have, advice,
the company itself). Written from the article titles, then each candidate's key word looked up in the help center
(grep) and dropped where an article speaks of it ("printed directory", "lock a page"). Dev data: rules may be chosen on
it; no blind or report-only help center is asked. Records as bench/bench_answers.py `--records` writes them (kind
"offtopic", split "dev", origin "near_domain_dev").
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

from bench.bench_answers import KB7, KB_TENANT, TENANTS, BenchCase, _asked
from bench.datasets import KB7_DIR

CASES = Path(__file__).resolve().parent / "cases" / "dev_near_domain.jsonl"
SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"
FOLDERS = {KB7: KB7_DIR, "sample": SAMPLE_KB}


def cases() -> list[BenchCase]:
    rows = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [BenchCase(row["kb"], "offtopic", row["question"]) for row in rows]


async def ask(out: Path) -> None:
    from bot.app.composition import build_services
    from bot.core.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
        env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")}
        services = build_services(Settings.from_env(env))
        services.start()
        try:
            for kb, path in FOLDERS.items():
                services.ingestor.ingest([path], tenant=KB_TENANT[kb], display_base=path.parent)
                services.after_ingest(KB_TENANT[kb])
            records: list[dict[str, Any]] = []
            for case in cases():
                records.append(await _asked(services, case) | {"split": "dev", "origin": "near_domain_dev"})
        finally:
            services.close()
    out.write_text(json.dumps(records), encoding="utf-8")


def main() -> int:
    out = Path(sys.argv[1])
    asyncio.run(ask(out))
    records = json.loads(out.read_text())
    for kb in FOLDERS:
        mine = [r for r in records if r["kb"] == kb]
        answered = [r for r in mine if r["outcome"] != "handoff"]
        print(f"{kb}: {len(mine)} near-domain questions, answered or clarified {len(answered)} ({len(answered) / max(1, len(mine)):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

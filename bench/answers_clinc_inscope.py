"""Dev off-topic set (issue #15): CLINC150's *in-scope* requests of domains a help center has nothing to say about,
asked of the two TUNE help centers written like customers' traffic (kb7, a broadband and mobile provider; kb9, an HR
and payroll product). bench/bench_answers.py asks every one of CLINC150's 1,200 out-of-scope requests already; its
in-scope requests (150 intents of 10 domains) are used nowhere else in the bench.

    python bench/answers_clinc_inscope.py OUT.json [--part val|test] [--per N]

Which domains count as off-topic for which help center was decided from the domain names alone (bench/
clinc150's domains.json), before any request was asked: a provider of broadband and phones has bills to pay and
calls to make, so CLINC150's banking, credit cards and utility domains are left out for kb7; a payroll product has
pay days, W-2s, direct deposits and time off, so work and banking are left out for kb9. Small talk is off-topic for
both. `--part val` (the default, N requests of each intent, the first N in the file) is the dev part choices may be
made on; `--part test` is kept for reporting. Records as bench/bench_answers.py `--records` writes them (kind
"offtopic", split "dev" or "clinc_test", origin the CLINC150 intent).
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

from bench.bench_answers import KB7, KB9, TENANTS, BenchCase, _asked
from bench.datasets import CLINC_JSON, KB7_DIR, KB9_DIR

OFF_TOPIC_DOMAINS = {
    KB7: ("kitchen_and_dining", "auto_and_commute", "travel", "work", "home", "small_talk"),
    KB9: ("kitchen_and_dining", "auto_and_commute", "travel", "home", "credit_cards", "small_talk"),
}


def cases(*, part: str, per: int) -> list[tuple[BenchCase, str]]:
    domains = json.loads(CLINC_JSON.with_name("domains.json").read_text(encoding="utf-8"))
    data = json.loads(CLINC_JSON.read_text(encoding="utf-8"))[part]
    out = []
    for kb, names in OFF_TOPIC_DOMAINS.items():
        for domain in names:
            for intent in domains[domain]:
                texts = [text for text, label in data if label == intent][:per]
                out += [(BenchCase(kb, "offtopic", text), intent) for text in texts]
    return out


async def ask(out: Path, *, part: str, per: int) -> None:
    from bot.app.composition import build_services
    from bot.core.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
        env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")}
        services = build_services(Settings.from_env(env))
        services.start()
        try:
            for tenant, path in ((KB7, KB7_DIR), (KB9, KB9_DIR)):
                services.ingestor.ingest([path], tenant=tenant, display_base=path.parent)
                services.after_ingest(tenant)
            records: list[dict[str, Any]] = []
            for case, intent in cases(part=part, per=per):
                records.append(await _asked(services, case) | {"split": "dev" if part == "val" else "clinc_test", "origin": intent})
        finally:
            services.close()
    out.write_text(json.dumps(records), encoding="utf-8")


def main() -> int:
    part = sys.argv[sys.argv.index("--part") + 1] if "--part" in sys.argv else "val"
    per = int(sys.argv[sys.argv.index("--per") + 1]) if "--per" in sys.argv else 5
    asyncio.run(ask(Path(sys.argv[1]), part=part, per=per))
    records = json.loads(Path(sys.argv[1]).read_text())
    for kb in (KB7, KB9):
        mine = [r for r in records if r["kb"] == kb]
        answered = [r for r in mine if r["outcome"] != "handoff"]
        print(f"{kb}: {len(mine)} off-topic requests, answered or clarified {len(answered)} ({len(answered) / max(1, len(mine)):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

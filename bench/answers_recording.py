"""The records of bench/bench_answers.py: every case (and, when asked for, each knowledge base's probe
questions and the report-only knowledge bases' cases) asked through the pipeline on a throwaway data
dir, each result kept as a record for the figures and for replays under other models and thresholds.

Benches that change what a case's record holds replace `_asked` here (bench/answers_doc_agreement.py,
bench/answers_second_reader.py): `record` looks it up in this module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.answers_kbs import (
    KB4,
    KB5,
    KB6,
    KB7,
    KB8,
    KB9,
    KB10,
    KB11,
    KB12,
    KB13,
    KB14,
    KB15,
    KB16,
    KB_TENANT,
    KBS,
    LATE_REPORT_ONLY,
    TENANTS,
    BenchCase,
    build_cases,
    build_kb4_cases,
)
from bench.answers_probes import kb_probes
from bench.datasets import KB4_DIR


async def record(folder: Path, *, probes: list[dict[str, Any]] | None = None, settings_env: dict[str, str] | None = None,
                 report_only: list[dict[str, Any]] | None = None, report_only_kb5: list[dict[str, Any]] | None = None,
                 report_only_kb6: list[dict[str, Any]] | None = None,
                 report_only_kb8: list[dict[str, Any]] | None = None,
                 report_only_kb10: list[dict[str, Any]] | None = None,
                 report_only_kb11: list[dict[str, Any]] | None = None,
                 report_only_kb12: list[dict[str, Any]] | None = None,
                 report_only_kb13: list[dict[str, Any]] | None = None,
                 report_only_kb14: list[dict[str, Any]] | None = None,
                 report_only_kb16: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every case asked through the pipeline; with `probes`, the knowledge bases' own probe questions
    are asked as well and their results go there (kinds "probe" and "probe_offtopic"). `settings_env`:
    more settings for the bench's services (bench/bench_embedders.py: another embedding model). With
    `report_only`, bench/kb4 is ingested too and its cases' results go there (split "report", with
    their `origin`), after the three KBs' (whose records are the same with or without it). With
    `report_only_kb5`, bench/kb5 likewise, ingested and asked only once every other case and probe has
    been (no probes of its own)."""
    from bot.app.composition import build_services
    from bot.core.config import Settings

    cases, kbs = build_cases(folder / "kb")
    (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml"), **(settings_env or {})}
    services = build_services(Settings.from_env(env))
    # the store's collections are made as wide as the embedder's vectors, which build_services reads
    # before the model is loaded (384, MiniLM's): another model's width is known only once it is
    services.embedder.warm_up()
    services.store.dim = services.embedder.dim
    services.start()
    try:
        for tenant in ("covid", "bitext", KB7, KB9, KB15):
            services.ingestor.ingest([kbs[tenant]], tenant=tenant, display_base=kbs[tenant].parent)
            services.after_ingest(tenant)
        origins: dict[BenchCase, str] = {}
        if report_only is not None:
            services.ingestor.ingest([KB4_DIR], tenant=KB4, display_base=KB4_DIR.parent)
            services.after_ingest(KB4)
            origins = dict(build_kb4_cases())
            cases = [*cases, *origins]
        records = []
        if probes is not None:  # the knowledge bases' own probe questions (bench/answers_probes.py), asked after the cases
            probed = (*KBS, KB4) if report_only is not None else KBS
            cases = [*cases, *(BenchCase(kb, kind, q, s) for kb in probed for kind, q, s in kb_probes(services.store, tenant=KB_TENANT.get(kb, kb)))]
        for case in cases:
            record = await _asked(services, case)
            if case.kind.startswith("probe") and probes is not None:
                probes.append(record)
            elif case.kb == KB4 and report_only is not None:
                report_only.append(record | {"split": "report", "origin": origins[case]})
            else:
                records.append(record)
        late = {KB5: report_only_kb5, KB6: report_only_kb6, KB8: report_only_kb8, KB10: report_only_kb10, KB11: report_only_kb11,
                KB12: report_only_kb12, KB13: report_only_kb13, KB14: report_only_kb14, KB16: report_only_kb16}
        for kb, (directory, build) in LATE_REPORT_ONLY.items():  # each after the one before: no record of the others depends on it
            if (kept := late[kb]) is None:
                continue
            services.ingestor.ingest([directory], tenant=kb, display_base=directory.parent)
            services.after_ingest(kb)
            for case, origin in build():
                kept.append(await _asked(services, case) | {"split": "report", "origin": origin})
        return records
    finally:
        services.close()


async def _asked(services: Any, case: BenchCase) -> dict[str, Any]:
    """The case asked through the pipeline, as a record."""
    from bot.engine.pipeline import Identity

    result = await services.assistant.ask(case.question, identity=Identity(tenant=KB_TENANT.get(case.kb, case.kb), user="bench", channel="bench"))
    return {
        "kb": case.kb, "kind": case.kind, "question": case.question, "sources": list(case.sources), "split": case.split,
        "outcome": result.outcome.value, "reason": result.handoff_reason.value if result.handoff_reason else None,
        "cited": result.citations[0].source if result.citations else None, "options": [o.source for o in result.options],
        "retrieved": result.details.get("retrieved", []), "evidence": result.details.get("evidence"),
        "latency_ms": round(result.latency_ms, 2),
        # the first retrieved article's passages (heading and text), for checks of what they say (bench/answers_near_domain.py)
        "top_text": (result.details.get("passage_texts") or {}).get(next(iter(result.details.get("retrieved", [])), ""), ""),
        # an answer or clarification handed over by policies/near_domain.py (a noun the knowledge base never uses under its
        # floor); read only where the shipped gate did not hand over, so a replay under other thresholds misses the others
        "near_domain": bool(result.details.get("near_domain")),
        # handed over by policies/asked_kinds.py (asks for a ruling of law or a recommendation its article never speaks
        # of); read, like near_domain, only where the shipped gate did not hand over
        "asked_kinds": bool(result.details.get("asked_kinds")),
    }

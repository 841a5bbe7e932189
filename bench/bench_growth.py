"""Knowledge bases that grow: ingest rate, `ask` latency, RSS per serve process and store size on disk
with a generated corpus of 1k, 10k, 100k chunks in one tenant, and with many tenants of 100 chunks.

    python bench/bench_growth.py [--sizes 1000,10000,100000] [--tenants 1000 --per-tenant 100] [--asks 300]

The corpus is generated (quality is not the point): question/answer rows taken from the sample help
center (knowledge/sample_kb: each article's paragraphs), COVID-QA and Bitext (under /work/shared/data),
replicated and varied (a product, edition and reference number woven into each copy, so every row is
its own content: chunk ids are content hashes, and a copy left identical would be stored once). One
row is one FAQ entry of one chunk (answers cut at a sentence within ~600 characters).

For each configuration, a fresh data dir (SQLite and the embedded Milvus Lite store, or `--postgres`):
- ingest: every row through the product's ingestor (load, chunk, body/title/lead vectors, Milvus,
  database) in this process; chunks per second over the whole ingest;
- store size: the data dir on disk after ingest, the model cache left out (database + Milvus store);
- `supportbot serve` started on it (its start-up time to /readyz is printed); the first question of
  `FIRSTS` tenants, one at a time, and then their second (a tenant's terms and levels are read from
  its knowledge base on its first question); then `--asks` widget questions (varied copies of ingested rows' questions, 4 customers at a time,
  each question in a new conversation of a random tenant): p50/p99 of the reply;
- RSS of the serve process after the asks (the chunk cache is bounded: knowledge/chunk_cache.py) and
  of its Milvus Lite child, which holds the store's index.
Goal (issue #17): from 1k to 100k chunks, `ask` p99 at most 2x and RSS per process at most +300 MB.

Measured 2026-12-02 on this 2-core machine shared with five other sessions (load average ~12),
`--sizes 1000,10000 --tenants 100 --per-tenant 100 --asks 300`, SQLite:
  1k chunks:  ingest 11.8 chunks/s, store 15.3 MB, ask p50 60 ms p99 173 ms, RSS serve 595 MB + Milvus child 236 MB
  10k chunks: ingest  6.1 chunks/s, store 131 MB,  ask p50 1017 ms p99 2500 ms, RSS serve 727 MB + Milvus child 564 MB
  100 tenants x 100 chunks: ingest 20.2 chunks/s, store 160 MB, ask p50 185 ms p99 456 ms, RSS serve 680 MB + Milvus child 550 MB
From 1k to 10k p99 grew 14x (goal for 1k -> 100k: 2x) and RSS +132 MB serve, +328 MB Milvus child.

Each later pass (where the time per question went, what changed, the figures before and after):
bench/growth_report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.bench_faults import environ
from bench.growth_corpus import Row, base_rows, varied, write_rows
from bench.growth_measurement import serve_and_ask, size_on_disk
from bench.growth_replica import replicate
from bench.growth_report import served_line


def ingest(data_dir: Path, tenants_file: Path, corpus: dict[str, Path], env: dict[str, str]) -> tuple[int, float]:
    """Every tenant's file through the product's ingestor, in a process of its own (the embedded Milvus
    Lite keeps its lock on the store for as long as the process that opened it lives): (chunks, seconds)."""
    listing = data_dir.parent / "corpus.json"
    listing.write_text(json.dumps({tenant: str(path) for tenant, path in corpus.items()}))
    done = subprocess.run(
        [sys.executable, __file__, "--ingest-into", str(data_dir), "--tenants-file", str(tenants_file), "--corpus", str(listing)],
        env=environ(data_dir, **(env | {"SUPPORTBOT_TENANTS_FILE": str(tenants_file)})), capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr[-2000:]}")
    chunks, seconds = json.loads(done.stdout.strip().splitlines()[-1])
    return int(chunks), float(seconds)


def ingest_here(data_dir: Path, tenants_file: Path, listing: Path) -> None:
    from bot.app.composition import build_services
    from bot.core.config import Settings

    corpus = {tenant: Path(path) for tenant, path in json.loads(listing.read_text()).items()}
    settings = Settings.from_env({**os.environ, "SUPPORTBOT_DATA_DIR": str(data_dir), "SUPPORTBOT_TENANTS_FILE": str(tenants_file)})
    services = build_services(settings, redact=False)
    services.start()
    try:
        chunks = 0
        started = time.perf_counter()
        for tenant, path in corpus.items():
            chunks += services.ingestor.ingest([path], tenant=tenant, display_base=path.parent).chunks
        print(json.dumps([chunks, time.perf_counter() - started]))
    finally:
        services.close()


def measure(name: str, corpus_rows: dict[str, list[Row]], args: argparse.Namespace, root: Path, env: dict[str, str]) -> None:
    work = root / re.sub(r"\W+", "-", name)
    (work / "corpus").mkdir(parents=True)
    tenants_file = work / "tenants.toml"
    tenants_file.write_text("".join(f'[tenants.{t}]\n[tenants.{t}.widget]\nkeys = ["{t}"]\n' for t in corpus_rows))
    corpus = {}
    for tenant, rows in corpus_rows.items():
        corpus[tenant] = work / "corpus" / f"{tenant}.jsonl"
        write_rows(corpus[tenant], rows)
    data_dir = work / "data"
    models = root / "models"  # one model cache for every configuration (kept out of the store size)
    data_dir.mkdir()
    (data_dir / "models").symlink_to(models)
    chunks, seconds = ingest(data_dir, tenants_file, corpus, env)
    stored = size_on_disk(data_dir)
    served = serve_and_ask(work, corpus_rows, args, env)
    print(f"{name:<22} {chunks:7d} chunks | ingest {chunks / seconds:6.1f} chunks/s ({seconds:6.0f} s) | store {stored / 2**20:7.1f} MB | "
          f"{served_line(served)}", flush=True)
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)


def asks_again(work: Path, args: argparse.Namespace) -> None:
    """`--asks-on`: serve and ask again on a configuration `--keep` left (same store, this tree's code)."""
    corpus_rows = {
        path.stem: [Row(r["question"], r["answer"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
        for path in sorted((work / "corpus").glob("*.jsonl"))
    }
    served = serve_and_ask(work, corpus_rows, args, {"SUPPORTBOT_SAMPLE_KB": "0"})
    print(f"{work.name:<22} {sum(map(len, corpus_rows.values())):7d} chunks | store {size_on_disk(work / 'data') / 2**20:7.1f} MB | "
          f"{served_line(served)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="chunks in one tenant, comma-separated (e.g. 1000,10000,100000)")
    parser.add_argument("--tenants", type=int, default=1000, help="tenants of the many-tenant configuration (0: skip it)")
    parser.add_argument("--per-tenant", type=int, default=100)
    parser.add_argument("--asks", type=int, default=300)
    parser.add_argument("--start-timeout", type=float, default=1800)
    parser.add_argument("--postgres", action="store_true", help="the database on the local PostgreSQL instead of SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the data dirs (printed) for a look afterwards")
    parser.add_argument("--asks-on", type=Path, help="only serve and ask, on a configuration dir --keep left (e.g. another tree's code on the same store)")
    parser.add_argument("--replicate", nargs=2, type=Path, metavar=("KEPT", "TARGET"),
                        help="build TARGET from the kept configuration KEPT, --factor times its chunks (no embedder; see `replicate`)")
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--port", type=int, default=0, help="the serve's port (default: any free one)")
    parser.add_argument("--ingest-into", type=Path, help=argparse.SUPPRESS)  # the ingest's own process
    parser.add_argument("--tenants-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_into:
        ingest_here(args.ingest_into, args.tenants_file, args.corpus)
        return
    if args.asks_on:
        asks_again(args.asks_on, args)
        return
    if args.replicate:
        replicate(*args.replicate, factor=args.factor, tenants=args.tenants if "--tenants" in sys.argv else 0)
        return
    base = base_rows()
    root = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    (root / "models").mkdir()
    print(f"{len(base)} base rows; work under {root}", flush=True)
    databases = None
    if args.postgres:
        from tests.databases import DEFAULT_SERVER, PostgresDatabases

        databases = PostgresDatabases(DEFAULT_SERVER)
    configurations: list[tuple[str, dict[str, list[Row]]]] = [
        (f"1 tenant x {n}", {"big": [varied(base, i) for i in range(n)]}) for n in (int(s) for s in args.sizes.split(",") if s)
    ]
    if args.tenants:
        configurations.append((f"{args.tenants} tenants x {args.per_tenant}", {
            f"t{t:04d}": [varied(base, t * args.per_tenant + i) for i in range(args.per_tenant)] for t in range(args.tenants)
        }))
    try:
        for name, rows in configurations:
            env = {"SUPPORTBOT_SAMPLE_KB": "0"}
            if databases is not None:
                env |= {"SUPPORTBOT_DATABASE_URL": databases.url_for(str(root / name)), "SUPPORTBOT_DATABASE_UPGRADE": "1"}
            measure(name, rows, args, root, env)
    finally:
        if databases is not None:
            databases.drop_all()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

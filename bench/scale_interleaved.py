"""bench/bench_scale.py `--interleave`: every configuration up at once, short phases taking turns.

    python bench/bench_scale.py --interleave 3 [--seconds 8] [--processes 2] [--tree main=/path/to/main's/code]

On a machine other sessions load, a run that measures SQLite first and PostgreSQL minutes later compares two
different machines (bench_scale's docstring: the ratio swung 0.53-1.01 on the same code). Here SQLite's one
process and PostgreSQL's `--processes` processes (and, with `--tree`, the same PostgreSQL configuration from
another copy of the code: each tree its own database and `vectors serve`) are started together on ports of
their own and left running; then each round runs a saturated phase of each configuration, one after the other
(the PostgreSQL ones in turn first and last from round to round), then an offered phase of each. Whatever
load the other sessions put on the machine falls on every side within seconds. A configuration's idle
processes cost little meanwhile (bench_scale: ~19 ms of CPU a second for two PostgreSQL processes at rest).

Prints each phase (msg/s, p50, p99, CPU a message of that configuration's processes and of their event loops alone, load average at its
start), then for each PostgreSQL configuration its saturated msg/s over the mean of the SQLite phases of the
same round, round by round and in all (goal >= 0.8), and p99 at the offered rate (goal <= 150 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_faults import environ
from bench.bench_scale import (
    STEADY,
    Figures,
    backends,
    cpu_by_pid,
    cpu_spent,
    offered,
    saturated,
    stop,
    wait_all_ready,
    with_children,
)
from bench.datasets import sample_cases
from bench.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parents[1]


@dataclass(slots=True)
class Side:
    name: str
    base: str
    pids: list[int]
    database: str | None = None  # PostgreSQL's URL: its backends count in the side's CPU
    vectors: int | None = None
    saturated: list[tuple[int, Figures, float, float]] = field(default_factory=list)  # (round, figures, CPU ms a message, load)
    offered: list[tuple[int, Figures, float]] = field(default_factory=list)
    loops: list[float] = field(default_factory=list)  # the serve processes' event loops' CPU ms a message, each saturated phase

    def parts(self) -> dict[str, list[int]]:
        if self.database is None:
            return {"serve and its Milvus Lite": with_children(self.pids)}
        return {"serve": self.pids, "vectors serve": [self.vectors or 0], "postgres": backends(self.database)}


def loop_seconds(pids: list[int]) -> float:
    """CPU seconds so far of these processes' main threads: a serve process's event loop."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def start_in(tree: Path, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`supportbot ARGS` from the code in `tree` (this interpreter's packages, that tree's `bot`)."""
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.app.cli.main", *args], cwd=tree, env=env | {"PYTHONPATH": str(tree)},
                                stdout=out, stderr=out)


async def run_interleaved(args: argparse.Namespace) -> None:
    questions = [c.question for c in sample_cases() if c.expect == "answer"]
    root = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    trees = {"branch": ROOT} | {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.tree)}
    ports = iter(range(args.first_port, args.first_port + 50))
    processes: list[subprocess.Popen[bytes]] = []
    sides: list[Side] = []
    print(f"interleaved: {args.interleave} rounds, {args.seconds:.0f} s a phase, saturated with {args.customers} customers, "
          f"offered {args.rate:.0f} msg/s; trees {', '.join(f'{k}={v}' for k, v in trees.items())}; data under {root}", flush=True)
    with contextlib.ExitStack() as stack:
        try:
            port = next(ports)
            server = start_in(ROOT, ["serve", "--port", str(port)], environ(root / "sqlite", **STEADY), root / "sqlite.log")
            processes.append(server)
            sides.append(Side("SQLite, 1 process", f"http://127.0.0.1:{port}", [server.pid]))
            logs = {sides[0].base: [root / "sqlite.log"]}
            for tree_name, tree in trees.items():
                url = stack.enter_context(scratch_database(scratch=str(root), postgres=True, prefix=args.db_prefix))
                url = url.replace("postgresql://", "postgresql+psycopg://", 1)
                vector_port, port = next(ports), next(ports)
                vectors = start_in(tree, ["vectors", "serve", "--port", str(vector_port)], environ(root / f"vectors-{tree_name}"),
                                   root / f"vectors-{tree_name}.log")
                processes.append(vectors)
                env = environ(root / f"pg-{tree_name}", SUPPORTBOT_DATABASE_URL=url, SUPPORTBOT_DATABASE_UPGRADE="1",
                              SUPPORTBOT_MILVUS_URI=f"http://127.0.0.1:{vector_port}", **STEADY)
                side = Side(f"PostgreSQL {args.processes}, {tree_name}", f"http://127.0.0.1:{port}", [], database=url, vectors=vectors.pid)
                side_logs = [root / f"pg-{tree_name}-{n}.log" for n in range(1, args.processes + 1)]
                for n, log in enumerate(side_logs):
                    serve = start_in(tree, ["serve", "--port", str(port)], env, log)
                    processes.append(serve)
                    side.pids.append(serve.pid)
                    if n == 0:  # the first ingests the help center and upgrades the schema alone
                        await wait_all_ready(side.base, side_logs[:1])
                sides.append(side)
                logs[side.base] = side_logs
            for side in sides:
                await wait_all_ready(side.base, logs[side.base])
                await saturated(side.base, questions, customers=8, seconds=args.warmup)
            await _rounds(sides, questions, args)
        finally:
            stop(processes)
    _summary(sides, args)


async def _rounds(sides: list[Side], questions: list[str], args: argparse.Namespace) -> None:
    sqlite, postgres = sides[0], sides[1:]
    for number in range(1, args.interleave + 1):
        turn = postgres if number % 2 else postgres[::-1]
        for phase in ([sqlite, *turn] if number % 2 else [*turn, sqlite]):
            load = os.getloadavg()[0]
            before, loop_before = cpu_by_pid(phase.parts()), loop_seconds(phase.pids)
            figures = await saturated(phase.base, questions, customers=args.customers, seconds=args.seconds)
            spent = cpu_spent(before, cpu_by_pid(phase.parts()))
            loop_ms = (loop_seconds(phase.pids) - loop_before) * 1000 / max(1, figures.replies)
            ms = sum(spent.values()) * 1000 / max(1, figures.replies)
            phase.saturated.append((number, figures, ms, load))
            phase.loops.append(loop_ms)
            print(f"round {number} saturated {phase.name:<24} {figures.rate:6.1f} msg/s p50 {figures.p50:6.0f} ms p99 {figures.p99:6.0f} ms "
                  f"CPU {ms:5.1f} ms a message ({', '.join(f'{k} {v * 1000 / max(1, figures.replies):.1f}' for k, v in spent.items())}; "
                  f"of it the event loops {loop_ms:.1f}); "
                  f"{figures.errors} errors; load {load:.1f}", flush=True)
        for phase in ([sqlite, *turn] if number % 2 else [*turn, sqlite]):
            load = os.getloadavg()[0]
            figures = await offered(phase.base, questions, rate=args.rate, seconds=args.seconds, conversations=args.conversations)
            phase.offered.append((number, figures, load))
            print(f"round {number} offered   {phase.name:<24} carried {figures.rate:6.1f} of {args.rate:.0f} msg/s p50 {figures.p50:6.0f} ms "
                  f"p99 {figures.p99:6.0f} ms; {figures.errors} errors, {figures.unsent} not sent; load {load:.1f}", flush=True)


def _summary(sides: list[Side], args: argparse.Namespace) -> None:
    sqlite = sides[0]
    base = {number: figures.rate for number, figures, _, _ in sqlite.saturated}
    for side in sides[1:]:
        ratios = [figures.rate / base[number] for number, figures, _, _ in side.saturated if base.get(number)]
        overall = sum(f.rate for _, f, _, _ in side.saturated) / max(1e-9, sum(f.rate for _, f, _, _ in sqlite.saturated))
        cpu = statistics.mean(ms for *_, ms, _ in side.saturated) if side.saturated else float("nan")
        sqlite_cpu = statistics.mean(ms for *_, ms, _ in sqlite.saturated) if sqlite.saturated else float("nan")
        print(f"{side.name}: saturated / SQLite's, by round {' / '.join(f'{r:.2f}' for r in ratios)}; in all {overall:.2f} (goal >= 0.8); "
              f"CPU a message {cpu:.1f} ms against SQLite's {sqlite_cpu:.1f} (CPU ratio {sqlite_cpu / cpu:.2f}); the event loops "
              f"{statistics.mean(side.loops):.1f} ms against {statistics.mean(sqlite.loops):.1f}")
    for side in sides:
        p99s = " / ".join(f"{f.p99:.0f} ms at {f.rate:.0f}/s" for _, f, _ in side.offered)
        print(f"{side.name}: p99 at {args.rate:.0f} msg/s offered, by round: {p99s} (goal <= 150 ms)")

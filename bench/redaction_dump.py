"""Every message bench/bench_redaction.py reads, redacted, one line each: to check that a change to the rules
changes no output (a speed-up must be invisible).

    python bench/redaction_dump.py OUT.tsv [--seed 1000] [--unseen 2000]
    diff before.tsv after.tsv

Each line is `set<TAB>index<TAB>digest<TAB>redacted` for the sets anyone may read (the presidio halves, the Faker
sentences, the ordinary sets with and without their knowledge base's terms, the dev PII files); the blind sets are
written as their digest only (a hash of the text, the redacted text and the entities), so the dump can be diffed
without anyone reading them. The digest covers the entities' kinds and offsets too, not only the redacted text.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import blind_sets
from bench.bench_redaction import kb_terms
from bench.blind_sets import parse_marked
from bench.datasets import ordinary_messages, presidio_records
from bench.unseen_pii import generate
from bot.core.config import DEFAULT_SPACY_MODEL
from policies.redaction import Redaction, SpacyRedactor

HERE = Path(__file__).resolve().parent


def digest(r: Redaction) -> str:
    entities = ";".join(f"{e.kind}:{e.start}:{e.end}" for e in r.entities)
    return hashlib.blake2b(f"{r.text}\0{r.redacted}\0{entities}".encode(), digest_size=10).hexdigest()


def dev_texts(path: Path) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [parse_marked(line)["full_text"] for line in lines]


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # Faker's sentences depend on the hash seed (bench_redaction.py)
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--unseen", type=int, default=2000)
    args = parser.parse_args()
    redactor = SpacyRedactor(model=DEFAULT_SPACY_MODEL)
    redactor.warm_up()
    open_sets: dict[str, list[str]] = {
        "presidio": [r["full_text"] for r in presidio_records()],
        f"unseen{args.seed}": [r["full_text"] for r in generate(n=args.unseen, seed=args.seed)],
    }
    open_sets |= {f"dev:{p.name}": dev_texts(p) for p in sorted(HERE.glob("dev_pii_messages*.txt"))}
    blind: dict[str, list[str]] = {"blind_q": blind_sets.blind_questions(), "blind_pii": [r["full_text"] for r in blind_sets.blind_pii_records()]}
    for name in dir(blind_sets):
        if name.startswith(("blind_questions_", "blind_pii_records_")):
            value = getattr(blind_sets, name)()
            blind[name] = [v["full_text"] if isinstance(v, dict) else v for v in value]
    terms = kb_terms()
    with args.out.open("w", encoding="utf-8") as out:
        def write(name: str, texts: list[str], *, shown: bool, tenant: str | None = None) -> None:
            for i, r in enumerate(redactor.redact_batch(texts, tenant=tenant)):
                out.write(f"{name}\t{i}\t{digest(r)}" + (f"\t{r.redacted!r}\n" if shown else "\n"))

        for name, texts in open_sets.items():
            write(name, texts, shown=True)
        for name, texts in ordinary_messages().items():
            write(f"ordinary:{name}", texts, shown=True)
            if name in terms:
                redactor.use_terms(lambda _t, n=name: terms[n])
                write(f"ordinary:{name}+terms", texts, shown=True, tenant="bench")
                redactor.use_terms(None)
        for name, texts in sorted(blind.items()):
            write(name, texts, shown=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

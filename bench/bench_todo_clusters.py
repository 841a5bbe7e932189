"""How well the help center's to-do list (bot/engine/help_todo.py) groups questions by meaning.

CLINC150 (CC BY 3.0, /work/shared/data/clinc150): questions labelled with one of 150 intents. A to-do
list of a few hundred wordings is simulated as INTENTS intents x PER utterances. The cosine threshold
is chosen on the train split (intents 0..74, the best pairwise F1) and reported on the test split's
utterances of the other intents (75..149), which the choice never saw. Pairwise precision: of the
pairs put in one group, the share with the same intent; recall: of the same-intent pairs, the share
put in one group.

    python -m bench.bench_todo_clusters
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

from bench.datasets import CLINC_JSON
from bot.engine.help_todo import clusters
from knowledge.embedding import FastEmbedder

INTENTS, PER = 30, 10
THRESHOLDS = [round(0.20 + 0.05 * n, 2) for n in range(13)]


def sample(split: list[list[str]], intents: list[str], rng: random.Random) -> list[tuple[str, str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in split:
        if intent in intents:
            by_intent[intent].append(text)
    chosen = rng.sample(intents, INTENTS)
    return [(text, intent) for intent in chosen for text in rng.sample(by_intent[intent], PER)]


def pairwise(items: list[tuple[str, str]], vectors: np.ndarray, similar: float) -> tuple[float, float, float, int]:
    found = clusters(vectors, similar=similar)
    assigned = {i: n for n, members in enumerate(found) for i in members}
    same_group = same_intent = both = 0
    for (a, (_, ia)), (b, (_, ib)) in combinations(enumerate(items), 2):
        g, s = assigned[a] == assigned[b], ia == ib
        same_group += g
        same_intent += s
        both += g and s
    precision = both / same_group if same_group else 1.0
    recall = both / same_intent if same_intent else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(found)


def main() -> None:
    data = json.loads(Path(CLINC_JSON).read_text())
    intents = sorted({intent for _, intent in data["train"]})
    rng = random.Random(7)
    tune = sample(data["train"], intents[:75], rng)
    held = sample(data["test"], intents[75:], rng)
    with tempfile.TemporaryDirectory() as cache:
        embedder = FastEmbedder(cache_dir=Path(cache))
        tune_vectors = embedder.embed([t for t, _ in tune])
        held_vectors = embedder.embed([t for t, _ in held])
    print(f"{INTENTS} intents x {PER} questions; threshold chosen on train intents 0-74, reported on test intents 75-149")
    best = max(THRESHOLDS, key=lambda t: pairwise(tune, tune_vectors, t)[2])
    for t in THRESHOLDS:
        p, r, f, n = pairwise(tune, tune_vectors, t)
        print(f"tune  cosine {t:.2f}: precision {p:.3f} recall {r:.3f} F1 {f:.3f} groups {n}{'  <- chosen' if t == best else ''}")
    p, r, f, n = pairwise(held, held_vectors, best)
    print(f"held-out at {best:.2f}: precision {p:.3f} recall {r:.3f} F1 {f:.3f} groups {n} (true {INTENTS})")


if __name__ == "__main__":
    main()

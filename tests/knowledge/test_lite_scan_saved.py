"""The lists over a large segment's 8-bit copy (knowledge/lite_scan.py) made while the store loads, and saved
beside the segment's index file: a restart answers its first search from them without making them again
(making them kept the first question after a start waiting: 8.7 s against 2.4 s at 100,000 chunks), and a
segment whose vectors are not the ones the saved lists were made from never uses them. Real Milvus Lite on
disk, each start a process of its own (as `serve` starts its Milvus child)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DIM = 32
ROWS = 2400

START = r"""
import json, sys
import numpy as np, faiss
from knowledge import lite_live, lite_patches, lite_scan
lite_live.install(); lite_patches.install()
lite_scan.MIN_ROWS = lite_scan.APPROX_ROWS = 1000  # the thresholds of a 100,000-chunk store, at a test's size
lite_scan.PROBES = 4
made = []
library = lite_scan.ScanCopy._make_lists
lite_scan.ScanCopy._make_lists = lambda self, *args: (made.append(len(self.vectors)), library(self, *args))[1]
from knowledge.chunking import Chunk
from knowledge.store import DENSE_COLLECTION, MilvusStore
uri, seed, questions = sys.argv[1], int(sys.argv[2]), np.asarray(json.loads(sys.argv[3]), dtype=np.float32)
store = MilvusStore(uri=uri, dim=questions.shape[1])
store.open()
if seed >= 0:  # a new store: its rows, flushed, then loaded again as a start loads it (the vectors mapped from their files)
    vectors = np.load(sys.argv[4])
    chunks = [Chunk(id=f"c{n}", doc_id=f"d{n}", source=f"{n}.md", title=f"Article {n}", url=None, heading="", text=f"words {n}",
                    position=0) for n in range(len(vectors))]
    store.insert(tenant="acme", access="public", chunks=chunks, dense=vectors, title_dense=vectors, lead_dense=vectors)
    store.flush()
    store._client.release_collection(DENSE_COLLECTION)
    store._client.load_collection(DENSE_COLLECTION)
made_on_load = list(made)
faiss.cvar.indexIVF_stats.reset()
hits = store._client.search(DENSE_COLLECTION, data=questions.tolist(), anns_field="blend", limit=10, filter='tenant == "acme"',
                            output_fields=["id"])
compared = int(faiss.cvar.indexIVF_stats.ndis)
store.close()
print(json.dumps({"made_on_load": made_on_load, "made": made, "compared": compared,
                  "hits": [[[h["id"], h["distance"]] for h in found] for found in hits]}))
"""


def _vectors(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((60, DIM)).astype(np.float32)
    vectors = centres[rng.integers(0, 60, ROWS)] + 0.3 * rng.standard_normal((ROWS, DIM)).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _start(uri: Path, questions: np.ndarray, vectors: np.ndarray | None = None, tmp: Path | None = None) -> dict:
    args = [str(uri), "-1", json.dumps(questions.tolist())]
    if vectors is not None:
        assert tmp is not None
        np.save(tmp / "vectors.npy", vectors)
        args = [str(uri), "0", json.dumps(questions.tolist()), str(tmp / "vectors.npy")]
    done = subprocess.run([sys.executable, "-c", START, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _questions(vectors: np.ndarray) -> np.ndarray:
    """Questions near some of the store's rows."""
    rng = np.random.default_rng(9)
    return (vectors[rng.integers(0, ROWS, 6)] + 0.2 * rng.standard_normal((6, DIM)) / np.sqrt(DIM)).astype(np.float32)


def _recall(vectors: np.ndarray, questions: np.ndarray, found: dict) -> list[int]:
    """Per question, how many of its 10 hits score at least the exact search's 10th best."""
    kept = []
    for question, hits in zip(questions, found["hits"], strict=True):
        tenth = np.sort(vectors @ question)[::-1][9]
        scores = [float(vectors[int(pk[1:])] @ question) for pk, _ in hits]
        kept.append(sum(score >= tenth - 1e-5 for score in scores))
    return kept


def _saved(uri: Path) -> list[Path]:
    return sorted(uri.glob("**/chunks_v4_dense/**/indexes/*.lists"))


def test_a_restart_reads_the_saved_lists_and_a_changed_segment_never_uses_them(tmp_path: Path) -> None:
    first = _vectors(1)
    questions = _questions(first)
    uri = tmp_path / "one" / "milvus.db"
    uri.parent.mkdir()
    made = _start(uri, questions, first, tmp_path)
    # the lists were made while the collection loaded, so its first search already read a few lists, not every code
    assert made["made_on_load"] == [ROWS]
    assert 0 < made["compared"] <= len(questions) * ROWS / 2
    assert len(_saved(uri)) == 1

    restarted = _start(uri, questions)
    assert restarted["made"] == []  # read from beside the segment, not made again
    assert 0 < restarted["compared"] <= len(questions) * ROWS / 2
    assert restarted["hits"] == made["hits"]
    assert min(_recall(first, questions, restarted)) >= 9

    # another store, its segment named as the first one's, with the first one's saved lists beside it (stale)
    second = _vectors(2)
    questions = _questions(second)
    other = tmp_path / "two" / "milvus.db"
    other.parent.mkdir()
    _start(other, questions, second, tmp_path)
    (stale,) = _saved(uri)
    (own,) = _saved(other)
    assert stale.name == own.name
    shutil.copyfile(stale, own)
    again = _start(other, questions)
    assert again["made_on_load"] == [ROWS]  # made again from its own vectors, and saved in place of the stale ones
    assert min(_recall(second, questions, again)) >= 9
    assert _start(other, questions)["made"] == []


def test_saved_lists_of_a_segment_gone_are_removed(tmp_path: Path) -> None:
    """A compaction replaces segments: the saved lists of an index file that is gone are removed when others
    are saved, so they do not pile up beside the store."""
    from knowledge import lite_memory, lite_scan

    gone = tmp_path / "data_000001_001000.blend.flat.idx.lists"
    gone.write_bytes(b"{}\n")
    rng = np.random.default_rng(4)
    path = tmp_path / "data_001001_013000.blend.npy"
    np.save(path, rng.standard_normal((12_000, DIM)).astype(np.float32))
    copy = lite_scan.scan_copy(lite_memory.mapped_vectors(str(path)), now=True)
    assert copy is not None and copy.ivf is not None
    assert sorted(p.name for p in tmp_path.glob("*.lists")) == [f"{path.name}.lists"]

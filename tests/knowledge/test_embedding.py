"""The bundled MiniLM: re-quantized for int8 kernels once into the model cache, close to the model
as shipped, and the model as shipped when re-quantizing fails (the fingerprint tells them apart)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from knowledge import embedding
from knowledge.embedding import FastEmbedder, _assemble_bundled

TEXTS = [
    "how do I reset my password?",
    "Can I pay by invoice?",
    "Owners find every invoice under Settings, Billing, Invoices, as PDF.",
    "Is the COVID-19 virus found in feces?",
]


def test_the_re_quantized_model_embeds_like_the_shipped_one(tmp_path: Path) -> None:
    root_level = logging.getLogger().level
    fast = FastEmbedder(cache_dir=tmp_path / "fast")
    fast.warm_up()
    assert logging.getLogger().level == root_level  # quantizing quietly must not silence the app's logs
    assert (tmp_path / "fast" / "all-MiniLM-L6-v2-q8" / "model.onnx").is_file()
    shipped = FastEmbedder(model=str(_assemble_bundled(tmp_path / "shipped", as_shipped=True)), cache_dir=tmp_path / "shipped")
    cosines = (fast.embed(TEXTS) * shipped.embed(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.97 and cosines.mean() > 0.99
    again = FastEmbedder(cache_dir=tmp_path / "fast")  # the cached file is reused: same vectors
    assert np.allclose(again.embed(TEXTS), fast.embed(TEXTS))
    assert fast.fingerprint != shipped.fingerprint


def test_when_re_quantizing_fails_the_shipped_model_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(source: Path, target: Path) -> bool:
        return False

    monkeypatch.setattr(embedding, "_integer_kernels", broken)
    plain = FastEmbedder(cache_dir=tmp_path)
    plain.warm_up()
    assert plain.fingerprint.endswith("/all-MiniLM-L6-v2-int8")
    assert plain.embed(TEXTS).shape == (len(TEXTS), 384)


def test_a_texts_vector_does_not_depend_on_what_is_embedded_beside_it(tmp_path: Path) -> None:
    """Concurrent questions share embedding calls: none may change another's answer."""
    embedder = FastEmbedder(cache_dir=tmp_path)
    alone = np.stack([embedder.embed([text])[0] for text in TEXTS])
    beside_a_long_one = embedder.embed([*TEXTS, "Invoices, refunds and plan changes, explained at length. " * 12])[: len(TEXTS)]
    assert np.array_equal(alone, beside_a_long_one)

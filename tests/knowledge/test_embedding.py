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


def test_a_long_list_is_embedded_on_every_core_in_order_with_each_texts_own_vector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest's batch is spread over parallel calls (one per core): every vector in its place, each the
    same as the text's vector alone."""
    monkeypatch.setattr(embedding, "usable_cores", lambda: 3)
    embedder = FastEmbedder(cache_dir=tmp_path)
    texts = [f"{text} ({n})" for n in range(10) for text in TEXTS]  # 40: past PARALLEL_FROM
    assert len(texts) >= embedding.PARALLEL_FROM
    together = embedder.embed(texts)
    assert embedder._pool is not None and embedder._workers == 3  # noqa: SLF001 - it went the parallel way
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    assert np.array_equal(alone, together)


async def test_a_model_of_another_width_builds_its_store_and_an_old_store_refuses_it_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`SUPPORTBOT_EMBEDDING_MODEL` naming a model whose vectors are not 384 wide: the store is built with
    the loaded model's width (it was built with 384 before the model loaded, and the first ingest failed:
    "expected dim 384, got 768"). A store built by another model says so at start, naming both widths.
    The wider model here is the bundled one with each vector written twice (768 numbers, the same cosines)."""
    import numpy as np

    from bot.app.composition import build_services
    from bot.core.errors import ConfigError
    from bot.core.records import Identity
    from knowledge.embedding import FastEmbedder
    from tests.conftest import make_settings

    narrow = FastEmbedder.embed
    monkeypatch.setattr(FastEmbedder, "embed", lambda self, texts: np.hstack([narrow(self, texts)] * 2) / np.sqrt(2))
    settings = make_settings(tmp_path / "data")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "printing.md").write_text("# Printing a board\n\nTo print a board, open it and choose File → Print, then the paper size.\n")
    services = build_services(settings)
    try:
        services.start(sample=False)
        assert services.embedder.dim == 768
        services.ingestor.ingest([docs], tenant="default", display_base=tmp_path)
        services.after_ingest("default")
        result = await services.assistant.ask("how do I print a board?", identity=Identity(tenant="default", user="v"))
        offered = [c.source for c in result.citations] + [o.source for o in result.options]
        assert offered and "printing" in offered[0], result
    finally:
        services.close()
    monkeypatch.setattr(FastEmbedder, "embed", narrow)
    again = build_services(settings)
    try:
        with pytest.raises(ConfigError, match="768-dimension vectors, but the embedding model gives 384"):
            again.start(sample=False)
    finally:
        again.close()


def test_processes_sharing_one_model_cache_each_get_the_whole_model(tmp_path: Path) -> None:
    """SUPPORTBOT_MODEL_CACHE shared by several processes starting at once (serve processes, parallel test
    workers): each writes its own scratch files and renames them into place, so none reads a half-written
    model or tokenizer, and the cache holds no scratch file afterwards. Four processes, one fresh cache."""
    import subprocess
    import sys

    cache = tmp_path / "shared"
    code = (
        "import sys; from pathlib import Path; from knowledge.embedding import FastEmbedder; "
        "e = FastEmbedder(cache_dir=Path(sys.argv[1])); e.warm_up(); print(e.fingerprint); print(repr(e.embed(['how do I reset my password?'])[0][:4].tolist()))"
    )
    root = Path(__file__).resolve().parents[2]
    runs = [subprocess.Popen([sys.executable, "-c", code, str(cache)], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    assert not any("kept as shipped" in err for _, err in outputs), [err for _, err in outputs]  # every one re-quantized or read it whole
    assert len({out for out, _ in outputs}) == 1, outputs  # the same model and the same vector in each
    assert outputs[0][0].split()[0].endswith("all-MiniLM-L6-v2-q8")
    left = [p.name for p in cache.rglob("*") if p.name.startswith(".")]
    assert not left, left

"""The embed stage's batches: each question's vector goes on as soon as it is made, and is the vector of
that text alone (one model call a text, knowledge/embedding.py CALL_BATCH)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.engine.stages import EmbedStage
from knowledge.embedding import FastEmbedder
from tests.conftest import make_settings


class HeldBack:
    """The real model, with one text held back until the test lets it go (a slow call in a batch)."""

    def __init__(self, model: FastEmbedder, slow: str) -> None:
        self.model, self.slow, self.go = model, slow, threading.Event()

    def warm_up(self) -> None:
        self.model.warm_up()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.slow in texts:
            self.go.wait(10)
        return self.model.embed(texts)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> FastEmbedder:
    settings = make_settings(Path(tmp_path_factory.mktemp("embed")) / "data")
    embedder = FastEmbedder(model=settings.embedding_model, cache_dir=settings.data_dir / "models")
    embedder.warm_up()
    return embedder


async def test_a_question_does_not_wait_for_the_rest_of_its_batch(model: FastEmbedder) -> None:
    held = HeldBack(model, slow="can I pay by invoice?")
    stage = EmbedStage(embedder=held)  # type: ignore[arg-type]
    texts = ["how do I reset my password?", "where is my order?", "can I export my data?", "can I pay by invoice?"]
    first = asyncio.create_task(stage.vector_of(texts[0]))  # the lone first one goes at once; the rest queue behind it
    await asyncio.sleep(0.05)
    queued = [asyncio.create_task(stage.vector_of(text)) for text in texts[1:]]
    await asyncio.wait_for(first, 10)
    await asyncio.wait_for(asyncio.gather(*queued[:2]), 5)  # made before their batch's held-back last text
    assert not queued[2].done()
    held.go.set()
    vectors = [await first, *(await asyncio.gather(*queued))]
    for text, vector in zip(texts, vectors, strict=True):
        assert np.array_equal(vector, model.embed([text])[0])  # each its own call: the same vector as alone

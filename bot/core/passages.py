"""The records retrieval hands on: a chunk of a document, a retrieved passage of it, a knowledge
base's score levels (`Profile`), and how alike two passages are (`same_article`, `kin`).

They live in the ground layer because the knowledge adapter makes them and others read them: the
confidence gate (policies/confidence.py), the router (policies/routing.py) and the turn
(bot/core/records.py). knowledge/chunking.py, knowledge/retrieval.py and knowledge/profile.py
re-export them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n{2,}|\n(?=[-*\d])")
# sentence windows a chunk's sentence view keeps at most (`Chunk.sentence_texts`): a 900-character chunk
# has about 4-12 sentences; a longer list pairs its lines without overlap, then stops here
MAX_WINDOWS = 16


def sentences_of(text: str) -> list[str]:
    """The sentences of a passage, a list's lines each one."""
    out: list[str] = []
    for unit in SENTENCE_END.split(text.strip()):
        if unit and unit.strip():
            out += [line.strip() for line in unit.split("\n") if line.strip()]
    return out


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    doc_id: str
    source: str
    title: str
    url: str | None
    heading: str  # heading path joined with " › "
    text: str
    position: int

    @property
    def embed_text(self) -> str:
        """What the dense vector sees: title and heading give short passages their topic."""
        parts = [self.title]
        if self.heading:
            parts.append(self.heading)
        parts.append(self.text)
        return "\n".join(parts)

    @property
    def heading_text(self) -> str:
        return f"{self.title} › {self.heading}" if self.heading else self.title

    @property
    def lead_text(self) -> str:
        """What the lead vector sees: the title and heading with the passage's first sentence, which in
        an FAQ answer or a help section usually says what the passage is about in other words."""
        first = SENTENCE_END.split(self.text.strip(), maxsplit=1)[0].strip()
        return f"{self.heading_text}\n{first}" if first else self.heading_text

    @property
    def sentence_texts(self) -> tuple[str, ...]:
        """What the sentence vectors see: the title and heading with each two consecutive sentences of
        the passage (one window per sentence but the last; a passage of one sentence, one window). A
        question about one sentence deep inside a passage that covers several topics ("what can a read
        only user do" of a page on users, roles, invitations and prices) is close to that sentence and
        far from the passage's one body vector, which averages the topics and stops at 128 word pieces.
        Windows of two with the heading were chosen on the TUNE split among one or two sentences, with or
        without the heading (bench/bench_answers.py)."""
        said = sentences_of(self.text)
        if len(said) <= 1:
            return (f"{self.heading_text}\n{said[0]}",) if said else ()
        step = 1 if len(said) - 1 <= MAX_WINDOWS else 2
        pairs = [" ".join(said[n : n + 2]) for n in range(0, len(said) - 1, step)]
        return tuple(f"{self.heading_text}\n{pair}" for pair in pairs[:MAX_WINDOWS])


@dataclass(frozen=True, slots=True)
class Passage:
    chunk: Chunk
    score: float  # rank agreement, 0..1 relative to a passage first in every list
    dense: float
    title: float
    lexical: float
    lead: float = 0.0
    # the ordering score (weighted cosines and scaled BM25): the gap between two documents' values is
    # what says whether the evidence is split between them (policies/confidence.py)
    relevance: float = 0.0
    coverage: float = 0.0  # `coverage`
    named: float = 0.0  # `name_coverage`
    sentence: float = 0.0  # the best cosine of the question to one of the chunk's sentence windows (`Chunk.sentence_texts`)
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # the chunk's dense vector (`Hit.vector`)

    @property
    def source(self) -> str:
        return self.chunk.source

    @property
    def similarity(self) -> float:
        """Best cosine of the question to this passage: its body, its title, its lead (title, heading and
        first sentence, `Chunk.lead_text`) or its best sentence window (`Chunk.sentence_texts`). The lead
        counts since a question about one part of a short article that covers several ("how much is the X
        plan" of a page on all plans and billing) is closest to where that part starts, while the body's one
        vector averages the whole page (and stops at 128 word pieces). Chosen on the TUNE split
        (bench/bench_answers.py records, `min_dense` unchanged): TUNE right 0.661 -> 0.667, each KB's TUNE
        from a fit on the other two 0.670 -> 0.675, answered wrong and off-topic answered unchanged;
        reported: REPORT 0.653 -> 0.658, held out 0.686 -> 0.692. The sentence windows count for the same
        reason, deeper in the passage; chosen on TUNE the same way (2026-12-04): TUNE right 0.667 -> 0.678,
        each KB's TUNE from a fit on the other two 0.675 -> 0.695, answered wrong unchanged (0.034; 0.040),
        off-topic answered 0.017 -> 0.020; reported: REPORT 0.658 -> 0.661, held out 0.692 -> 0.706."""
        return max(self.dense, self.title, self.lead, self.sentence)


# two chunks whose dense vectors are this alike say the same thing (an FAQ row and its article);
# chosen on the TUNE split with bench/bench_answers.py
NEAR_DUPLICATE = 0.8
# `kin` of a document of the same article as the top one (`same_article`): another chunk of it, or an FAQ row of it
SAME_ARTICLE = 0.999


@dataclass(frozen=True, slots=True)
class Profile:
    background: float = 0.0  # median ordering score of the best other, different document for a title asked as a question
    spread: float = 0.0  # its interquartile range
    # median ordering score of the asked document itself (a right answer's level here; 0: not measured)
    foreground: float = 0.0
    probes: int = 0


def same_article(a: Chunk, b: Chunk) -> bool:
    """The same document, or an FAQ row and the article of the knowledge base it links to.

    A row of a table (its source has a "#row" part) whose URL is the URL of a whole document (a file)
    summarises that document: in the sample help center, "Is there a free trial?" and the plans
    article. Rows that merely share a URL with each other are different answers (COVID-QA: 36 rows
    link to one CDC page)."""
    if a.doc_id == b.doc_id:
        return True
    if not a.url or a.url != b.url:
        return False
    return "#" not in a.source or "#" not in b.source


def kin(passages: Sequence[Passage]) -> tuple[float, ...]:
    """How alike each passage is to the first: 1.0 for the same article (`same_article`), else the
    cosine of their chunks (0.0 without vectors)."""
    if not passages:
        return ()
    top = passages[0]

    def alike(p: Passage) -> float:
        if same_article(p.chunk, top.chunk):
            return 1.0
        return float(p.vector @ top.vector) if p.vector is not None and top.vector is not None else 0.0

    return tuple(alike(p) for p in passages)

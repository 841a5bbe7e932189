"""Split documents into retrievable chunks along headings, with size limits and overlap."""

from __future__ import annotations

import hashlib

from bot.core.passages import SENTENCE_END as _SENTENCE_END
# the chunk record lives in the ground layer (the confidence gate and the turn read it); re-exported here
from bot.core.passages import Chunk as Chunk
from knowledge.loaders import SourceDoc

# Chunking parameters, and the texts a chunk's vectors see, are part of what a chunk *is*: change
# them and every document re-embeds. 2: the lead view (`Chunk.lead_text`); 3: the sentence windows
# (`Chunk.sentence_texts`).
CHUNKER_VERSION = "3"
MAX_CHARS = 900
OVERLAP_CHARS = 150
MIN_CHARS = 200  # sections shorter than this merge into the next one under the same top heading


def chunk_id_for(*, doc_id: str, position: int, title: str, url: str | None, heading: str, text: str) -> str:
    """A chunk's id names its content: one id never stands for two different chunks, so a reader may
    keep what it fetched by id for as long as it likes (knowledge/store.py does)."""
    key = "\0".join((doc_id, str(position), title, url or "", heading, text))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def doc_id_for(*, tenant: str, source: str) -> str:
    return hashlib.sha256(f"{tenant}\0{source}".encode()).hexdigest()[:32]


def split_text(text: str, *, max_chars: int = MAX_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Split on sentence and list boundaries into pieces of at most ~max_chars, overlapping."""
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    units = [u.strip() for u in _SENTENCE_END.split(text) if u and u.strip()]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        while len(unit) > max_chars:  # a single run-on "sentence": hard split on whitespace
            cut = unit.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            units_head, unit = unit[:cut].strip(), unit[cut:].strip()
            if current:
                pieces.append(" ".join(current))
                current, size = [], 0
            pieces.append(units_head)
        if size + len(unit) + 1 > max_chars and current:
            pieces.append(" ".join(current))
            tail: list[str] = []
            tail_size = 0
            for previous in reversed(current):  # carry the last sentences over as overlap
                if tail_size + len(previous) > overlap:
                    break
                tail.insert(0, previous)
                tail_size += len(previous) + 1
            current, size = tail, tail_size
        current.append(unit)
        size += len(unit) + 1
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_document(doc: SourceDoc, *, tenant: str) -> list[Chunk]:
    doc_id = doc_id_for(tenant=tenant, source=doc.source)
    merged: list[tuple[tuple[str, ...], str]] = []
    for section in doc.sections:
        if merged and len(merged[-1][1]) < MIN_CHARS and merged[-1][0][:1] == section.heading[:1]:
            heading, text = merged[-1]
            joined_heading = heading if heading else section.heading
            sub = " / ".join(section.heading[len(heading):]) if section.heading != heading else ""
            merged[-1] = (joined_heading, f"{text}\n{sub + ': ' if sub else ''}{section.text}")
        else:
            merged.append((section.heading, section.text))
    chunks: list[Chunk] = []
    for heading, text in merged:
        for piece in split_text(text):
            position = len(chunks)
            path = " › ".join(heading)
            chunks.append(
                Chunk(
                    id=chunk_id_for(doc_id=doc_id, position=position, title=doc.title, url=doc.url, heading=path, text=piece),
                    doc_id=doc_id,
                    source=doc.source,
                    title=doc.title,
                    url=doc.url,
                    heading=path,
                    text=piece,
                    position=position,
                )
            )
    return chunks

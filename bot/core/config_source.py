"""Where settings come from: the environment over the optional settings file (`supportbot.toml`, or
the file SUPPORTBOT_CONFIG names), read with types. A bad value stops the start with one line naming
the setting and where it was set; a name in the file that no setting reads is a typo, refused.

Only bot/core/config.py (the one place that reads the environment) and the value readers it calls
(bot/core/config_values.py) use this.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.errors import ConfigError

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
T = TypeVar("T")


class SettingsSource:
    """The environment over the optional settings file (same names; the environment wins), with typed
    reads whose errors name the setting and where it was set: no traceback for a bad value."""

    def __init__(self, values: dict[str, str], *, file: Path | None = None, from_file: frozenset[str] = frozenset()) -> None:
        self._values = values
        self._file = file
        self._from_file = from_file
        self._asked: set[str] = set()

    @classmethod
    def load(cls, env: dict[str, str]) -> SettingsSource:
        path = Path(env.get("SUPPORTBOT_CONFIG") or "supportbot.toml")
        if not path.is_file():
            if env.get("SUPPORTBOT_CONFIG"):
                problem = "is a folder, not a file" if path.is_dir() else "does not exist"
                raise ConfigError(f"settings file {path} (SUPPORTBOT_CONFIG) {problem}")
            return cls(env)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
        file_values = {str(k).upper(): _as_text(v) for k, v in data.items()}
        set_here = {k: v for k, v in env.items() if v}  # an empty variable is unset, as everywhere else
        return cls(file_values | set_here, file=path.resolve(), from_file=frozenset(set(file_values) - set(set_here)))

    def get(self, name: str) -> str | None:
        self._asked.add(name)
        value = self._values.get(name)
        return value if value else None

    def where(self, name: str) -> str:
        return f"in {self._file}" if name in self._from_file else "in the environment"

    def bad(self, name: str, problem: str) -> ConfigError:
        return ConfigError(f"{name} {self.where(name)} {problem}, got {self._values.get(name)!r}")

    def typed(self, name: str, parse: Callable[[str], T]) -> T | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return parse(value)
        except (ValueError, ConfigError) as exc:
            raise self.bad(name, str(exc).removeprefix(f"{name} ")) from None

    def flag(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if value.strip().lower() in TRUE_WORDS:
            return True
        if value.strip().lower() in FALSE_WORDS:
            return False
        raise self.bad(name, "must be true or false (1/0, yes/no, on/off)")

    def number(self, name: str, default: float, *, zero: bool = False) -> float:
        value = self.get(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise self.bad(name, "must be a number") from None
        if not math.isfinite(number) or number < 0 or (number == 0 and not zero):
            raise self.bad(name, "must be zero or more" if zero else "must be more than zero")
        return number

    def whole(self, name: str, default: int, *, high: int | None = None) -> int:
        value = self.get(name)
        if value is None:
            return default
        problem = f"must be a whole number from 1 to {high}" if high else "must be a whole number, 1 or more"
        try:
            number = int(value)
        except ValueError:
            raise self.bad(name, problem) from None
        if number < 1 or (high is not None and number > high):
            raise self.bad(name, problem)
        return number

    def refuse_unknown_file_keys(self) -> None:
        """A name in the settings file that no setting reads is a typo, not a no-op."""
        unknown = sorted(k for k in self._from_file if k not in self._asked)
        if unknown:
            # the known names are some seventy: the likely one first ("SUPPORTBOT_PROT": SUPPORTBOT_PORT)
            meant = [m for k in unknown for m in difflib.get_close_matches(k, sorted(self._asked), n=1, cutoff=0.8)]
            hint = f" (did you mean {', '.join(meant)}?)" if meant else ""
            raise ConfigError(
                f"unknown setting(s) {', '.join(map(repr, unknown))} in {self._file}{hint}; known: {', '.join(sorted(self._asked))}"
            )


def _as_text(value: Any) -> str:
    """A settings-file value as the environment would spell it: TOML booleans, numbers and tables
    typed in the file become the same text (`false`, `8080`, JSON for a table such as SUPPORTBOT_PRICES)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)

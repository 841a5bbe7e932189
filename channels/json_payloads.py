"""Webhook bodies decoded for storage: what Slack's and Telegram's webhooks share.

JSON allows a lone surrogate (`"\\ud800"`) that no database stores, and nesting as deep as a client
likes; a platform's own payloads have neither, so a body with them is someone else's."""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DEPTH = 64  # far deeper than any Slack payload (blocks in a message in a view) or Telegram update
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(value: Any, depth: int = 0) -> Any:
    """`value` with lone surrogates as U+FFFD; ValueError if nested deeper than MAX_DEPTH or holding
    a number that is not finite (`1e999` parses as infinity)."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k, depth + 1): storable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    return value

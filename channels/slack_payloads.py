"""What reaches bolt from `/slack/events`: a signed request whose body is a Slack payload of the
shape bolt and our listeners read, or nothing (the caller answers 401 or 400).

Bolt reads fields such as `event`, `user`, `team` and `channel` with `.get` and trusts their types:
a signed `{"event": [1]}` made it raise and the webhook answer 500, which Slack retries. So the
fields bolt and the listeners read are checked here once, and text that can't be stored (a lone
UTF-16 surrogate such as `\\ud800`, which JSON allows and SQLite refuses) becomes U+FFFD.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from channels.json_payloads import storable

MAX_AGE = 5 * 60  # seconds, as bolt and Slack's SDK: an older signature may be a replay
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")

# the fields bolt's context extraction and our listeners read, with the types they can handle
_TOP_STR = ("type", "team_id", "enterprise_id", "api_app_id", "event_id", "user_id", "channel_id", "thread_ts",
            "context_team_id", "context_enterprise_id", "response_url", "trigger_id", "function_execution_id", "challenge", "token")
_TOP_DICT = ("event", "view", "message", "previous_message", "item", "assistant_thread", "function_data", "container")
_TOP_DICT_OR_STR = ("user", "team", "channel", "enterprise")
_TOP_LIST_OF_DICTS = ("authorizations", "actions", "response_urls")
_EVENT_STR = ("type", "subtype", "channel_type", "text", "ts", "thread_ts", "event_ts", "bot_id", "team", "user_team",
              "client_msg_id", "source_team", "user_id")
_MESSAGE_EVENT_STR = ("user", "channel")  # dicts in some other event kinds (user_change, channel_created)
_ACTION_STR = ("action_id", "value", "action_ts", "block_id", "type")


@dataclass(frozen=True, slots=True)
class SlackRequest:
    body: str  # what bolt gets: the payload, re-encoded as it came (JSON, or a form)
    payload: dict[str, Any]


def signed(raw: bytes, headers: Mapping[str, str], *, secret: str, now: float | None = None) -> bool:
    """Slack's v0 signature over the raw body, checked without trusting the headers' format
    (`X-Slack-Request-Timestamp: abc` is simply unsigned, not an error)."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not _TIMESTAMP.match(timestamp) or not signature.isascii():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def parse(raw: bytes, content_type: str) -> SlackRequest | None:
    """The signed body as a payload bolt can take, or None when it is no Slack payload (say 400)."""
    try:
        text = raw.decode("utf-8")
        if content_type == "application/json":
            payload = storable(json.loads(text))
            body = json.dumps(payload)
        else:
            form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True, strict_parsing=False).items()}
            if "payload" in form:
                payload = storable(json.loads(form["payload"]))
                body = urlencode({**form, "payload": json.dumps(payload)})
            elif "command" in form or "ssl_check" in form:
                payload = storable(form)
                body = urlencode(payload)
            else:
                return None
    except (ValueError, RecursionError):  # not UTF-8 or JSON, numbers past int's digit limit, too deep
        return None
    if not isinstance(payload, dict) or _shape_error(payload) is not None:
        return None
    return SlackRequest(body=body, payload=payload)




def _shape_error(payload: dict[str, Any]) -> str | None:
    for key in _TOP_STR:
        if not isinstance(payload.get(key), str | None):
            return key
    for key in _TOP_DICT:
        if not isinstance(payload.get(key), dict | None):
            return key
    for key in _TOP_DICT_OR_STR:
        if not isinstance(payload.get(key), dict | str | None):
            return key
    for key in _TOP_LIST_OF_DICTS:
        items = payload.get(key)
        if items is not None and not (isinstance(items, list) and all(isinstance(i, dict) for i in items)):
            return key
    for item in payload.get("actions") or ():
        if any(not isinstance(item.get(k), str | None) for k in _ACTION_STR):
            return "actions"
    for key in ("user", "team", "channel"):
        part = payload.get(key)
        if isinstance(part, dict) and any(not isinstance(part.get(k), str | None) for k in ("id", "team_id", "name")):
            return key
    event = payload.get("event")
    if event is None:
        return None
    if not isinstance(event.get("type"), str):
        return "event.type"
    for key in _EVENT_STR:
        if not isinstance(event.get(key), str | None):
            return f"event.{key}"
    if event["type"] in {"message", "app_mention"}:
        for key in _MESSAGE_EVENT_STR:
            if not isinstance(event.get(key), str | None):
                return f"event.{key}"
    files = event.get("files")
    if files is not None and not (isinstance(files, list) and all(isinstance(f, dict) for f in files)):
        return "event.files"
    for key in ("message", "previous_message", "edited"):
        if not isinstance(event.get(key), dict | None):
            return f"event.{key}"
    return None

"""Which document URLs may become links a customer can click: `http(s)://host/...` or a link
relative to the help site (`/billing/refunds`, `refunds.html`). Anything else (`javascript:`,
`data:`, `vbscript:`, `file:`, `//other.host`, a URL with spaces or control characters) is no
link at all. Checked where URLs come in (knowledge/loaders.py) and again where they go out (each
channel's renderer), as documents ingested by an older version were never checked.

Browsers strip leading and trailing spaces and control characters from an `href` and ignore
tabs and newlines inside it (so `" \tjava\nscript:alert(1)"` runs script): such a URL is refused
here rather than cleaned, because what a browser makes of it is not what the author wrote.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"`\u2028\u2029\ufeff]")
MAX_URL = 2048


def safe_url(url: object) -> str | None:
    """`url` if it may be a link (an absolute http(s) URL or a site-relative one), else None."""
    if not isinstance(url, str):
        return None
    url = url.strip(" ")
    if not url or len(url) > MAX_URL or _UNSAFE_CHARS.search(url):
        return None
    if _SCHEME.match(url):
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unbalanced IPv6 bracket
            return None
        return url if parts.scheme.lower() in {"http", "https"} and parts.hostname else None
    if url.startswith("//"):
        return None  # another host, on whatever scheme the page has: not "relative to the site"
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    return None if ":" in head else url  # "a:b/c" reads as scheme "a" to some parsers


def absolute_url(url: object) -> str | None:
    """`url` if it is a safe absolute http(s) URL: what chat apps (Slack, Telegram) can link to,
    as they have no help site to resolve a relative link against."""
    checked = safe_url(url)
    return checked if checked is not None and _SCHEME.match(checked) else None

"""Text helpers more than one layer uses, implemented once: splitting a long message into pieces a
platform takes (Telegram's 4096 characters, a Slack thread post) and escaping `&`, `<` and `>`.
"""

from __future__ import annotations


def split_message(text: str, limit: int = 4096) -> list[str]:
    """Split at paragraph, line or word boundaries, never inside an HTML tag or entity."""
    parts: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        # don't cut through an entity (&amp;) or a tag (<a href=...>)
        amp, semi = window.rfind("&", 0, cut), window.rfind(";", 0, cut)
        if amp > semi:
            cut = amp
        lt, gt = window.rfind("<", 0, cut), window.rfind(">", 0, cut)
        if lt > gt:
            cut = lt
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def escape_angles(text: str) -> str:
    """`&`, `<` and `>` as entities: Slack reads `<...>` as a link or mention, Telegram's HTML as a tag,
    so a placeholder like <EMAIL_1> shows as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

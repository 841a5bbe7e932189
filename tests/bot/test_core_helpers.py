"""The helpers several layers share, implemented once in bot/core (text, clock, stats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.core.clock import utc
from bot.core.stats import percentile
from bot.core.text import escape_angles, split_message


def test_a_naive_datetime_from_sqlite_is_utc_and_an_aware_one_keeps_its_zone() -> None:
    assert utc(datetime(2026, 1, 2, 3, 4)) == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    paris = datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=1)))
    assert utc(paris) is paris


def test_percentile_is_nearest_rank_and_zero_without_values() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert (percentile(values, 0.0), percentile(values, 0.5), percentile(values, 1.0)) == (1.0, 3.0, 5.0)
    assert percentile(values, 0.95) == 5.0
    assert percentile([], 0.5) == 0.0


def test_placeholders_show_as_written_once_escaped() -> None:
    assert escape_angles("mail <EMAIL_1> & co") == "mail &lt;EMAIL_1&gt; &amp; co"


def test_a_long_message_splits_at_words_and_never_inside_an_entity() -> None:
    text = ("word " * 30 + "&amp; ") * 5
    parts = split_message(text, 100)
    assert all(len(p) <= 100 for p in parts)
    assert " ".join(parts).split() == text.split()
    assert not any(p.endswith("&amp") or p.startswith("amp;") for p in parts)

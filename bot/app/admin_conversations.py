"""/admin/conversations: a tenant's conversations, searchable, each with its transcript and audit trail.

`GET /admin/conversations?tenant=T&q=word&outcome=handed_over&state=closed&channel=widget&from=2026-11-01&to=2026-11-30&page=2`
(and `/api/v1/admin/conversations`, the same as JSON); `GET /admin/conversations/{id}?tenant=T` (and its
API twin) is the transcript: messages, the bot's answers with their sources and confidence, the handoff,
who claimed it, staff replies, the resolution, and the rollout changes of the tenant while it was open.

Only what is stored: message texts are the redacted copies (placeholders such as <EMAIL_1>), users are
the audit trail's pseudonyms, and the vault is never opened. One page is one query with LIMIT/OFFSET
(the newest first, on the (tenant, created_at) index) plus queries for that page's 25 rows; the text
search is a LIKE over the stored text: on PostgreSQL a trigram index (pg_trgm, revision 0019) finds the
messages that have the word, on SQLite the tenant's conversations are read newest first until the page is
full (`python bench/bench_admin.py --postgres`: a word no message has, 298/344 -> 5/8 ms p50/p95 over 400k
messages; a common word ~10 ms either way). Bad parameters are a JSON 400 naming the parameter. The admin token is one for all tenants
(bot/app/admin.py): `tenant` scopes what is shown, it is not a permission.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, and_, exists, func, select

from bot.core.tables import AuditEvent, Conversation, Handoff, StoredMessage
from bot.engine.assistant import pseudonym

PAGE_SIZE = 25
MAX_PAGE = 1000
MAX_QUERY = 200
OUTCOMES = {
    "answered": '%"outcome": "answer"%',
    "clarified": '%"outcome": "clarify"%',
    "handed_over": None,  # a handoff row
    "bot_only": None,  # no handoff row
}
STATES = ("bot", "waiting_for_human", "with_human", "closed")
_CHANNEL = re.compile(r"[a-z0-9_-]{1,40}")


class BadQuery(ValueError):
    """A parameter the list cannot use: the handler answers 400 with this text."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    tenant: str
    text: str | None = None
    outcome: str | None = None
    state: str | None = None
    channel: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{name} must be a date as YYYY-MM-DD, not {value[:40]!r}") from None


def parse_query(params: Any, *, tenants: list[str]) -> ListQuery:
    """The list's parameters, checked: an unknown tenant, outcome or state, a page that is not a whole
    number from 1 to MAX_PAGE, a search longer than MAX_QUERY characters or a bad date is refused."""
    tenant = params.get("tenant") or (tenants[0] if len(tenants) == 1 else "")
    if not tenant:
        raise BadQuery(f"tenant is required (one of {', '.join(sorted(tenants)[:20])})")
    if tenant not in tenants:
        raise BadQuery(f"unknown tenant {tenant[:100]!r}")
    page = (params.get("page") or "1").strip()
    if not page.isascii() or not page.isdigit() or len(page) > 6 or not 1 <= int(page) <= MAX_PAGE:
        raise BadQuery(f"page must be a whole number from 1 to {MAX_PAGE}, not {page[:40]!r}")
    text = (params.get("q") or "").strip()
    if len(text) > MAX_QUERY:
        raise BadQuery(f"the search is {len(text)} characters long; at most {MAX_QUERY}")
    if "\x00" in text:  # no stored message holds one (PostgreSQL's text cannot), and the query would fail there
        raise BadQuery("the search holds a NUL character")
    outcome = params.get("outcome") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise BadQuery(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome[:40]!r}")
    state = params.get("state") or None
    if state is not None and state not in STATES:
        raise BadQuery(f"state must be one of {', '.join(STATES)}, not {state[:40]!r}")
    channel = params.get("channel") or None
    if channel is not None and not _CHANNEL.fullmatch(channel):
        raise BadQuery(f"channel must be a channel's name (letters, digits, - and _), not {channel[:40]!r}")
    since = _date(params["from"], "from") if params.get("from") else None
    until = _date(params["to"], "to") if params.get("to") else None
    if since and until and since > until:
        raise BadQuery(f"from ({since}) is after to ({until})")
    return ListQuery(tenant=tenant, text=text or None, outcome=outcome, state=state, channel=channel, since=since, until=until,
                     page=int(page))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _kind_is(kind: str) -> Any:
    """`kind = ?` that no index answers: with a conversation's id in the same WHERE, SQLite (no ANALYZE
    statistics) otherwise picks the (kind, created_at) index and reads every outcome of every conversation
    (3.4 s for a page, 90 days x 10 tenants) instead of the conversation's few events."""
    return func.lower(AuditEvent.kind) == kind


def list_conversations(engine: Engine, query: ListQuery, *, key: bytes) -> dict[str, Any]:
    """One page of the tenant's conversations, newest first, and whether there is a next page."""
    c = Conversation
    where = [c.tenant == query.tenant]
    if query.channel:
        where.append(c.channel == query.channel)
    if query.state:
        where.append(c.state == query.state)
    if query.since:
        where.append(c.created_at >= _at(query.since))
    if query.until:
        where.append(c.created_at < _at(query.until + timedelta(days=1)))
    if query.text:
        where.append(exists().where(StoredMessage.conversation_id == c.id, StoredMessage.text.ilike(_like(query.text), escape="\\")))
    handed = exists().where(Handoff.conversation_id == c.id)
    if query.outcome == "handed_over":
        where.append(handed)
    elif query.outcome == "bot_only":
        where.append(~handed)
    elif query.outcome is not None:
        where.append(exists().where(AuditEvent.conversation_id == c.id, _kind_is("outcome"), AuditEvent.data.like(OUTCOMES[query.outcome])))
    statement = (select(c.id, c.channel, c.state, c.user, c.created_at, c.updated_at).where(and_(*where))
                 .order_by(c.created_at.desc(), c.id.desc()).limit(PAGE_SIZE + 1).offset((query.page - 1) * PAGE_SIZE))
    with engine.connect() as conn:
        rows = list(conn.execute(statement))
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        ids = [r.id for r in rows]
        first_words: dict[str, str] = {}
        outcomes: dict[str, list[str]] = {}
        handoffs: dict[str, str] = {}
        if ids:
            for cid, text in conn.execute(select(StoredMessage.conversation_id, StoredMessage.text)
                                          .where(StoredMessage.conversation_id.in_(ids), StoredMessage.role == "customer")
                                          .order_by(StoredMessage.id)):
                first_words.setdefault(cid, text)
            for cid, data in conn.execute(select(AuditEvent.conversation_id, AuditEvent.data)
                                          .where(AuditEvent.conversation_id.in_(ids), _kind_is("outcome")).order_by(AuditEvent.id)):
                outcomes.setdefault(cid, []).append(str(json.loads(data).get("outcome", "?")))
            for cid, reason in conn.execute(select(Handoff.conversation_id, Handoff.reason).where(Handoff.conversation_id.in_(ids))
                                            .order_by(Handoff.id)):
                handoffs[cid] = reason
    return {
        "tenant": query.tenant, "page": query.page, "next_page": query.page + 1 if more else None,
        "conversations": [{
            "id": r.id, "channel": r.channel, "state": r.state, "user": pseudonym(key, tenant=query.tenant, user=r.user),
            "started": r.created_at.isoformat(), "updated": r.updated_at.isoformat(),
            "first_message": (first_words.get(r.id) or "")[:160], "outcomes": outcomes.get(r.id, []), "handoff_reason": handoffs.get(r.id),
        } for r in rows],
    }


def _event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail says of one step, in the fields an operator reads (all stored redacted)."""
    keep = {
        "outcome": ("outcome", "route", "confidence", "handoff_reason", "latency_ms", "rollout", "drafted"),
        "state": ("before", "after", "actor", "reason", "handoff"),
        "handoff": ("reason", "topic", "handoff"),
        "rating": ("score", "handoff"),
        "feedback": ("helpful", "message_id"),
        "received": ("channel", "chars"),
        "redacted": ("counts",),
        "rollout_changed": ("from", "to", "percent", "by", "reason"),
    }.get(kind)
    shown = {k: data[k] for k in keep if k in data} if keep is not None else {k: v for k, v in data.items() if k not in ("user", "text")}
    if kind == "outcome" and data.get("passages"):
        shown["sources"] = [f"{p.get('source')} ({p.get('score')})" for p in data["passages"] if isinstance(p, dict)]
    return shown


def transcript(engine: Engine, *, conversation_id: str, tenant: str, key: bytes) -> dict[str, Any] | None:
    """The conversation of `tenant` (None when there is none of that id in that tenant) with its trail."""
    with engine.connect() as conn:
        found = conn.execute(select(Conversation).where(Conversation.id == conversation_id, Conversation.tenant == tenant)).mappings().first()
        if found is None:
            return None
        messages = list(conn.execute(select(StoredMessage.id, StoredMessage.role, StoredMessage.text, StoredMessage.payload,
                                            StoredMessage.created_at)
                                     .where(StoredMessage.conversation_id == conversation_id).order_by(StoredMessage.id)))
        events = list(conn.execute(select(AuditEvent.kind, AuditEvent.data, AuditEvent.created_at)
                                   .where(AuditEvent.conversation_id == conversation_id).order_by(AuditEvent.id)))
        handoffs = list(conn.execute(select(Handoff.id, Handoff.reason, Handoff.topic, Handoff.status, Handoff.claimed_by, Handoff.claimed_at,
                                            Handoff.closed_at, Handoff.created_at)
                                     .where(Handoff.conversation_id == conversation_id).order_by(Handoff.id)))
        end = max([found["updated_at"], *(e.created_at for e in events)])
        rollouts = list(conn.execute(select(AuditEvent.data, AuditEvent.created_at)
                                     .where(AuditEvent.tenant == tenant, AuditEvent.kind == "rollout_changed",
                                            AuditEvent.created_at >= found["created_at"], AuditEvent.created_at <= end)
                                     .order_by(AuditEvent.id)))
    trail = [{"at": e.created_at.isoformat(), "kind": e.kind, **_event(e.kind, json.loads(e.data))} for e in events]
    trail += [{"at": r.created_at.isoformat(), "kind": "rollout_changed", **_event("rollout_changed", json.loads(r.data))} for r in rollouts]
    trail.sort(key=lambda e: e["at"])

    def shown(m: Any) -> dict[str, Any]:
        payload = json.loads(m.payload) if m.payload else {}
        out: dict[str, Any] = {"id": m.id, "role": m.role, "text": m.text, "at": m.created_at.isoformat()}
        for k in ("outcome", "confidence", "route", "handoff_reason", "author"):
            if k in payload:
                out[k] = payload[k]
        if payload.get("citations"):
            out["sources"] = [c.get("source") for c in payload["citations"] if isinstance(c, dict)]
        return out

    return {
        "id": conversation_id, "tenant": tenant, "channel": found["channel"], "state": found["state"],
        "user": pseudonym(key, tenant=tenant, user=found["user"]), "started": found["created_at"].isoformat(),
        "messages": [shown(m) for m in messages],
        "handoffs": [{"id": h.id, "reason": h.reason, "topic": h.topic, "status": h.status, "claimed_by": h.claimed_by,
                      "claimed_at": h.claimed_at.isoformat() if h.claimed_at else None, "closed_at": h.closed_at.isoformat() if h.closed_at else None,
                      "at": h.created_at.isoformat()} for h in handoffs],
        "trail": trail,
    }

"""The web console's HTML: server-rendered pages whose forms work without JavaScript (console.js only
keeps the queue and the transcript live). Every value is escaped here, in one place."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from bot.core.desk import (
    ACTION_LABELS,
    STATUS_TEXT,
    StaffAction,
    StaffMember,
    claimed_by,
    claimer_of,
    shown_actions,
)
from bot.core.handoff_states import ACTIVE, UNCLAIMED, HandoffStatus
from bot.core.messages import Message
from bot.core.ops_tables import FaqProposal
from bot.core.packet import Packet, distinct_attempts, nothing_tried
from bot.core.tables import Handoff
from handoff.console_notices import StepBack
from handoff.faq_proposals import MAX_ANSWER, MAX_QUESTION, Prefill
from handoff.records import aware
from handoff.staff_accounts import StaffAccount

# what a redirect back to a handoff's page may say, by the code in its `?error=`: the page shows only
# these texts, never the URL's own (a link could make the console show staff any message)
CARD_ERRORS = {
    "claimed_first": "Not claimed: someone else claimed this handoff first.",
    "closed_first": "Not claimed: this handoff was closed before your claim.",
    "taken_over_first": "Not taken over: someone else took this handoff after you opened it. Reload it to see who has it now.",
    "closed_before_take_over": "Not taken over: this handoff was closed before your take-over.",
}
PROPOSAL_ERRORS = {
    "not_resolved": "Only a resolved handoff can be proposed as a FAQ entry.",
    "size": f"Not proposed: a question has 1 to {MAX_QUESTION} characters and an answer 1 to {MAX_ANSWER}.",
}


def _page(title: str, body: str, *, account: StaffAccount | None = None, csrf: str = "", data: str = "") -> str:
    who = ""
    if account is not None:
        who = (
            f'<form class="who" method="post" action="/console/sign-out">{_csrf(csrf)}'
            f"<span>{escape(account.display_name)} · {escape(account.tenant)}</span> "
            '<button type="submit" class="link">Sign out</button></form>'
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · supportbot console</title>"
        '<link rel="stylesheet" href="/console/static/console.css">'
        '<script src="/console/static/console.js" defer></script></head>'
        f'<body{data}><header><a class="brand" href="/console">supportbot console</a>{who}</header>'
        f"<main>{body}</main></body></html>"
    )


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{escape(token)}">'


def status_text(handoff: Handoff, *, rating: int | None = None) -> str:
    """`rating`: the customer's, of a rated handoff (HandoffService.ratings)."""
    status = STATUS_TEXT.get(handoff.status, handoff.status)
    if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by:
        status = f"Claimed by {handoff.claimed_by}"
    if rating is not None:
        status = f"{status} · rated {rating} of 5"
    return status


def _ago(moment: datetime | None, now: datetime) -> str:
    when = aware(moment)
    if when is None:
        return ""
    minutes = int((now - when).total_seconds() // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def sign_in_page(
    *, csrf: str, tenant: str = "", name: str = "", error: str | None = None, no_staff: bool = False,
    next_page: str = "/console", ask_team: bool = False,
) -> str:
    """The sign-in form: name and password. The teams (tenants) are never listed: to anyone who opens the page, that
    would name the customers a shared server serves. A name on two teams with the same password (`ask_team`) is
    asked for its team, typed."""
    tenant_field = ""
    if ask_team:
        tenant_field = (f'<label>Team <input name="tenant" autocomplete="organization" required value="{escape(tenant)}"></label>'
                        '<p class="hint">Your name is on more than one team: type the one to sign in to.</p>')
    hint = ""
    if no_staff:
        hint = ('<p class="hint">No staff accounts yet. On the server, run '
                "<code>supportbot staff add --tenant TENANT YOUR-NAME</code> (TENANT: your team's tenant in the tenants file, "
                "<code>default</code> without one; the server's start log names the tenants with no account) and sign in with the "
                "password it asks for.</p>")
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        '<section class="sign-in"><h1>Sign in</h1>'
        f'{problem}<form method="post" action="/console/sign-in">{_csrf(csrf)}{tenant_field}'
        f'<input type="hidden" name="next" value="{escape(next_page)}">'
        f'<label>Name <input name="name" autocomplete="username" required value="{escape(name)}"></label>'
        '<label>Password <input name="password" type="password" autocomplete="current-password" required></label>'
        f'<button type="submit">Sign in</button></form>{hint}</section>'
    )
    return _page("Sign in", body)


def queue_rows(handoffs: Sequence[Handoff], packets: dict[int, Packet], now: datetime, *, staff: StaffMember | None = None,
               ratings: dict[int, int] | None = None) -> list[dict[str, Any]]:
    """The queue as console.js renders it (and the page, the same way), from `HandoffService.of_tenant`
    (active ones oldest first, then closed ones newest first). Those waiting to be claimed come first,
    in the order of their places in the queue, each with its place (`place`: what its customer was told,
    handoff/records.py `queue_position`; newest first, the customer told "number 1" was drawn last),
    then the claimed ones, then the closed. A handoff staff were reminded of (nobody claimed it within
    the tenant's `reannounce_minutes`: the handoff timer, handoff/cards.py) and still unclaimed is flagged
    with how long its customer has waited, and comes first, the longest waiting first: on a console-only
    install this is the reminder, where staff look. `mine`: claimed by `staff`, the signed-in staff member
    (marked "Yours" in the queue: on a busy desk the "Claimed by ..." lines all looked alike)."""
    waiting = sorted(int(h.id or 0) for h in handoffs if h.status in UNCLAIMED)
    places = {hid: n for n, hid in enumerate(waiting, start=1)}
    rows = [
        {
            "id": h.id, "status": h.status, "status_text": status_text(h, rating=(ratings or {}).get(int(h.id or 0))), "active": h.status in ACTIVE,
            "intent": packets[h.id or 0].intent, "reason": packets[h.id or 0].reason_text, "since": _ago(h.created_at, now),
            "reminded": _reminded(h), "flag": _waiting(h, now) if _reminded(h) else None, "place": places.get(int(h.id or 0)),
            "mine": staff is not None and h.status == HandoffStatus.CLAIMED and claimed_by(h, staff),
        }
        for h in handoffs
    ]
    overdue = {int(h.id or 0): aware(h.created_at) for h in handoffs if _reminded(h)}

    def order(n: int) -> tuple[int, Any]:
        row = rows[n]
        if int(row["id"]) in overdue:
            return 0, overdue[int(row["id"])]
        return (1 if row["place"] else 2 if row["active"] else 3), n  # as given within each
    return [rows[n] for n in sorted(range(len(rows)), key=order)]


def _reminded(handoff: Handoff) -> str | None:
    """When staff were last reminded of this unclaimed handoff (ISO), None when they were not or it is claimed or closed."""
    if handoff.status not in UNCLAIMED or handoff.reminded_at is None:
        return None
    return aware(handoff.reminded_at).isoformat()  # type: ignore[union-attr]


def _waiting(handoff: Handoff, now: datetime) -> str:
    minutes = max(1, int((now - aware(handoff.created_at)).total_seconds() // 60))  # type: ignore[operator]
    waited = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"
    return f"Waiting {waited}: nobody has claimed it"


def _queue_row(row: dict[str, Any]) -> str:
    flagged = " overdue" if row["flag"] else ""
    mine = " mine" if row.get("mine") else ""
    return (
        f'<li class="handoff {escape(row["status"])}{flagged}{mine}" data-reminded="{escape(row["reminded"] or "")}">'
        f'<a href="/console/handoffs/{int(row["id"])}">'
        f'<span class="id">#{int(row["id"])}</span> <span class="intent">{escape(row["intent"])}</span>'
        + (' <span class="yours">Yours</span>' if mine else "") + "</a>"
        + (f'<span class="flag">{escape(row["flag"])}</span>' if row["flag"] else "")
        + f'<span class="meta">{escape(_meta(row))}</span></li>'
    )


def _meta(row: dict[str, Any]) -> str:
    """A queue row's line under its intent (console.js `meta` writes the same)."""
    place = f" · number {int(row['place'])} in the queue" if row.get("place") else ""
    return f"{row['status_text']}{place} · {row['reason']} · {row['since']}"


def notice_row(step: StepBack | None) -> dict[str, Any] | None:
    """The step-back banner as console.js renders it (and the page, the same way)."""
    if step is None:
        return None
    return {"id": step.id, "at": f"{aware(step.at):%Y-%m-%d %H:%M} UTC", "reason": step.reason}


def _notice(notice: dict[str, Any] | None, csrf: str) -> str:
    if notice is None:
        return '<div id="notice"></div>'
    return (
        f'<div id="notice"><section class="notice" role="alert" data-step="{int(notice["id"])}"><h2>The bot was stepped back to shadow</h2>'
        f'<p>At {escape(notice["at"])}: {escape(notice["reason"])}. Until an operator sets it again (/admin/rollout or '
        '<code>supportbot rollout</code>), the bot only drafts: every customer comes to you, with the draft on the card.</p>'
        f'<form method="post" action="/console/notices/{int(notice["id"])}/acknowledge">{_csrf(csrf)}'
        '<button type="submit">Got it</button></form></section></div>'
    )


def queue_page(*, account: StaffAccount, csrf: str, rows: list[dict[str, Any]], notice: dict[str, Any] | None = None) -> str:
    active = [r for r in rows if r["active"]]
    closed = [r for r in rows if not r["active"]][:20]
    body = (
        f'{_notice(notice, csrf)}<h1>Handoffs</h1><section aria-labelledby="open-h"><h2 id="open-h">Open</h2>'
        f'<p id="queue-news" class="visually-hidden" role="status"></p>'
        f'<ul id="queue" class="queue">{"".join(map(_queue_row, active)) or "<li class=empty>Nobody is waiting.</li>"}</ul></section>'
        f'<section aria-labelledby="closed-h"><h2 id="closed-h">Recently closed</h2>'
        f'<ul id="closed" class="queue">{"".join(map(_queue_row, closed)) or "<li class=empty>None yet.</li>"}</ul></section>'
    )
    return _page("Handoffs", body, account=account, csrf=csrf, data=' data-page="queue"')


def transcript_rows(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The transcript as the console's page and its JSON show it (hours:minutes of the stored time)."""
    return [
        {"id": m.id, "role": m.role.value, "author": m.author, "text": m.text, "at": f"{aware(m.created_at):%H:%M} UTC",
         "when": aware(m.created_at).isoformat()}  # type: ignore[union-attr]
        for m in messages
    ]


def _message(row: dict[str, Any]) -> str:
    who = row["author"] or {"customer": "Customer", "bot": "Bot", "agent": "Staff", "system": "Notice"}.get(row["role"], row["role"])
    return (
        f'<li class="msg {escape(row["role"])}" data-id="{escape(str(row["id"]))}"><span class="who">{escape(who)}</span>'
        f'<time class="at" datetime="{escape(row["when"])}">{escape(row["at"])}</time><p dir="auto">{escape(row["text"])}</p></li>'
    )


def _seen(action: StaffAction, handoff: Handoff) -> str:
    """Take over's form carries the claimer this page shows: it takes the handoff from them only."""
    claimer = claimer_of(handoff) if action is StaffAction.TAKE_OVER else None
    return f'<input type="hidden" name="seen" value="{escape(claimer)}">' if claimer else ""


STATUS_FOCUS = ' tabindex="-1" autofocus'  # the status line, focused (and so read out) after a step


def _card_error(error: str, handoff: Handoff) -> str:
    """A `CARD_ERRORS` text; the slower claim or take-over is told who has the handoff when it still is
    theirs, and what to do: a take-over refused because it changed hands meanwhile says from whom a
    second press would take it (its button carries the claimer shown now)."""
    holder = handoff.claimed_by if handoff.status == HandoffStatus.CLAIMED else None
    if error == "claimed_first" and holder:
        return f"Not claimed: {holder} claimed this handoff first."
    if error == "taken_over_first" and holder:
        return (f"Not taken over: {holder} has this handoff now; it changed hands after you opened it. "
                f"Check with {holder} first, or press Take over again to take it from {holder}.")
    return CARD_ERRORS[error]


def handoff_page(
    *, account: StaffAccount, csrf: str, handoff: Handoff, packet: Packet, messages: list[Message], extra: str = "",
    unsent: str = "", problem: str | None = None, error: str | None = None, focus: str | None = None, despite: str | None = None,
    rating: int | None = None,
) -> str:
    """`unsent` and `problem`: a reply that was not sent, and why; the text is kept for staff to send
    again (in the reply box) or to copy (the handoff was closed meanwhile), never dropped. `error`: a
    code of `CARD_ERRORS` (what became of the staff member's last action); any other shows nothing.
    `focus`: "reply" (the reply box, which a screen reader announces with the status) or "status" (the
    status line, read out) takes the keyboard's focus as the page opens (handoff/console.py `_focus`).
    `despite`: the claimer the reply was held back for; the reply form sends it with "Send anyway"."""
    hid = int(handoff.id or 0)
    attempts = "".join(
        f"<li>{escape(a.text)} <small>({escape(str(a.outcome))}, confidence {escape(str(a.confidence))})</small>"
        + ("<ul>" + "".join(f"<li>{escape(str(s.get('title')))} <small>{escape(str(s.get('source')))}, score {escape(str(s.get('score')))}</small></li>" for s in a.sources) + "</ul>" if a.sources else "")
        + "</li>"
        for a in distinct_attempts(packet.attempts)
    ) or f'<li class="nothing">{escape(nothing_tried(packet))}</li>'
    customer = ", ".join(f"{k}: {v}" for k, v in packet.customer.items() if v)
    files = ", ".join(f"{a.get('kind')} ({a.get('channel')} file {a.get('file_id')})" for a in packet.attachments)
    actions = ""
    if handoff.status in ACTIVE:
        shown = shown_actions(handoff.status, mine=claimed_by(handoff, StaffMember(id=account.staff_id, name=account.display_name)))
        buttons = "".join(
            f'<form method="post" action="/console/handoffs/{hid}/act">{_csrf(csrf)}<input type="hidden" name="action" value="{a.value}">'
            f'<input type="hidden" name="client_id" value="{secrets.token_hex(8)}">{_seen(a, handoff)}'
            f'<button type="submit" class="{a.value}">{ACTION_LABELS[a]}</button></form>'
            for a in shown
        )
        actions = f'<div class="actions" role="group" aria-label="Actions">{buttons}</div>'
    reply = f'<p class="error" id="reply-problem" role="alert">{escape(problem)}</p>' if problem else ""
    if handoff.status in ACTIVE:
        reply += (
            f'<form class="reply" method="post" action="/console/handoffs/{hid}/reply">{_csrf(csrf)}'
            f'<input type="hidden" name="client_id" value="{secrets.token_hex(8)}">'
            '<label for="reply-text">Reply to the customer</label><textarea id="reply-text" name="text" rows="3" required maxlength="4000" '
            f'aria-describedby="status"{" autofocus" if focus == "reply" or despite else ""}>'
            f"{escape(unsent)}</textarea>"
            + (f'<input type="hidden" name="despite" value="{escape(despite)}"><button type="submit">Send anyway</button>' if despite
               else '<button type="submit">Send reply</button>')
            + "</form>"
        )
    elif unsent:
        reply += ('<label for="unsent-text">Your reply (not sent)</label>'
                  f'<textarea id="unsent-text" rows="3" readonly>{escape(unsent)}</textarea>')
    body = (
        f'<p><a href="/console">← All handoffs</a></p><article class="card" aria-labelledby="card-h">'
        f'<h1 id="card-h">Handoff #{hid}: {escape(packet.reason_text)}</h1>'
        f'<p class="status" id="status"{STATUS_FOCUS if focus == "status" else ""}>{escape(status_text(handoff, rating=rating))}</p>'
        + (f'<p class="error" id="card-problem" role="alert">{escape(_card_error(error, handoff))}</p>' if error in CARD_ERRORS else "")
        + f"<dl><dt>Intent</dt><dd>{escape(packet.intent)}</dd><dt>Summary</dt><dd>{escape(packet.summary)}</dd>"
        f"<dt>Why</dt><dd>{escape(packet.reason_text)}</dd><dt>Customer</dt><dd>{escape(customer)}</dd>"
        f"<dt>Topic</dt><dd>{escape(packet.topic or '-')}</dd>"
        + (f"<dt>Files</dt><dd>{escape(files)}</dd>" if files else "")
        + f'<dt>What the bot tried</dt><dd><ul class="attempts">{attempts}</ul></dd>'
        # a closed handoff is read-only: no draft to send, nothing to act on
        + (f'<dt>Draft reply</dt><dd class="draft">{escape(packet.draft)}</dd>' if handoff.status in ACTIVE else "")
        + f'</dl>{actions}</article>'
        f'<section class="transcript" aria-labelledby="transcript-h"><h2 id="transcript-h">Conversation</h2>'
        f'<ol id="transcript" role="log" aria-live="polite">{"".join(map(_message, transcript_rows(messages)))}</ol>{reply}</section>'
        f"{extra}"
    )
    data = f' data-page="handoff" data-handoff="{hid}" data-status="{escape(handoff.status)}" data-status-text="{escape(status_text(handoff, rating=rating))}"'
    return _page(f"Handoff #{hid}", body, account=account, csrf=csrf, data=data)


def proposal_form(*, handoff_id: int, csrf: str, prefill: Prefill, earlier: Sequence[FaqProposal], error: str | None) -> str:
    """A resolved handoff's exchange as a proposed FAQ entry: prefilled (redacted), edited, sent to the operator."""
    done = "".join(
        f'<li class="proposal {escape(p.status)}">#{int(p.id or 0)} {escape(p.question[:80])} · <b>{escape(p.status)}</b>'
        + (f" · {escape(p.note[:200])}" if p.note else "") + "</li>"
        for p in earlier
    )
    problem = f'<p class="error" role="alert">{escape(PROPOSAL_ERRORS[error])}</p>' if error in PROPOSAL_ERRORS else ""
    return (
        '<section class="proposals" id="proposals" aria-labelledby="proposals-h"><h2 id="proposals-h">Propose as a FAQ entry</h2>'
        f"{problem}" + (f'<ul class="earlier">{done}</ul>' if done else "")
        + f'<form class="propose" method="post" action="/console/handoffs/{handoff_id}/propose">{_csrf(csrf)}'
        '<p class="hint">Personal data shows as placeholders and is removed again when you send; an operator approves the entry.</p>'
        f'<label for="faq-question">Question</label><textarea id="faq-question" name="question" rows="2" required maxlength="500">'
        f"{escape(prefill.question)}</textarea>"
        f'<label for="faq-answer">Answer</label><textarea id="faq-answer" name="answer" rows="5" required maxlength="4000">'
        f"{escape(prefill.answer)}</textarea>"
        '<button type="submit">Propose FAQ entry</button></form></section>'
    )


def not_found_page(*, account: StaffAccount, csrf: str) -> str:
    return _page("Not found", '<h1>No such handoff</h1><p><a href="/console">← All handoffs</a></p>', account=account, csrf=csrf)

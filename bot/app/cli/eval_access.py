"""`supportbot eval`: cases whose sources the asker may not read.

Cases run as one identity (`--user U --groups g1,g2`; without them, an anonymous customer with the tenant's
`default_groups`). A case whose every source is a document only other access groups may read can never be
answered right by that identity: found by ops17's trial, where the help center's manager articles (ingested
`--groups managers`) were counted as misses and explained as "the question names something the help center
never mentions", with no word that `--user` exists. Said before the cases run; `--calibrate` stops, since
it would fit the thresholds to those misses, as it does for sources no document has.
"""

from __future__ import annotations

from typing import Any

import click
from sqlmodel import Session, select

from bot.core.errors import InputError
from bot.core.tables import Document


def hidden_cases(cases: list[Any], *, services: Any, identity: Any) -> dict[str, list[str]]:
    """question -> the access keys of its sources, for each case whose sources all exist and none of which the
    identity may read (a source no document has is `_check_sources`'s)."""
    tenant = identity.tenant
    with Session(services.engine) as session:
        keys = dict(session.exec(select(Document.source, Document.groups).where(Document.tenant == tenant)).all())
    groups = services.settings.tenant(tenant).groups_for(identity.user, tuple(identity.groups))
    readable, _ = services.access.access_keys(tenant=tenant, groups=groups)
    hidden: dict[str, list[str]] = {}
    for case in cases:
        if case.sources and all(s in keys for s in case.sources) and not any(keys[s] in readable for s in case.sources):
            hidden[case.question] = sorted({keys[s] for s in case.sources})
    return hidden


def check_readable(cases: list[Any], *, services: Any, identity: Any, asker: Any, calibrate: bool) -> None:
    """Warn (stop, with `--calibrate`) when some cases' sources are all documents the asker may not read."""
    hidden = hidden_cases(cases, services=services, identity=identity)
    if not hidden:
        return
    groups = services.settings.tenant(identity.tenant).groups_for(identity.user, tuple(identity.groups))
    head = (f"{len(hidden)} case(s) can only be answered from documents this run may not read (it asks with {asker}, "
            f"so with the access groups {', '.join(groups) or 'none'}):")
    lines = [f"  {question[:100]!r}: its sources are for {' or '.join(keys)}" for question, keys in hidden.items()]
    advice = ("ask as a customer who may read them: --user (a user of the tenant's [users] table) or --groups; "
              "or run those cases separately")
    if calibrate:
        raise InputError("\n".join([head, *lines, advice + " (before --calibrate: they would count as misses and the "
                                                          "thresholds would be fitted to that)"]))
    click.echo("\n".join(["warning: " + head, *lines, advice]), err=True)

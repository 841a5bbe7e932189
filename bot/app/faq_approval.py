"""Approving a FAQ entry staff proposed (handoff/faq_proposals.py): the release gate, then the knowledge base.

The entry is ingested as the Markdown document `faq/proposal-<id>.md` under an access group of its
own (random, held by no customer), and the tenant's latest stored evaluation run (`supportbot eval
CASES --tenant T --save RUN`) is run again on its cases file by the identity the run asked as (its `--user`
and `--groups`) holding that group besides, then compared with it (bot/engine/release_gate.py, the margins of
`SUPPORTBOT_GATE_MARGINS`). So customers never see an entry before it passed. A pass ingests it again
for everyone; a run that drops a figure beyond its margin takes it out and the proposal is marked
`failed_gate` with the figures and the cases that got worse. Without a stored run there is nothing
to compare with: the entry is ingested for everyone and the note says it was not gated. A cases file
the server cannot read leaves the proposal waiting, out of the knowledge base, with the reason.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.app.composition import Services
from bot.core.errors import InputError
from bot.core.ops_tables import FaqProposal
from bot.core.records import Identity
from bot.engine.eval_cases import load_cases
from bot.engine.evaluation import run_cases
from bot.engine.release_gate import (
    Asker,
    GateResult,
    RunStore,
    case_rows,
    compare,
    figures,
)
from handoff.faq_proposals import ProposalBook


@dataclass(frozen=True, slots=True)
class Decision:
    status: str  # approved | failed_gate | proposed (the gate could not run)
    note: str


def source_of(proposal_id: int) -> str:
    return f"faq/proposal-{proposal_id}.md"


def markdown_of(proposal: FaqProposal) -> str:
    # the question as the title: retrieval matches customers' questions against titles and text alike
    return f"# {proposal.question.splitlines()[0] if proposal.question else 'Question'}\n\n{proposal.question}\n\n{proposal.answer}\n"


async def _ingest(services: Services, proposal: FaqProposal, *, groups: tuple[str, ...] = ()) -> None:
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="supportbot-faq-"))
    try:
        path = folder / source_of(int(proposal.id or 0))
        path.parent.mkdir(parents=True)
        path.write_text(markdown_of(proposal), encoding="utf-8")
        await asyncio.to_thread(services.ingestor.ingest, [path], tenant=proposal.tenant, groups=list(groups), display_base=folder,
                                within=folder)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)
    await asyncio.to_thread(services.after_ingest, proposal.tenant)


async def _take_out(services: Services, proposal: FaqProposal) -> None:
    await asyncio.to_thread(services.ingestor.remove_sources, tenant=proposal.tenant, sources=[source_of(int(proposal.id or 0))])
    await asyncio.to_thread(services.after_ingest, proposal.tenant)


def describe(result: GateResult) -> str:
    parts = [f"release gate against run {result.baseline!r}: {'passed' if result.passed else 'FAILED'}"]
    parts += [f"dropped {drop}" for drop in result.drops]
    worse = [c for c in result.changed if c.worse]
    if worse:
        parts.append(f"{len(worse)} case(s) got worse: " + "; ".join(f"{c.question!r} {c.before} -> {c.after}" for c in worse[:5]))
    return ". ".join(parts)


async def approve(services: Services, book: ProposalBook, proposal_id: int) -> Decision:
    proposal = await asyncio.to_thread(book.get, proposal_id)
    if proposal is None:
        raise InputError(f"no FAQ proposal #{proposal_id}")
    if proposal.status not in ("proposed", "failed_gate"):
        raise InputError(f"FAQ proposal #{proposal_id} is already {proposal.status}")
    baseline = await asyncio.to_thread(RunStore(services.engine).latest, tenant=proposal.tenant)
    cases = None
    if baseline is not None:
        try:
            cases = await asyncio.to_thread(load_cases, Path(baseline.cases_file))
        except InputError as exc:
            decision = Decision(status="proposed", note=f"the release gate could not run (run {baseline.name!r}): {exc}; not ingested")
            await asyncio.to_thread(book.decide_note, proposal_id, note=decision.note)
            return decision
    if baseline is None or cases is None:
        await _ingest(services, proposal)
        decision = Decision(status="approved", note=f"tenant {proposal.tenant!r} has no stored evaluation run to gate against "
                            "(supportbot eval CASES --save RUN stores one): ingested without the release gate")
    else:
        gate_group = f"faq-gate-{secrets.token_hex(8)}"  # only the gate's identity holds it: customers see nothing yet
        await _ingest(services, proposal, groups=(gate_group,))
        # asked as the stored run was (`eval --user U --groups g`): as an anonymous customer, a run taken as a manager
        # lost every case only managers may read, and every entry failed the gate whatever it said (ops17's trial)
        asker = baseline.asker or Asker()
        identity = Identity(tenant=proposal.tenant, user=asker.user, groups=(*asker.groups, gate_group), channel="cli")
        try:
            results = await run_cases(cases, lambda q: services.assistant.ask(q, identity=identity))
        except BaseException:
            await _take_out(services, proposal)
            raise
        rows = case_rows(cases, results)
        result = compare(baseline_name=baseline.name, baseline=baseline.figures, current=figures(rows),
                         margins=services.settings.gate_margins, baseline_rows=baseline.rows, current_rows=rows)
        if result.passed:
            await _ingest(services, proposal)  # now for everyone
        else:
            await _take_out(services, proposal)
        decision = Decision(status="approved" if result.passed else "failed_gate",
                            note=describe(result) + ("" if result.passed else "; kept out of the knowledge base"))
    await asyncio.to_thread(book.decide, proposal_id, status=decision.status, note=decision.note)
    return decision

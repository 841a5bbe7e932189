"""A clarification whose first article leads the others on every view of the search is answered from it; split
evidence is still asked about (policies/clear_lead.py through policies/confidence.py `decide`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.config import Thresholds
from policies.clear_lead import leads_every_view
from policies.confidence import Evidence, Verdict, decide

# an invented question, "how do I change the card I pay with?", against an invented help center: "Update your payment
# card" first, "Change your plan" and "Download invoices" close behind in ordering score. Views per document: cosine
# to the body, to the title, to the lead sentence, BM25 relative to the best
CLEAR = Evidence(
    similarity=0.62, agreement=0.8, lexical=1.0, margin=0.05, confidence=0.45, choice_confidence=0.6,
    relevance=(1.30, 1.27, 1.25, 0.9), kin=(1.0, 0.4, 0.35, 0.3), coverage=(1.0, 0.5, 0.25, 0.0),
    views=((0.62, 0.58, 0.5, 1.0), (0.55, 0.49, 0.52, 0.6), (0.51, 0.40, 0.45, 0.4), (0.3, 0.2, 0.2, 0.0)),
)


def test_a_clarification_whose_first_article_leads_every_view_is_answered_from_it() -> None:
    """On main this asked "which of these three?" though the first article was the better one by every measure."""
    assert decide(CLEAR, Thresholds()) == (Verdict.ANSWER, (0,))


def test_split_evidence_is_still_asked_about() -> None:
    # "change my plan or my card?": the second article's title is closer to the question than the first's
    named_both = replace(CLEAR, views=((0.62, 0.50, 0.5, 1.0), (0.55, 0.56, 0.52, 0.6), *CLEAR.views[2:]))
    assert decide(named_both, Thresholds()) == (Verdict.CLARIFY, (0, 1, 2))
    # only the third article has the question's rarer words
    rarer_words = replace(CLEAR, coverage=(0.5, 0.4, 0.75, 0.0))
    assert decide(rarer_words, Thresholds())[0] is Verdict.CLARIFY
    # BM25 prefers the second
    lexical = replace(CLEAR, views=((0.62, 0.58, 0.5, 0.7), (0.55, 0.49, 0.52, 1.0), *CLEAR.views[2:]))
    assert decide(lexical, Thresholds())[0] is Verdict.CLARIFY


def test_a_lead_at_low_confidence_is_still_asked_and_the_tenant_can_turn_it_off() -> None:
    assert decide(replace(CLEAR, confidence=0.25), Thresholds())[0] is Verdict.CLARIFY
    assert decide(CLEAR, replace(Thresholds(), min_lead_confidence=1.0))[0] is Verdict.CLARIFY


def test_only_the_offered_documents_are_compared_and_old_records_say_nothing() -> None:
    # the fourth document, not offered, may lead on any view: it is no option
    assert leads_every_view(views=(*CLEAR.views[:3], (0.9, 0.9, 0.9, 1.0)), coverage=CLEAR.coverage, picked=(0, 1, 2))
    # evidence recorded before the views were kept, or one option only: no lead to read
    assert not leads_every_view(views=(), coverage=(), picked=(0, 1))
    assert not leads_every_view(views=CLEAR.views, coverage=CLEAR.coverage, picked=(0,))
    # handovers and trusted answers are as before
    assert decide(replace(CLEAR, similarity=0.2), Thresholds())[0] is Verdict.HANDOFF
    assert decide(replace(CLEAR, confidence=0.9), Thresholds()) == (Verdict.ANSWER, (0,))

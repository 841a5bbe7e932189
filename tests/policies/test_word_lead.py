"""A question about to be handed over whose top article alone holds most of its distinctive words is answered from it;
one whose words another article holds as well is still handed over (policies/word_lead.py through
policies/confidence.py `decide`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.config import Thresholds
from policies.confidence import Evidence, Verdict, decide
from policies.word_lead import holds_the_words

# an invented question, "can I get a text when my parcel ships?", against an invented help center: "Shipping updates"
# first (the only article that says "text"), "Change your address" and "Returns" far behind in ordering score,
# so there is nothing to ask between; the gate is unsure (0.40, under min_confidence)
ALONE = Evidence(
    similarity=0.62, agreement=0.8, lexical=1.0, margin=0.1, confidence=0.40, choice_confidence=0.1,
    relevance=(1.30, 0.90, 0.85), kin=(1.0, 0.4, 0.3), coverage=(1.0, 0.25, 0.0),
)


def test_a_question_whose_words_only_the_top_article_holds_is_answered_from_it() -> None:
    """On main this was handed over to a person although the top article was the one that answers it."""
    assert decide(ALONE, Thresholds()) == (Verdict.ANSWER, (0,))


def test_words_held_elsewhere_too_are_still_handed_over() -> None:
    # the address article holds as large a share of the question's distinctive words
    assert decide(replace(ALONE, coverage=(1.0, 1.0, 0.0)), Thresholds())[0] is Verdict.HANDOFF
    # the top article holds none of them
    assert decide(replace(ALONE, coverage=(0.0, 0.0, 0.0)), Thresholds())[0] is Verdict.HANDOFF
    # another chunk of the top article itself (kin 1.0) is no other article: its share is the top article's
    assert decide(replace(ALONE, kin=(1.0, 1.0, 0.3), coverage=(0.8, 1.0, 0.0)), Thresholds())[0] is Verdict.ANSWER


def test_too_unsure_a_name_the_help_center_never_uses_or_under_the_floor_is_handed_over() -> None:
    assert decide(replace(ALONE, confidence=0.2), Thresholds())[0] is Verdict.HANDOFF
    assert decide(replace(ALONE, unknown_names=1), Thresholds())[0] is Verdict.HANDOFF
    assert decide(replace(ALONE, similarity=0.3), Thresholds())[0] is Verdict.HANDOFF
    assert decide(replace(ALONE, capped=True), Thresholds())[0] is Verdict.HANDOFF


def test_the_tenant_can_turn_it_off() -> None:
    assert decide(ALONE, replace(Thresholds(), min_words_confidence=1.0))[0] is Verdict.HANDOFF


def test_a_split_question_is_still_asked_and_old_records_say_nothing() -> None:
    # another article close behind: "this one or that one?" as before, not an answer
    close = replace(ALONE, relevance=(1.30, 1.20, 0.85))
    assert decide(close, Thresholds()) == (Verdict.CLARIFY, (0, 1))
    # evidence recorded before the coverage was kept, or no other article retrieved
    assert not holds_the_words(coverage=(), kin=())
    assert not holds_the_words(coverage=(1.0,), kin=(1.0,))
    assert not holds_the_words(coverage=(1.0, 0.5), kin=(1.0, 1.0))

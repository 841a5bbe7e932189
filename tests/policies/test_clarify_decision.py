"""The gate's three verdicts from evidence alone: answer, ask which article is meant, or hand over."""

from __future__ import annotations

from dataclasses import replace

from bot.core.config import Thresholds
from policies.confidence import Evidence, Verdict, choices, decide


def evidence(*, confidence: float, choice: float, relevance: tuple[float, ...], similarity: float = 0.7,
             kin: tuple[float, ...] = ()) -> Evidence:
    return Evidence(similarity=similarity, agreement=1.0, lexical=1.0, margin=0.1, confidence=confidence, relevance=relevance,
                    choice_confidence=choice, kin=kin)


THRESHOLDS = replace(Thresholds(), min_confidence=0.8, min_choice_confidence=0.6, clarify_gap=0.05)


def test_a_trusted_top_article_is_answered() -> None:
    assert decide(evidence(confidence=0.9, choice=0.95, relevance=(1.5, 1.49, 1.2)), THRESHOLDS) == (Verdict.ANSWER, (0,))


def test_evidence_split_between_close_articles_asks_which_one_is_meant() -> None:
    assert decide(evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.47, 1.46)), THRESHOLDS) == (Verdict.CLARIFY, (0, 1, 2))
    assert decide(evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.47, 1.2)), THRESHOLDS) == (Verdict.CLARIFY, (0, 1))


def test_no_clarification_without_a_close_runner_up_or_a_likely_right_one() -> None:
    alone = evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.2, 1.1))
    assert choices(alone, THRESHOLDS) == (0,) and decide(alone, THRESHOLDS)[0] is Verdict.HANDOFF
    unlikely = evidence(confidence=0.3, choice=0.4, relevance=(1.0, 0.99, 0.98))
    assert decide(unlikely, THRESHOLDS)[0] is Verdict.HANDOFF


def test_a_near_duplicate_of_the_top_article_is_no_second_option() -> None:
    # the second document says what the first says (an FAQ row and its article): offered once
    split = evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.49, 1.47), kin=(1.0, 0.95, 0.3))
    assert decide(split, THRESHOLDS) == (Verdict.CLARIFY, (0, 2))
    same = evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.49, 1.2), kin=(1.0, 0.95, 0.3))
    assert decide(same, THRESHOLDS)[0] is Verdict.HANDOFF


def test_off_topic_and_capped_evidence_is_handed_over_whatever_the_scores() -> None:
    assert decide(evidence(confidence=0.99, choice=0.99, relevance=(1.5, 1.49), similarity=0.2), THRESHOLDS)[0] is Verdict.HANDOFF
    capped = replace(evidence(confidence=0.99, choice=0.99, relevance=(1.5, 1.49)), capped=True)
    assert decide(capped, THRESHOLDS)[0] is Verdict.HANDOFF


def test_evidence_survives_its_json_form() -> None:
    e = evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.47, 1.46))
    assert Evidence.from_json(e.to_json()) == Evidence.from_json(Evidence.from_json(e.to_json()).to_json())
    assert decide(Evidence.from_json(e.to_json()), THRESHOLDS) == decide(e, THRESHOLDS)

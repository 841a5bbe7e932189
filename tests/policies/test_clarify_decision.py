"""The gate's three verdicts from evidence alone: answer, ask which article is meant, or hand over."""

from __future__ import annotations

from dataclasses import replace

from bot.core.config import Thresholds
from policies.confidence import Evidence, Verdict, choices, decide


def evidence(*, confidence: float, choice: float, relevance: tuple[float, ...], similarity: float = 0.7,
             kin: tuple[float, ...] = ()) -> Evidence:
    return Evidence(similarity=similarity, agreement=1.0, lexical=1.0, margin=0.1, confidence=confidence, relevance=relevance,
                    choice_confidence=choice, kin=kin)


# the ordinary clarification alone (no unsure pair: tested below)
THRESHOLDS = replace(Thresholds(), min_confidence=0.8, min_choice_confidence=0.6, clarify_gap=0.05, min_split_confidence=1.0)
UNSURE = replace(THRESHOLDS, min_split_confidence=0.35, split_gap=0.3, split_kin=0.6)


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


def test_an_unsure_question_with_another_article_close_behind_asks_this_one_or_that_one() -> None:
    """Below min_confidence and with no likely choice of close articles, the gate handed over; from
    `min_split_confidence` it offers the top article and the first other one within `split_gap`."""
    unsure = evidence(confidence=0.45, choice=0.3, relevance=(1.5, 1.3, 1.1), kin=(1.0, 0.3, 0.2))
    assert decide(unsure, THRESHOLDS)[0] is Verdict.HANDOFF  # the rule off
    assert decide(unsure, UNSURE) == (Verdict.CLARIFY, (0, 1))
    # the second article is the first one's near twin: the next one that says something else is offered
    twin = replace(unsure, relevance=(1.5, 1.4, 1.3), kin=(1.0, 0.9, 0.2))
    assert decide(twin, UNSURE) == (Verdict.CLARIFY, (0, 2))
    # too far behind, too unsure, about a name the knowledge base never uses, or a message naming a person: handed over
    assert decide(replace(unsure, relevance=(1.5, 1.1, 1.0)), UNSURE)[0] is Verdict.HANDOFF
    assert decide(replace(unsure, confidence=0.2), UNSURE)[0] is Verdict.HANDOFF
    assert decide(replace(unsure, unknown_names=1), UNSURE)[0] is Verdict.HANDOFF
    assert decide(replace(unsure, person_named=True), UNSURE)[0] is Verdict.HANDOFF
    # a trusted answer and the off-topic floor are as before
    assert decide(replace(unsure, confidence=0.9), UNSURE) == (Verdict.ANSWER, (0,))
    assert decide(replace(unsure, similarity=0.2), UNSURE)[0] is Verdict.HANDOFF


def test_an_unsure_question_with_two_other_articles_close_behind_offers_all_three() -> None:
    """"Can I pause the wifi just for one device": pausing the service, slow wifi and parental controls are all close;
    the customer is offered the three (buttons), not only the first two, so the right third one can be chosen."""
    three = evidence(confidence=0.45, choice=0.3, relevance=(1.23, 1.02, 0.98, 0.7), kin=(1.0, 0.24, 0.34, 0.2))
    assert decide(three, UNSURE) == (Verdict.CLARIFY, (0, 1, 2))
    # a near twin of the top one is skipped, never offered; at most three are offered
    assert decide(replace(three, kin=(1.0, 0.9, 0.34, 0.2), relevance=(1.23, 1.2, 1.02, 0.98)), UNSURE) == (Verdict.CLARIFY, (0, 2, 3))
    assert decide(replace(three, relevance=(1.23, 1.2, 1.1, 1.0), kin=(1.0, 0.2, 0.2, 0.2)), UNSURE) == (Verdict.CLARIFY, (0, 1, 2))
    # the third too far behind: the pair alone, as before
    assert decide(replace(three, relevance=(1.23, 1.02, 0.8, 0.7)), UNSURE) == (Verdict.CLARIFY, (0, 1))


def test_an_faq_row_and_its_article_are_one_option() -> None:
    """Two buttons for one page ask nothing: the third option of a clarification that is an FAQ row summarising the
    second one's article (the row links to it) is left out; two rows linking to one outside page stay two answers."""
    from bot.core.passages import Chunk, Passage
    from bot.engine.confidence_stage import offered

    def passage(source: str, title: str, url: str) -> Passage:
        chunk = Chunk(id=source, doc_id=source, source=source, title=title, url=url, heading="", text="Some help text.", position=0)
        return Passage(chunk=chunk, score=1.0, dense=0.6, title=0.5, lexical=1.0)

    site = "https://help.example/articles/"
    passages = [passage("kb/invite-members.md", "Invite members", site + "invite-members"),
                passage("kb/reset-your-password.md", "Reset your password", site + "reset-your-password"),
                passage("kb/faq.csv#faq-011", "I didn't get the password reset email", site + "reset-your-password")]
    assert [o.source for o in offered(passages, (0, 1, 2))] == ["kb/invite-members.md", "kb/reset-your-password.md"]
    rows = [passage(f"kb/faq.csv#faq-00{n}", f"Question {n}", "https://health.example/page") for n in range(3)]
    assert len(offered(rows, (0, 1, 2))) == 3


def test_two_close_articles_and_a_third_within_split_gap_offer_all_three() -> None:
    """The ordinary clarification between two close articles offers a third one close behind them as well (within
    `split_gap`, saying something else), so a customer whose article is that one can pick it instead of asking a person."""
    split = evidence(confidence=0.5, choice=0.9, relevance=(1.5, 1.47, 1.35, 1.0), kin=(1.0, 0.3, 0.4, 0.2))
    assert decide(split, THRESHOLDS) == (Verdict.CLARIFY, (0, 1, 2))
    # further behind than split_gap, or the top one's near twin: the two alone
    assert decide(replace(split, relevance=(1.5, 1.47, 1.1, 1.0)), THRESHOLDS) == (Verdict.CLARIFY, (0, 1))
    assert decide(replace(split, kin=(1.0, 0.3, 0.7, 0.2)), THRESHOLDS) == (Verdict.CLARIFY, (0, 1))

"""`supportbot eval`'s risk–coverage table and calibration, from recorded results (no models needed)."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine.assistant import AskResult
from bot.core.errors import InputError
from bot.engine.eval_cases import EvalCase, load_cases, unknown_sources
from bot.engine.evaluation import calibrate_thresholds, risk_coverage, score, shares, thresholds_toml, within
from bot.engine.pipeline import HandoffReason, Outcome
from bot.core.config import Thresholds
from policies.confidence import Evidence


def result(*, confidence: float, retrieved: list[str], choice: float = 0.0, gap: float = 0.5, similarity: float = 0.7) -> AskResult:
    evidence = Evidence(similarity=similarity, agreement=1.0, lexical=1.0, margin=0.1, confidence=confidence,
                        relevance=(1.5, 1.5 - gap, 1.0), choice_confidence=choice)
    return AskResult(question="q", outcome=Outcome.ANSWER, answer="a", confidence=confidence, citations=(), route="extractive",
                     handoff_reason=None, latency_ms=1.0, details={"evidence": evidence.to_json(), "retrieved": retrieved})


CASES = [
    (EvalCase("right and sure", "answer", sources=("a.md",)), result(confidence=0.95, retrieved=["a.md", "b.md"])),
    (EvalCase("right, less sure", "answer", sources=("a.md",)), result(confidence=0.7, retrieved=["a.md", "b.md"])),
    (EvalCase("wrong but sure-ish", "answer", sources=("b.md",)), result(confidence=0.75, retrieved=["a.md", "b.md"])),
    (EvalCase("split evidence", "answer", sources=("b.md",)), result(confidence=0.5, choice=0.9, gap=0.01, retrieved=["a.md", "b.md"])),
    (EvalCase("off-topic", "handoff"), result(confidence=0.6, retrieved=["c.md"], similarity=0.45)),
]
PERSON = (EvalCase("a person please", "handoff", reason="customer_request"),
          replace(result(confidence=0.0, retrieved=[]), outcome=Outcome.HANDOFF, handoff_reason=HandoffReason.CUSTOMER_REQUEST,
                  details={"retrieved": []}))
BASE = replace(Thresholds(), min_choice_confidence=0.8, clarify_gap=0.05)


def test_the_risk_coverage_table_trades_wrong_answers_for_handoffs() -> None:
    rows = {row["min_confidence"]: row for row in risk_coverage([*CASES, PERSON], thresholds=BASE)}
    low, mid, high = rows[0.55], rows[0.8], rows[0.95]
    assert (low["right"], low["wrong"], low["clarified"], low["offtopic_answered"]) == (0.75, 0.25, 0.25, 1.0)
    assert (mid["right"], mid["wrong"], mid["handed_over"], mid["offtopic_answered"]) == (0.5, 0.0, 0.5, 0.0)
    assert high["right"] == 0.5 and high["wrong"] == 0.0  # the clarification still offers the right one


def test_a_clarification_offering_the_right_article_counts_as_right() -> None:
    case = EvalCase("split", "answer", sources=("b.md",))
    assert shares([(case, ("clarify", ["a.md", "b.md"]))])["right"] == 1.0
    assert shares([(case, ("clarify", ["a.md", "c.md"]))])["right"] == 0.0


def test_calibration_meets_the_bound_and_writes_an_includable_file() -> None:
    # bounds of 0 allow no case (the one-case tolerance is for positive bounds on small sets)
    found = calibrate_thresholds([*CASES, PERSON], thresholds=BASE, max_wrong=0.0, max_offtopic=0.0, max_clarified=0.3)
    assert found is not None
    chosen, expected = found
    assert expected["wrong"] == 0.0 and expected["offtopic_answered"] == 0.0 and expected["right"] == 0.5
    # no clarification allowed: fewer right then
    strict = calibrate_thresholds([*CASES, PERSON], thresholds=BASE, max_wrong=0.0, max_offtopic=0.0, max_clarified=0.0)
    assert strict is not None and strict[1]["clarified"] == 0.0 and strict[1]["right"] == 0.25
    text = thresholds_toml("acme", chosen, note="test")
    assert tomllib.loads(text)["tenants"]["acme"]["thresholds"]["min_confidence"] == chosen.min_confidence
    report = score([c for c, _ in CASES], [r for _, r in CASES], thresholds=BASE)
    assert len(report.risk_coverage) >= 10


def test_among_equally_good_thresholds_calibration_keeps_the_nearest_to_the_tenants() -> None:
    # every answerable case right and no off-topic one answered anywhere from 0.3 to 0.7: the first tried,
    # the loosest (0.3), was written, so off-topic questions the cases missed were answered from then on
    cases = [(EvalCase(f"q{n}", "answer", sources=("a.md",)), result(confidence=0.75 + n * 0.02, retrieved=["a.md", "b.md"]))
             for n in range(10)]
    cases += [(EvalCase(f"o{n}", "handoff"), result(confidence=0.1, retrieved=["c.md"])) for n in range(5)]
    found = calibrate_thresholds(cases, thresholds=replace(BASE, min_confidence=0.55), max_wrong=0.05)
    assert found is not None and found[1]["right"] == 1.0 and found[1]["offtopic_answered"] == 0.0
    assert found[0].min_confidence == 0.55 and found[0].min_choice_confidence == 0.8
    # a tenant already stricter stays there while the cases allow it, and comes down only as far as they need
    assert calibrate_thresholds(cases, thresholds=replace(BASE, min_confidence=0.7), max_wrong=0.05)[0].min_confidence == 0.7
    assert calibrate_thresholds(cases, thresholds=replace(BASE, min_confidence=0.9), max_wrong=0.05)[0].min_confidence == 0.75



def test_calibration_can_keep_the_tenants_own_thresholds_when_no_other_does_better() -> None:
    """The search tried min_choice_confidence from 0.3 only, and the default is 0.2: on kb6 it wrote 0.3 / 0.3,
    which answered two more wrong than the thresholds the tenant had, with as many right (qa11)."""
    cases = [(EvalCase(f"q{n}", "answer", sources=("a.md",)), result(confidence=0.95, retrieved=["a.md", "b.md"])) for n in range(9)]
    # offered as a choice of two only while min_choice_confidence is at most 0.25
    cases.append((EvalCase("split", "answer", sources=("b.md",)), result(confidence=0.2, choice=0.25, gap=0.01, retrieved=["a.md", "b.md"])))
    cases += [(EvalCase(f"o{n}", "handoff"), result(confidence=0.1, retrieved=["c.md"])) for n in range(5)]
    own = Thresholds()
    assert own.min_choice_confidence < 0.3
    found = calibrate_thresholds(cases, thresholds=own, max_wrong=0.05)
    assert found is not None and found[1]["right"] == 1.0 and found[1]["clarified"] == 0.1
    assert (found[0].min_confidence, found[0].min_choice_confidence) == (own.min_confidence, own.min_choice_confidence)

def test_a_bound_tolerates_one_case_only_below_one_over_the_bound_cases() -> None:
    assert within(1, 17, 0.05) and not within(2, 17, 0.05)  # 0.05 x 17 < 1: one case tolerated
    assert within(2, 40, 0.05) and not within(3, 40, 0.05)  # from 20 cases on the bound is exact
    assert within(0, 17, 0.0) and not within(1, 17, 0.0)
    assert within(0, 0, 0.05)


def _sweep_cases(high_offtopic: int) -> list[tuple[EvalCase, AskResult]]:
    """40 answerable questions answered right at confidences 0.55-0.94, 17 off-topic ones at 0.35,
    of which `high_offtopic` score 0.96 (above every right answer)."""
    answerable = [(EvalCase(f"q{n}", "answer", sources=("a.md",)), result(confidence=0.55 + n * 0.01, retrieved=["a.md", "b.md"]))
                  for n in range(40)]
    offtopic = [(EvalCase(f"o{n}", "handoff"), result(confidence=0.96 if n < high_offtopic else 0.35, retrieved=["c.md"]))
                for n in range(17)]
    return answerable + offtopic


def test_one_off_topic_case_of_17_does_not_force_an_extreme_threshold() -> None:
    found = calibrate_thresholds(_sweep_cases(1), thresholds=BASE, max_wrong=0.05)
    assert found is not None
    chosen, expected = found
    assert chosen.min_confidence <= 0.55 and expected["right"] == 1.0
    assert expected["offtopic_answered"] == round(1 / 17, 4) and expected["tolerated"] == ["offtopic_answered"]
    # two of 17 are more than the tolerance: only a threshold above both is left, answering none
    two = calibrate_thresholds(_sweep_cases(2), thresholds=BASE, max_wrong=0.05)
    assert two is not None and two[0].min_confidence > 0.96 and two[1]["right"] == 0.0 and "tolerated" not in two[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"question": 5, "expect": "answer"}\n', r"cases.jsonl:1: .*question must be a non-empty string"),
        (b'{"question": null, "expect": "handoff"}\n', r"cases.jsonl:1: .*question must be a non-empty string"),
        (b'{"expect": "answer"}\n', r"cases.jsonl:1: .*question must be a non-empty string"),
        (b'{"question": "q"}\n', r"cases.jsonl:1: .*expect must be"),
        (b'["q", "answer"]\n', r"cases.jsonl:1: .*a case is a JSON object"),
        (b'{"question": "agent!", "expect": "handoff", "reason": "customer-request"}\n', r"cases.jsonl:1: .*reason must be one of .*customer_request"),
        (b"\xff\xfe\x00\x01", r"cases.jsonl is not UTF-8 text"),
    ],
)
def test_a_case_file_with_a_mistake_is_refused_with_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    # before: a number or null was asked as "5" or "None", a misspelt reason made a request for a
    # person count as off-topic, and a binary file ended in a UnicodeDecodeError traceback
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_cases(cases)


def test_a_case_whose_sources_is_a_string_is_refused_naming_the_line(tmp_path: Path) -> None:
    # read as its characters, "sources": "a.md" scored every answer wrong and `eval` exited 0
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"question": "q1", "expect": "answer", "sources": ["a.md"]}\n'
                     '{"question": "q2", "expect": "answer", "sources": "a.md"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"cases.jsonl:2: .*sources must be a list of strings"):
        load_cases(cases)
    cases.write_text('{"question": "q1", "expect": "answer", "sources": ["a.md"], "answer_contains": ["Settings"]}\n', encoding="utf-8")
    assert load_cases(cases)[0].sources == ("a.md",) and load_cases(cases)[0].answer_contains == ("Settings",)



def test_a_case_file_saved_with_a_byte_order_mark_and_windows_line_ends_loads(tmp_path: Path) -> None:
    # what Excel's "CSV UTF-8" and Windows PowerShell's UTF-8 write: refused on line 1 as "Unexpected UTF-8 BOM" (qa11)
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b'\xef\xbb\xbf{"question": "q1", "expect": "answer", "sources": ["a.md"]}\r\n'
                      b'{"question": "q2", "expect": "handoff", "reason": "customer_request"}\r\n')
    assert [(c.question, c.expect) for c in load_cases(cases)] == [("q1", "answer"), ("q2", "handoff")]

def test_a_cases_source_unknown_to_the_tenant_is_named_with_the_source_meant() -> None:
    known = {"articles/eco-drift.md", "articles/away-assist.md", "help/faq.csv#faq-03", "a/setup.md", "b/setup.md"}
    cases = [EvalCase("q", "answer", sources=("eco-drift.md", "articles/away-assist.md")),
             EvalCase("q2", "answer", sources=("tmp/kb/articles/eco-drift.md", "faq.csv#faq-3", "setup.md", "zzz.md"))]
    assert unknown_sources(cases, known) == {
        "eco-drift.md": "articles/eco-drift.md",             # the folder given to ingest left out
        "tmp/kb/articles/eco-drift.md": "articles/eco-drift.md",  # ingested from another working directory
        "faq.csv#faq-3": "help/faq.csv#faq-03",              # near by spelling
        "setup.md": None,                                    # two files of that name: no guess
        "zzz.md": None,
    }
    assert unknown_sources([EvalCase("q", "answer", sources=("articles/eco-drift.md",))], known) == {}


@pytest.mark.parametrize(("line", "message"), [
    ('{"question": "q", "expect": "answer", "source": ["a.md"]}', r"cases.jsonl:1: .*unknown key 'source' \(did you mean 'sources'\?\)"),
    ('{"question": "q", "expect": "handoff", "reasons": "customer_request"}', r"cases.jsonl:1: .*unknown key 'reasons' \(did you mean 'reason'\?\)"),
    ('{"question": "q", "expected": "answer"}', r"cases.jsonl:1: .*unknown key 'expected' \(did you mean 'expect'\?\)"),
    ('{"question": "q", "expect": "answer", "answer_contains": [1]}', r"answer_contains must be a list of strings, e.g. \[\"two-factor\"\]"),
])
def test_a_misspelt_key_is_refused_naming_the_key_it_resembles(tmp_path: Path, line: str, message: str) -> None:
    # before: "source" (no s) was ignored, so the case was scored without its articles and eval exited 0;
    # answer_contains' error showed a file name as its example
    cases = tmp_path / "cases.jsonl"
    cases.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_cases(cases)
    cases.write_text('{"question": "q", "expect": "answer", "id": 7, "kb": "sample", "split": "tune"}\n', encoding="utf-8")
    assert load_cases(cases)[0].question == "q"  # other keys (an id, a tag) are the file's own business



def test_calibration_says_which_bound_the_current_thresholds_break_when_it_answers_fewer_right() -> None:
    # qa12, as a new operator: the table marked "now" with right 0.565, `--calibrate` wrote thresholds expected to
    # answer 0.467 right, and nothing said why (the current thresholds clarified 0.179, over --max-clarified 0.15)
    from bot.app.cli.eval_command import calibration_note

    pairs = [*CASES, PERSON]
    found = calibrate_thresholds(pairs, thresholds=BASE, max_wrong=0.0, max_offtopic=0.0, max_clarified=0.0)
    assert found is not None and found[1]["right"] == 0.25  # the current ones answer 0.75 right (the table's 0.55 row)
    note = calibration_note(pairs, thresholds=BASE, expected=found[1], max_wrong=0.0, max_clarified=0.0)
    assert note is not None and "0.750 right" in note
    assert "wrong 0.250 over --max-wrong 0.0" in note and "clarified 0.250 over --max-clarified 0.0" in note
    assert "off-topic answered 1.000 over --max-wrong 0.0" in note
    # thresholds that keep every bound: nothing to explain
    loose = calibrate_thresholds(pairs, thresholds=BASE, max_wrong=1.0, max_offtopic=1.0, max_clarified=1.0)
    assert loose is not None and calibration_note(pairs, thresholds=BASE, expected=loose[1], max_wrong=1.0, max_clarified=1.0) is None


def test_an_answerable_case_taken_for_a_request_for_a_person_says_so_and_what_to_do() -> None:
    """ops17's trial: "can I send a direct message to a colleague" failed as `handoff (customer_request), confidence
    0.0` and nothing said that no threshold of the table moves it, nor that the tenant's ordinary_examples do."""
    case = EvalCase("can I send a direct message to a colleague", "answer", sources=("team-chat.md",))
    report = score([case], [replace(PERSON[1], question=case.question)])
    [failure] = report.failures
    assert failure["reason"] == HandoffReason.CUSTOMER_REQUEST
    assert "request for a person" in failure["why"] and "ordinary_examples" in failure["why"]

"""The confidence gate: answer, ask which of a few articles is meant (clarify), or hand over.

The confidence is a calibrated probability that the top document is a right one (`ANSWER_MODEL`, a
logistic model over `features`); `CHOICE_MODEL` gives the probability that one of the documents
close to the top is. `decide` answers above `min_confidence`, else offers the documents within
`clarify_gap` (ordering score) of the top one when there are two or three and `min_choice_confidence`
is reached (evidence split between near-duplicates, "how do X and Y differ"), else hands over.
Both models and the default thresholds were chosen on a tune split only (bench/bench_answers.py).

Evidence, all from retrieval (plus the model's own signals when a model answered):
- similarity: the best cosine of the question to the top passage's body, title, lead or sentence windows
  (the floor `min_dense`; bot/core/passages.py `Passage.similarity`);
- agreement: how many of the three searches (dense, title, BM25) put that document first;
- lexical: whether the question's words occur in the passage at all (BM25 > 0), relative to the best;
- margin: how far the top document is ahead of the runner-up in fused score; gaps: how far it is
  ahead of the next two in ordering score (`Passage.relevance`);
- unknown terms: words of the question the knowledge base never uses and that are no common
  English word ("gmail", "covid" asked of a help center): a sign the question is about something else;
- shared words, for a question not in English when the embedding model knows only English
  (all-MiniLM-L6-v2): its cosines between two Spanish texts are high whatever they are about
  ("¿Cuánto cuesta el plan Business?" scored 0.52 against a Spanish page on passwords), so such a
  question is answered only from a passage that shares a content word with it (`shares_words`;
  BM25 alone would count "el" or "la").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.core.config import Thresholds
from bot.core.passages import NEAR_DUPLICATE, SAME_ARTICLE, Passage, Profile
from bot.core.passages import kin as kin_of
from bot.core.words import ENGLISH, OTHER_LANGUAGES, prefix, stop_words
from policies.clear_lead import leads_every_view
from policies.word_lead import holds_the_words


@dataclass(frozen=True, slots=True)
class Evidence:
    similarity: float
    agreement: float
    lexical: float
    margin: float
    confidence: float
    # the ordering scores of the best few documents (knowledge/retrieval.py `Passage.relevance`)
    relevance: tuple[float, ...] = ()
    lead: float = 0.0
    unknown_names: int = 0
    unknown_words: int = 0
    # cosine of each of those documents' chunk to the top one's (bot/core/passages.py `kin`): near 1,
    # the two say the same thing (an FAQ row and its article) and their closeness splits nothing
    kin: tuple[float, ...] = ()
    # the knowledge base's own levels (bot/core/passages.py `Profile`)
    background: float = 0.0
    spread: float = 0.0
    foreground: float = 0.0
    # probability that one of the documents close to the top is the right one (see `choices`)
    choice_confidence: float = 0.0
    # the share of the question's distinctive words (and of its name-like words) each of those documents
    # contains (knowledge/retrieval.py `coverage`, `name_coverage`): already in `relevance`; kept to show
    # why a document ranks where it does. Read by the models as well (the top one's share and its lead
    # over the others'), they lowered TUNE right (0.709 -> 0.701 with both, 0.689 without names) and
    # leave-one-knowledge-base-out right (0.678 -> 0.616, bench/bench_answers.py).
    coverage: tuple[float, ...] = ()
    named: tuple[float, ...] = ()
    # each of those documents' cosines to the question (body, title, lead) and its BM25 relative to the
    # best candidate's: what the ordering score sums, view by view. No decision reads them: as model
    # inputs they gained nothing on the TUNE split (bench/bench_answers_variants.py `view-gaps`, `views-won`)
    views: tuple[tuple[float, ...], ...] = ()
    capped: bool = False  # the model said "not in the passages", or a wordless question: never answered
    # the message names a person of the other side ("need a human to help with X", policies/intent.py
    # `names_a_person`): never asked "this one or that one?" (`decide`)
    person_named: bool = False

    @property
    def gap(self) -> float:
        """How far the top document is ahead of the runner-up in ordering score."""
        return self.relevance[0] - self.relevance[1] if len(self.relevance) > 1 else 1.0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            k: round(getattr(self, k), 4) for k in ("similarity", "agreement", "lexical", "margin", "confidence", "lead", "choice_confidence")
        }
        data.update(relevance=[round(r, 4) for r in self.relevance], kin=[round(k, 4) for k in self.kin],
                    coverage=[round(c, 4) for c in self.coverage], named=[round(c, 4) for c in self.named],
                    views=[[round(v, 4) for v in view] for view in self.views],
                    background=round(self.background, 4), spread=round(self.spread, 4), foreground=round(self.foreground, 4), unknown_names=self.unknown_names, unknown_words=self.unknown_words,
                    capped=self.capped, person_named=self.person_named)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        """Back from `to_json` (bench/bench_answers.py replays recorded evidence under other settings)."""
        return cls(
            similarity=data["similarity"], agreement=data["agreement"], lexical=data["lexical"], margin=data["margin"],
            confidence=data["confidence"], relevance=tuple(data["relevance"]), lead=data["lead"], unknown_names=data["unknown_names"],
            unknown_words=data["unknown_words"], choice_confidence=data["choice_confidence"], capped=data["capped"],
            person_named=data.get("person_named", False),
            kin=tuple(data.get("kin", ())), coverage=tuple(data.get("coverage", ())), named=tuple(data.get("named", ())),
            views=tuple(tuple(v) for v in data.get("views", ())),
            background=data.get("background", 0.0), spread=data.get("spread", 0.0), foreground=data.get("foreground", 0.0),
        )


# words the knowledge base never uses and that are no common word (knowledge/vocabulary.py): a name
# ("Gmail", "Salesforce", "COVID") says the question is about something else; a lowercase word is
# often just chat ("wifi", "coworkers")
UNKNOWN_NAME_CAP = 2
UNKNOWN_WORD_CAP = 3


# confidence left to an answer the gate must not give (the model said it's not in the passages, or a
# question the embedding model can't read shares no word with the passage)
NOT_COVERED = 0.2


def distinct_gaps(relevance: Sequence[float], kin: Sequence[float], *, near: float = NEAR_DUPLICATE) -> tuple[float, float]:
    """How far the top document is ahead of the best two that say something different (kin < `near`).

    An FAQ row and the article it summarises both being close to the question is agreement, not
    doubt; only a document with other content close behind splits the evidence. With fewer different
    documents among those retrieved, the gap to the last one retrieved stands in (a lower bound)."""
    rel = list(relevance)
    if not rel:
        return 0.0, 0.0
    kin = list(kin) + [0.0] * (len(rel) - len(kin))
    other = [r for r, k in zip(rel[1:], kin[1:]) if k < near]
    floor = rel[0] - rel[-1] if len(rel) > 1 else rel[0]
    first = rel[0] - other[0] if other else floor
    second = rel[0] - other[1] if len(other) > 1 else max(first, floor)
    return first, second



# the spread read when the knowledge base has no profile (fewer than three documents to probe): about
# the middle of the three evaluation knowledge bases' own spreads (0.28-0.46), so a missing profile
# neither inflates nor flattens the gaps
DEFAULT_SPREAD = 0.35
MIN_SPREAD = 0.05


def features(e: Evidence) -> list[float]:
    """What the two calibrated models (`ANSWER_MODEL`, `CHOICE_MODEL`) read, in `FEATURES` order.

    No raw cosine: how high a cosine runs depends on the knowledge base (COVID-QA's FAQ rows all
    score high against any COVID question), so a model reading them learns the levels of the
    knowledge bases it was fitted on and answers wrongly on another. Instead: rank agreement of the
    three searches, BM25 relative to the best candidate, the unknown words, and the ordering score's
    gaps to the next two documents and to the first document of *another article* (`distinct_gaps` at
    `SAME_ARTICLE`), in units of the knowledge base's own spread (knowledge/profile.py). Chosen by
    leave-one-knowledge-base-out on the three evaluation knowledge bases (bench/bench_answers.py):
    held-out right 0.510 -> 0.678 and wrong 0.070 -> 0.048 against the previous ten features (with
    `similarity` and `lead`), fitted and thresholded the same way.

    No height either: the top document's ordering score over the knowledge base's `background` (the
    level a wrong document reaches when the titles are asked as questions) was a ninth input until
    it was dropped: how a title asked as a question scores depends on how the knowledge base writes
    its titles (COVID-QA's are questions, Bitext's intent names), so the height did not mean the same
    on a knowledge base the model was not fitted on. Measured on the TUNE split (the models and
    thresholds fitted as shipped): fitted on all of TUNE, TUNE right 0.593 -> 0.664 (wrong 0.028 ->
    0.034, clarified 0.082 -> 0.073); each KB's TUNE cases from a fit on the other two KBs' TUNE,
    right 0.681 -> 0.678, wrong 0.045 -> 0.042, clarified 0.141 -> 0.093. Reported: REPORT right 0.594
    -> 0.656 (wrong 0.025 both), held out (all of each KB) 0.681 -> 0.698, wrong 0.046 -> 0.036,
    clarified 0.139 -> 0.111, off-topic answered 0.019 -> 0.030 (bench/bench_answers_variants.py
    lists the other variants tried, none adopted)."""
    rel = list(e.relevance) + [0.0] * (3 - len(e.relevance))
    other_article, _ = distinct_gaps(e.relevance, e.kin, near=SAME_ARTICLE)
    spread = e.spread if e.spread >= MIN_SPREAD else DEFAULT_SPREAD
    return [
        e.agreement, e.lexical, float(min(e.unknown_names, UNKNOWN_NAME_CAP)), float(min(e.unknown_words, UNKNOWN_WORD_CAP)),
        (rel[0] - rel[1]) / spread, (rel[0] - rel[2]) / spread, other_article / spread,
    ]


FEATURES = ("agreement", "lexical", "unknown_names", "unknown_words", "gap_2", "gap_3", "gap_other_article")


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """A probability from evidence features: sigmoid(bias + weights . features)."""

    bias: float
    weights: tuple[float, ...]

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Fitted by `python bench/bench_answers.py --fit` (bench/answers_fit.py) on the TUNE split only of the three evaluation
# knowledge bases (COVID-QA, the sample help center, Bitext; bench/bench_answers.py says how they are
# built and split): ANSWER_MODEL predicts "the top document is a right one" (0 for off-topic
# questions), CHOICE_MODEL "one of the documents close to the top is a right one".
ANSWER_MODEL = LogisticModel(bias=-7.7949, weights=(7.3325, 0.0209, -3.8529, -0.7428, -0.3855, 1.024, 1.5852))
CHOICE_MODEL = LogisticModel(bias=-8.3785, weights=(8.4762, 0.0391, -4.1987, -0.7194, -0.8176, 2.4044, 0.2706))


def assess(
    passages: list[Passage], *, answer_support: float = 1.0, not_in_sources: bool = False, unknown_names: int = 0, unknown_words: int = 0,
    wordless: bool = False, profile: Profile | None = None, answer_model: LogisticModel = ANSWER_MODEL,
    choice_model: LogisticModel = CHOICE_MODEL, person_named: bool = False,
) -> Evidence:
    """`wordless`: a question the embedding model can't read shares no word with the top passage (see above)."""
    if not passages:
        return Evidence(0.0, 0.0, 0.0, 0.0, 0.0, unknown_names=unknown_names, unknown_words=unknown_words, person_named=person_named)
    top = passages[0]
    best_lexical = max(p.lexical for p in passages)
    lexical = top.lexical / best_lexical if best_lexical > 0 else 0.0
    # fused score is 1.0 for a document ranked first by every search
    agreement = top.score
    margin = top.score - passages[1].score if len(passages) > 1 else top.score
    shown = passages[:KEPT]
    profile = profile or Profile()
    evidence = Evidence(
        similarity=top.similarity, agreement=agreement, lexical=lexical, margin=margin, confidence=0.0,
        relevance=tuple(p.relevance for p in shown), kin=kin_of(shown), coverage=tuple(p.coverage for p in shown),
        named=tuple(p.named for p in shown), views=tuple((p.dense, p.title, p.lead, p.lexical / best_lexical if best_lexical > 0 else 0.0) for p in shown),
        lead=top.lead, unknown_names=unknown_names,
        unknown_words=unknown_words, background=profile.background, spread=profile.spread,
        foreground=profile.foreground, person_named=person_named,
    )
    values = features(evidence)
    support = max(0.0, min(1.0, answer_support))
    confidence = answer_model.probability(values) * support
    choice = choice_model.probability(values)
    capped = not_in_sources or wordless
    if capped:
        confidence = min(confidence, NOT_COVERED)
        choice = min(choice, NOT_COVERED)
    return replace(evidence, confidence=confidence, choice_confidence=choice, capped=capped)


class Verdict(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    HANDOFF = "handoff"


MAX_OPTIONS = 3
KEPT = 5  # documents whose scores the evidence keeps


def choices(evidence: Evidence, thresholds: Thresholds) -> tuple[int, ...]:
    """Which of the retrieved documents to offer: the top one and those within `clarify_gap` of it
    that say something different (a near-duplicate of the top one would be the same option twice)."""
    rel = evidence.relevance
    kin = list(evidence.kin) + [0.0] * (len(rel) - len(evidence.kin))
    picked = [0] + [n for n in range(1, len(rel)) if rel[0] - rel[n] <= thresholds.clarify_gap and kin[n] < NEAR_DUPLICATE]
    return tuple(picked[:MAX_OPTIONS])


def unsure_pair(evidence: Evidence, thresholds: Thresholds) -> tuple[int, ...]:
    """The top document and the first one or two after it that say something else (kin, the cosine of their chunks
    to the top one's, under `split_kin`), each within `split_gap` (ordering score) of the top; () when the first such
    one is not. A third is offered when it is close too (chosen on TUNE, bench/bench_answers.py "A third option":
    it held the answer for 4 of the 47 answerable TUNE questions it was added to; nothing else changes)."""
    rel = evidence.relevance
    kin = list(evidence.kin) + [0.0] * (len(rel) - len(evidence.kin))
    picked = [0]
    for n in range(1, len(rel)):
        if kin[n] >= thresholds.split_kin:
            continue
        if rel[0] - rel[n] > thresholds.split_gap or len(picked) == MAX_OPTIONS:
            break
        picked.append(n)
    return tuple(picked) if len(picked) > 1 else ()


def decide(evidence: Evidence, thresholds: Thresholds) -> tuple[Verdict, tuple[int, ...]]:
    """Answer from the top document, ask which of the close ones is meant (their positions), or hand over.

    Clarifying is for split evidence: the top document alone is not trusted enough, two or three
    different documents are close together, and one of them is likely the right one. Below that, a
    question the gate is unsure of (`min_split_confidence` up to `min_confidence`, no name the knowledge base
    never uses) whose top document has another article close behind it (`unsure_pair`) is asked too: "this
    one or that one?", with "none of these" for a person, instead of a handoff. Chosen on the TUNE split
    (bench/answers_split.py: on its records one of the two held the answer for about nine in ten such
    questions; the three thresholds give the most right on TUNE pooled with clarified at most 0.15 pooled).
    A message that names a person (`person_named`) is handed over as before: "need human help with X" offered
    two articles on X was a request for a person not met. A clarification of two is completed with a third article
    within `split_gap` (`unsure_pair`'s others), at most three in all. A clarification whose first article is ahead
    of the others on every view of the search is answered from it instead, when the confidence reaches
    `min_lead_confidence` (policies/clear_lead.py). A question about to be handed over whose top article holds a larger
    share of its distinctive words than any other article retrieved is answered from it, from `min_words_confidence`
    (policies/word_lead.py)."""
    verdict, picked = _verdict(evidence, thresholds)
    if (verdict is Verdict.CLARIFY and evidence.confidence >= thresholds.min_lead_confidence
            and leads_every_view(views=evidence.views, coverage=evidence.coverage, picked=picked)):
        return Verdict.ANSWER, (0,)
    if (verdict is Verdict.HANDOFF and evidence.confidence >= thresholds.min_words_confidence and _gated(evidence, thresholds)
            and not evidence.unknown_names and holds_the_words(coverage=evidence.coverage, kin=evidence.kin)):
        return Verdict.ANSWER, (0,)
    return verdict, picked


def _gated(evidence: Evidence, thresholds: Thresholds) -> bool:
    """Whether the evidence reaches the confidence gate at all (over the floor `min_dense`, not capped)."""
    return evidence.similarity >= thresholds.min_dense and not evidence.capped


def _verdict(evidence: Evidence, thresholds: Thresholds) -> tuple[Verdict, tuple[int, ...]]:
    if not _gated(evidence, thresholds):
        return Verdict.HANDOFF, ()
    if evidence.confidence >= thresholds.min_confidence:
        return Verdict.ANSWER, (0,)
    options = choices(evidence, thresholds)
    if len(options) >= 2 and evidence.choice_confidence >= thresholds.min_choice_confidence:
        # two close ones and another article within `split_gap`: that one is offered too (bench/bench_answers.py "A third option")
        more = [n for n in unsure_pair(evidence, thresholds) if n not in options]
        return Verdict.CLARIFY, (*options, *more)[:MAX_OPTIONS]
    if not evidence.person_named and evidence.confidence >= thresholds.min_split_confidence and not evidence.unknown_names:
        pair = unsure_pair(evidence, thresholds)
        if pair:
            return Verdict.CLARIFY, pair
    return Verdict.HANDOFF, ()


_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _content_words(text: str) -> set[str]:
    stop = stop_words(ENGLISH + OTHER_LANGUAGES)  # the bot's own texts come in these languages
    return {w for w in (m.lower() for m in _WORD.findall(text)) if w not in stop}


def shares_words(question: str, passage: str) -> bool:
    """Whether a content word of the question (3+ letters, no function word) occurs in the passage,
    inflected or not: the same first five letters count ("restablecerla", "restablecer")."""
    asked = _content_words(question)
    if not asked:
        return False
    found = _content_words(passage)
    stems = {prefix(w) for w in found if len(w) >= 5}
    return any(w in found or (len(w) >= 5 and prefix(w) in stems) for w in asked)


def should_answer(evidence: Evidence, thresholds: Thresholds) -> bool:
    return decide(evidence, thresholds)[0] is Verdict.ANSWER

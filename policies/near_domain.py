"""Near-domain questions: close to a help center's subject, about something it never mentions.

"My employee's work visa expired, what should I do?" asked of a payroll help center lands near its articles on
employees, and the gate answers it from one of them. What gives it away is a thing it names that the knowledge base
never uses ("visa"), at a similarity just over the floor `min_dense`: a question about something the articles do
cover names things they use, or is near them in meaning. So a question whose best passage is under the tenant's
`min_dense` plus `NEAR_MARGIN` (raw cosine, `Evidence.similarity`; 0.45 at the default floor) and that names such a thing (a noun, as spaCy's tagger reads it, that the
knowledge base never uses nor any stem of it: knowledge/vocabulary.py `never_used`) is handed over as no answer,
not answered or clarified (bot/engine/confidence_stage.py).

Chosen on the TUNE split of bench/bench_answers.py (records of main at 86b7bfa, replayed: `python
bench/answers_near_domain.py R.json --nouns`): of the TUNE cases answered or clarified, the rule at 0.45 hands over 6
off-topic questions (a work visa, a recruiting module, a credit card, a marketing firm...) for 2 right
ones and no wrong one; at 0.44 the same, at 0.46 6 for 4, at 0.48 7 for 8. Any word the knowledge base never uses
instead of a noun (adjectives, verbs: "good", "handle", "long") hands over 8 for 4 at 0.45: a paraphrase of a covered
question changes its verbs and adjectives ("kick them out", "force everybody") more often than the thing it is about.
The floor `min_dense` alone raised to 0.44 had stopped 12 for 5 and did not carry to the help centers never tuned on.
"""

from __future__ import annotations

from typing import Any

from policies.spacy_pipeline import TAGS, in_this_context, other_than, pipeline

# over the tenant's floor `min_dense` (0.40 by default): the raw cosine of the best passage under which an unknown noun
# hands the question over. Relative, so a tenant that moves its floor (by hand or `eval --calibrate`) moves this with it
NEAR_MARGIN = 0.05
NOUN_TAGS = frozenset({"NOUN", "PROPN"})


class SpacyNounReader:
    """The nouns of a question (lower case, letters only, three or more), from spaCy's tagger alone (no parser, no
    NER: about a millisecond a question), run on the pipeline the redactor loaded (policies/spacy_pipeline.py).
    Loaded in `warm_up`; `nouns` is blocking (call it from a thread)."""

    def __init__(self, *, model: str) -> None:
        self._model = model
        self._nlp: Any = None
        self._skip: list[str] = []

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> Any:
        if self._nlp is None:
            nlp = pipeline(self._model)
            self._skip = other_than(nlp, TAGS)
            self._nlp = nlp
        return self._nlp

    def nouns(self, text: str) -> list[str]:
        nlp = self._load()
        in_this_context()
        doc = nlp(text, disable=self._skip)
        return list(dict.fromkeys(t.text.lower() for t in doc if t.pos_ in NOUN_TAGS and t.is_alpha and len(t.text) >= 3))


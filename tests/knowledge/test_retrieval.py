"""Retrieval: what a passage opens with counts, not only its title and its text as a whole; so do the
question's distinctive words and names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.engine.pipeline import Identity
from bot.app.composition import Services
from knowledge.chunking import Chunk
from knowledge.retrieval import FusionWeights, coverage, fuse, name_coverage
from knowledge.store import Hit

# Both answers go on with the same boilerplate, so their whole texts look alike; the title of the
# wrong one is the closer match. The first sentence of the right one answers the question.
BOILERPLATE = (
    "Owners and billing admins can change this under Settings, then Billing; other members see a read-only summary. "
    "Every change is recorded in the audit log and every owner gets an e-mail about it. Plans, prices and taxes "
    "differ by country, and invoices are issued in the currency of the billing address. If anything looks wrong, "
    "write to support from the Help menu and include your workspace name and the last four digits of the card."
)
FAQ = (
    "id,question,answer\n"
    f'2fa,Two-factor authentication,"Two-factor sign-in is turned on under Profile, then Security, with an authenticator app. {BOILERPLATE}"\n'
    f'signin,Signing in,"If you lost your phone, sign in with one of the ten backup codes you saved when you turned two-factor on. {BOILERPLATE}"\n'
)


async def test_a_faq_entry_whose_answer_opens_with_the_question_is_found_first(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    services = make_services()
    (tmp_path / "faq.csv").write_text(FAQ, encoding="utf-8")
    services.ingestor.ingest([tmp_path / "faq.csv"], tenant="default", display_base=tmp_path)
    identity = Identity(tenant="default", user="u", channel="test")

    lost = await services.assistant.ask("I lost my phone and can't get the 2fa code", identity=identity)
    enable = await services.assistant.ask("where do I enable 2FA?", identity=identity)

    assert lost.details["retrieved"][0] == "faq.csv#signin"
    assert enable.details["retrieved"][0] == "faq.csv#2fa"


def _hit(doc: str, title: str, text: str, *, cosine: float) -> Hit:
    chunk = Chunk(id=doc, doc_id=doc, source=f"kb/{doc}", title=title, url=None, heading="", text=text, position=0)
    return Hit(chunk=chunk, dense=cosine, title=cosine, lead=cosine, lexical=1.0, blend_rank=None, lexical_rank=None)


def test_the_document_that_has_the_questions_distinctive_words_and_names_goes_first() -> None:
    """Cosines follow a question's form as much as its subject: a document as close in cosine but
    without the words that say what the question is about goes behind the one that has them."""
    question = "Does Acme sync with Google Drive?"
    offline = _hit("offline", "Does Acme work offline?", "Acme apps keep your pages and sync your changes later.", cosine=0.66)
    drive = _hit("drive", "Embed files", "Paste a Google Drive link into an Acme page to embed it.", cosine=0.62)
    browsers = _hit("browsers", "Which browsers does Acme support?", "Acme runs in Chrome, Firefox and Safari.", cosine=0.60)
    hits = [offline, drive, browsers]

    assert fuse(hits, weights=FusionWeights(order_coverage=0.0, order_names=0.0))[0].source == "kb/offline"
    ranked = fuse(hits, question=question)
    assert ranked[0].source == "kb/drive"
    # "acme" is in every candidate and weighs little; "google" and "drive" only in one
    assert coverage(question, hits)[1] > coverage(question, hits)[0]
    assert name_coverage(question, hits)[1] == 1.0 and name_coverage(question, hits)[0] < 0.2
    assert name_coverage("how do i sync my pages?", hits) == [0.0, 0.0, 0.0]  # no name-like word: no effect


async def test_a_question_naming_an_integration_finds_its_article_among_the_first_three(core: Services) -> None:
    """Before the word signals the Google Drive article came fifth, behind four FAQ rows that open
    like the question ("Does Paperkite ...?"); now it is among the three a clarification could offer.
    (It is not first: the FAQ row on working offline, which mentions syncing, still is.)"""
    result = await core.assistant.ask("Does Paperkite sync with Google Drive?", identity=Identity(tenant="default", channel="test"), record=False)
    assert "sample_kb/google-drive-integration.md" in result.details["retrieved"][:3], result.details["retrieved"]

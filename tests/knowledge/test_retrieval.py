"""Retrieval: what a passage opens with counts, not only its title and its text as a whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.engine.pipeline import Identity
from bot.app.composition import Services

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

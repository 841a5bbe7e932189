"""Names where no one stands (policies/name_misreads.py): a product or a place after "in", and in a message in another
language an article or a preposition the English rules took for a surname's particle, are left as they are; people in
the same shapes are still redacted."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    "text",
    [
        # what things are kept in: a program, a place
        "How do I add a teammate in Oscar?",
        "Where is the webhook secret in Barnaby?",
        "what's the size limit in Theo uploads?",
        # another language: an article or a preposition, then a noun
        "il mio pacco 4410 non è arrivato",
        "Où est le magasin de Rivoli ?",
        # another language: a name right after the word for an app or a plan, or with the word for an app joined to it
        "la aplicación Clara no me deja entrar",
        "le forfait Léa Max inclut-il les appels ?",
        "hur byter jag lösenord i Elsa-appen?",
    ],
)
def test_no_one_is_named(redactor: SpacyRedactor, text: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted == text, result.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please loop in Harriet Quillac on this ticket", "Harriet"),
        ("El pedido está a nombre de María Quillac, no de la tienda.", "María"),
        ("My name is Theo and I can't log in", "Theo"),
        ("Hola, soy Lucía Quillac y la aplicación no abre", "Lucía"),
    ],
)
def test_people_in_the_same_shapes_are_still_redacted(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted, result.redacted

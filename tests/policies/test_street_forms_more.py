"""Street lines of more countries' shapes (policies/street_forms.py, policies/street_words.py, policies/street_addresses.py):
a French "rue des ...", a Malaysian or Indonesian "Jalan"/"Jl.", a Korean road name ("-ro", "-daero", "-gil") and a German
floor after the street ("2. OG") are part of the street line that never reaches the remote model."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Please deliver to 31 rue des Tanneurs, 67000 Strasbourg.", "31 rue des Tanneurs"),
        ("Send it to 22 Jalan Bukit Bintang, Kuala Lumpur.", "22 Jalan Bukit Bintang"),
        ("Our office is at Jl. Cikini Raya No. 40, Jakarta Pusat.", "Jl. Cikini Raya No. 40"),
        ("Ship to Sejong-daero 209, Seoul 03171.", "Sejong-daero 209"),
        ("Deliver to Yeoksam-ro 7-gil 16, Seoul.", "Yeoksam-ro 7-gil 16"),
        ("Lieferadresse: Kantstraße 14, 3. OG, 10623 Berlin.", "Kantstraße 14, 3. OG"),
    ],
)
def test_the_whole_street_line_is_redacted(redactor: SpacyRedactor, text: str, street: str) -> None:
    result = redactor.redact_sync(text)
    assert any(e.kind == "STREET_ADDRESS" and street in e.text for e in result.entities), result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "Does the Wi-Fi router support 5 GHz?",
        "Can I check-in online 2 hours before?",
    ],
)
def test_hyphenated_words_and_numbers_keep_their_words(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text

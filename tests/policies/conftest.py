"""The redactor with its models loaded, once per test process (spaCy and the name lists take ~2 s): the
redaction tests only call it (`redact_sync`, `redact_batch`), which keeps no state between messages. A
module that needs another one (tenant terms) defines its own `redactor`."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor


@pytest.fixture(scope="session")
def redactor() -> SpacyRedactor:
    r = SpacyRedactor()
    r.warm_up()
    return r

"""The tenants file holds each tenant's privacy and access policy: a mistake in it stops the start,
with the tenant and key named, instead of quietly applying no policy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.app.composition import build_services
from bot.core.errors import ConfigError
from tests.conftest import make_settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[tenants.acme]\npii_kinds = ["PERSN", "EMAIL"]\n', "tenant 'acme': unknown pii_kinds 'PERSN'"),
        ('[tenants.acme]\npii_kinds = "EMAIL"\n', "pii_kinds must be a list"),
        ('[tenants.acme]\ndefault_group = ["staff"]\n', "unknown key(s) 'default_group' in [tenants.acme]"),
        ('[tenants.acme]\n[tenants.beta.widgets]\nkeys = ["k"]\n', "unknown key(s) 'widgets' in [tenants.beta]"),
        ('[tenants.acme.widget]\njwt_secrett = "x"\n', "unknown key(s) 'jwt_secrett' in [tenants.acme.widget]"),
        ('[tenants.acme.channel_groups.slak]\nC0X = ["staff"]\n', "unknown key(s) 'slak' in [tenants.acme.channel_groups]"),
        ('[tenants.acme.channel_groups.slack]\nC0X = "staff"\n', "[tenants.acme.channel_groups.slack] 'C0X' must be a list"),
        ('[tenants.acme.privacy]\nkeep_terms = ["Paperkite", 42]\n', "[tenants.acme.privacy] keep_terms[1] must be a non-empty string, not 42"),
        ('[tenants.acme.privacy]\nkeep_terms = "Paperkite"\n', "[tenants.acme.privacy] keep_terms must be a list of strings"),
        ('[tenants.acme.privacy]\nkeep_term = ["Paperkite"]\n', "unknown key(s) 'keep_term' in [tenants.acme.privacy]"),
        ('[tenants.acme]\n[tenants.beta.thresholds]\nmin_confidence = 1.5\n',
         "[tenants.beta.thresholds]: threshold min_confidence must be from 0 to 1, not 1.5"),
        ('[tenants.acme]\n[tenants.beta.thresholds]\nmin_confidance = 0.5\n', "[tenants.beta.thresholds]: unknown threshold(s)"),
        ('[tenants.beta]\nthresholds = 0.5\n', "[tenants.beta.thresholds]: thresholds must be a table"),
        # part of URLs and file names: "acme corp" and "a/b" were taken, and their Telegram webhook and thresholds file failed
        ('[tenants."acme corp"]\n', "tenant name 'acme corp' may have letters, digits, '.', '_' and '-'"),
        ('[tenants."a/../b"]\n', "tenant name 'a/../b' may have letters"),
    ],
)
def test_a_mistake_in_the_tenants_file_stops_the_start_naming_tenant_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as raised:
        make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(path))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_the_readme_sample_tenants_file_is_valid(tmp_path: Path) -> None:
    sample = README.read_text(encoding="utf-8").split("A tenants file", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "tenants.toml"
    path.write_text(sample)
    acme = make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(path)).tenant("acme")
    assert acme.pii_kinds is not None and "STREET_ADDRESS" in acme.pii_kinds
    assert acme.widget_keys == ("acme-public-key",)
    assert acme.keep_terms == ("Savannah", "Reno")  # the documented way to keep a product word redaction took for a name


def test_keep_terms_are_read(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text('[tenants.acme.privacy]\nkeep_terms = ["Paperkite", " Row "]\n')
    assert make_settings(tmp_path, SUPPORTBOT_TENANTS_FILE=str(path)).tenant("acme").keep_terms == ("Paperkite", "Row")


def test_without_a_redactor_the_bot_does_not_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failing open would send raw personal data to models, logs and the store."""
    monkeypatch.setitem(sys.modules, "policies.redaction", None)  # as if it could not be imported
    with pytest.raises(ConfigError, match="redaction cannot be loaded"):
        build_services(make_settings(tmp_path))

"""One catalogue of system check IDs (``healthcheck_admin.check_ids``), documented in full."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import WARNING

from healthcheck_admin import check_ids
from healthcheck_admin.checks import check_settings
from tests.test_docs import documented_check_ids

PACKAGE = Path(check_ids.__file__).parent
CATALOGUE = {v for k, v in vars(check_ids).items() if k.isupper() and k not in ("PREFIX", "HINTS")}


def test_the_catalogue_is_exactly_what_docs_checks_lists() -> None:
    assert set(check_ids.HINTS) == CATALOGUE
    assert documented_check_ids() == CATALOGUE


@pytest.mark.parametrize("module", ["routing.py", "registry.py", "checks.py"])
def test_no_module_writes_an_id_as_a_literal(module: str) -> None:
    text = (PACKAGE / module).read_text(encoding="utf-8")
    assert re.findall(r"""["'][EW]\d{3}["']""", text) == []


def test_legacy_keys_without_https_warn_about_the_old_default(settings: Any) -> None:
    settings.HEALTHCHECKS = {"HOSTNAME": "example.com", "KEY_STRATEGY": "legacy"}
    messages = check_settings()
    assert [m.id for m in messages] == ["healthcheck_admin.W002"]
    assert messages[0].level == WARNING
    assert "HTTPS = False" in messages[0].msg
    assert "https://" in messages[0].msg
    for https in (True, False):
        settings.HEALTHCHECKS = {"HOSTNAME": "example.com", "KEY_STRATEGY": "legacy", "HTTPS": https}
        assert check_settings() == []


def test_a_bad_cronitor_api_url_in_the_environment_is_an_error(settings: Any, monkeypatch: Any) -> None:
    settings.HEALTHCHECKS = {"HOSTNAME": "example.com"}
    monkeypatch.setenv("CRONITOR_API_URL", "ftp://cronitor.io/api")
    assert [m.id for m in check_settings()] == ["healthcheck_admin.E014"]
    monkeypatch.setenv("CRONITOR_API_URL", "https://cronitor.io/api")
    assert check_settings() == []

"""``assert_healthchecks_pass`` explains every check that did not pass, failed or errored, and refuses a
selection that matches nothing (this module is its own URLconf)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import override_settings

from healthcheck_admin import path as hc_path
from healthcheck_admin.testing import assert_healthchecks_pass


def _ok_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("all good")


def _leaving_view(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("https://elsewhere.invalid/login/")


urlpatterns = [
    hc_path("ok/", _ok_view, name="ok", healthcheck={"key": "ok", "tags": ["smoke"]}),
    hc_path("leaving/", _leaving_view, name="leaving", healthcheck={"key": "leaving", "tags": ["sso"]}),
]
pytestmark = pytest.mark.django_db
OWN_URLCONF = override_settings(ROOT_URLCONF="tests.test_assert_healthchecks_pass")


@OWN_URLCONF
def test_a_check_that_errored_is_listed_with_its_error_and_no_status():
    with pytest.raises(AssertionError) as raised:
        assert_healthchecks_pass()
    message = str(raised.value)
    assert message.startswith("1 of 2 healthchecks did not pass:\n")
    [line] = [line for line in message.splitlines() if line.startswith("- leaving")]
    assert ": error: redirect to 'https://elsewhere.invalid/login/' leaves this project" in line
    assert "status" not in line
    assert "- ok" not in message


@OWN_URLCONF
def test_a_selection_that_matches_nothing_is_an_error():
    with pytest.raises(
        AssertionError,
        match=r"no active, unpaused code-defined healthcheck matches keys=None tags=\['nope'\]",
    ):
        assert_healthchecks_pass(tags=["nope"])
    assert [result.key for result in assert_healthchecks_pass(tags=["smoke"])] == ["ok"]

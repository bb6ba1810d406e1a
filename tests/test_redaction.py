"""The redaction rules (``healthcheck_admin.redaction``): what is masked, scrubbed and cut, and how."""

from __future__ import annotations

import pytest

from healthcheck_admin import redaction
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import MASK, clip, mask_monitor, scrub, secret_values
from tests.sync_utils import healthchecks
from tests.utils import admin_form, edit_form, secret_row

SECRET = "Bearer ADMAUTHZ-SECRET-12-NEVER-SHOWN"


def prefixes(secret: str, size: int = 8) -> list[str]:
    return [secret[start : start + size] for start in range(len(secret) - size + 1)]


# -- cookies: always masked, whatever their name -------------------------------------------------------


@pytest.mark.parametrize("name", ["theme", "consent", "session", "Authorization", "x"])
def test_every_cookie_value_is_masked_whatever_its_name(name):
    assert redaction.mask_cookies({name: "plain-value-1"}) == {name: MASK}
    monitor = {"key": "k", "request": {"headers": {}, "cookies": {name: "plain-value-1"}}}
    assert mask_monitor(monitor)["request"]["cookies"] == {name: MASK}
    assert secret_values({}, {name: "plain-value-1"}) == {"plain-value-1"}


def test_a_cookie_given_as_an_env_reference_hides_the_reference_and_its_value(monkeypatch):
    monkeypatch.setenv("HC_RED_COOKIE", "cookie-from-env-77")
    assert redaction.mask_cookies({"theme": "env:HC_RED_COOKIE"}) == {"theme": MASK}
    assert secret_values({}, {"theme": "env:HC_RED_COOKIE"}) == {"cookie-from-env-77", "env:HC_RED_COOKIE"}


# -- headers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Authorization", "authorization", "COOKIE", "X-Api-Key", "Proxy-Authorization"]
)
def test_built_in_sensitive_headers_are_masked_in_any_case(name):
    assert redaction.mask_headers({name: "v-123456", "Accept": "json"}) == {name: MASK, "Accept": "json"}


def test_configured_sensitive_headers_are_masked_and_others_shown(settings):
    healthchecks(settings, SENSITIVE_HEADERS=["X-Custom-Token"])
    assert redaction.mask_headers({"x-custom-token": "abcd1234", "X-Other": "abcd1234"}) == {
        "x-custom-token": MASK,
        "X-Other": "abcd1234",
    }


def test_an_env_reference_in_a_plain_header_is_a_secret_once_resolved(monkeypatch):
    monkeypatch.setenv("HC_RED_PLAIN", "plain-but-secret-9")
    found = secret_values({"X-Plain": "env:HC_RED_PLAIN", "Accept": "json"}, {})
    assert found == {"plain-but-secret-9", "env:HC_RED_PLAIN"}
    assert secret_values({"X-Plain": "env:HC_RED_UNSET_VAR"}, {}) == {"env:HC_RED_UNSET_VAR"}
    assert redaction.mask_headers({"X-Plain": "env:HC_RED_PLAIN", "Accept": "json"}) == {
        "X-Plain": MASK,
        "Accept": "json",
    }


def test_response_header_masking_covers_set_cookie_and_needs_no_settings():
    assert redaction.is_masked("Set-Cookie")
    assert redaction.is_masked("authorization")
    assert not redaction.is_masked("Content-Type")


# -- scrub, then cut -----------------------------------------------------------------------------------


def test_scrub_replaces_longest_first_and_ignores_values_too_short_to_scrub():
    assert scrub("a abcdef abcdefgh", {"abcdef", "abcdefgh", "a"}) == f"a {MASK} {MASK}"


@pytest.mark.parametrize("offset", range(-40, 5))
def test_a_secret_cut_anywhere_leaves_no_prefix_of_eight_characters(offset):
    limit = 240
    text = "x" * (limit + offset) + SECRET + " and more text after it"
    shown = clip(text, limit, {SECRET})
    assert len(shown) <= limit + len(MASK)
    for piece in prefixes(SECRET):
        assert piece not in shown, (offset, shown[-40:])


def test_clip_scrubs_before_it_cuts():
    text = "y" * 230 + SECRET
    assert clip(text, 240, {SECRET}) == "y" * 230 + MASK


def test_clip_keeps_short_text_and_marks_a_cut():
    assert clip("short", 240) == "short"
    assert clip("z" * 300, 240) == "z" * 239 + "…"


# -- the admin form: the mask means "keep this same header's value" --------------------------------------


@pytest.fixture
def stored_row(db) -> HealthcheckDefinition:
    return secret_row("adm-red", {"Authorization": SECRET, "Accept": "json"}, {"theme": "dark-cookie-1"})


def test_the_change_form_shows_masks_and_saving_them_keeps_the_stored_values(stored_row):
    form = HealthcheckDefinitionForm(instance=stored_row)
    assert SECRET not in str(form)
    assert "dark-cookie-1" not in str(form)
    bound = edit_form(stored_row, '{"Authorization": "********", "Accept": "json"}', '{"theme": "********"}')
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["headers"] == {"Authorization": SECRET, "Accept": "json"}
    assert bound.cleaned_data["cookies"] == {"theme": "dark-cookie-1"}


@pytest.mark.parametrize(
    ("headers", "cookies"),
    [
        ('{"X-Renamed": "********"}', '{"theme": "********"}'),  # a renamed header
        ('{"authorization": "********"}', '{"theme": "********"}'),  # a renamed case is another name
        ('{"Authorization": "Bearer ********"}', '{"theme": "********"}'),  # the mask inside a value
        ('{"Accept": "********"}', '{"theme": "********"}'),  # a value that was never masked
        ('{"Authorization": "********"}', '{"lang": "********"}'),  # a renamed cookie
    ],
)
def test_the_mask_anywhere_else_is_a_form_error_and_nothing_is_stored(stored_row, headers, cookies):
    form = edit_form(stored_row, headers, cookies)
    assert not form.is_valid()
    field = "cookies" if "lang" in cookies else "headers"
    assert "stands only for the value already stored" in str(form.errors[field])
    stored_row.refresh_from_db()
    assert stored_row.headers == {"Authorization": SECRET, "Accept": "json"}


def test_the_mask_on_a_new_row_is_a_form_error(db):
    form = HealthcheckDefinitionForm(data=admin_form(headers='{"Authorization": "********"}'))
    assert not form.is_valid()
    assert "headers" in form.errors

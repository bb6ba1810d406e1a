"""The bad-input corpus: every line of ``tests/data/bad_inputs.jsonl`` gets a clear error naming its field.

One JSON object per line, with a ``kind``, a readable ``id`` and what to expect. ``expect`` is
``"error"`` (the default) or ``"ok"``: the outcome is part of the data, so that SQLite and
PostgreSQL (the postgres tox envs run this same file) are held to the same one.
Error cases:

- ``healthcheck``: ``Healthcheck.coerce(input)`` raises :class:`HealthcheckError` whose ``.field``
  is ``field`` and whose message starts with the field and contains ``error``;
- ``form``: the admin add form posted by a superuser with ``input`` over a valid form answers
  200 (never a 500), saves nothing, and shows ``error`` on ``field``;
- ``override``: the change form of a code row (only the override layer is editable) posted with
  ``input`` answers 200, shows ``error`` on ``field`` and leaves the row's override layer as it was;
- ``setting``: with ``HEALTHCHECKS[name] = value`` (``name`` ``HEALTHCHECKS``: the whole setting),
  ``check_settings()`` yields an error whose message names the setting and contains ``error``;
- ``assertion``: ``parse(input)`` raises :class:`AssertionSyntaxError` containing ``error``, on one
  line without control characters, and ``Healthcheck(assertions=[input])`` names ``assertions``.

Accepted cases (``"expect": "ok"``): the declaration is accepted and its values are stored and read
back unchanged; the form saves (a redirect) and the row holds the value; the setting passes.

Add a case by adding a line; the file is the corpus.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.checks import ERROR
from django.test import override_settings
from django.urls import reverse

from healthcheck_admin.assertions import AssertionSyntaxError, parse
from healthcheck_admin.checks import check_settings
from healthcheck_admin.declarations import Healthcheck, HealthcheckError
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.upsert import sync_code_checks
from tests.utils import admin_form

CORPUS = Path(__file__).parent / "data" / "bad_inputs.jsonl"
KINDS = ("healthcheck", "form", "override", "setting", "assertion")
ADD = "admin:healthcheck_admin_healthcheckdefinition_add"
EXISTING_KEY = "adm-existing"
#: The test settings' own values, so that each case changes exactly one setting.
BASE_SETTINGS = {"BACKEND": "healthcheck_admin.backends.locmem.LocmemBackend", "HOSTNAME": "example.com"}
VALID_FORM = admin_form(key="adm-corpus", name="Corpus check", method="POST", tags='["corpus"]')


def load_corpus() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = load_corpus()


def case_params(kind: str, expect: str = "error") -> list[Any]:
    return [
        pytest.param(case, id=case["id"])
        for case in CASES
        if case["kind"] == kind and case.get("expect", "error") == expect
    ]


def one_line(text: str) -> bool:
    return not any(unicodedata.category(char) == "Cc" for char in text)


# -- the corpus itself -------------------------------------------------------------------------------


def test_the_corpus_has_at_least_250_well_formed_cases_of_every_kind() -> None:
    assert len(CASES) >= 250
    assert {case["kind"] for case in CASES} == set(KINDS)
    ids = [(case["kind"], case["id"]) for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique within a kind"
    for case in CASES:
        assert case.get("expect", "error") in ("error", "ok"), case
        needed = {"name", "value"} if case["kind"] == "setting" else {"input"}
        if case.get("expect", "error") == "error":
            assert case["error"], case
            if case["kind"] in ("healthcheck", "form", "override"):
                needed.add("field")
        assert needed <= set(case), case
    reliability = (Path(__file__).parent.parent / "docs" / "reliability.rst").read_text(encoding="utf-8")
    assert f"**{len(CASES)} cases**" in reliability, "update the corpus size in docs/reliability.rst"
    accepted = {case["kind"] for case in CASES if case.get("expect") == "ok"}
    assert accepted == {"healthcheck", "form", "override", "setting"}, "each kind needs accepted cases"


# -- Healthcheck(...) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", case_params("healthcheck"))
def test_healthcheck_argument(case: dict[str, Any]) -> None:
    with pytest.raises(HealthcheckError) as raised:
        Healthcheck.coerce(case["input"])
    error = raised.value
    assert error.field == case["field"], str(error)
    assert str(error).startswith(f"{case['field']}: "), str(error)
    assert case["error"] in str(error), str(error)
    assert isinstance(error, ValueError)


STORED = ("key", "name", "headers", "cookies", "body", "tags", "notify", "note", "assertions", "regions")


@pytest.mark.django_db
@pytest.mark.parametrize("case", case_params("healthcheck", "ok"))
def test_healthcheck_argument_accepted_and_stored_unchanged(case: dict[str, Any]) -> None:
    check = Healthcheck.coerce(case["input"])
    assert check is not None
    values = {name: getattr(check, name) for name in STORED if getattr(check, name)}
    row = HealthcheckDefinition.objects.create(url="https://example.com/", **values)
    row.refresh_from_db()
    assert {name: getattr(row, name) for name in values} == values


# -- the admin form ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Any) -> Any:
    client.force_login(User.objects.create_superuser("corpus", "corpus@example.com", None))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("case", case_params("form"))
def test_admin_form_field(admin_client: Any, case: dict[str, Any]) -> None:
    HealthcheckDefinition.objects.create(key=EXISTING_KEY, url="https://example.com/")
    data = {**VALID_FORM, **case["input"]}

    response = admin_client.post(reverse(ADD), data)

    assert response.status_code == 200, "the form was accepted (a redirect) or the admin failed"
    errors = response.context["adminform"].form.errors
    assert case["field"] in errors, f"errors on other fields only: {errors.as_data()}"
    messages = " ".join(errors[case["field"]])
    assert case["error"] in messages, messages
    assert list(HealthcheckDefinition.objects.values_list("key", flat=True)) == [EXISTING_KEY]
    assert 'class="errorlist' in response.content.decode()


@pytest.mark.django_db
def test_the_valid_form_of_the_corpus_is_accepted(admin_client: Any) -> None:
    """The baseline each form case changes one field of: without the change, it saves."""
    response = admin_client.post(reverse(ADD), VALID_FORM)
    assert response.status_code == 302
    assert HealthcheckDefinition.objects.filter(key=VALID_FORM["key"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", case_params("form", "ok"))
def test_admin_form_field_accepted_and_stored(admin_client: Any, case: dict[str, Any]) -> None:
    data = {**VALID_FORM, **case["input"]}

    response = admin_client.post(reverse(ADD), data)

    assert response.status_code == 302, response.context["adminform"].form.errors.as_data()
    row = HealthcheckDefinition.objects.get(key=VALID_FORM["key"])
    for name, posted in case["input"].items():
        stored = getattr(row, name)
        expected = json.loads(posted) if isinstance(stored, (dict, list)) else posted
        assert stored == expected, (stored, expected)


OVERRIDE_FIELDS = ("override_paused", "override_note", "override_notify", "extra_tags")
EMPTY_OVERRIDES = {
    "override_paused": "unknown",
    "override_note": "",
    "override_notify": "",
    "extra_tags": "[]",
}


def code_row_change_url() -> tuple[HealthcheckDefinition, str]:
    sync_code_checks()
    row = HealthcheckDefinition.objects.code().first()
    assert row is not None
    return row, reverse("admin:healthcheck_admin_healthcheckdefinition_change", args=[row.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("case", case_params("override"))
def test_code_row_override_field(admin_client: Any, case: dict[str, Any]) -> None:
    row, url = code_row_change_url()
    before = [getattr(row, name) for name in OVERRIDE_FIELDS]

    response = admin_client.post(url, {**EMPTY_OVERRIDES, **case["input"]})

    assert response.status_code == 200, "the form was accepted (a redirect) or the admin failed"
    errors = response.context["adminform"].form.errors
    assert case["field"] in errors, f"errors on other fields only: {errors.as_data()}"
    assert case["error"] in " ".join(errors[case["field"]])
    row.refresh_from_db()
    assert [getattr(row, name) for name in OVERRIDE_FIELDS] == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", case_params("override", "ok"))
def test_code_row_override_field_accepted(admin_client: Any, case: dict[str, Any]) -> None:
    row, url = code_row_change_url()
    response = admin_client.post(url, {**EMPTY_OVERRIDES, **case["input"]})
    assert response.status_code == 302, response.context["adminform"].form.errors.as_data()
    row.refresh_from_db()
    for name, posted in case["input"].items():
        stored = getattr(row, name)
        assert stored == (json.loads(posted) if isinstance(stored, list) else posted)


# -- settings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", case_params("setting"))
def test_setting_value(case: dict[str, Any]) -> None:
    name, value = case["name"], case["value"]
    setting = value if name == "HEALTHCHECKS" else {**BASE_SETTINGS, name: value}
    with override_settings(HEALTHCHECKS=setting):
        errors = [message for message in check_settings() if message.level >= ERROR]
    assert errors, f"HEALTHCHECKS[{name!r}] = {value!r} passed the system checks"
    text = " ".join(f"{error.msg} {error.hint}" for error in errors)
    assert name in text, text
    assert case["error"] in text, text
    assert all(error.hint and error.id for error in errors)
    if name == "API_KEY":
        assert str(value) not in text, "the API key was shown"


@pytest.mark.parametrize("case", case_params("setting", "ok"))
def test_setting_value_accepted(case: dict[str, Any]) -> None:
    with override_settings(HEALTHCHECKS={**BASE_SETTINGS, case["name"]: case["value"]}):
        assert [m for m in check_settings() if m.level >= ERROR] == []


def test_the_base_settings_of_the_corpus_pass() -> None:
    with override_settings(HEALTHCHECKS=BASE_SETTINGS):
        assert [m for m in check_settings() if m.level >= ERROR] == []


# -- assertion strings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", case_params("assertion"))
def test_assertion_string(case: dict[str, Any]) -> None:
    with pytest.raises(AssertionSyntaxError) as raised:
        parse(case["input"])
    message = str(raised.value)
    assert case["error"] in message, message
    assert one_line(message), f"the message holds a raw control character: {message!r}"

    with pytest.raises(HealthcheckError) as declared:
        Healthcheck(assertions=[case["input"]])
    assert declared.value.field == "assertions"

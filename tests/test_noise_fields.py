"""The alert-noise controls: ``failure_tolerance``, ``realert_interval`` and ``group``."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from healthcheck_admin import Healthcheck, HealthcheckError
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.payload import monitor_for
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing._validation import validate_monitor
from healthcheck_admin.upsert import sync_code_checks
from tests.sync_utils import ADMIN_FORM, make_row


@pytest.fixture
def _noise_urls():
    clear_url_caches()
    with override_settings(ROOT_URLCONF="tests.urlconfs.noise"):
        yield
    clear_url_caches()


def test_the_declaration_normalises_an_integer_realert_interval_to_hours():
    check = Healthcheck(failure_tolerance=3, realert_interval=1, group="payments")
    assert (check.failure_tolerance, check.realert_interval, check.group) == (3, "every 1 hour", "payments")
    assert Healthcheck(realert_interval="every 1 day").realert_interval == "every 1 day"
    assert Healthcheck().failure_tolerance is None


@pytest.mark.parametrize(
    ("arguments", "field", "text"),
    [
        ({"failure_tolerance": -1}, "failure_tolerance", "from 0 to 1000"),
        ({"failure_tolerance": True}, "failure_tolerance", "True"),
        ({"failure_tolerance": "2"}, "failure_tolerance", "'2'"),
        ({"realert_interval": "sometimes"}, "realert_interval", "'sometimes'"),
        ({"realert_interval": "every 10 seconds"}, "realert_interval", "1 minute to 30 days"),
        ({"realert_interval": 0}, "realert_interval", "out of range"),
        ({"realert_interval": 2.5}, "realert_interval", "2.5"),
        ({"group": "web team"}, "group", "not a valid group key"),
        ({"group": 7}, "group", "7"),
    ],
)
def test_bad_values_raise_a_healthcheck_error_naming_the_field(arguments, field, text):
    with pytest.raises(HealthcheckError) as caught:
        Healthcheck(**arguments)
    assert caught.value.field == field
    assert text in str(caught.value)


@pytest.mark.django_db
def test_unset_fields_are_left_out_of_the_monitor_and_set_ones_sent():
    plain = make_row("plain")
    noisy = make_row("noisy", failure_tolerance=0, realert_interval="every 2 hours", group="web")
    assert not {"failure_tolerance", "realert_interval", "group"} & set(monitor_for(plain))
    monitor = monitor_for(noisy)
    assert (monitor["failure_tolerance"], monitor["realert_interval"], monitor["group"]) == (
        0,
        "every 2 hours",
        "web",
    )


@pytest.mark.django_db
def test_the_fields_reach_the_emulator_over_http(sync_api):
    make_row("noisy", failure_tolerance=3, realert_interval="every 1 day", group="web")
    make_row("plain")

    report = push()

    assert report.ok, report.failed
    stored = sync_api.monitors["noisy"]
    assert (stored["failure_tolerance"], stored["realert_interval"], stored["group"]) == (
        3,
        "every 1 day",
        "web",
    )
    assert stored["attributes"]["group_name"] == "web"
    plain = sync_api.monitors["plain"]  # Cronitor's defaults stand
    assert (plain["failure_tolerance"], plain["realert_interval"], plain["group"]) == (
        None,
        "every 8 hours",
        None,
    )


@pytest.mark.django_db
def test_dashboard_values_survive_a_push_of_a_row_that_does_not_set_them(sync_api):
    make_row("plain")
    push()
    sync_api.dashboard_edit("plain", failure_tolerance=4, realert_interval="every 2 days")
    HealthcheckDefinition.objects.filter(key="plain").update(note="changed", status="pending")

    assert push().ok

    stored = sync_api.monitors["plain"]
    assert (stored["note"], stored["failure_tolerance"], stored["realert_interval"]) == (
        "changed",
        4,
        "every 2 days",
    )


@pytest.mark.django_db
def test_a_field_we_stop_setting_is_cleared_to_cronitors_default(sync_api):
    row = make_row("noisy", failure_tolerance=3, realert_interval="every 1 day", group="web")
    push()
    row.refresh_from_db()
    row.failure_tolerance, row.realert_interval, row.group = None, "", ""
    row.save()

    assert push().ok

    stored = sync_api.monitors["noisy"]
    assert (stored["failure_tolerance"], stored["realert_interval"], stored["group"]) == (
        0,
        "every 8 hours",
        None,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_noise_urls")
def test_ops_overrides_survive_a_re_upsert_and_win_in_the_payload():
    sync_code_checks()
    row = HealthcheckDefinition.objects.get(key="noise.quiet")
    assert (row.failure_tolerance, row.realert_interval, row.group) == (2, "every 12 hours", "web")
    HealthcheckDefinition.objects.filter(pk=row.pk).update(
        override_failure_tolerance=5, override_realert_interval="every 1 day", override_group="ops"
    )
    with override_settings(HEALTHCHECKS={"HOSTNAME": "moved.example.com", "ENVIRONMENT": "test"}):
        result = sync_code_checks()

    assert "noise.quiet" in result.updated
    row.refresh_from_db()
    assert row.url == "https://moved.example.com/quiet/"
    assert (row.override_failure_tolerance, row.override_realert_interval, row.override_group) == (
        5,
        "every 1 day",
        "ops",
    )
    monitor = monitor_for(row)
    assert (monitor["failure_tolerance"], monitor["realert_interval"], monitor["group"]) == (
        5,
        "every 1 day",
        "ops",
    )
    plain = HealthcheckDefinition.objects.get(key="noise.plain")
    assert (plain.failure_tolerance, plain.realert_interval, plain.group) == (None, "", "")


def _form(**values):
    return HealthcheckDefinitionForm(data={**ADMIN_FORM, **values})


@pytest.mark.django_db
def test_the_admin_form_accepts_good_values_and_reports_bad_ones():
    good = _form(failure_tolerance="2", realert_interval="every 1 day", group="web", override_group="")
    assert good.is_valid(), good.errors
    row = good.save()
    assert (row.failure_tolerance, row.realert_interval, row.group, row.override_group) == (
        2,
        "every 1 day",
        "web",
        None,
    )
    bad = _form(
        key="other",
        failure_tolerance="-1",
        realert_interval="now and then",
        group="two words",
        override_realert_interval="every 5 seconds",
    )
    assert not bad.is_valid()
    assert set(bad.errors) == {"failure_tolerance", "realert_interval", "group", "override_realert_interval"}
    assert "now and then" in bad.errors["realert_interval"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("failure_tolerance", -1),
        ("failure_tolerance", "3"),
        ("realert_interval", "soon"),
        ("realert_interval", True),
        ("group", ""),
        ("group", 12),
    ],
)
def test_the_emulator_refuses_bad_values(field, value):
    doc = {"key": "k", "type": "check", "request": {"url": "https://example.com/"}, field: value}
    assert [name for name, _ in validate_monitor(doc)] == [field]


@pytest.mark.parametrize(("field", "value"), [("realert_interval", 12), ("realert_interval", "every 1 day")])
def test_the_emulator_accepts_cronitors_forms(field, value):
    doc = {"key": "k", "type": "check", "request": {"url": "https://example.com/"}, field: value}
    assert validate_monitor(doc) == []

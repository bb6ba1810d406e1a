"""``manage.py healthchecks import`` when things are not simple: an unreadable Cronitor, monitors
that cannot become rows, a push Cronitor rejects, rows already in the table, and ``-v 2``.

Every test talks to the real emulator over loopback.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent
from tests.sync_utils import command, dashboard_monitor, healthchecks, make_row

pytestmark = pytest.mark.django_db


def test_an_unreadable_cronitor_fails_the_import_with_exit_code_1_and_creates_nothing(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=1)
    sync_api.add_monitors(dashboard_monitor("dash-unread"))
    sync_api.fail_next(403, body={"error": "forbidden"}, method="GET")

    with pytest.raises(CommandError, match="cannot read the monitors on Cronitor") as raised:
        command("import", "--all")

    assert raised.value.returncode == 1
    assert not HealthcheckDefinition.objects.filter(key="dash-unread").exists()
    assert sync_api.monitor_puts() == []


def test_verbose_import_names_each_imported_adopted_and_skipped_key(sync_api, settings):
    healthchecks(settings, REFRESH=True)
    sync_api.add_monitors(
        dashboard_monitor("dash-new"),
        dashboard_monitor("dash-coded", note="from the dashboard"),
        dashboard_monitor("dash-admin"),
    )
    make_row("dash-coded", source="code", url="https://example.com/dash-coded/")
    make_row("dash-admin", name="Kept as it is")

    out, _ = command("import", "--all", verbosity=2)

    assert "  imported dash-new" in out
    assert "  adopted dash-coded (dashboard settings offered as overrides)" in out
    assert "  skipped dash-admin: already in the table (an admin row)" in out
    assert "imported 1, adopted 1, skipped 1, failed 0" in out
    assert HealthcheckDefinition.objects.get(key="dash-admin").name == "Kept as it is"
    assert HealthcheckDefinition.objects.get(key="dash-coded").override_note == "from the dashboard"


def test_a_verbose_dry_run_says_would_import_and_adopts_nothing(sync_api):
    sync_api.add_monitors(dashboard_monitor("dry-new"), dashboard_monitor("dry-coded", note="n"))
    make_row("dry-coded", source="code", url="https://example.com/dry-coded/")

    out, _ = command("import", "--all", "--dry-run", verbosity=2)

    assert "  would import dry-new" in out
    assert "  adopted dry-coded" in out
    assert not HealthcheckDefinition.objects.filter(key="dry-new").exists()
    assert HealthcheckDefinition.objects.get(key="dry-coded").override_note is None
    assert not HealthcheckEvent.objects.filter(kind="adopt").exists()
    assert sync_api.monitor_puts() == []


def served_as(emulator, key: str, **fields) -> None:
    """Make the emulator serve monitor ``key`` with ``fields`` changed, past its write validation:
    what another API version (``notify`` as a string) or an old monitor may look like on a read."""
    with emulator.lock:
        doc = emulator.monitors[key]
        request = fields.pop("request", None)
        doc.update(fields)
        if request is not None:
            doc["request"] = {**doc["request"], **request}


def test_a_monitor_without_an_absolute_url_is_reported_failed_and_the_others_are_imported(sync_api):
    sync_api.add_monitors(dashboard_monitor("bad-url"), dashboard_monitor("good-url"))
    served_as(sync_api, "bad-url", request={"url": "ftp://example.com/x"})
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"1 monitor\(s\) not imported") as raised:
        call_command("healthchecks", "import", "--key", "bad-url", "good-url", stdout=out)

    assert raised.value.returncode == 1
    assert (
        "failed bad-url: cannot import monitor 'bad-url': request.url 'ftp://example.com/x'" in out.getvalue()
    )
    assert not HealthcheckDefinition.objects.filter(key="bad-url").exists()
    assert HealthcheckDefinition.objects.get(key="good-url").status == "synced"


def test_a_monitor_cronitor_rejects_on_import_is_kept_failed_with_cronitors_message(sync_api, settings):
    healthchecks(settings, MAX_RETRIES=1)
    sync_api.add_monitors(dashboard_monitor("dash-rejected"))
    sync_api.reject_monitor("dash-rejected", "quota exceeded for dash-rejected")

    with pytest.raises(CommandError, match=r"1 monitor\(s\) not imported"):
        command("import", "--key", "dash-rejected")

    row = HealthcheckDefinition.objects.get(key="dash-rejected")
    assert row.status == "failed"
    assert "quota exceeded for dash-rejected" in row.last_error
    assert not HealthcheckEvent.objects.filter(kind="import", key="dash-rejected").exists()


def test_import_by_tag_takes_the_tagged_check_monitors_only_with_their_request_settings(sync_api):
    sync_api.add_monitors(
        dashboard_monitor(
            "tagged",
            tags=["team:api"],
            request={
                "url": "https://example.com/tagged/",
                "method": "POST",
                "body": '{"ping": 1}',
                "verify_ssl": False,
                "timeout_seconds": 9,
            },
        ),
        dashboard_monitor("untagged"),
        {"type": "job", "key": "tagged-job", "tags": ["team:api"], "schedule": "every 5 minutes"},
    )
    served_as(sync_api, "tagged", notify="oncall")  # older API versions send a string

    out, _ = command("import", "--tag", "team:api")

    assert "imported 1, adopted 0, skipped 0, failed 0" in out
    row = HealthcheckDefinition.objects.get(key="tagged")
    assert (row.method, row.body, row.verify_ssl, row.timeout_seconds) == ("POST", '{"ping": 1}', False, 9)
    assert (row.notify, row.tags) == (["oncall"], ["team:api"])
    assert not HealthcheckDefinition.objects.filter(key__in=["untagged", "tagged-job"]).exists()


def test_adopting_a_code_row_that_already_sets_everything_offers_nothing(sync_api):
    sync_api.add_monitors(dashboard_monitor("full", notify=["pager"], note="dash note", paused=True))
    make_row(
        "full", source="code", url="https://example.com/full/", notify=["ops"], note="code note", paused=True
    )

    out, _ = command("import", "--key", "full")

    assert "adopted 1" in out
    row = HealthcheckDefinition.objects.get(key="full")
    assert (row.override_notify, row.override_note, row.override_paused) == (None, None, None)
    event = HealthcheckEvent.objects.get(kind="adopt", key="full")
    assert event.message == "Adopted; dashboard settings offered as overrides: none"


NOISE = {"failure_tolerance": 3, "realert_interval": "every 2 hours", "group": "team-a"}


def test_the_alert_noise_settings_are_imported_and_offered_as_overrides_on_adopt(sync_api):
    sync_api.add_monitors(dashboard_monitor("noisy-new", **NOISE), dashboard_monitor("noisy-code", **NOISE))
    make_row("noisy-code", source="code", url="https://example.com/noisy-code/", group="")

    out, _ = command("import", "--key", "noisy-new", "noisy-code")

    assert "imported 1, adopted 1" in out
    new = HealthcheckDefinition.objects.get(key="noisy-new")
    assert (new.failure_tolerance, new.realert_interval, new.group) == (3, "every 2 hours", "team-a")
    code = HealthcheckDefinition.objects.get(key="noisy-code")
    assert (code.failure_tolerance, code.realert_interval, code.group) == (None, "", "")
    overrides = (code.override_failure_tolerance, code.override_realert_interval, code.override_group)
    assert overrides == (3, "every 2 hours", "team-a")
    event = HealthcheckEvent.objects.get(kind="adopt", key="noisy-code")
    assert event.message.endswith("overrides: notify, failure_tolerance, realert_interval, group")


def test_a_code_row_that_sets_the_noise_settings_keeps_them_and_a_bad_remote_value_is_a_clear_failure(
    sync_api,
):
    sync_api.add_monitors(dashboard_monitor("quiet", failure_tolerance=1, group="dash"))
    make_row("quiet", source="code", url="https://example.com/quiet/", failure_tolerance=2, group="code")
    sync_api.add_monitors(dashboard_monitor("wild", failure_tolerance=5000))

    out = io.StringIO()

    with pytest.raises(CommandError, match=r"1 monitor\(s\) not imported"):
        call_command("healthchecks", "import", "--key", "quiet", "wild", stdout=out)

    assert "imported 0, adopted 1, skipped 0, failed 1" in out.getvalue()
    quiet = HealthcheckDefinition.objects.get(key="quiet")
    assert (quiet.override_failure_tolerance, quiet.override_group) == (None, None)
    assert "failed wild: cannot import monitor 'wild': failure_tolerance" in out.getvalue()
    assert not HealthcheckDefinition.objects.filter(key="wild").exists()

"""Checks sent with put() from a deploy script: kept by other processes' upserts until
put(..., replace=True) leaves them out or ``manage.py healthchecks remove`` drops them.

A "process that did not call put()" is simulated by ``clear_extra()`` before its upsert: the
in-process put() registry is all that differs between the deploy script and a web worker.
"""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from healthcheck_admin import Healthcheck
from healthcheck_admin.models import SOURCE, HealthcheckDefinition
from healthcheck_admin.routing import clear_extra, put
from healthcheck_admin.sync.service import push
from healthcheck_admin.testing import CronitorEmulator
from healthcheck_admin.upsert import sync_code_checks
from tests.sync_utils import command, healthchecks, make_row

pytestmark = pytest.mark.django_db

STATUS = HealthcheckDefinition.STATUS
LOGIN = Healthcheck(route="admin:login", key="ops-admin-login")
INDEX = Healthcheck(route="admin:index", key="ops-admin-index", method="HEAD")


def deploy_script(*checks: Healthcheck, replace: bool = False) -> None:
    """What a deploy script does: put() its checks, upsert, push; then the process ends."""
    put(checks, replace=replace)
    sync_code_checks()
    assert push().ok
    clear_extra()


def another_process() -> None:
    """A web worker or another command: it never calls put(), then upserts and pushes."""
    clear_extra()
    sync_code_checks()
    assert push().ok


def row(key: str) -> HealthcheckDefinition:
    found: HealthcheckDefinition = HealthcheckDefinition.objects.get(key=key)
    return found


def test_put_rows_are_marked_with_their_own_source(sync_api):
    put([LOGIN])
    result = sync_code_checks()

    assert "ops-admin-login" in result.created
    assert row("ops-admin-login").source == SOURCE.put
    assert row("ops-admin-login").is_put
    assert row("ops-admin-login").is_code
    assert not HealthcheckDefinition.objects.code().filter(key="ops-admin-login").exists()
    assert list(HealthcheckDefinition.objects.put().values_list("key", flat=True)) == ["ops-admin-login"]


def test_an_upsert_from_a_process_that_never_called_put_keeps_the_row_and_its_monitor(sync_api):
    deploy_script(LOGIN)
    assert sync_api.monitors["ops-admin-login"]["paused"] is False

    another_process()
    result = sync_code_checks()  # and again: still nothing to remove

    kept = row("ops-admin-login")
    assert "ops-admin-login" not in result.removed
    assert (kept.removed_at, kept.status) == (None, STATUS.synced)
    assert sync_api.monitors["ops-admin-login"]["paused"] is False
    assert not sync_api.requests_to("GET", "/api/monitors/ops-admin-login/pause")


def test_a_code_row_no_longer_declared_is_still_removed_beside_kept_put_rows(sync_api):
    deploy_script(LOGIN)
    make_row("old-code-check", source="code")

    result = sync_code_checks()

    assert result.removed == ["old-code-check"]
    assert row("ops-admin-login").removed_at is None


def test_put_replace_removes_the_put_rows_it_leaves_out(sync_api):
    deploy_script(LOGIN, INDEX)
    another_process()

    put([LOGIN], replace=True)
    result = sync_code_checks()
    report = push()

    assert result.removed == ["ops-admin-index"]
    assert report.removed == ["ops-admin-index"]
    assert sync_api.monitors["ops-admin-index"]["paused"] is True
    assert row("ops-admin-index").status == STATUS.removed
    assert (row("ops-admin-login").removed_at, row("ops-admin-login").status) == (None, STATUS.synced)
    assert sync_api.monitors["ops-admin-login"]["paused"] is False


def test_put_replace_forgets_what_this_process_put_before():
    put([LOGIN, INDEX])
    put([INDEX], replace=True)

    from healthcheck_admin.routing import put_replaces, registered_extra

    assert registered_extra() == [INDEX]
    assert put_replaces()
    clear_extra()
    assert not put_replaces()


def test_put_replace_never_touches_code_or_admin_rows(sync_api):
    make_row("admin-made")
    deploy_script(LOGIN)

    put([], replace=True)
    result = sync_code_checks(force=False)  # the replace changes the declared set: not skipped

    assert result.removed == ["ops-admin-login"]
    assert row("admin-made").removed_at is None
    assert HealthcheckDefinition.objects.code().active().exists()  # tests/urls.py's checks stay


def test_put_again_after_a_removal_brings_the_row_back(sync_api):
    deploy_script(LOGIN)
    command("remove", "ops-admin-login")

    deploy_script(LOGIN)

    back = row("ops-admin-login")
    assert (back.removed_at, back.source, back.status) == (None, SOURCE.put, STATUS.synced)


def test_remove_command_marks_the_row_removed_and_pauses_its_monitor(sync_api):
    deploy_script(LOGIN, INDEX)
    sync_api.requests.clear()

    out, _ = command("remove", "ops-admin-login")

    gone = row("ops-admin-login")
    assert gone.removed_at is not None
    assert gone.status == STATUS.removed
    assert sync_api.monitors["ops-admin-login"]["paused"] is True
    assert "removed ops-admin-login" in out
    assert row("ops-admin-index").removed_at is None
    assert sync_api.monitors["ops-admin-index"]["paused"] is False
    another_process()  # and no later upsert brings it back or touches it
    assert row("ops-admin-login").status == STATUS.removed


def test_remove_command_deletes_only_when_confirmed(sync_api, settings):
    healthchecks(settings, ON_REMOVE="delete")
    deploy_script(LOGIN)

    out, _ = command("remove", "ops-admin-login")
    assert "deletion pending" in out
    assert "ops-admin-login" in sync_api.monitors

    command("remove", "--yes", "ops-admin-login")  # already removed: the removal is retried
    assert "ops-admin-login" not in sync_api.monitors
    assert row("ops-admin-login").status == STATUS.removed


def refused(*keys: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        command("remove", *keys)
    assert caught.value.returncode == 2
    return caught.value


def test_remove_refuses_unknown_code_and_admin_keys_and_changes_nothing(sync_api):
    deploy_script(LOGIN)
    make_row("admin-made")
    code_key = HealthcheckDefinition.objects.code().active().values_list("key", flat=True)[0]
    sync_api.requests.clear()

    error = refused("ops-admin-login", "no-such-key", code_key, "admin-made")

    text = str(error)
    assert "'no-such-key'" in text
    assert "healthchecks list" in text
    assert f"{code_key!r} is declared in urls.py" in text
    assert "'admin-made' was created in the admin" in text
    assert "'ops-admin-login'" not in text
    assert row("ops-admin-login").removed_at is None  # the valid key was not removed either
    assert row(code_key).removed_at is None
    assert row("admin-made").removed_at is None
    assert sync_api.requests == []


def test_remove_needs_at_least_one_key():
    with pytest.raises(CommandError, match="KEY"):
        command("remove")


def test_a_cronitor_failure_is_kept_on_the_row_and_the_next_push_retries(sync_api: CronitorEmulator):
    deploy_script(LOGIN)
    sync_api.set_down(True)

    with pytest.raises(CommandError) as caught:
        command("remove", "ops-admin-login")

    assert caught.value.returncode == 1
    failed = row("ops-admin-login")
    assert failed.removed_at is not None
    assert failed.status == STATUS.failed
    assert failed.last_error
    sync_api.set_down(False)
    assert push().removed == ["ops-admin-login"]
    assert sync_api.monitors["ops-admin-login"]["paused"] is True


def test_the_admin_labels_put_rows_and_says_how_to_remove_them(sync_api, superuser_client):
    deploy_script(LOGIN)
    pk = row("ops-admin-login").pk

    listing = superuser_client.get("/admin/healthcheck_admin/healthcheckdefinition/?source__exact=put")
    page = superuser_client.get(f"/admin/healthcheck_admin/healthcheckdefinition/{pk}/change/")

    assert listing.status_code == 200
    assert "ops-admin-login" in listing.content.decode()
    assert "put()" in listing.content.decode()
    text = page.content.decode()
    assert "Sent with put() from a deploy script" in text
    assert "manage.py healthchecks remove ops-admin-login" in text
    assert 'name="url"' not in text  # code-owned: the URL is read-only


def test_run_source_code_includes_put_rows_and_source_put_selects_only_them(sync_api):
    from healthcheck_admin.cli.run_cmd import _rows

    deploy_script(LOGIN)
    make_row("admin-made")

    def keys(source: str) -> set[str]:
        return {row.key for row in _rows({"key": [], "tag": [], "source": source})}

    assert "ops-admin-login" in keys("code")
    assert keys("code") == set(
        HealthcheckDefinition.objects.active().code_owned().values_list("key", flat=True)
    )
    assert keys("put") == {"ops-admin-login"}
    assert keys("admin") == {"admin-made"}

"""The admin in headless Chromium: log in, validate, save, push to the emulator, run, permissions.

pytest-django's ``live_server`` serves ``tests.urls`` on a real port; the ``cronitor_settings``
emulator stands in for Cronitor. Screenshots of every step land in ``build/screenshots/``.
Run: ``python -m pytest tests/test_browser_admin.py -q -m browser``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User

# Skipped, not an error, where Playwright is not installed; the imports below need it.
pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright")

from playwright.sync_api import Browser, expect

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.tasks import wait_for_background_pushes
from healthcheck_admin.testing import CronitorEmulator
from tests.browser_utils import (
    ADMIN_PATH,
    action_values,
    changelist_row,
    field_errors,
    fill_fields,
    login,
    messages,
    new_page,
    post_with_csrf,
    run_action,
    shot,
)

pytestmark = pytest.mark.browser

INVALID = {
    "url": "ftp://x",
    "assertions": "response.code == 200",  # one assertion a line
    "timeout_seconds": "99",
    "interval_seconds": "5",
}


@pytest.fixture
def emulator(cronitor_settings: CronitorEmulator, settings: Any) -> CronitorEmulator:
    """The emulator as Cronitor; "Run now" may reach the live server; only the admin action pushes."""
    settings.HEALTHCHECKS = {
        **settings.HEALTHCHECKS,
        "RUN_ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
        "SYNC_ON_SAVE": False,  # otherwise saving would push, and the action would prove nothing
    }
    return cronitor_settings


def test_superuser_creates_pushes_and_runs_a_check(browser: Browser, live_server: Any, emulator: Any) -> None:
    base = live_server.url
    User.objects.create_superuser("ops", "ops@example.com", "ops-pass-1")
    page = new_page(browser)

    page.goto(f"{base}/admin/login/")
    shot(page, "01-login")
    login(page, base, "ops", "ops-pass-1")
    expect(page.locator("#user-tools")).to_contain_text("ops")
    shot(page, "02-logged-in")

    page.goto(f"{base}{ADMIN_PATH}add/")
    fill_fields(page, {"key": "browser-check", "name": "Browser check", **INVALID})
    page.locator(".field-headers .hc-row-value").first.fill("a value without a name")
    with page.expect_navigation():
        page.click("input[name=_save]")
    shot(page, "03-add-invalid")
    assert page.locator(".errornote").is_visible()
    assert any("URL" in error for error in field_errors(page, "url"))
    assert any("Row 1: a value without a header name" in error for error in field_errors(page, "headers"))
    assert any("'=='" in error for error in field_errors(page, "assertions"))
    assert any("99" in error and "15" in error for error in field_errors(page, "timeout_seconds"))
    assert any("5" in error and "30" in error for error in field_errors(page, "interval_seconds"))
    assert page.locator("fieldset .form-row .errorlist").count() == 5  # and on no other field
    assert not HealthcheckDefinition.objects.exists()

    fill_fields(
        page,
        {
            "url": f"{base}/",
            "headers": "Accept",  # the first row's name; its value below
            "assertions": "response.code = 200\nresponse.body contains Spacely",
            "timeout_seconds": "5",
            "interval_seconds": "60",
        },
    )
    page.locator(".field-headers .hc-row-value").first.fill("text/plain")
    with page.expect_navigation():
        page.click("input[name=_save]")
    shot(page, "04-saved")
    assert page.url.endswith(ADMIN_PATH)
    expect(changelist_row(page, "browser-check")).to_contain_text("pending")
    assert messages(page, "success")
    assert emulator.monitors == {}  # saving did not push
    assert "push_to_cronitor" in action_values(page)
    expect(page.locator("form.healthcheck-push-all button")).to_have_text("Push all to Cronitor")
    pk = str(HealthcheckDefinition.objects.get(key="browser-check").pk)
    forged = page.request.post(  # the action is still behind Django's CSRF check: no token, no push
        f"{base}{ADMIN_PATH}",
        form={"action": "push_to_cronitor", "_selected_action": pk, "index": "0"},
        max_redirects=0,
    )
    assert forged.status == 403
    assert "CSRF verification failed" in forged.text()
    assert emulator.requests == []

    run_action(page, "push_to_cronitor", ["browser-check"])
    assert messages(page, "info") == ["Push of 1 monitor started in the background."]
    # The outcome is shown once, on the first page after the push ended: that is the page the action
    # redirected to when the push beat the redirect (it does under load), else the reload.
    outcome = messages(page, "success")
    assert wait_for_background_pushes(timeout=30)
    page.reload()
    shot(page, "05-pushed")
    code = emulator.monitors["browser-check"]["attributes"]["code"]
    row = changelist_row(page, "browser-check")
    expect(row.locator("td.field-monitor")).to_have_text(code)
    expect(row.locator("td.field-monitor")).to_be_in_viewport()  # seen, not only in the DOM
    expect(row).to_contain_text("synced")
    assert outcome + messages(page, "success") == ["Pushed 1 monitor."]
    assert HealthcheckDefinition.objects.get(key="browser-check").monitor_code == code

    HealthcheckDefinition.objects.create(
        key="browser-failing",
        name="Failing check",
        url=f"{base}/tos/",
        assertions=["response.code = 200", "response.body contains Cosmo"],
    )
    page.reload()
    run_action(page, "run_now", ["browser-check", "browser-failing"])
    shot(page, "06-run-results")
    passing = page.locator("section[data-key=browser-check]")
    expect(passing).to_have_attribute("data-state", "passed")
    expect(passing.locator("h2")).to_contain_text("PASSED")
    expect(passing.locator(".form-row", has_text="Status")).to_contain_text("200")
    expect(passing.locator("tbody tr.passed")).to_have_count(2)
    failing = page.locator("section[data-key=browser-failing]")
    expect(failing).to_have_attribute("data-state", "failed")
    expect(failing.locator("tbody tr.passed")).to_contain_text("response.code = 200")
    expect(failing.locator("tbody tr.failed")).to_contain_text("response.body contains Cosmo")
    expect(failing.locator("tbody tr.failed td").nth(1)).to_have_text("failed")


@pytest.mark.parametrize(
    "codenames",
    [
        pytest.param(("view", "change"), id="view-change"),
        pytest.param(("view", "change", "run"), id="view-change-run"),
    ],
)
def test_staff_without_push_permission_cannot_push(
    browser: Browser, live_server: Any, emulator: Any, codenames: tuple[str, ...]
) -> None:
    base = live_server.url
    check = HealthcheckDefinition.objects.create(key="staff-check", url=f"{base}/")
    staff = User.objects.create_user("staff", "staff@example.com", "staff-pass-1", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="healthcheck_admin",
            codename__in=[f"{name}_healthcheckdefinition" for name in codenames],
        )
    )
    page = new_page(browser)
    login(page, base, "staff", "staff-pass-1")
    page.goto(f"{base}{ADMIN_PATH}")
    shot(page, f"07-staff-changelist-{'-'.join(codenames)}")
    expect(changelist_row(page, "staff-check")).to_be_visible()
    offered = action_values(page)
    assert "push_to_cronitor" not in offered
    assert ("run_now" in offered) == ("run" in codenames)  # the dropdown exists when run is allowed
    expect(page.locator("form.healthcheck-push-all")).to_have_count(0)
    expect(page.get_by_text("Push all to Cronitor")).to_have_count(0)

    changelist = f"{base}{ADMIN_PATH}"
    action: dict[str, str | list[str]] = {
        "action": "push_to_cronitor",
        "_selected_action": [str(check.pk)],
        "index": "0",
    }
    refused = post_with_csrf(page, changelist, action)
    refused_all = post_with_csrf(page, f"{changelist}push-all/", {})
    # The same token on a POST without an action is accepted (Django redirects with "No action
    # selected"), so the 403s come from the permission checks, not from CSRF.
    accepted = post_with_csrf(page, changelist, {**action, "action": ""})
    page.set_content(refused.text())
    shot(page, f"08-staff-push-403-{'-'.join(codenames)}")
    assert refused.status == 403
    assert "403 Forbidden" in refused.text()
    assert "CSRF" not in refused.text()
    assert refused_all.status == 403
    assert "CSRF" not in refused_all.text()
    assert accepted.status in (200, 302)
    assert emulator.requests == []
    check.refresh_from_db()
    assert (check.status, check.monitor_code) == ("pending", "")

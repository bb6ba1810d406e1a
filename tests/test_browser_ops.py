"""The ops admin in headless Chromium at 1,280 px (issue 11): a list that fits, counted messages,
pushes off the request, the change page, snooze-only users and the review step.

Screenshots land in ``build/screenshots/``; ``make screenshots`` also copies the ones the docs
show to ``docs/_static/`` (``HEALTHCHECK_DOCS_SCREENSHOTS=1``).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Browser, Page, expect

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.sync.tasks import wait_for_background_pushes
from healthcheck_admin.testing import CronitorEmulator
from tests.browser_utils import ADMIN_PATH, TIMEOUT_MS, changelist_row, login, run_action, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS_STATIC = Path(__file__).resolve().parent.parent / "docs" / "_static"
STATUS = HealthcheckDefinition.STATUS


@pytest.fixture
def emulator(cronitor_settings: CronitorEmulator, settings: Any) -> CronitorEmulator:
    settings.HEALTHCHECKS = {
        **settings.HEALTHCHECKS,
        "RUN_ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
        "SYNC_ON_SAVE": False,
        "BATCH_SIZE": 100,
    }
    return cronitor_settings


def page_1280(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def docs_shot(page: Page, name: str) -> None:
    """A screenshot for docs/admin.rst, copied there by ``make screenshots``."""
    path = shot(page, name)
    if os.environ.get("HEALTHCHECK_DOCS_SCREENSHOTS"):
        DOCS_STATIC.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_STATIC / f"{name}.png")


def seed(count: int, base: str, **fields: Any) -> None:
    HealthcheckDefinition.objects.bulk_create(
        HealthcheckDefinition(
            key=f"ops-{n:03d}",
            name=f"Check number {n} of the billing service",
            url=f"{base}/very/long/path/segment/{n}/" + "and-more-of-it/" * 6,
            tags=["billing", "team-ops"],
            **fields,
        )
        for n in range(count)
    )


def superuser_page(browser: Browser, base: str) -> Page:
    User.objects.create_superuser("ops", "ops@example.com", "ops-pass-1")
    page = page_1280(browser)
    login(page, base, "ops", "ops-pass-1")
    return page


def test_at_1280_px_the_list_fits_and_one_push_leaves_three_short_messages(
    browser: Browser, live_server: Any, emulator: CronitorEmulator
) -> None:
    base = live_server.url
    seed(300, base)
    failing = [f"ops-{n:03d}" for n in range(0, 300, 6)]
    assert len(failing) == 50
    for key in failing:
        emulator.reject_monitor(key, "<p>schedule <b>every 5 seconds</b> is below the minimum</p>")
    HealthcheckDefinition.objects.filter(key="ops-001").update(status=STATUS.synced, health="failing")
    page = superuser_page(browser, base)
    page.goto(f"{base}{ADMIN_PATH}")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] == widths[1], widths
    expect(page.locator("th.column-status_column")).to_be_in_viewport()
    longest = changelist_row(page, "ops-001").locator(".hc-badge")
    expect(longest).to_have_text("synced · failing")
    fits = "el => el.getBoundingClientRect().right <= el.closest('td').getBoundingClientRect().right + 0.5"
    assert longest.evaluate(fits), "the status badge is cut off by its column"
    expect(page.locator("select[name=action]")).to_be_in_viewport()
    long_url = page.locator("td.field-link a").first
    assert long_url.get_attribute("title", timeout=TIMEOUT_MS) == f"{base}/very/long/path/segment/0/" + (
        "and-more-of-it/" * 6
    )
    page.locator("#action-toggle").check()
    page.locator(".actions .question a").click()  # "Select all 300 healthchecks"
    page.select_option("select[name=action]", "push_to_cronitor")
    with page.expect_navigation():
        page.click("#changelist-form button[name=index]")
    assert wait_for_background_pushes(timeout=120)
    page.goto(f"{base}{ADMIN_PATH}")
    texts = [t.strip() for t in page.locator("ul.messagelist li").all_inner_texts()]
    page.goto(f"{base}{ADMIN_PATH}?status__exact=failed")
    docs_shot(page, "admin-changelist")
    # Fresh rows, nothing removed: one message for what was pushed, one for the failures grouped by cause.
    assert len(texts) == 2, texts
    pushed, failed = texts
    assert pushed == "Pushed 250 monitors."
    assert failed.startswith("50 monitors failed: see the 'failed to push' filter. Cause: "), failed
    assert "every 5 seconds is below the minimum" in failed
    assert len(failed) < 300, failed
    assert "<" not in failed, failed
    expect(page.locator("#result_list tbody tr")).to_have_count(50)
    badge = changelist_row(page, "ops-000").locator(".hc-badge")
    expect(badge).to_have_text("failed")
    error = changelist_row(page, "ops-000").locator("td.field-error .hc-cut")
    assert "below the minimum" in (error.get_attribute("title") or "")


def test_a_push_with_the_api_3_s_slow_answers_at_once_and_rows_reach_synced_later(
    browser: Browser, live_server: Any, emulator: CronitorEmulator
) -> None:
    base = live_server.url
    seed(300, base)
    emulator.set_latency(3.0)
    page = superuser_page(browser, base)
    page.goto(f"{base}{ADMIN_PATH}")
    page.locator("#action-toggle").check()
    page.locator(".actions .question a").click()  # "Select all 300 healthchecks"
    page.select_option("select[name=action]", "push_to_cronitor")
    started = time.monotonic()
    with page.expect_navigation():
        page.click("#changelist-form button[name=index]")
    elapsed = time.monotonic() - started
    expect(page.locator("ul.messagelist li.info")).to_have_text(
        "Push of 300 monitors started in the background."
    )
    # The answer came before the API could have answered even once (each request takes 3 s), and
    # the rows are still on their way: the page never waited on the network. How long the page
    # itself takes depends on the machine's load (docs/admin.rst records the figure).
    assert elapsed < 3.0, elapsed
    assert not HealthcheckDefinition.objects.filter(status=STATUS.synced).exists()
    expect(page.locator(".hc-progress")).to_contain_text("A push is running")
    expect(changelist_row(page, "ops-000").locator(".hc-badge")).to_have_text("pushing")
    shot(page, "ops-push-running")
    assert wait_for_background_pushes(timeout=120)
    emulator.set_latency(0.0)
    page.reload()
    expect(page.locator(".hc-progress")).to_have_count(0)
    assert set(HealthcheckDefinition.objects.values_list("status", flat=True)) == {STATUS.synced}
    expect(changelist_row(page, "ops-000").locator(".hc-badge")).to_have_text("synced")


def test_the_change_page_of_a_code_row_and_the_form(
    browser: Browser, live_server: Any, emulator: CronitorEmulator
) -> None:
    from healthcheck_admin.upsert import sync_code_checks

    base = live_server.url
    sync_code_checks()
    HealthcheckDefinition.objects.filter(key="test.index").update(
        status=STATUS.failed,
        health="failing",
        monitor_code="Ab12Cd",
        last_error="PUT /monitors: Cronitor answered 500: <h1>Server Error</h1>",
        override_note="on-call: see runbook 7",
    )
    row = HealthcheckDefinition.objects.get(key="test.index")
    page = superuser_page(browser, base)
    page.goto(f"{base}{ADMIN_PATH}{row.pk}/change/")
    docs_shot(page, "admin-code-row")
    panel = page.locator(".hc-panel")
    expect(panel).to_be_in_viewport()
    expect(panel.locator(".hc-badge")).to_have_text("failed · failing")
    expect(panel.locator(".hc-error")).to_have_text("PUT /monitors: Cronitor answered 500: Server Error")
    expect(panel.get_by_role("link", name="Ab12Cd")).to_have_attribute(
        "href", "https://cronitor.io/app/monitors/test.index"
    )
    note = page.locator(".hc-layers tr[data-field=note] td")
    expect(note).to_have_count(3)
    expect(note.nth(1)).to_have_text("on-call: see runbook 7")
    expect(note.nth(2)).to_have_text("on-call: see runbook 7")
    expect(page.get_by_role("button", name="Push this check")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Push this check").click()
    expect(page.locator("ul.messagelist li.info")).to_contain_text("Push of 1 monitor started")
    assert wait_for_background_pushes(timeout=60)
    with page.expect_navigation():
        page.get_by_role("button", name="Run now").click()
    expect(page.locator("section[data-key='test.index']")).to_be_visible()
    page.goto(f"{base}{ADMIN_PATH}add/")
    docs_shot(page, "admin-form")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] == widths[1], widths


def test_a_snooze_only_user_snoozes_and_gets_403_on_any_change(
    browser: Browser, live_server: Any, emulator: CronitorEmulator
) -> None:
    from healthcheck_admin.sync.payload import monitor_for

    base = live_server.url
    seed(2, base, status=STATUS.synced)
    for row in HealthcheckDefinition.objects.all():
        emulator.add_monitors(monitor_for(row))
    user = User.objects.create_user("oncall", "oncall@example.com", "oncall-pass-1", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_healthcheckdefinition", "snooze_healthcheckdefinition"])
    )
    page = page_1280(browser)
    login(page, base, "oncall", "oncall-pass-1")
    page.goto(f"{base}{ADMIN_PATH}")
    page.fill("input[name=hours]", "2")
    run_action(page, "snooze_for_hours", ["ops-000"])
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        "Paused 1 monitor for 2 h; it resumes by itself."
    )
    expect(changelist_row(page, "ops-000").locator(".hc-badge")).to_contain_text("snoozed, 1 h 59 min left")
    assert wait_for_background_pushes(timeout=60)
    assert emulator.monitors["ops-000"]["paused"] is True
    row = HealthcheckDefinition.objects.get(key="ops-000")
    change = page.request.get(f"{base}{ADMIN_PATH}{row.pk}/change/")
    assert change.status == 200  # view only: no save button, and a POST is refused
    from tests.browser_utils import post_with_csrf

    forms: list[tuple[str, dict[str, str | list[str]]]] = [
        (f"{base}{ADMIN_PATH}{row.pk}/change/", {"name": "renamed"}),
        (f"{base}{ADMIN_PATH}{row.pk}/delete/", {"post": "yes"}),
        (f"{base}{ADMIN_PATH}{row.pk}/push/", {}),
        (f"{base}{ADMIN_PATH}push-all/", {}),
        (f"{base}{ADMIN_PATH}add/", {"key": "new"}),
    ]
    for url, form in forms:
        assert post_with_csrf(page, url, form).status == 403, url
    for action in ("push_to_cronitor", "run_now", "delete_selected"):
        refused = post_with_csrf(
            page, f"{base}{ADMIN_PATH}", {"action": action, "_selected_action": [str(row.pk)], "index": "0"}
        )
        assert refused.status == 403, action
    assert HealthcheckDefinition.objects.get(key="ops-000").name == row.name


def test_a_save_without_the_push_permission_waits_for_review(
    browser: Browser, live_server: Any, emulator: CronitorEmulator, settings: Any
) -> None:
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": True}
    base = live_server.url
    seed(1, base, status=STATUS.synced)
    user = User.objects.create_user("editor", "editor@example.com", "editor-pass-1", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_healthcheckdefinition", "change_healthcheckdefinition"])
    )
    page = page_1280(browser)
    login(page, base, "editor", "editor-pass-1")
    row = HealthcheckDefinition.objects.get()
    page.goto(f"{base}{ADMIN_PATH}{row.pk}/change/")
    page.fill("#id_note", "changed by an editor")
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator("ul.messagelist li.warning")).to_contain_text("must push it")
    expect(changelist_row(page, "ops-000").locator(".hc-badge")).to_have_text("pending")
    assert wait_for_background_pushes(timeout=60)
    assert emulator.monitor_puts() == []

"""The form's widgets in headless Chromium: a header row added with the button, an assertion list.

Run: ``python -m pytest -m browser tests/test_admin_widgets_browser.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright")

from playwright.sync_api import Browser, expect

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import MASK
from tests.browser_utils import ADMIN_PATH, field_errors, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_rows_and_assertion_lines_in_the_browser(
    browser: Browser, live_server: Any, settings: Any
) -> None:
    settings.HEALTHCHECKS = {**settings.HEALTHCHECKS, "SYNC_ON_SAVE": False}
    base = live_server.url
    User.objects.create_superuser("widgets", "widgets@example.com", "widgets-pass-1")
    page = new_page(browser)
    login(page, base, "widgets", "widgets-pass-1")
    page.goto(f"{base}{ADMIN_PATH}add/")
    page.fill("#id_key", "browser-widgets")
    page.fill("#id_name", "Browser widgets")
    page.fill("#id_url", f"{base}/")
    headers = page.locator(".field-headers")
    headers.locator(".hc-row-key").first.fill("Accept")
    headers.locator(".hc-row-value").first.fill("text/plain")
    headers.get_by_role("button", name="Add a row").click()  # the script appends a second row
    expect(headers.locator("tr.hc-row")).to_have_count(2)
    headers.locator(".hc-row-key").nth(1).fill("Authorization")
    headers.locator(".hc-row-value").nth(1).fill("Bearer browser-secret-7")
    page.fill("#id_assertions", "response.code = 200\nresponse.time << 2s\nresponse.body contains ok")
    page.check(".field-regions input[value='eu-west-1']")
    page.fill("#id_tags", "api, critical")
    with page.expect_navigation():
        page.click("input[name=_save]")
    shot(page, "widgets-01-line-error")
    errors = field_errors(page, "assertions")
    assert len(errors) == 1, errors
    assert errors[0].startswith("Line 2: "), errors
    assert "'<<'" in errors[0], errors
    assert "browser-secret-7" not in page.content()  # a typed secret comes back masked
    expect(page.locator(".field-headers .hc-row-value").nth(1)).to_have_value(MASK)
    assert not HealthcheckDefinition.objects.exists()

    headers.locator(".hc-row-value").nth(1).fill("Bearer browser-secret-7")  # type it again
    page.fill("#id_assertions", "response.code = 200\nresponse.time < 2s")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    shot(page, "widgets-02-saved")
    row = HealthcheckDefinition.objects.get(key="browser-widgets")
    assert row.headers == {"Accept": "text/plain", "Authorization": "Bearer browser-secret-7"}
    assert row.assertions == ["response.code = 200", "response.time < 2s"]
    assert row.regions == ["eu-west-1"]
    assert row.tags == ["api", "critical"]
    expect(page.locator("#id_assertions")).to_have_value("response.code = 200\nresponse.time < 2s")
    expect(page.locator(".field-headers .hc-row-value").nth(1)).to_have_value(MASK)
    expect(page.locator(".field-regions input[value='eu-west-1']")).to_be_checked()
    expect(page.locator("#id_tags")).to_have_value("api, critical")
    assert "browser-secret-7" not in page.content()

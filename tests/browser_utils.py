"""Helpers for the Playwright admin tests: launching Chromium, screenshots, forms and CSRF posts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import APIResponse, Browser, Locator, Page, Playwright

#: Debian's Chromium; ``playwright install`` cannot download browsers on these machines.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Git-ignored (``build/`` in .gitignore); each step of a test leaves a PNG here.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ADMIN_PATH = "/admin/healthcheck_admin/healthcheckdefinition/"
#: Short: every wait is for a loopback page, and a hang must fail fast, not eat the time budget.
TIMEOUT_MS = 10_000


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_page(browser: Browser) -> Page:
    # Wide enough for every changelist column (the monitor code is the last) beside the filters.
    page = browser.new_context(viewport={"width": 1600, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as ``build/screenshots/<name>.png`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def login(page: Page, base_url: str, username: str, password: str) -> None:
    """Sign in through the admin's login form, as a person would."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form input[type=submit], #login-form button[type=submit]")


def field_row(page: Page, field: str) -> Locator:
    """The admin's row for one form field (``<div class="form-row field-<name>">``)."""
    return page.locator(f".form-row.field-{field}")


def field_errors(page: Page, field: str) -> list[str]:
    """The error messages shown inside the field's own row."""
    return [text.strip() for text in field_row(page, field).locator(".errorlist li").all_inner_texts()]


def fill_fields(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"#id_{name}", value)


def changelist_row(page: Page, key: str) -> Locator:
    """The changelist's ``<tr>`` whose key column links to ``key``."""
    return page.locator("#result_list tbody tr").filter(has=page.get_by_role("link", name=key, exact=True))


def run_action(page: Page, action: str, keys: list[str]) -> None:
    """Tick the rows with these keys, pick ``action`` in the dropdown and press Go."""
    for key in keys:
        changelist_row(page, key).locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    with page.expect_navigation():
        page.click("#changelist-form button[name=index]")


def action_values(page: Page) -> list[str]:
    """The values offered in the changelist's action dropdown (empty when there is no dropdown)."""
    values = page.locator("select[name=action] option").evaluate_all("options => options.map(o => o.value)")
    return [str(value) for value in values if value]


def messages(page: Page, level: str) -> list[str]:
    """The texts of the admin's messages of one level (``success``, ``error``, ``info``...)."""
    return [text.strip() for text in page.locator(f"ul.messagelist li.{level}").all_inner_texts()]


def csrf_token(page: Page) -> str:
    """The ``csrftoken`` cookie the browser holds for this site."""
    for cookie in page.context.cookies():
        if cookie.get("name") == "csrftoken":
            return str(cookie.get("value", ""))
    raise AssertionError("the browser holds no csrftoken cookie; load an admin page with a form first")


def post_with_csrf(page: Page, url: str, form: dict[str, str | list[str]]) -> APIResponse:
    """POST ``form`` as the signed-in browser, with its CSRF token as header and form field.

    Playwright's ``request.post(form=...)`` takes one value per name, so the body is encoded here.
    """
    token = csrf_token(page)
    body = urlencode({**form, "csrfmiddlewaretoken": token}, doseq=True)
    return page.request.post(
        url,
        data=body,
        headers={
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": page.url,
        },
        max_redirects=0,
    )

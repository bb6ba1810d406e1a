"""Drive the Django admin over real HTTP: log in, read a change form, post it back edited.

The form is read from the page (every ``input``, ``select`` and ``textarea`` inside the
change form), so the posted data is exactly what a browser would send.
"""

from __future__ import annotations

from html.parser import HTMLParser

import requests

CHANGE = "/admin/healthcheck_admin/healthcheckdefinition/{pk}/change/"
FORM_ID = "healthcheckdefinition_form"


class FormParser(HTMLParser):
    """Collects the successful controls of the form with ``id=FORM_ID``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = a.get("id") == FORM_ID
        if not self._in_form or (not a.get("name") and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "file"):
            self.data[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.data[a["name"]] = a.get("value") or "on"
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Django writes a newline after <textarea>; browsers drop it, so do we.
            self.data[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None


def form_data(html: str) -> dict[str, str]:
    parser = FormParser()
    parser.feed(html)
    if "csrfmiddlewaretoken" not in parser.data:
        raise AssertionError(f"no change form with id {FORM_ID!r} and a CSRF token in the page")
    return parser.data


class AdminClient:
    """A logged-in admin session against ``base_url`` (e.g. ``http://127.0.0.1:8123``)."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: never through a proxy
        login = f"{base_url}/admin/login/"
        self.session.get(login, timeout=30).raise_for_status()
        token = self.session.cookies["csrftoken"]
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}
        response = self.session.post(login, data=data, timeout=30, allow_redirects=False)
        if response.status_code != 302:
            raise AssertionError(f"admin login answered {response.status_code}, not a redirect")

    def edit(self, pk: int, **changes: str) -> int:
        """Post the change form of row ``pk`` with ``changes``; returns the status (302 = saved)."""
        url = self.base_url + CHANGE.format(pk=pk)
        page = self.session.get(url, timeout=30)
        page.raise_for_status()
        data = {**form_data(page.text), **changes, "_save": "Save"}
        response = self.session.post(
            url, data=data, timeout=30, allow_redirects=False, headers={"Referer": url}
        )
        return int(response.status_code)

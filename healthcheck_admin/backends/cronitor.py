"""The real backend: Cronitor's monitor API over HTTPS with ``requests``.

One ``requests.Session`` (keep-alive) per backend instance. Each :meth:`put_monitors` call
is one batch, sent as one ``PUT {API_URL}/monitors`` (the sync service cuts the batches of
``BATCH_SIZE``; nothing here cuts them again). Connection errors, timeouts, 5xx and 429 are retried
with exponential backoff (``Retry-After`` is honoured on 429 and 503); other 4xx never
are. A 400 is split so that the good monitors of a batch still go through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import requests

from healthcheck_admin.backends.base import MISSING_KEY, BaseBackend, BatchResult, CronitorError, monitor_keys
from healthcheck_admin.backends.http import (
    disabled_message,
    page_of,
    parse_json,
    redirect_error,
    rejected_monitors,
    retry_after,
    status_error,
    where,
)
from healthcheck_admin.conf import app_settings
from healthcheck_admin.redaction import secret_values
from healthcheck_admin.transport import deadline, failure_phrase, new_session

logger = logging.getLogger(__name__)

MAX_PAGES = 10_000
RETRY_AFTER_STATUSES = frozenset({429, 503})
Monitors = list[dict[str, Any]]


class CronitorBackend(BaseBackend):
    """Every argument defaults to its ``HEALTHCHECKS`` setting, read when the instance is made.

    ``page_size`` is sent as ``pageSize`` when listing; None leaves the server's default.
    """

    real_account = True

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_url: str | None = None,
        api_version: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        backoff_seconds: float | None = None,
        page_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.api_key = app_settings.API_KEY if api_key is None else api_key
        self.api_url = (api_url or app_settings.API_URL).rstrip("/")
        self.api_version = api_version or app_settings.API_VERSION
        self.timeout = app_settings.TIMEOUT if timeout is None else timeout
        self.max_retries = app_settings.MAX_RETRIES if max_retries is None else max_retries
        self.backoff_seconds = app_settings.BACKOFF_SECONDS if backoff_seconds is None else backoff_seconds
        self.page_size = page_size
        self._session: requests.Session | None = None

    def __repr__(self) -> str:  # never shows the key
        return f"<CronitorBackend {self.api_url}>"

    def own_secrets(self) -> frozenset[str]:
        return frozenset({self.api_key} if self.api_key else ())

    # -- transport ---------------------------------------------------------------------------
    def session(self) -> requests.Session:
        if self._session is None:
            session = new_session()
            session.auth = (self.api_key, "")
            session.headers["Content-Type"] = "application/json"
            if self.api_version:
                session.headers["Cronitor-Version"] = self.api_version
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _require_key(self) -> None:
        if not self.api_key:
            raise CronitorError(MISSING_KEY, permanent=True)

    def send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request, retried until an error is ``permanent`` or the retries are spent.

        Connection errors, timeouts, 5xx and 429 are transient; other 4xx are permanent, and
        their response is returned for the caller to read. A redirect is never followed (it
        would carry the key and the payload to wherever it points). Each attempt ends within
        ``timeout`` seconds in total, even when a reply trickles in.
        """
        label = where(method, path, self.api_url)
        attempt = 0
        while True:
            self.request_count += 1
            wait: float | None = None
            with deadline(self.timeout) as limit:
                try:
                    response = self.session().request(
                        method, self.api_url + path, timeout=self.timeout, allow_redirects=False, **kwargs
                    )
                    failure = None if limit.expired else self._judge(label, response)
                except requests.RequestException as exc:
                    permanent = not isinstance(exc, requests.ConnectionError | requests.Timeout)
                    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or limit.expired:
                        permanent = False
                    failure = CronitorError(
                        f"{label}: {failure_phrase(exc, self.timeout, limit)}", permanent=permanent
                    )
                if limit.expired and failure is None:
                    failure = CronitorError(
                        f"{label}: {failure_phrase(TimeoutError(), self.timeout, limit)}", permanent=False
                    )
            if failure is None:
                return response
            if failure.permanent:
                if failure.status is not None and failure.status >= 400:
                    return response  # the caller reads a 4xx (a 400 names monitors, a 404 is "gone")
                raise failure
            if failure.status in RETRY_AFTER_STATUSES:
                wait = retry_after(response)
            if attempt >= self.max_retries:
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                raise CronitorError(
                    f"{failure.message} (gave up after {tries})", permanent=False, status=failure.status
                )
            delay = wait if wait is not None else self.backoff_seconds * 2**attempt
            logger.info("%s; retrying in %.2f s", failure.message, delay)
            time.sleep(delay)
            attempt += 1

    def _judge(self, label: str, response: requests.Response) -> CronitorError | None:
        """None for a success; else the error, whose ``permanent`` decides whether to retry."""
        if 300 <= response.status_code < 400:
            return redirect_error(label, response)
        if response.status_code < 400:
            return None
        return status_error(label, response, self.secrets)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        label = where(method, path, self.api_url)
        response = self.send(method, path, **kwargs)
        if response.status_code != 200:
            raise status_error(label, response, self.secrets)
        return parse_json(label, response)

    # -- batch upsert --------------------------------------------------------------------------
    def put_monitors(self, monitors: Monitors, *, rollback: bool = False) -> BatchResult:
        result = BatchResult()
        if not self.api_key:
            result.error, result.abort = MISSING_KEY, True
            result.fail(monitor_keys(monitors), MISSING_KEY)
            return result
        for monitor in monitors:  # a server may echo what it was sent: never let a value through
            request = monitor.get("request") or {}
            self.hide(secret_values(request.get("headers"), request.get("cookies")))
        result.abort = self._put_chunk(list(monitors), rollback, result) is not None
        return result

    def _put_chunk(self, chunk: Monitors, rollback: bool, result: BatchResult) -> str | None:
        """Send one batch, splitting it on 400s; returns a message if the next batches can't succeed."""
        pending = [chunk]
        while pending:
            part = pending.pop()
            body: dict[str, Any] = {"monitors": part}
            if rollback:
                body["rollback"] = True
            label = where("PUT", "/monitors", self.api_url)
            try:
                response = self.send("PUT", "/monitors", json=body)
                if response.status_code == 400:
                    pending.extend(self._split(label, response, part, result))
                    continue
                if not 200 <= response.status_code < 300:
                    raise status_error(label, response, self.secrets)
                data = parse_json(label, response)
            except CronitorError as exc:
                result.error = exc.message
                if exc.status is not None and 200 <= exc.status < 300:  # a bad reply to this request only
                    result.fail(monitor_keys(part), exc.message)
                    continue
                result.fail([key for rest in (part, *pending) for key in monitor_keys(rest)], exc.message)
                return exc.message
            self._record(data, part, result)
        return None

    def _split(
        self, label: str, response: requests.Response, part: Monitors, result: BatchResult
    ) -> list[Monitors]:
        """Fail the monitors a 400 names and return what to resend (bisecting when none is named)."""
        bad = rejected_monitors(response, monitor_keys(part), self.secrets)
        if bad:
            for key, message in bad.items():
                result.fail([key], f"Cronitor rejected the monitor: {message}")
            rest = [monitor for monitor in part if monitor.get("key") not in bad]
            return [rest] if rest else []
        if len(part) == 1:
            result.fail(monitor_keys(part), status_error(label, response, self.secrets).message)
            return []
        middle = len(part) // 2
        return [part[middle:], part[:middle]]

    @staticmethod
    def _record(data: Any, part: Monitors, result: BatchResult) -> None:
        documents = data.get("monitors") if isinstance(data, dict) else data
        codes: dict[str, str] = {}
        for doc in documents if isinstance(documents, list) else []:
            if isinstance(doc, dict):
                found = doc.get("attributes")
                attributes: dict[str, Any] = found if isinstance(found, dict) else {}
                key = attributes.get("key") or doc.get("key")
                code = attributes.get("code") or doc.get("code")
                if isinstance(key, str) and isinstance(code, str):
                    codes[key] = code
        quota = data.get("monitor_quota") if isinstance(data, dict) else None
        for doc in documents if isinstance(documents, list) else []:
            if isinstance(doc, dict) and doc.get("disabled") and isinstance(doc.get("key"), str):
                result.disabled[doc["key"]] = disabled_message(quota)
        for key in monitor_keys(part):
            if key in codes:
                result.codes[key] = codes[key]
            else:
                result.fail([key], "Cronitor answered 200 but its reply did not include this monitor")

    # -- single monitors -----------------------------------------------------------------------
    def _monitor_path(self, key: str, suffix: str = "") -> str:
        return f"/monitors/{quote(key, safe='')}{suffix}"

    def get_monitor(self, key: str) -> dict[str, Any] | None:
        self._require_key()
        path = self._monitor_path(key)
        response = self.send("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise status_error(where("GET", path, self.api_url), response, self.secrets)
        data = parse_json(where("GET", path, self.api_url), response)
        if not isinstance(data, dict):
            raise CronitorError(
                f"{where('GET', path, self.api_url)}: the reply is not a monitor", permanent=False
            )
        return data

    def pause(self, key: str) -> None:
        self._get_ok(self._monitor_path(key, "/pause"))

    def pause_for(self, key: str, hours: int) -> None:
        self._get_ok(self._monitor_path(key, f"/pause/{int(hours)}"))

    def _get_ok(self, path: str) -> None:
        self._require_key()
        response = self.send("GET", path)
        if response.status_code != 200:
            raise status_error(where("GET", path, self.api_url), response, self.secrets)

    def delete(self, key: str) -> None:
        self._require_key()
        path = self._monitor_path(key)
        response = self.send("DELETE", path)
        if response.status_code not in (200, 202, 204):
            raise status_error(where("DELETE", path, self.api_url), response, self.secrets)

    # -- listing -------------------------------------------------------------------------------
    def iter_monitors(self, tag: str | None = None) -> Iterator[dict[str, Any]]:
        """One ``GET /monitors`` per page; stops on an empty or short page, or at the total."""
        self._require_key()
        size: int | None = self.page_size
        for page in range(1, MAX_PAGES + 1):
            params: dict[str, Any] = {"page": page}
            if self.page_size:
                params["pageSize"] = self.page_size
            if tag:
                params["tag"] = tag
            items, meta_size, total = page_of(self._json("GET", "/monitors", params=params))
            yield from (m for m in items if tag is None or tag in (m.get("tags") or []))
            size = meta_size or size or len(items)
            if not items or len(items) < size or (total is not None and page * size >= total):
                return
        raise CronitorError(f"GET /monitors returned more than {MAX_PAGES} pages; stopped", permanent=False)

"""Running checks: one with :func:`run_one`, many in a thread pool with :func:`run_checks`."""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import InsecureRequestWarning

from healthcheck_admin.assertions import AssertionSyntaxError, Outcome, ResponseFacts, evaluate_all
from healthcheck_admin.redaction import SecretError, clip, resolve_all, scrub, secret_values
from healthcheck_admin.runner.config import RunConfig, swap_base_url
from healthcheck_admin.runner.exchange import Reply, Request, Stop, exchange
from healthcheck_admin.runner.guard import Target, UnsafeURL, target
from healthcheck_admin.runner.http import new_session, send_http
from healthcheck_admin.runner.inprocess import in_process_guard, new_client, own_cookies, send_in_process
from healthcheck_admin.runner.results import EXCERPT_CHARS, RunResult
from healthcheck_admin.runner.tls import seconds_until_expiry

if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition

logger = logging.getLogger(__name__)

IN_PROCESS_ADMIN_REFUSAL = "in-process runs only code-defined checks"


def effective_url(row: HealthcheckDefinition, config: RunConfig) -> str:
    """The URL to request: a code row's URL moves under ``--base-url``; admin rows keep theirs."""
    if config.base_url and row.is_code:
        return swap_base_url(row.url, config.base_url)
    return str(row.url)


def excerpt_of(body: str, secrets: Collection[str]) -> str:
    """The scrubbed body cut to :data:`EXCERPT_CHARS` characters: no secret is even half-shown."""
    return clip(body, EXCERPT_CHARS, secrets)


def judge(assertions: list[str], facts: ResponseFacts, secrets: Collection[str]) -> list[Outcome]:
    """Evaluate on the real response; take the reasons from a scrubbed copy of it.

    Reasons quote values clipped to a length, which could cut a secret so that
    scrubbing the finished text no longer finds it. Evaluating a second time
    on a response whose body and headers are already scrubbed avoids that.
    """
    judged = evaluate_all(assertions, facts)
    if secrets:
        shown = replace(
            facts,
            body=scrub(facts.body, secrets),
            headers=CaseInsensitiveDict({k: scrub(v, secrets) for k, v in facts.headers.items()}),
        )
        reasons = [outcome.reason for outcome in evaluate_all(assertions, shown)]
    else:
        reasons = [outcome.reason for outcome in judged]
    return [
        Outcome(assertion=scrub(o.assertion, secrets), passed=o.passed, reason=scrub(reason, secrets))
        for o, reason in zip(judged, reasons, strict=True)
    ]


def wants_certificate(assertions: Iterable[str]) -> bool:
    return any(str(assertion).strip().startswith("ssl_certificate") for assertion in assertions)


def _certificate_expiry(reply: Reply, first_url: str, timeout: float) -> float | None:
    """Seconds until the certificate of the check's https URL (or the final URL) expires."""
    parts = urlsplit(first_url if first_url.startswith("https://") else reply.url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    try:
        return seconds_until_expiry(parts.hostname, parts.port or 443, timeout)
    except (OSError, ValueError) as exc:
        logger.info("Could not read the TLS certificate of %s: %s", parts.netloc, exc)
        return None


def _http_guard(config: RunConfig, url: str) -> None:
    reason = config.refusal(url)
    if reason:
        raise Stop("refused", f"redirect to {url!r} refused: {reason}")


def _origin(url: str) -> Target | None:
    try:
        return target(url)
    except UnsafeURL:
        return None


def _check_target(url: str, config: RunConfig) -> None:
    """Before a network request: an absolute http(s) URL whose host the guard allows."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "http://[::1/health": an unclosed IPv6 bracket
        hostname = None
    if not hostname or parts.scheme not in {"http", "https"}:
        raise Stop(
            "error",
            f"URL {url!r} is not an absolute http(s) URL; set HEALTHCHECKS['HOSTNAME'] or pass --base-url",
        )
    reason = config.refusal(url)
    if reason:
        raise Stop("refused", reason)


def _send_and_judge(
    row: HealthcheckDefinition,
    config: RunConfig,
    session: requests.Session | Client | None,
    result: Callable[..., RunResult],
    secrets: Collection[str],
    request: Request,
) -> RunResult:
    timeout = float(config.timeout or row.timeout_seconds)
    with ExitStack() as stack:
        if config.in_process:
            client = session if isinstance(session, Client) else new_client()
            stack.enter_context(own_cookies(client))
            send: Callable[[Request], Reply] = partial(send_in_process, client)
            guard: Callable[[str], None] = in_process_guard
        else:
            _check_target(request.url, config)
            http = session if isinstance(session, requests.Session) else stack.enter_context(new_session())
            http.cookies.clear()
            send = partial(
                send_http, http, timeout=timeout, verify=bool(row.verify_ssl), refusal=config.refusal
            )
            guard = partial(_http_guard, config)
        started = time.perf_counter()
        reply = exchange(send, guard, request, bool(row.follow_redirects))
        elapsed = time.perf_counter() - started
    expiry = None
    if not config.in_process and wants_certificate(row.assertions):
        expiry = _certificate_expiry(reply, request.url, timeout)
    facts = ResponseFacts(
        status=reply.status, elapsed=elapsed, body=reply.body, headers=reply.headers, ssl_expires_in=expiry
    )
    excerpt = excerpt_of(reply.body, secrets)
    try:
        outcomes = judge(list(row.assertions), facts, secrets)
    except AssertionSyntaxError as exc:
        message = scrub(f"invalid assertion: {exc}; fix the check's assertions", secrets)
        return result(
            state="error", status=reply.status, elapsed=elapsed, error=message, body_excerpt=excerpt
        )
    state = "passed" if all(outcome.passed for outcome in outcomes) else "failed"
    return result(state=state, status=reply.status, elapsed=elapsed, outcomes=outcomes, body_excerpt=excerpt)


@contextmanager
def quiet_unverified_tls(enabled: bool) -> Iterator[None]:
    """Silence urllib3's per-request warning: ``verify_ssl=False`` is the check's stated choice.

    Entered once around a whole run in the calling thread, and only when some
    check turns verification off (``catch_warnings`` changes process-wide state);
    worker threads see the filter while the run lasts.
    """
    if not enabled:
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        yield


def run_one(
    row: HealthcheckDefinition, config: RunConfig, session: requests.Session | Client | None = None
) -> RunResult:
    """Run one check and judge its response; never raises for a check's own problems.

    ``session`` is reused when given: a :class:`requests.Session` for network
    runs, a :class:`django.test.Client` for in-process runs.
    """
    with quiet_unverified_tls(not row.verify_ssl):
        return _run_one(row, config, session)


def _run_one(
    row: HealthcheckDefinition, config: RunConfig, session: requests.Session | Client | None
) -> RunResult:
    url = effective_url(row, config)
    result = partial(RunResult, key=row.key, name=row.display_name, url=url, method=row.method)
    if config.in_process and not row.is_code:
        return result(state="refused", status=None, elapsed=None, error=IN_PROCESS_ADMIN_REFUSAL)
    try:
        headers = resolve_all({str(k): str(v) for k, v in row.headers.items()})
        cookies = resolve_all({str(k): str(v) for k, v in row.cookies.items()})
    except SecretError as exc:
        return result(state="error", status=None, elapsed=None, error=f"{exc}; set it before running")
    secrets = secret_values(row.headers, row.cookies)
    body = row.body.encode("utf-8") if row.body else None
    request = Request(
        method=row.method, url=url, headers=headers, cookies=cookies, body=body, origin=_origin(url)
    )
    try:
        return _send_and_judge(row, config, session, result, secrets, request)
    except Stop as stop:
        return result(state=stop.state, status=None, elapsed=None, error=scrub(stop.message, secrets))
    except Exception as exc:  # one check's surprise must not end the run
        message = scrub(f"unexpected {type(exc).__name__}: {exc}", secrets)
        logger.error("Check %r: %s", row.key, message)
        return result(state="error", status=None, elapsed=None, error=message)


def run_checks(
    rows: Iterable[HealthcheckDefinition],
    config: RunConfig,
    on_result: Callable[[RunResult], None] | None = None,
    *,
    client: Client | None = None,
) -> list[RunResult]:
    """Run every check and return the results in the order of ``rows``.

    Network runs use a pool of ``config.concurrency`` threads, each with its own
    :class:`requests.Session`. In-process runs go one after another in the
    calling thread: Django's test client and database connections belong to one
    thread, and the views must see the caller's (test) transaction. ``client``
    (in-process only) replaces the fresh client made per check. ``on_result`` is
    called in the calling thread as each check completes.
    """
    items = list(rows)
    if config.in_process:
        return [_report(run_one(row, config, client), on_result) for row in items]
    with quiet_unverified_tls(any(not row.verify_ssl for row in items)):
        return _run_pool(items, config, on_result)


def _run_pool(
    items: list[HealthcheckDefinition], config: RunConfig, on_result: Callable[[RunResult], None] | None
) -> list[RunResult]:
    results: list[RunResult | None] = [None] * len(items)
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def work(row: HealthcheckDefinition) -> RunResult:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = new_session()
            with lock:
                sessions.append(session)
        return _run_one(row, config, session)

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(config.concurrency, len(items)))) as pool:
            futures = {pool.submit(work, row): index for index, row in enumerate(items)}
            for future in as_completed(futures):
                results[futures[future]] = _report(future.result(), on_result)
    finally:
        for session in sessions:
            session.close()
    return [result for result in results if result is not None]


def _report(result: RunResult, on_result: Callable[[RunResult], None] | None) -> RunResult:
    if on_result is not None:
        on_result(result)
    return result

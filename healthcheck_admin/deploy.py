"""The deploy protocol: how the code-defined checks reach Cronitor once per deploy, and never get lost.

1. **Migrate.** ``manage.py migrate`` sends ``post_migrate``; :func:`after_migrate` upserts
   the declared checks into the table (``UPSERT_ON_MIGRATE``, default on). Nothing is sent
   from ``migrate``: it must not wait on the API.
2. **Mark.** Rows the upsert created, changed or removed are ``pending``, and a "push due"
   mark (:data:`PUSH_DUE`, a :class:`~healthcheck_admin.models.RegistryState` row) tells the
   web processes about to start that there is work. An edit in the admin makes its row
   ``pending`` too.
3. **Start.** Each web process runs the startup hook once (:mod:`healthcheck_admin.startup`).
   It upserts again only when the declared set's fingerprint changed (under a row lock, so
   one of N workers does it).
4. **Claim.** Exactly one process takes the mark (:func:`take_due`: a ``DELETE`` that only one
   can win), or is the one that upserted. Besides, any process pushes when a push died
   (:func:`work_waiting`): rows left ``pushing`` after their lease ran out. Each batch is
   claimed before it is sent: its rows show ``pushing`` with a lease (``lease_expires_at``).
5. **Push.** The batch goes to Cronitor; only what Cronitor confirmed is marked ``synced``.
   A push that fails leaves the mark again, due :data:`RETRY_FAILED_PUSH_AFTER` seconds later
   (a later start, not the other workers of this deploy); a push that is killed leaves its
   rows ``pushing``, and the next start after the lease claims them again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import router
from django.utils import timezone

from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition, RegistryState

if TYPE_CHECKING:
    from healthcheck_admin.sync.report import PushReport
    from healthcheck_admin.upsert import UpsertResult

logger = logging.getLogger(__name__)

PUSH_DUE = "push-due"
#: After a failed push, processes starting this many seconds later or more retry it.
RETRY_FAILED_PUSH_AFTER = 120.0


def _stamp(moment: float) -> str:
    """A sortable text form of a Unix time, for ``RegistryState.value``."""
    return f"{int(moment):012d}"


def mark_due(name: str, *, delay: float = 0.0, using: str | None = None) -> None:
    """Leave a mark that :func:`take_due` hands to one process once ``delay`` seconds have passed."""
    using = using or router.db_for_write(RegistryState)
    not_before = _stamp(timezone.now().timestamp() + delay)
    RegistryState.objects.using(using).update_or_create(name=name, defaults={"value": not_before})


def take_due(name: str | None, using: str | None = None) -> bool:
    """Delete the mark ``name`` if it is due; True in exactly one of the processes that race for it."""
    if name is None:
        return False
    using = using or router.db_for_write(RegistryState)
    now = _stamp(timezone.now().timestamp())
    deleted, _ = RegistryState.objects.using(using).filter(name=name, value__lte=now).delete()
    return deleted > 0


def mark_push_due(using: str | None = None, *, delay: float = 0.0) -> None:
    """Step 2: tell the web processes starting ``delay`` seconds from now or later to push."""
    mark_due(PUSH_DUE, delay=delay, using=using)


def work_waiting(using: str | None = None) -> bool:
    """A push died: rows are still ``pushing`` after their lease ran out."""
    using = using or router.db_for_read(HealthcheckDefinition)
    return bool(HealthcheckDefinition.objects.using(using).stranded().exists())


def after_migrate(using: str) -> UpsertResult | None:
    """Step 1 and 2, from ``post_migrate``: upsert, and mark a push due when the table changed.

    ``None`` when ``UPSERT_ON_MIGRATE`` is off (the startup hook upserts instead).
    """
    from healthcheck_admin.upsert import sync_code_checks

    if not app_settings.UPSERT_ON_MIGRATE:
        return None
    result = sync_code_checks(using=using)
    if result.changed:
        mark_push_due(using)
    return result


def start(*, push: bool) -> tuple[UpsertResult, PushReport | None]:
    """Steps 3 to 5, for the startup hook: upsert if the declared set changed, claim, push."""
    from healthcheck_admin.upsert import sync_code_checks

    upserted = sync_code_checks(force=False, claim=PUSH_DUE if push else None)
    if not push or not (upserted.claimed or not upserted.skipped or work_waiting()):
        return upserted, None
    return upserted, _push()


def _push() -> PushReport:
    from healthcheck_admin.sync.service import push

    try:
        report = push()
    except Exception:
        mark_push_due(delay=RETRY_FAILED_PUSH_AFTER)
        raise
    if not report.ok:
        # Not the other workers of this deploy (they start within seconds): a later start.
        mark_push_due(delay=RETRY_FAILED_PUSH_AFTER)
    return report

"""The sync's bookkeeping on the table: named queryset methods, each a constant number of statements.

Every write is guarded by the row's ``revision``: a row edited since the push read it is
*stale*, is not written, and is handed back so that the caller reads it again. Each method
is one short transaction (read the revisions of the batch, then one ``UPDATE`` with a
``CASE`` per column), so a batch of 100 rows costs the same few statements as a batch of one.

On SQLite a writer may find the database locked by another (a request saving a row while a
background push records its outcome): the transaction is retried with a growing pause, so
neither the push nor the request fails. See "SQLite" in ``docs/settings.rst``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import OperationalError, connections, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from healthcheck_admin.conf import app_settings

if TYPE_CHECKING:
    from healthcheck_admin.models import HealthcheckDefinition

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: An outcome: the row as the push read it (its pk and revision), and the columns to write.
Outcome = tuple["HealthcheckDefinition", dict[str, Any]]
LOCK_RETRIES = 8
LEASE_MARGIN_SECONDS = 5.0


def lease_seconds() -> float:
    """How long a claimed push may take before another process may claim the row again.

    The longest one batch request can last (every retry timing out, with the backoff
    between them), plus a margin.
    """
    retries = app_settings.MAX_RETRIES
    backoff = app_settings.BACKOFF_SECONDS * (2**retries - 1)
    return float(app_settings.TIMEOUT * (retries + 1) + backoff + LEASE_MARGIN_SECONDS)


def _locked(exc: OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def retry_locked(using: str, work: Callable[[], T]) -> T:
    """Run ``work`` (one transaction); when SQLite says the database is locked, wait and retry.

    Inside an outer ``atomic`` block nothing is retried: the outer transaction is the caller's.
    """
    connection = connections[using]
    for attempt in range(LOCK_RETRIES):
        try:
            return work()
        except OperationalError as exc:
            if connection.in_atomic_block or not _locked(exc) or attempt == LOCK_RETRIES - 1:
                raise
            logger.debug("The database is locked; bookkeeping retries (attempt %d)", attempt + 2)
            time.sleep(min(2.0, 0.05 * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


class HealthcheckDefinitionQuerySet(models.QuerySet["HealthcheckDefinition"]):
    def active(self) -> HealthcheckDefinitionQuerySet:
        return self.filter(removed_at__isnull=True)

    def removed(self) -> HealthcheckDefinitionQuerySet:
        return self.filter(removed_at__isnull=False)

    def code(self) -> HealthcheckDefinitionQuerySet:
        return self.filter(source="code")

    def admin(self) -> HealthcheckDefinitionQuerySet:
        return self.filter(source="admin")

    def put(self) -> HealthcheckDefinitionQuerySet:
        """Rows of checks registered with ``put()``."""
        return self.filter(source="put")

    def code_owned(self) -> HealthcheckDefinitionQuerySet:
        """Rows whose fields code owns: declared in urls.py or registered with ``put()``."""
        return self.filter(source__in=("code", "put"))

    def stranded(self) -> HealthcheckDefinitionQuerySet:
        """Rows claimed by a push whose lease ran out: the push died before Cronitor confirmed them."""
        lapsed = models.Q(lease_expires_at__isnull=True) | models.Q(lease_expires_at__lte=timezone.now())
        return self.active().filter(lapsed, status=self.model.STATUS.pushing)

    def claimable(self) -> HealthcheckDefinitionQuerySet:
        """Rows waiting for a push: pending, or stranded by a push that died."""
        return self.active().filter(
            models.Q(status=self.model.STATUS.pending) | models.Q(pk__in=self.stranded().values("pk"))
        )

    def claim(self, rows: Sequence[HealthcheckDefinition]) -> set[int]:
        """Mark ``rows`` ``pushing`` with a lease; returns the pks claimed (the others are stale)."""
        until = timezone.now() + timedelta(seconds=lease_seconds())
        return self.record(
            [(row, {"status": self.model.STATUS.pushing, "lease_expires_at": until}) for row in rows]
        )

    def record_synced(
        self, rows: Sequence[HealthcheckDefinition], values: Sequence[dict[str, Any]]
    ) -> set[int]:
        """Cronitor confirmed these rows: ``values[i]`` (monitor code, fingerprint…) for ``rows[i]``."""
        done = {"status": self.model.STATUS.synced, "last_error": "", "lease_expires_at": None}
        return self.record([(row, {**done, **extra}) for row, extra in zip(rows, values, strict=True)])

    def record_failed(self, rows: Sequence[HealthcheckDefinition], errors: Sequence[str]) -> set[int]:
        """These rows failed with these (scrubbed) errors."""
        failed = {"status": self.model.STATUS.failed, "lease_expires_at": None}
        return self.record(
            [(row, {**failed, "last_error": error}) for row, error in zip(rows, errors, strict=True)]
        )

    def record(self, outcomes: Iterable[Outcome]) -> set[int]:
        """Write each outcome unless its row changed since it was read; returns the pks written.

        Two statements whatever the number of rows: the revisions of the batch (locked on
        databases that lock rows), then one ``UPDATE`` with a ``CASE`` per column.
        """
        outcomes = [(row, values) for row, values in outcomes if values]
        if not outcomes:
            return set()
        using = self.db

        def work() -> set[int]:
            with transaction.atomic(using=using):
                pks = [row.pk for row, _ in outcomes]
                current = dict(
                    self.model._default_manager.using(using)
                    .select_for_update()
                    .filter(pk__in=pks)
                    .values_list("pk", "revision")
                )
                fresh = [(row, values) for row, values in outcomes if current.get(row.pk) == row.revision]
                if fresh:
                    self.model._default_manager.using(using).filter(
                        pk__in=[row.pk for row, _ in fresh]
                    ).update(**self._cases(fresh))
                return {row.pk for row, _ in fresh}

        return retry_locked(using, work)

    def _cases(self, outcomes: list[Outcome]) -> dict[str, Any]:
        names = sorted({name for _, values in outcomes for name in values})
        updates: dict[str, Any] = {}
        for name in names:
            field = self.model._meta.get_field(name)
            assert isinstance(field, models.Field), name
            whens = [
                When(pk=row.pk, then=Value(values[name], output_field=field))
                for row, values in outcomes
                if name in values
            ]
            updates[name] = Case(*whens, default=F(name), output_field=field)
        return updates

"""Write the code-defined checks into the table: insert new, update changed, mark removed.

Rows of checks registered with ``put()`` (source ``put``) are only marked removed when the
collecting process called ``put(..., replace=True)``: a process that never called ``put()``
(a web worker, another command) keeps them.

The write is one ``INSERT … ON CONFLICT (key) DO UPDATE`` for all new and changed
rows, so several processes can run it at once without an IntegrityError, and its
query count does not grow with the number of checks. Django's ``bulk_create`` does
this in one statement on PostgreSQL and MySQL; on SQLite it splits the rows into
batches of 999 parameters, so there the rows travel as one JSON parameter instead.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from healthcheck_admin.models import CODE_FIELDS, SOURCE, HealthcheckDefinition, RegistryState, new_revision
from healthcheck_admin.registry import Collected, Spec, collect

logger = logging.getLogger(__name__)

STATE_NAME = "code-fingerprint"
#: Columns the upsert writes. The override layer and the sync bookkeeping are never among them.
WRITTEN = (*CODE_FIELDS, "source", "spec_fingerprint", "removed_at", "status", "revision", "modified")
REMOVE_CHUNK = 500
#: Sources whose rows the upsert writes: urls.py and ``put()``. Admin rows are never touched.
OWNED = (SOURCE.code, SOURCE.put)


@dataclass
class UpsertResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: Rows whose declaration is invalid: kept as they were, never removed.
    invalid: list[str] = field(default_factory=list)
    skipped: bool = False
    claimed: bool = False
    collected: Collected | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        if self.skipped:
            return "code checks unchanged since the last deploy"
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.removed)} removed"
        )
        if self.invalid:
            text += f", {len(self.invalid)} kept: declared but invalid, see `manage.py check`"
        return text


def _row(spec: Spec, now: Any) -> HealthcheckDefinition:
    return HealthcheckDefinition(
        key=spec.key,
        source=SOURCE.put if spec.put else SOURCE.code,
        spec_fingerprint=spec.fingerprint,
        removed_at=None,
        status=HealthcheckDefinition.STATUS.pending,
        revision=new_revision(),
        created=now,
        modified=now,
        **spec.values,
    )


def _sqlite_upsert(rows: list[HealthcheckDefinition], using: str) -> None:
    """One statement for any number of rows: the rows travel as one JSON parameter."""
    meta = HealthcheckDefinition._meta
    inserted = [f for f in meta.concrete_fields if not f.primary_key]
    columns = [str(f.column) for f in inserted]
    updated = {column for f, column in zip(inserted, columns, strict=True) if f.name in WRITTEN}
    connection = connections[using]
    records = [
        {
            column: f.get_db_prep_save(getattr(row, f.attname), connection)
            for f, column in zip(inserted, columns, strict=True)
        }
        for row in rows
    ]
    quote = connection.ops.quote_name
    select = ", ".join(f"json_extract(value, '$.\"{column}\"')" for column in columns)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c in updated)
    # Identifiers come from the model's metadata, quoted; the rows are the one parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {select} FROM json_each(%s) WHERE true "
        f"ON CONFLICT ({quote('key')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(records, default=str)])


def _write(rows: list[HealthcheckDefinition], using: str) -> None:
    if not rows:
        return
    if connections[using].vendor == "sqlite":
        _sqlite_upsert(rows, using)
        return
    HealthcheckDefinition.objects.using(using).bulk_create(
        rows,
        batch_size=len(rows),
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=list(WRITTEN),
    )


def _mark_removed(ids: list[int], using: str) -> None:
    now = timezone.now()
    for start in range(0, len(ids), REMOVE_CHUNK):
        HealthcheckDefinition.objects.using(using).filter(pk__in=ids[start : start + REMOVE_CHUNK]).update(
            removed_at=now, status=HealthcheckDefinition.STATUS.pending, revision=new_revision(), modified=now
        )


def upsert(collected: Collected, using: str | None = None) -> UpsertResult:
    """Bring the table in line with ``collected``; idempotent, and unchanged rows are left untouched."""
    using = using or router.db_for_write(HealthcheckDefinition)
    result = UpsertResult(collected=collected)
    existing = {
        key: (pk, source, fingerprint, removed_at, route)
        for pk, key, source, fingerprint, removed_at, route in HealthcheckDefinition.objects.using(
            using
        ).values_list("pk", "key", "source", "spec_fingerprint", "removed_at", "route")
    }
    now = timezone.now()
    rows = []
    for spec in collected.specs:
        found = existing.get(spec.key)
        if found is None:
            result.created.append(spec.key)
        elif found[1] not in OWNED:
            result.conflicts.append(spec.key)
            continue
        elif found[2] != spec.fingerprint or found[3] is not None or (found[1] == SOURCE.put) != spec.put:
            result.updated.append(spec.key)
        else:
            result.unchanged += 1
            continue
        rows.append(_row(spec, now))
    declared = {spec.key for spec in collected.specs}
    gone = []
    for key, (pk, source, _, removed_at, route) in existing.items():
        if removed_at is not None or key in declared:
            continue
        if source != SOURCE.code and not (source == SOURCE.put and collected.put_replace):
            continue  # admin rows, and put() rows kept until put(replace=True) or `remove`
        if key in collected.invalid_keys or route in collected.invalid_routes:
            result.invalid.append(key)  # declared but invalid: left exactly as it is
        else:
            gone.append((pk, key))
    result.invalid.sort()
    result.removed = sorted(key for _, key in gone)
    with transaction.atomic(using=using):
        _write(rows, using)
        _mark_removed([pk for pk, _ in gone], using)
    if result.invalid:
        logger.warning(
            "Code checks %s are declared but invalid, so they are left as they were "
            "(not removed, not paused); `manage.py check` says why: %s",
            ", ".join(map(repr, result.invalid)),
            "; ".join(f"{p.origin}: {p.message}" for p in collected.problems),
        )
    for key in result.conflicts:
        logger.warning("Code check %r is not stored: an admin-created row already has that key.", key)
    return result


def sync_code_checks(
    *, force: bool = True, using: str | None = None, claim: str | None = None
) -> UpsertResult:
    """Collect the declared checks and upsert them.

    With ``force=False`` (the startup hook), the work is done once per deploy: a
    fingerprint of the declared set is kept in :class:`RegistryState`, and a process
    that finds it current does nothing more than one query. The fingerprint row is
    locked while the upsert runs, so N workers starting together upsert once.

    ``claim`` names a :func:`due mark <healthcheck_admin.deploy.mark_due>` to take in the same
    step (under the lock when there is one): ``result.claimed`` is True in exactly one process.
    The whole sequence is told in :mod:`healthcheck_admin.deploy`.
    """
    from healthcheck_admin.deploy import take_due

    using = using or router.db_for_write(HealthcheckDefinition)
    collected = collect()
    if not force and _state(using) == collected.fingerprint:
        return UpsertResult(skipped=True, collected=collected, claimed=take_due(claim, using))
    with transaction.atomic(using=using):
        RegistryState.objects.using(using).get_or_create(name=STATE_NAME)
        state = RegistryState.objects.using(using).select_for_update().get(name=STATE_NAME)
        if not force and state.value == collected.fingerprint:
            return UpsertResult(skipped=True, collected=collected, claimed=take_due(claim, using))
        result = upsert(collected, using)
        result.claimed = take_due(claim, using)  # the upserting process's push covers the mark
        state.value = collected.fingerprint
        state.save(using=using, update_fields=["value", "updated"])
    return result


def _state(using: str) -> str | None:
    value: str | None = (
        RegistryState.objects.using(using).filter(name=STATE_NAME).values_list("value", flat=True).first()
    )
    return value

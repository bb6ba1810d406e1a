"""Signal receivers: push edited rows after commit, upsert after migrate, start the startup hook.

The deploy protocol they take part in is told in :mod:`healthcheck_admin.deploy`.

:func:`connect` is called from ``AppConfig.ready()``. It only connects receivers
(each with a ``dispatch_uid``); nothing here touches the database until a signal fires.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.apps import AppConfig, apps
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.test.signals import setting_changed

from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import PUSHED_FIELDS, HealthcheckDefinition

logger = logging.getLogger(__name__)

UID = "healthcheck_admin.signals"
#: Set on an instance (to True) so that its save is not pushed (see the admin's review step).
HOLD_PUSH = "_healthcheck_hold_push"


def connect() -> None:
    """Connect the receivers; called from ``AppConfig.ready()``."""
    from healthcheck_admin import expiry, startup

    post_save.connect(on_save, sender=HealthcheckDefinition, dispatch_uid=f"{UID}.on_save")
    post_delete.connect(on_delete, sender=HealthcheckDefinition, dispatch_uid=f"{UID}.on_delete")
    post_migrate.connect(
        on_migrate, sender=apps.get_app_config("healthcheck_admin"), dispatch_uid=f"{UID}.on_migrate"
    )
    setting_changed.connect(expiry.forget, dispatch_uid=f"{UID}.expiry_forget")
    request_started.connect(startup.on_request_started, dispatch_uid=f"{UID}.on_request_started")
    request_finished.connect(startup.on_request_finished, dispatch_uid=f"{UID}.on_request_finished")


def pushed_changes(instance: HealthcheckDefinition, update_fields: frozenset[str] | None) -> set[str]:
    """The pushed fields this save wrote with a new value.

    In ``post_save`` the FieldTracker still holds the values from before the save
    (django-model-utils resets it when ``save_base`` returns, after the signal), so
    ``changed()`` names exactly what this save changed. With ``update_fields``, only
    those columns were written.
    """
    changed = set(instance.tracker.changed()) & set(PUSHED_FIELDS)
    if update_fields is not None:
        changed &= set(update_fields)
    return changed


def on_save(
    sender: type[HealthcheckDefinition],
    instance: HealthcheckDefinition,
    created: bool,
    raw: bool,
    using: str,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """Push the row after commit when a pushed field changed (never for fixtures)."""
    if raw or not app_settings.SYNC_ON_SAVE or getattr(instance, HOLD_PUSH, False):
        return  # HOLD_PUSH: an admin save that waits for review by someone with the push permission
    if not created and not pushed_changes(instance, update_fields):
        return
    _push_on_commit(instance.key, using)


def on_delete(
    sender: type[HealthcheckDefinition], instance: HealthcheckDefinition, using: str, **kwargs: Any
) -> None:
    """Record a tombstone for the deleted row (same transaction) and push its removal after commit."""
    from healthcheck_admin.sync.removal import record_deletion

    record_deletion(instance)
    if app_settings.SYNC_ON_SAVE:
        _push_on_commit(instance.key, using)


def _push_on_commit(key: str, using: str) -> None:
    from healthcheck_admin.sync.tasks import enqueue_push

    transaction.on_commit(partial(enqueue_push, [key]), using=using)


def on_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Upsert the code-defined checks after ``migrate`` (step 1 of :mod:`healthcheck_admin.deploy`).

    Nothing is sent from here; ``UPSERT_ON_MIGRATE = False`` turns it off. Never lets an
    error break ``migrate``.
    """
    from healthcheck_admin.deploy import after_migrate

    if kwargs.get("plan") is None:
        return  # ``flush`` sends post_migrate too, without a plan: only ``migrate`` upserts
    try:
        result = after_migrate(using)
    except Exception:
        logger.exception(
            "Could not upsert the code-defined healthchecks after migrate; run "
            "'manage.py healthchecks list' to see why."
        )
        return
    if result is not None:
        logger.info("Code-defined healthchecks after migrate: %s", result.summary())

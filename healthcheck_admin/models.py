"""The registry table: one row per healthcheck, code-defined or admin-created."""

from __future__ import annotations

import secrets
import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils import FieldTracker
from model_utils.fields import StatusField
from model_utils.models import TimeStampedModel

from healthcheck_admin.bookkeeping import HealthcheckDefinitionQuerySet
from healthcheck_admin.conf import app_settings

# The choices and who owns which field live in schema.py; re-exported here, their public home.
from healthcheck_admin.schema import CODE_FIELDS as CODE_FIELDS
from healthcheck_admin.schema import EVENT_KIND
from healthcheck_admin.schema import HEALTH as HEALTH
from healthcheck_admin.schema import METHODS as METHODS
from healthcheck_admin.schema import OVERRIDE_FIELDS as OVERRIDE_FIELDS
from healthcheck_admin.schema import PUSHED_FIELDS as PUSHED_FIELDS
from healthcheck_admin.schema import SOURCE as SOURCE
from healthcheck_admin.schema import STATUS as STATUS
from healthcheck_admin.schema import SYNC_FIELDS as SYNC_FIELDS


def generate_admin_key() -> str:
    """A fresh key for an admin-created row: ``adm-`` and 10 hex digits."""
    return f"adm-{secrets.token_hex(5)}"


def default_interval_seconds() -> int:
    """``HEALTHCHECKS["DEFAULT_INTERVAL_SECONDS"]``, read when a row is made (admin rows honour it too)."""
    return app_settings.DEFAULT_INTERVAL_SECONDS


def default_timeout_seconds() -> int:
    """``HEALTHCHECKS["DEFAULT_TIMEOUT_SECONDS"]``, read when a row is made."""
    return app_settings.DEFAULT_TIMEOUT_SECONDS


def new_revision() -> str:
    """A token that changes whenever a pushed field changes (optimistic concurrency for the sync)."""
    return uuid.uuid4().hex


_INDEXED = ("modified", "snoozed_until", "health key", "status key", "method", "group", "override_group")


class HealthcheckDefinition(TimeStampedModel):
    """A Cronitor ``check`` monitor, with who owns which field and how it synced."""

    SOURCE = SOURCE
    METHODS = METHODS
    #: The sync state of the row (``StatusField`` reads ``STATUS`` from the class).
    STATUS = STATUS
    #: Cronitor's read-only health, as the last refresh read it.
    HEALTH = HEALTH

    key = models.CharField(
        _("monitor key"),
        max_length=100,
        unique=True,
        default=generate_admin_key,
        help_text=_("Cronitor's identity for this monitor. Keep it stable: a new key is a new monitor."),
    )
    source = models.CharField(_("source"), max_length=5, choices=SOURCE, default=SOURCE.admin, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    route = models.CharField(
        _("route"), max_length=255, blank=True, help_text=_("The URL name a code-defined check reverses.")
    )

    # The request Cronitor sends.
    url = models.CharField(
        _("URL"),
        max_length=2000,
        help_text=_("Absolute http(s) URL; code rows without HOSTNAME keep the path."),
    )
    method = models.CharField(_("method"), max_length=5, choices=METHODS, default=METHODS.GET)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    cookies = models.JSONField(_("cookies"), default=dict, blank=True)
    body = models.TextField(_("body"), blank=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("timeout (s)"), default=default_timeout_seconds)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    follow_redirects = models.BooleanField(_("follow redirects"), default=True)
    verify_ssl = models.BooleanField(_("verify SSL"), default=True)

    # The monitor around it.
    assertions = models.JSONField(_("assertions"), default=list, blank=True)
    interval_seconds = models.PositiveIntegerField(_("interval (s)"), default=default_interval_seconds)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notify = models.JSONField(_("notify"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    paused = models.BooleanField(_("paused"), default=False)
    # Alert noise (unset: not sent, so Cronitor's or the dashboard's value stands).
    failure_tolerance = models.PositiveSmallIntegerField(
        _("failure tolerance"),
        null=True,
        blank=True,
        help_text=_("Consecutive failed requests before an alert. Empty: Cronitor's (0)."),
    )
    realert_interval = models.CharField(
        _("re-alert interval"),
        max_length=50,
        blank=True,
        help_text=_("e.g. every 8 hours, every 1 day. Empty: Cronitor's (every 8 hours)."),
    )
    group = models.CharField(_("group"), max_length=100, blank=True, help_text=_("A Cronitor group key."))

    # Ops staff's override layer on code rows.
    override_paused = models.BooleanField(_("paused (override)"), null=True, blank=True)
    override_notify = models.JSONField(_("notify (override)"), null=True, blank=True)
    override_note = models.TextField(_("note (override)"), null=True, blank=True)  # noqa: DJ001 - None: inherit
    extra_tags = models.JSONField(_("extra tags"), default=list, blank=True)
    override_failure_tolerance = models.PositiveSmallIntegerField(
        _("failure tolerance (override)"), null=True, blank=True
    )
    override_realert_interval = models.CharField(  # noqa: DJ001 - None: inherit
        _("re-alert interval (override)"), max_length=50, null=True, blank=True
    )
    override_group = models.CharField(  # noqa: DJ001 - None: inherit
        _("group (override)"), max_length=100, null=True, blank=True
    )

    # Lifecycle and sync bookkeeping.
    spec_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    status = StatusField(_("sync status"), db_index=True)
    monitor_code = models.CharField(_("monitor code"), max_length=64, blank=True, editable=False)
    last_pushed_at = models.DateTimeField(_("last pushed"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    pushed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    pushed_payload = models.JSONField(null=True, blank=True, editable=False)
    revision = models.CharField(max_length=32, default=new_revision, editable=False)
    #: Non-secret identity of the backend and account the sync columns above belong to.
    account = models.CharField(_("account"), max_length=64, blank=True, editable=False)
    #: A claimed push: work not confirmed by then is claimed again.
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Remote state, read back by the refresh (never sent).
    remote_payload = models.JSONField(null=True, blank=True, editable=False)
    health = models.CharField(
        _("health"), max_length=10, choices=HEALTH, default=HEALTH.unknown, db_index=True, editable=False
    )
    health_event = models.CharField(_("latest event"), max_length=200, blank=True, editable=False)
    health_event_at = models.DateTimeField(_("latest event at"), null=True, blank=True, editable=False)
    health_read_at = models.DateTimeField(_("health read at"), null=True, blank=True, editable=False)

    # An admin row whose key names a monitor made elsewhere is sent only when this is ticked
    # (checked by the push, after its refresh: never on the request).
    adopt_remote = models.BooleanField(
        _("adopt an existing Cronitor monitor"),
        default=False,
        help_text=_(
            "Take over a monitor with this key made elsewhere (the dashboard, another project); "
            "its dashboard settings are kept."
        ),
    )

    # A timed pause by on-call staff (Cronitor's ``pause/{hours}``); cleared when it expires.
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True, editable=False)

    tracker = FieldTracker(fields=[*PUSHED_FIELDS, "status"])

    objects: ClassVar[Any] = HealthcheckDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ("key",)
        # The changelist: the facets' version (MAX(modified)), the filters, a filtered page in key order.
        indexes = [models.Index(fields=f.split(), name="hc_def_" + f.replace(" ", "_")) for f in _INDEXED]
        verbose_name = _("healthcheck")
        verbose_name_plural = _("healthchecks")
        permissions = (
            ("push_healthcheckdefinition", _("Can push healthchecks to Cronitor")),
            ("run_healthcheckdefinition", _("Can run healthchecks now")),
            ("snooze_healthcheckdefinition", _("Can pause healthchecks for a few hours")),
            ("reveal_healthcheckdefinition", _("Can reveal masked secret values")),
        )

    def __str__(self) -> str:
        return self.name or self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save what was given. A change to a pushed field gives a new ``revision`` and, unless the
        caller set ``status`` too, makes the row ``pending`` until a push confirms it."""
        update_fields = kwargs.get("update_fields")
        changed = set(self.tracker.changed()) & set(PUSHED_FIELDS) if not self._state.adding else set()
        if update_fields is not None:
            changed &= set(update_fields)
        if changed:
            self.revision = new_revision()
            written = {"revision"}
            if not self.tracker.has_changed("status"):
                self.status = self.STATUS.pending
                written.add("status")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *written}
        super().save(*args, **kwargs)

    @property
    def is_code(self) -> bool:
        """Owned by code (urls.py or ``put()``): code fields are read-only in the admin."""
        return bool(self.source in (SOURCE.code, SOURCE.put))

    @property
    def is_put(self) -> bool:
        return bool(self.source == SOURCE.put)

    # Effective values: the override layer wins on code rows.
    @property
    def effective_paused(self) -> bool:
        return bool(self.paused if self.override_paused is None else self.override_paused)

    @property
    def effective_notify(self) -> list[str]:
        return list(self.notify if self.override_notify is None else self.override_notify)

    @property
    def effective_note(self) -> str:
        return str(self.note if self.override_note is None else self.override_note)

    @property
    def effective_failure_tolerance(self) -> int | None:
        override = self.override_failure_tolerance
        return self.failure_tolerance if override is None else int(override)

    @property
    def effective_realert_interval(self) -> str:
        return str(
            self.realert_interval
            if self.override_realert_interval is None
            else self.override_realert_interval
        )

    @property
    def effective_group(self) -> str:
        return str(self.group if self.override_group is None else self.override_group)

    @property
    def effective_tags(self) -> list[str]:
        seen: dict[str, None] = dict.fromkeys([*self.tags, *self.extra_tags])
        return list(seen)

    @property
    def display_name(self) -> str:
        return self.name or f"{self.method} {self.url}"


class HealthcheckEvent(models.Model):
    """One line of a row's history: a destructive step, a conflict that code won, an adoption."""

    KIND = EVENT_KIND

    definition = models.ForeignKey(
        HealthcheckDefinition, null=True, blank=True, on_delete=models.SET_NULL, related_name="history"
    )
    key = models.CharField(max_length=100, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=12, choices=KIND)
    message = models.TextField(blank=True)
    #: Masked values, e.g. {"field": {"remote": …, "code": …}} for a conflict.
    detail = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.key}: {self.kind}"


class RegistryState(models.Model):
    """Small key/value store, e.g. the fingerprint of the code-defined set per deploy."""

    name = models.CharField(max_length=150, primary_key=True)
    value = models.CharField(max_length=128, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Tombstone(models.Model):
    """A monitor whose row was deleted and whose remote removal is still due."""

    key = models.CharField(max_length=100, unique=True)
    monitor_code = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.key

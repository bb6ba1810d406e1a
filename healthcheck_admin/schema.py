"""The registry table's vocabulary: its choices, and which fields code, ops and the sync own.

Re-exported by :mod:`healthcheck_admin.models`, the public home of these names.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from model_utils import Choices

from healthcheck_admin import limits
from healthcheck_admin.limits import MONITOR_FIELDS, NOISE_FIELDS, REQUEST_FIELDS

#: ``put`` rows come from :func:`healthcheck_admin.routing.put`: code-owned, but kept until
#: ``put(..., replace=True)`` or ``manage.py healthchecks remove`` drops them.
SOURCE = Choices(("code", _("code")), ("admin", _("admin")), ("put", _("put()")))
HEALTH = Choices(
    ("unknown", _("unknown")),
    ("passing", _("passing")),
    ("failing", _("failing")),
    ("paused", _("paused")),
    ("disabled", _("disabled")),
)
METHODS = Choices(*limits.METHODS)
#: A row's sync state.
STATUS = Choices(
    ("pending", _("pending")),
    ("pushing", _("pushing")),
    ("synced", _("synced")),
    ("failed", _("failed")),
    ("disabled", _("disabled")),
    ("removed", _("removed")),
)

#: The kinds of a :class:`~healthcheck_admin.models.HealthcheckEvent`.
EVENT_KIND = Choices(
    ("adopt", _("adopted")),
    ("import", _("imported")),
    ("conflict", _("conflict, code won")),
    ("pause", _("paused")),
    ("delete", _("deleted")),
    ("left_alone", _("not ours, left alone")),
    ("snooze", _("snoozed")),
    ("reveal", _("secret revealed")),
)

#: Fields whose values make up what code declares for a code row. The upsert
#: writes them; the admin shows them read-only on code rows.
CODE_FIELDS: tuple[str, ...] = ("name", "route", *REQUEST_FIELDS, *MONITOR_FIELDS)

#: The override layer that ops staff own on code rows. The upsert never writes
#: these. ``None`` (or an empty list for ``extra_tags``) means "inherit".
OVERRIDE_FIELDS: tuple[str, ...] = (
    "override_paused",
    "override_notify",
    "override_note",
    "extra_tags",
    *(f"override_{name}" for name in NOISE_FIELDS),
)

#: Fields whose change means the monitor must be pushed again.
PUSHED_FIELDS: tuple[str, ...] = ("key", *CODE_FIELDS, *OVERRIDE_FIELDS, "removed_at")

#: Bookkeeping written by the sync, through the named queryset methods of
#: :mod:`healthcheck_admin.bookkeeping`. A plain ``save()`` writes them like any other field;
#: the admin saves only the fields its form changed, so a stale form never writes them back.
SYNC_FIELDS: tuple[str, ...] = (
    "monitor_code",
    "status",
    "last_pushed_at",
    "last_error",
    "pushed_fingerprint",
    "pushed_payload",
    "account",
    "lease_expires_at",
    "remote_payload",
    "health",
    "health_event",
    "health_event_at",
    "health_read_at",
)

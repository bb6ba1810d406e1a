"""Changelist columns: the status badge (sync state and remote health, always in words), short texts."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from healthcheck_admin.admin.outcome import plain
from healthcheck_admin.models import HealthcheckDefinition

STATUS = HealthcheckDefinition.STATUS
HEALTH = HealthcheckDefinition.HEALTH
#: Remote health worth naming beside the sync state (``unknown`` and ``disabled`` say nothing more).
SHOWN_HEALTH = (HEALTH.passing, HEALTH.failing, HEALTH.paused)
#: Fields the changelist's columns read: the queryset loads only these (``only()``).
COLUMN_FIELDS = (
    "key",
    "name",
    "url",
    "method",
    "source",
    "status",
    "health",
    "last_error",
    "last_pushed_at",
    "monitor_code",
    "snoozed_until",
    "removed_at",
)


def tone(row: HealthcheckDefinition) -> str:
    """The badge's colour family; the text always says the same without colour."""
    if row.status == STATUS.failed or row.health == HEALTH.failing:
        return "bad"
    if row.status in (STATUS.pending, STATUS.pushing):
        return "wait"
    if row.status in (STATUS.disabled, STATUS.removed) or row.health == HEALTH.paused:
        return "off"
    return "ok"


def time_left(until: datetime | None, now: datetime | None = None) -> str:
    """``"2 h 5 min left"`` for a snooze that has not expired, else ``""``."""
    now = now or timezone.now()
    if until is None or until <= now:
        return ""
    minutes = max(1, int((until - now).total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours:
        return ngettext("%(h)d h %(m)d min left", "%(h)d h %(m)d min left", hours) % {"h": hours, "m": rest}
    return ngettext("%(m)d min left", "%(m)d min left", rest) % {"m": rest}


def status_text(row: HealthcheckDefinition, now: datetime | None = None) -> str:
    """The badge's words, e.g. ``"synced · failing"`` or ``"synced · paused (3 h 0 min left)"``."""
    text = str(STATUS[row.status]) if row.status in STATUS else str(row.status)
    if row.health in SHOWN_HEALTH:
        text += f" · {HEALTH[row.health]}"
    left = time_left(row.snoozed_until, now)
    if left:
        text += " " + _("(snoozed, %(left)s)") % {"left": left}
    return text


def status_badge(row: HealthcheckDefinition, now: datetime | None = None) -> SafeString:
    return format_html(
        '<span class="hc-badge hc-{}" data-status="{}" data-health="{}">{}</span>',
        tone(row),
        row.status,
        row.health,
        status_text(row, now),
    )


def cut(text: str, limit: int) -> SafeString:
    """``text`` cut to ``limit`` characters, the whole text in the title (shown on hover)."""
    if not text:
        return format_html("{}", "-")
    return format_html(
        '<span class="hc-cut" title="{}">{}</span>', text, Truncator(text).chars(limit, truncate="…")
    )


def error_cell(row: HealthcheckDefinition) -> SafeString:
    return cut(plain(row.last_error), 60)


def url_cell(row: HealthcheckDefinition) -> SafeString:
    short = Truncator(row.url).chars(48, truncate="…")
    if row.url.startswith(("http://", "https://")):
        return format_html(
            '<a href="{}" title="{}" class="hc-cut" rel="noopener noreferrer" target="_blank">{}</a>',
            row.url,
            row.url,
            short,
        )
    return cut(row.url, 48)

"""Read-only parts of the change page: the sync panel, the history, code value beside override."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from healthcheck_admin.admin.columns import status_badge
from healthcheck_admin.admin.outcome import plain
from healthcheck_admin.conf import app_settings
from healthcheck_admin.models import HealthcheckDefinition

HISTORY_SHOWN = 20
#: (label, code field, override field, effective property)
LAYERED = (
    ("paused", "paused", "override_paused", "effective_paused"),
    ("notify", "notify", "override_notify", "effective_notify"),
    ("note", "note", "override_note", "effective_note"),
    ("tags", "tags", "extra_tags", "effective_tags"),
    ("failure_tolerance", "failure_tolerance", "override_failure_tolerance", "effective_failure_tolerance"),
    ("realert_interval", "realert_interval", "override_realert_interval", "effective_realert_interval"),
    ("group", "group", "override_group", "effective_group"),
)


def dashboard_link(row: HealthcheckDefinition) -> SafeString:
    if not row.monitor_code:
        return format_html("{}", _("not on Cronitor yet"))
    href = app_settings.DASHBOARD_URL.format(key=row.key, code=row.monitor_code)
    return format_html(
        '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', href, row.monitor_code
    )


def sync_panel(row: HealthcheckDefinition) -> SafeString:
    health = row.health_event or "-"
    if row.health_event_at:
        health = f"{health} ({row.health_event_at:%Y-%m-%d %H:%M} UTC)"
    pushed = f"{row.last_pushed_at:%Y-%m-%d %H:%M:%S} UTC" if row.last_pushed_at else _("never")
    items = [
        (_("status"), status_badge(row)),
        (_("monitor"), dashboard_link(row)),
        (_("last push"), pushed),
        (_("latest event"), health),
        (_("last error"), format_html('<span class="hc-error">{}</span>', plain(row.last_error) or "-")),
    ]
    body = format_html_join("", "<dt>{}</dt><dd>{}</dd>", items)
    return format_html('<dl class="hc-panel">{}</dl>', body)


def history(row: HealthcheckDefinition) -> SafeString:
    if row.pk is None:
        return format_html("{}", "-")
    events = list(row.history.all()[:HISTORY_SHOWN])
    if not events:
        return format_html("{}", _("Nothing yet."))
    lines = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((f"{e.at:%Y-%m-%d %H:%M}", e.get_kind_display(), plain(e.message), e.actor or "-") for e in events),
    )
    head = format_html(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        _("when"),
        _("what"),
        _("message"),
        _("who"),
    )
    return format_html('<table class="hc-history">{}<tbody>{}</tbody></table>', head, lines)


def _show(value: object) -> str:
    if value is None:
        return _("(inherit)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value) or "-"


def _unset(value: object) -> object:
    """A code or resulting value of None is unset (shown "-"), not "inherit"."""
    return "" if value is None else value


def layers(row: HealthcheckDefinition) -> SafeString:
    """Code value, override and result side by side for each field ops may override."""
    lines = format_html_join(
        "",
        '<tr data-field="{}"><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                label,
                label,
                _show(_unset(getattr(row, code))),
                _show(getattr(row, override) if override != "extra_tags" else row.extra_tags or None),
                _show(_unset(getattr(row, result))),
            )
            for label, code, override, result in LAYERED
        ),
    )
    head = format_html(
        "<thead><tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        _("in code"),
        _("override"),
        _("result (sent)"),
    )
    return format_html('<table class="hc-layers">{}<tbody>{}</tbody></table>', head, lines)


def on_remove_text() -> str:
    """What happens to the monitor when its row is deleted, under ``ON_REMOVE``."""
    mode = app_settings.ON_REMOVE
    if mode == "delete":
        return _(
            "ON_REMOVE is 'delete': its monitor will be deleted on Cronitor, with its history, at the next "
            "push that confirms deletions (manage.py healthchecks push --yes)."
        )
    if mode == "keep":
        return _("ON_REMOVE is 'keep': its monitor is left on Cronitor as it is.")
    return _("ON_REMOVE is 'pause': its monitor will be paused on Cronitor, and kept with its history.")

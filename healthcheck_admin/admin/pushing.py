"""Pushes from the admin, off the request: enqueue, answer at once, report the outcome later."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from healthcheck_admin.admin.outcome import describe_exception, outcome_messages
from healthcheck_admin.models import HealthcheckDefinition, Tombstone
from healthcheck_admin.sync import progress
from healthcheck_admin.sync.tasks import enqueue_push

STATUS = HealthcheckDefinition.STATUS
WHERE = {
    "task": _("in the task worker"),
    "thread": _("in the background"),
}


def start_push(
    model_admin: ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    rows: QuerySet[HealthcheckDefinition] | None,
) -> None:
    """Enqueue a push of ``rows`` (forced) or of everything (``None``: changed rows, removals)."""
    running = progress.current()
    if running is not None and running.running:
        model_admin.message_user(
            request,
            _("A push is already running (%(done)d of %(total)d sent); wait for it to finish.")
            % {"done": running.done, "total": running.total},
            messages.WARNING,
        )
        return
    everything = rows is None
    selected = HealthcheckDefinition.objects.all() if rows is None else rows
    keys = list(selected.values_list("key", flat=True))
    if everything:
        keys += list(Tombstone.objects.values_list("key", flat=True))
    if not keys:
        model_admin.message_user(request, _("Nothing to push."), messages.INFO)
        return
    claimed = selected if not everything else selected.filter(~Q(status=STATUS.synced) & Q(removed_at=None))
    HealthcheckDefinition.objects.filter(pk__in=claimed.values("pk")).exclude(status=STATUS.removed).update(
        status=STATUS.pushing
    )
    progress.start(len(keys), int(request.user.pk or 0))
    try:
        where = enqueue_push(keys, force=not everything, track=True)
    except Exception as exc:  # enqueue_push never raises; a last guard all the same, never a 500
        progress.crash()
        model_admin.message_user(
            request,
            _("The push could not start: %(cause)s") % {"cause": describe_exception(exc)},
            messages.ERROR,
        )
        return
    text = ngettext(
        "Push of %(count)d monitor started %(where)s.",
        "Push of %(count)d monitors started %(where)s.",
        len(keys),
    ) % {"count": len(keys), "where": WHERE.get(where, "")}
    if everything:
        text += " " + _("Unchanged monitors are skipped.")
    model_admin.message_user(request, text, messages.INFO)


def report_finished(
    model_admin: ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    state: progress.Progress | None,
) -> None:
    """Show the counted outcome of the user's last push once, when it has finished."""
    if state is None or state.seen or state.running or state.user != request.user.pk:
        return
    if state.stopped:
        model_admin.message_user(
            request, _("The last push stopped before it finished; see the server log."), messages.ERROR
        )
    else:
        failed = HealthcheckDefinition.objects.filter(status=STATUS.failed).values_list(
            "last_error", flat=True
        )
        errors = list(failed[: max(state.failed, 0)]) if state.failed else []
        for level, text in outcome_messages(state.synced, errors, state.removed, state.skipped):
            model_admin.message_user(request, text, level)
    progress.mark_seen(state)

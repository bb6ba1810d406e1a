"""The per-row history: every destructive step, conflict that code won, adoption and import."""

from __future__ import annotations

from typing import Any

from healthcheck_admin.models import HealthcheckDefinition, HealthcheckEvent


def record_event(
    key: str,
    kind: str,
    message: str,
    detail: dict[str, Any] | None = None,
    *,
    actor: str = "",
) -> HealthcheckEvent:
    """Write one :class:`HealthcheckEvent`; ``detail`` must already be masked."""
    definition = HealthcheckDefinition.objects.filter(key=key).only("pk").first()
    event: HealthcheckEvent = HealthcheckEvent.objects.create(
        definition=definition, key=key, kind=kind, message=message, detail=detail or {}, actor=actor
    )
    return event

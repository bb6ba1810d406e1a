"""What a push did, in one object that commands, the admin and tasks can all report from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PushReport:
    """The outcome of :func:`healthcheck_admin.sync.service.push`.

    ``sent`` counts monitors handed to the backend and ``requests`` the HTTP requests it
    made (retries, pauses and deletes included). ``synced`` lists the keys now in line with
    Cronitor (with ``validate``: the keys Cronitor found valid), ``failed`` maps keys to
    readable errors, ``skipped`` counts unchanged rows, ``removed`` the keys whose removal
    is done. ``pending_deletion`` lists removals that wait for ``confirm_delete`` and
    ``not_owned`` the monitors left alone because they lack our ownership tag (on Cronitor),
    ``disabled`` the monitors Cronitor saved disabled (over quota), ``unrecorded`` the rows a
    local backend sent but did not record (they belong to a real account). ``error`` is set
    when the refresh failed: then nothing was sent. A dry run
    fills ``would_send`` (masked monitors) and ``would_remove`` instead of sending.
    """

    sent: int = 0
    requests: int = 0
    synced: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    removed: list[str] = field(default_factory=list)
    pending_deletion: list[str] = field(default_factory=list)
    not_owned: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    error: str | None = None
    dry_run: bool = False
    validate: bool = False
    would_send: list[dict[str, Any]] = field(default_factory=list)
    would_remove: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row failed and the refresh (if any) worked."""
        return not self.failed and self.error is None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "summary": self.summary()}

    def summary(self) -> str:
        """One line, e.g. ``2 synced, 0 failed, 5 unchanged, 1 removed (2 monitors in 1 request)``."""
        if self.error is not None:
            return f"refresh failed: {self.error}"
        traffic = f"{self.sent} monitor{_s(self.sent)} in {self.requests} request{_s(self.requests)}"
        if self.dry_run:
            line = (
                f"dry run: would send {len(self.would_send)} monitor{_s(len(self.would_send))}, "
                f"{self.skipped} unchanged, {len(self.would_remove)} to remove, {len(self.failed)} failed; "
                "nothing sent"
            )
        elif self.validate:
            valid, invalid = len(self.synced), len(self.failed)
            line = f"validated: {valid} valid, {invalid} invalid, {self.skipped} unchanged ({traffic})"
        else:
            line = (
                f"{len(self.synced)} synced, {len(self.failed)} failed, {self.skipped} unchanged, "
                f"{len(self.removed)} removed ({traffic})"
            )
        if self.pending_deletion:
            line += (
                f"; {len(self.pending_deletion)} deletion{_s(len(self.pending_deletion))} pending (use --yes)"
            )
        if self.not_owned:
            line += f"; {len(self.not_owned)} not ours, left alone (no ownership tag on Cronitor)"
        if self.disabled:
            line += f"; {len(self.disabled)} saved disabled by Cronitor (over quota?)"
        if self.unrecorded:
            line += f"; {len(self.unrecorded)} not recorded (they belong to a real Cronitor account)"
        return line


def _s(count: int) -> str:
    return "" if count == 1 else "s"

"""Push outcomes as a few counted, plain-text admin messages (never raw server bodies)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from html import unescape

from django.contrib import messages
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Every admin message stays under this many characters (issue 11: "under 300").
MESSAGE_LIMIT = 299
CAUSE_LIMIT = 120
_SPACE = re.compile(r"\s+")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_STATUS = re.compile(r"\b(?:answered|status)\s+(\d{3})\b")


def plain(text: str) -> str:
    """``text`` as one line of plain text: HTML tags, scripts and entities removed, spaces collapsed."""
    text = _SCRIPT.sub(" ", text)
    text = unescape(strip_tags(text))
    return _SPACE.sub(" ", text.replace("<", " ").replace(">", " ")).strip()


def short(text: str, limit: int = CAUSE_LIMIT) -> str:
    return Truncator(plain(text)).chars(limit, truncate="…")


def cause(error: str) -> str:
    """The short cause of a stored push error: its status and a plain-text reason."""
    text = plain(error) or _("no reason given")
    found = _STATUS.search(text)
    if found and "<" in error:  # an HTML error page: its title says what happened
        text = f"{_('Cronitor answered')} {found.group(1)}: {text[found.end() :].lstrip(': ')}"
    return short(text)


def failure_message(errors: Iterable[str]) -> str:
    """One message for every failed row, its causes grouped, under :data:`MESSAGE_LIMIT` characters."""
    causes = Counter(cause(error) for error in errors)
    total = sum(causes.values())
    head = ngettext(
        "%(count)d monitor failed: see the 'failed to push' filter.",
        "%(count)d monitors failed: see the 'failed to push' filter.",
        total,
    ) % {"count": total}
    parts: list[str] = []
    shown = 0
    for text, count in causes.most_common():
        part = f"{text} ({count})" if len(causes) > 1 else text
        if len(head) + len("; ".join([*parts, part])) + 20 > MESSAGE_LIMIT:
            break
        parts.append(part)
        shown += 1
    if shown < len(causes):
        rest = len(causes) - shown
        parts.append(ngettext("%(n)d other cause", "%(n)d other causes", rest) % {"n": rest})
    message = f"{head} {_('Cause')}: {'; '.join(parts)}." if parts else head
    return Truncator(message).chars(MESSAGE_LIMIT, truncate="…")


def outcome_messages(synced: int, failed: Iterable[str], removed: int, skipped: int) -> list[tuple[int, str]]:
    """At most three (level, text) pairs: pushed, failed (grouped by cause), removed."""
    errors = list(failed)
    out: list[tuple[int, str]] = []
    if synced:
        text = ngettext("Pushed %(count)d monitor.", "Pushed %(count)d monitors.", synced)
        out.append((messages.SUCCESS, text % {"count": synced}))
    if errors:
        out.append((messages.ERROR, failure_message(errors)))
    if removed:
        text = ngettext(
            "Removed %(count)d monitor from Cronitor.", "Removed %(count)d monitors from Cronitor.", removed
        )
        out.append((messages.SUCCESS, text % {"count": removed}))
    if not out:
        out.append((messages.INFO, _("Nothing to push: every check is up to date.")))
    return out


def describe_exception(exc: BaseException) -> str:
    """An exception in words: its message, plain and short, with the kind of failure named."""
    text = plain(str(exc))
    if isinstance(exc, TimeoutError):
        return _("the push timed out: %(text)s") % {"text": short(text) or _("no answer")}
    if isinstance(exc, ConnectionError | OSError):
        return _("Cronitor could not be reached: %(text)s") % {"text": short(text) or _("no connection")}
    if not text:
        return _("an unexpected error with no message (%(kind)s); see the server log") % {
            "kind": type(exc).__name__
        }
    return short(text)

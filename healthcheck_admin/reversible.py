"""Whether ``reverse()`` would succeed, without Django's reverse index of the whole URLconf.

``manage.py check`` must know that each declared route reverses. Asking ``reverse()`` makes Django
build the reverse index of every route, which is most of the check's cost at 10,000 routes. For a
route whose only parameters are its own converters (every enclosing route is static), whether
given kwargs reverse depends on those converters alone.
"""

from __future__ import annotations

import functools
import re
from typing import Any


def accepts(converters: dict[str, Any], kwargs: dict[str, Any]) -> bool:
    """Whether reverse() would succeed for the pattern with these converters and ``kwargs``.

    True only when it surely would: each value converts (``to_url``) to text that its converter's
    regex matches whole, as Django's ``_reverse_with_prefix`` requires of the joined path. False
    means "ask reverse()", which also words the error.
    """
    if kwargs.keys() != converters.keys():
        return False
    for name, converter in converters.items():
        try:
            text = str(converter.to_url(kwargs[name]))
        except ValueError:
            return False
        if _regex(converter.regex).fullmatch(text) is None:
            return False
    return True


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)

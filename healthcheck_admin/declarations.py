"""``Healthcheck``: what a developer declares beside a route, validated on construction."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "sa-east-1",
    "me-south-1",
)
#: The fields of Cronitor's ``request`` object for a check, and of the monitor around it.
REQUEST_FIELDS = (
    "url",
    "method",
    "headers",
    "cookies",
    "body",
    "timeout_seconds",
    "regions",
    "follow_redirects",
    "verify_ssl",
)
MONITOR_FIELDS = ("assertions", "interval_seconds", "tags", "notify", "note", "paused")
INTERVAL_RANGE = (30, 3600)
TIMEOUT_RANGE = (1, 15)
TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # an HTTP token (RFC 9110)
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
MAX_NAME = 200
MAX_REQUEST_MAP = 5120


class HealthcheckError(ValueError):
    """A healthcheck declaration or definition is invalid. The message names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def _fail(name: str, value: object, expected: str) -> HealthcheckError:
    return HealthcheckError(name, f"expected {expected}, got {value!r}")


def check_int_range(name: str, value: object, bounds: tuple[int, int], unit: str = "s") -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(name, value, f"a whole number of seconds from {low} to {high}")
    if not low <= value <= high:
        raise HealthcheckError(name, f"{value!r} is out of range; use {low} to {high} {unit}")
    return value


def check_str_map(name: str, value: object) -> dict[str, str]:
    """Headers and cookies: a mapping of non-empty string names to string values."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        example = "{'session': 'env:SESSION_ID'}" if name == "cookies" else "{'Accept': 'application/json'}"
        raise _fail(name, value, f"a dict of strings, e.g. {example}")
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise HealthcheckError(name, f"names must be non-empty strings, got {key!r}")
        if not TOKEN_RE.match(key):
            raise HealthcheckError(name, f"{key!r} is not a valid name: no spaces, colons or separators")
        if not isinstance(item, str):
            raise HealthcheckError(name, f"the value of {key!r} must be a string, got {item!r}")
        if "\n" in key or "\n" in item or "\r" in key or "\r" in item:
            raise HealthcheckError(name, f"{key!r} must not contain line breaks")
    result = dict(value)
    if sum(len(k) + len(v) for k, v in result.items()) > MAX_REQUEST_MAP:
        raise HealthcheckError(name, f"is longer than Cronitor's limit of {MAX_REQUEST_MAP} characters")
    return result


def check_str_list(name: str, value: object, *, choices: Sequence[str] = ()) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise _fail(name, value, "a list of strings")
    items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise HealthcheckError(name, f"items must be non-empty strings, got {item!r}")
        if choices and item not in choices:
            raise HealthcheckError(name, f"unknown value {item!r}; use one of {', '.join(choices)}")
    return list(dict.fromkeys(items))


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(name, value, "True or False")
    return value


def check_optional_str(name: str, value: object, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(name, value, "a string")
    if max_length is not None and len(value) > max_length:
        raise HealthcheckError(name, f"is {len(value)} characters long; the limit is {max_length}")
    return value


def check_method(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in METHODS:
        raise HealthcheckError("method", f"{value!r} is not supported; use one of {', '.join(METHODS)}")
    return value.upper()


def check_key(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not KEY_RE.match(value):
        raise HealthcheckError(
            "key",
            f"{value!r} is not a valid monitor key; use 1-100 letters, digits, '-', '_', '.' or ':'",
        )
    return value


def check_assertions(value: object) -> list[str]:
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return []
    if isinstance(value, (list, tuple)):
        try:
            return list(_validated_tuple(tuple(value)))
        except TypeError:  # unhashable items, such as the seed's v3 rule dicts: no cache
            pass
    return list(_validated(value))


@functools.lru_cache(maxsize=1024)
def _validated_tuple(value: tuple[Any, ...]) -> tuple[str, ...]:
    """Projects repeat the same assertion lists across routes: parse each list once."""
    return tuple(_validated(value))


def _validated(value: object) -> list[str]:
    from healthcheck_admin.assertions import AssertionSyntaxError, validate_list

    try:
        return validate_list(value)
    except AssertionSyntaxError as exc:
        raise HealthcheckError("assertions", str(exc)) from None


def check_querystring(value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail("querystring", value, "a dict, e.g. {'q': 'term'}")
    for key, item in value.items():
        scalars = (str, int, float)
        ok = isinstance(item, scalars) or (
            isinstance(item, (list, tuple)) and all(isinstance(i, scalars) for i in item)
        )
        if not isinstance(key, str) or not ok or isinstance(item, bool):
            raise HealthcheckError(
                "querystring", f"{key!r}: {item!r} is not a string, number or list of them"
            )
    return dict(value)


@dataclass(init=False)
class Healthcheck:
    """An HTTP healthcheck on a route, sent to Cronitor as a ``check`` monitor.

    Every argument of ``django_auto_healthchecks.Healthcheck`` is accepted; ``code`` is
    an alias of ``key``. Invalid arguments raise :class:`HealthcheckError` naming the field.

    A Healthcheck is a value: treat it as immutable. (It is not a frozen dataclass because
    a frozen one costs several microseconds more per route, and projects declare thousands.)
    """

    route: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    current_app: str | None = None
    name: str | None = None
    key: str | None = None
    method: str = "GET"
    querystring: dict[str, Any] = field(default_factory=dict)
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    # Collections are accepted in any form (tuples, sets, the seed's v3 rule dicts for
    # assertions) and normalised to lists of strings.
    assertions: Sequence[Any] = field(default_factory=list)
    tags: Collection[str] = field(default_factory=list)
    note: str | None = None
    interval_seconds: int | None = None
    timeout_seconds: int | None = None
    notify: Collection[str] = field(default_factory=list)
    regions: Collection[str] = field(default_factory=list)
    follow_redirects: bool = True
    verify_ssl: bool = True
    paused: bool = False
    code: str | None = None

    if TYPE_CHECKING:

        def __init__(
            self,
            route: str | None = None,
            args: Sequence[Any] | None = (),
            kwargs: Mapping[str, Any] | None = None,
            current_app: str | None = None,
            name: str | None = None,
            key: str | None = None,
            method: str = "GET",
            querystring: Mapping[str, Any] | None = None,
            body: str | None = None,
            headers: Mapping[str, str] | None = None,
            cookies: Mapping[str, str] | None = None,
            assertions: Sequence[Any] | None = None,
            tags: Collection[str] | None = None,
            note: str | None = None,
            interval_seconds: int | None = None,
            timeout_seconds: int | None = None,
            notify: Collection[str] | None = None,
            regions: Collection[str] | None = None,
            follow_redirects: bool = True,
            verify_ssl: bool = True,
            paused: bool = False,
            code: str | None = None,
        ) -> None: ...

    else:

        def __init__(self, *positional: Any, **arguments: Any) -> None:
            # Hand-written rather than generated: it validates only the arguments given (most
            # declarations give two or three of the 22), which matters with thousands of routes.
            if positional:
                if len(positional) > len(_NAMES):
                    raise TypeError(f"Healthcheck() takes at most {len(_NAMES)} positional arguments")
                for name, value in zip(_NAMES, positional, strict=False):
                    if name in arguments:
                        raise TypeError(f"Healthcheck() got multiple values for argument {name!r}")
                    arguments[name] = value
            values = self.__dict__
            for name, value in arguments.items():
                normalise = _NORMALISERS.get(name)
                if normalise is None:
                    raise TypeError(f"Healthcheck() got an unexpected keyword argument {name!r}")
                default = _DEFAULTS[name]
                if value is default or (value.__class__ is default.__class__ and value == default):
                    continue
                values[name] = normalise(value)
            _check_combination(self)

        def __getattr__(self, name: str) -> Any:
            # Only reached for a field that was not given: plain defaults are class attributes,
            # and an empty container is made on first use, so that unused fields cost nothing.
            factory = _FACTORIES.get(name)
            if factory is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = self.__dict__[name] = factory()
            return value

    @classmethod
    def coerce(cls, value: object) -> Healthcheck | None:
        """Turn the ``healthcheck=`` argument (True, a dict or a Healthcheck) into a Healthcheck."""
        if value is None or value is False:
            return None
        if value is True:
            return cls()
        if isinstance(value, Healthcheck):
            return value
        if isinstance(value, Mapping):
            if not value.keys() <= _DEFAULTS.keys():
                unknown = sorted(set(value) - _DEFAULTS.keys())
                raise HealthcheckError(unknown[0], f"unknown argument; Healthcheck takes {', '.join(_NAMES)}")
            return cls(**value)
        raise HealthcheckError("healthcheck", f"expected True, a dict or a Healthcheck, got {value!r}")


def _check_args(value: object) -> tuple[Any, ...]:
    if value is None:  # the seed's default
        return ()
    if not isinstance(value, (list, tuple)):
        raise _fail("args", value, "a list or tuple")
    return tuple(value)


def _check_kwargs(value: object) -> dict[str, Any]:
    if value is None:  # the seed's default
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _fail("kwargs", value, "a dict with string keys")
    return dict(value)


def _optional_int(name: str, bounds: tuple[int, int]) -> Any:
    return lambda v: None if v is None else check_int_range(name, v, bounds)


def _check_code(value: object) -> str | None:
    """``code=`` is the seed's name for the key."""
    try:
        return check_key(value)
    except HealthcheckError as exc:
        raise HealthcheckError("code", str(exc).removeprefix("key: ")) from None


_NORMALISERS: dict[str, Any] = {
    "route": lambda v: check_optional_str("route", v, 255) or None,
    "args": _check_args,
    "kwargs": _check_kwargs,
    "current_app": lambda v: check_optional_str("current_app", v),
    "name": lambda v: check_optional_str("name", v, MAX_NAME) or None,
    "key": check_key,
    "code": _check_code,
    "method": check_method,
    "querystring": check_querystring,
    "body": lambda v: check_optional_str("body", v),
    "headers": lambda v: check_str_map("headers", v),
    "cookies": lambda v: check_str_map("cookies", v),
    "assertions": check_assertions,
    "tags": lambda v: check_str_list("tags", v),
    "note": lambda v: check_optional_str("note", v),
    "interval_seconds": _optional_int("interval_seconds", INTERVAL_RANGE),
    "timeout_seconds": _optional_int("timeout_seconds", TIMEOUT_RANGE),
    "notify": lambda v: check_str_list("notify", v),
    "regions": lambda v: check_str_list("regions", v, choices=REGIONS),
    "follow_redirects": lambda v: check_bool("follow_redirects", v),
    "verify_ssl": lambda v: check_bool("verify_ssl", v),
    "paused": lambda v: check_bool("paused", v),
}
_DEFAULTS: dict[str, Any] = {
    f.name: f.default_factory() if f.default_factory is not MISSING else f.default
    for f in fields(Healthcheck)
}


def _check_combination(check: Healthcheck) -> None:
    """Rules across fields, once each field is valid on its own."""
    if check.args and check.kwargs:
        raise HealthcheckError("args", "args and kwargs cannot be used together; pass one of them")
    if check.body and check.method not in BODY_METHODS:
        raise HealthcheckError("body", f"a body is only sent with POST, PUT or PATCH, not {check.method}")
    if check.code is not None:
        if check.key is not None and check.key != check.code:
            raise HealthcheckError("code", f"{check.code!r} conflicts with key={check.key!r}; pass only key")
        check.key, check.code = check.code, None


_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Healthcheck))


#: The fields whose default is a new container, made on first use (see ``Healthcheck.__getattr__``).
_FACTORIES: dict[str, Any] = {
    f.name: f.default_factory for f in fields(Healthcheck) if f.default_factory is not MISSING
}

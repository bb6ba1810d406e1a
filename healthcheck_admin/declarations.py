"""``Healthcheck``: what a developer declares beside a route, validated on construction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from healthcheck_admin.limits import (
    BODY_METHODS,
    INTERVAL_RANGE,
    MAX_NAME,
    MAX_NOTE,
    REGIONS,
    TIMEOUT_RANGE,
    check_assertion_length,
    check_bool,
    check_failure_tolerance,
    check_group,
    check_int_range,
    check_key,
    check_method,
    check_optional_str,
    check_realert_interval,
    check_str_list,
    check_str_map,
    fail,
)
from healthcheck_admin.limits import MULTILINE as _MULTILINE

if TYPE_CHECKING:
    from healthcheck_admin.variants import Variant
from healthcheck_admin.limits import HealthcheckError as HealthcheckError  # re-exported: the public name


def check_assertions(value: object) -> list[str]:
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return []
    if isinstance(value, (list, tuple)):
        try:
            return list(_validated_tuple(tuple(value)))
        except TypeError:  # unhashable items, such as the seed's v3 rule dicts: no cache
            pass
    return _validated(value)


@functools.lru_cache(maxsize=1024)
def _validated_tuple(value: tuple[Any, ...]) -> tuple[str, ...]:
    """Projects repeat the same assertion lists across routes: parse each list once."""
    return tuple(_validated(value))


def _validated(value: object) -> list[str]:
    from healthcheck_admin.assertions import AssertionSyntaxError, validate_list

    try:
        result = validate_list(value)
    except AssertionSyntaxError as exc:
        raise HealthcheckError("assertions", str(exc)) from None
    check_assertion_length("assertions", result)
    return result


def check_querystring(value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail("querystring", value, "a dict, e.g. {'q': 'term'}")
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
    #: Alert noise (``cronitor_api.md`` A4); None: not sent, so the dashboard's value stands.
    failure_tolerance: int | None = None
    realert_interval: str | None = None  # "every 8 hours"; an int is hours
    group: str | None = None
    #: One declaration, many targets (docs/variants.rst): kept as given, validated when collected.
    hosts: Any = ()
    sites: Any = False
    locales: Any = False
    targets: Any = None
    #: A bad ``key=``/``code=``, kept rather than raised so that ``urls.py`` still imports;
    #: ``path(healthcheck=...)`` reports it at ``manage.py check`` and ``put()`` raises it.
    problem: ClassVar[HealthcheckError | None] = None

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
            failure_tolerance: int | None = None,
            realert_interval: str | int | None = None,
            group: str | None = None,
            hosts: Sequence[str] = (),
            sites: bool = False,
            locales: bool = False,
            targets: Callable[[], Iterable[Variant]] | None = None,
        ) -> None: ...

    else:

        def __init__(self, *positional: Any, **arguments: Any) -> None:
            # Hand-written rather than generated: it validates only the arguments given (most
            # declarations give two or three of the 25), which matters with thousands of routes.
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
                try:
                    values[name] = normalise(value)
                except HealthcheckError as exc:
                    if name not in ("key", "code"):
                        raise
                    values["problem"] = exc
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
        if isinstance(value, Mapping):
            if not value.keys() <= _DEFAULTS.keys():
                unknown = sorted(set(value) - _DEFAULTS.keys())
                raise HealthcheckError(unknown[0], f"unknown argument; Healthcheck takes {', '.join(_NAMES)}")
            value = cls(**value)
        if isinstance(value, Healthcheck):
            if value.problem is not None:
                raise value.problem
            return value
        raise HealthcheckError("healthcheck", f"expected True, a dict or a Healthcheck, got {value!r}")


def _check_args(value: object) -> tuple[Any, ...]:
    if value is None:  # the seed's default
        return ()
    if not isinstance(value, (list, tuple)):
        raise fail("args", value, "a list or tuple")
    return tuple(value)


def _check_kwargs(value: object) -> dict[str, Any]:
    if value is None:  # the seed's default
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fail("kwargs", value, "a dict with string keys")
    return dict(value)


def _optional_int(name: str, bounds: tuple[int, int]) -> Any:
    return lambda v: None if v is None else check_int_range(name, v, bounds)


_NORMALISERS: dict[str, Any] = {
    "route": lambda v: check_optional_str("route", v, 255) or None,
    "args": _check_args,
    "kwargs": _check_kwargs,
    "current_app": lambda v: check_optional_str("current_app", v),
    "name": lambda v: check_optional_str("name", v, MAX_NAME) or None,
    "key": check_key,
    "code": lambda v: check_key(v, "code"),  # the seed's name for the key
    "method": check_method,
    "querystring": check_querystring,
    "body": lambda v: check_optional_str("body", v, allowed=_MULTILINE),
    "headers": lambda v: check_str_map("headers", v),
    "cookies": lambda v: check_str_map("cookies", v),
    "assertions": check_assertions,
    "tags": lambda v: check_str_list("tags", v),
    "note": lambda v: check_optional_str("note", v, MAX_NOTE, allowed=_MULTILINE),
    "interval_seconds": _optional_int("interval_seconds", INTERVAL_RANGE),
    "timeout_seconds": _optional_int("timeout_seconds", TIMEOUT_RANGE),
    "notify": lambda v: check_str_list("notify", v),
    "regions": lambda v: check_str_list("regions", v, choices=REGIONS),
    "follow_redirects": lambda v: check_bool("follow_redirects", v),
    "verify_ssl": lambda v: check_bool("verify_ssl", v),
    "paused": lambda v: check_bool("paused", v),
    "failure_tolerance": check_failure_tolerance,
    "realert_interval": check_realert_interval,
    "group": check_group,
    **dict.fromkeys(("hosts", "sites", "locales", "targets"), lambda v: v),  # see variants.py
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

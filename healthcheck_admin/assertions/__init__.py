"""Cronitor's assertion language for checks: parse, validate, build and evaluate.

One module serves ``Healthcheck(assertions=...)``, the admin form, the system
checks and the local runner::

    >>> from healthcheck_admin.assertions import A, validate
    >>> validate("response.code  =  200")
    'response.code = 200'
    >>> str(A.json("data.count") > 10)
    'response.json data.count > 10'

See ``docs/assertions.rst`` for the grammar and the evaluation rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from healthcheck_admin.assertions.convert import from_v3_rule, validate_list
from healthcheck_admin.assertions.grammar import (
    KEYED_SUBJECTS,
    OPERATORS,
    REMOTE_SUBJECTS,
    SUBJECT_OPERATORS,
    Assertion,
    parse,
    validate,
)
from healthcheck_admin.assertions.values import AssertionSyntaxError, parse_interval

if TYPE_CHECKING:
    from healthcheck_admin.assertions.builder import A, AssertionBuilder, Field
    from healthcheck_admin.assertions.evaluator import (
        DEFAULT_ASSERTIONS,
        Outcome,
        ResponseFacts,
        evaluate,
        evaluate_all,
    )

# The builder and the evaluator load on first use: validating the declarations in urls.py,
# which every process start does, needs only the grammar.
_LAZY = {
    **dict.fromkeys(("A", "AssertionBuilder", "Field"), "healthcheck_admin.assertions.builder"),
    **dict.fromkeys(
        ("DEFAULT_ASSERTIONS", "Outcome", "ResponseFacts", "evaluate", "evaluate_all"),
        "healthcheck_admin.assertions.evaluator",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_ASSERTIONS",
    "KEYED_SUBJECTS",
    "OPERATORS",
    "REMOTE_SUBJECTS",
    "SUBJECT_OPERATORS",
    "A",
    "Assertion",
    "AssertionBuilder",
    "AssertionSyntaxError",
    "Field",
    "Outcome",
    "ResponseFacts",
    "evaluate",
    "evaluate_all",
    "from_v3_rule",
    "parse",
    "parse_interval",
    "validate",
    "validate_list",
]

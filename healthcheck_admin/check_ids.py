"""Every system check ID the package emits, with its hint: the one catalogue.

``routing.py`` and ``registry.py`` record problems by these names, and :mod:`healthcheck_admin.checks`
turns them into Django messages ``healthcheck_admin.<ID>``. ``docs/checks.rst`` documents every ID
(``tests/test_check_ids.py`` holds both to this table).
"""

from __future__ import annotations

PREFIX = "healthcheck_admin"

# Declarations in the URLconf (the ``urls`` tag).
DECLARATION_INVALID = "E001"
CANNOT_REVERSE = "E002"
ON_INCLUDE = "E003"
NO_ROUTE_NAME = "E004"
DUPLICATE_KEY = "E005"
# The HEALTHCHECKS setting.
SETTING_NOT_A_DICT = "E010"
SETTING_UNKNOWN = "E011"
SETTING_INVALID = "E012"
BACKEND_INVALID = "E013"
ENV_API_URL_INVALID = "E014"
HOSTNAME_ENV_INVALID = "E015"
EXPIRES_WITHOUT_ENVIRONMENT = "E016"
NO_HOSTNAME = "W001"
LEGACY_HTTPS = "W002"
HOSTNAME_ENV_UNSET = "W003"
# Routes that HEALTHCHECKS["REQUIRE"] names (the ``urls`` tag); the E IDs at REQUIRE_LEVEL "error".
REQUIRED_UNCHECKED = "W010"
REQUIRE_UNMATCHED = "W011"
REQUIRED_UNCHECKED_ERROR = "E020"
REQUIRE_UNMATCHED_ERROR = "E021"
# One declaration, many targets (``hosts=``, ``sites=True``, ``locales=True``, ``targets=``).
VARIANT_HOSTS = "E030"
VARIANT_SITES = "E031"
VARIANT_LOCALES = "E032"
VARIANT_TARGETS = "E033"
VARIANT_DUPLICATE = "E034"
VARIANT_COMBINATION = "E035"

_required_hint = (
    "Add healthcheck= to the route (or put(Healthcheck(route=...))), "
    "or remove it from HEALTHCHECKS['REQUIRE']."
)
_unmatched_hint = "Correct the pattern (fnmatch on namespaced route names, e.g. 'api:*'), or remove it."

#: Each ID and its hint (a setting error's hint may add the setting's own).
HINTS: dict[str, str] = {
    DECLARATION_INVALID: "Fix the healthcheck= argument; the message names the field. "
    "An existing row and its monitor are left as they are until it is fixed.",
    CANNOT_REVERSE: "Check the route name, its namespace and the args/kwargs given to Healthcheck().",
    ON_INCLUDE: "Put healthcheck= on the path()s inside the included URLconf.",
    NO_ROUTE_NAME: "Give the route a name=, or pass Healthcheck(route=...).",
    DUPLICATE_KEY: "Give one of the checks an explicit, unique key=.",
    SETTING_NOT_A_DICT: "Set HEALTHCHECKS = {...}.",
    SETTING_UNKNOWN: "Remove the key, or correct its spelling.",
    SETTING_INVALID: "See docs/settings.rst for the setting.",
    BACKEND_INVALID: "Use a dotted path such as 'healthcheck_admin.backends.console.ConsoleBackend'.",
    ENV_API_URL_INVALID: "Set CRONITOR_API_URL to an http(s) URL ('https://cronitor.io/api') or unset it.",
    HOSTNAME_ENV_INVALID: "Point HOSTNAME's env: reference at a variable holding a host name "
    "('pr-12.example.com') or an http(s) URL without a path ('https://pr-12.onrender.com').",
    EXPIRES_WITHOUT_ENVIRONMENT: "Set HEALTHCHECKS['ENVIRONMENT'] (e.g. 'pr-123'): the expiry belongs to "
    "one environment. See docs/previews.rst.",
    NO_HOSTNAME: "Set HEALTHCHECKS['HOSTNAME'] = 'www.example.com'. It is never guessed from ALLOWED_HOSTS.",
    LEGACY_HTTPS: "Set HEALTHCHECKS['HTTPS']: False keeps the old http:// URLs, True switches them.",
    HOSTNAME_ENV_UNSET: "Set the variable in the environment that runs this command (review-app platforms "
    "set it at run time), or set HOSTNAME to the host itself.",
    REQUIRED_UNCHECKED: _required_hint,
    REQUIRE_UNMATCHED: _unmatched_hint,
    REQUIRED_UNCHECKED_ERROR: _required_hint,
    REQUIRE_UNMATCHED_ERROR: _unmatched_hint,
    VARIANT_HOSTS: "Pass hosts=['eu.example.com', 'us.example.com']: host names, no scheme or path. "
    "The declaration's rows and monitors are left as they are until it is fixed.",
    VARIANT_SITES: "Add 'django.contrib.sites' to INSTALLED_APPS (and migrate), or drop sites=True.",
    VARIANT_LOCALES: "Put the route inside i18n_patterns() and set LANGUAGES, or drop locales=True.",
    VARIANT_TARGETS: "targets= takes a function of no arguments returning a list of "
    "healthcheck_admin.Variant(name, host=, kwargs=, headers=); the message says what it did instead.",
    VARIANT_DUPLICATE: "Give each variant a distinct name: its key is the route's key plus the name's slug.",
    VARIANT_COMBINATION: "Pass at most one of hosts=, sites=True and targets=; locales=True combines.",
}


def full(check_id: str) -> str:
    """``healthcheck_admin.E001`` for ``E001``."""
    return f"{PREFIX}.{check_id}"

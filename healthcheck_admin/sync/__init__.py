"""Mirror the table to Cronitor: payloads, the push service, plan, drift and removal.

Import from the submodules (``healthcheck_admin.sync.service.push``); this package imports
nothing itself, so that importing it never touches models before the app registry is ready.
"""

from __future__ import annotations

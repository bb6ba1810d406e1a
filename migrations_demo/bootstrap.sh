#!/usr/bin/env bash
# The demo: install, migrate, create an admin user, list the checks, serve the admin.
# Run from the repository root: `make demo` (or `bash migrations_demo/bootstrap.sh`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV=.venv-demo
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e .
cd migrations_demo
../$VENV/bin/python manage.py migrate --verbosity 0
DJANGO_SUPERUSER_PASSWORD=admin ../$VENV/bin/python manage.py createsuperuser \
    --noinput --username admin --email admin@example.com 2>/dev/null || true
../$VENV/bin/python manage.py healthchecks list
cat <<'MSG'

  The demo admin is at http://127.0.0.1:8000/admin/
  Log in with   user: admin   password: admin

MSG
exec ../$VENV/bin/python manage.py runserver 127.0.0.1:8000

#!/usr/bin/env bash
# Demo smoke test: migrate, list, plan, run --in-process, and serve one admin page.
# Uses the Python on PATH (tox's env) and a throw-away SQLite file.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
export DEMO_DB="$work/demo.sqlite3"
unset CRONITOR_API_KEY CRONITOR_API_URL
port="${DEMO_SMOKE_PORT:-8765}"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python -W error manage.py check
python manage.py migrate --verbosity 0
python manage.py healthchecks list | tee "$work/list.txt"
grep -q "adm-example-home" "$work/list.txt"
grep -q "demo.shop:product.42" "$work/list.txt"
python manage.py healthchecks plan
python manage.py healthchecks run --in-process --source code

DEMO_HOSTNAME="127.0.0.1:$port" python manage.py runserver "127.0.0.1:$port" --noreload >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do
    if python - "$port" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/admin/login/", timeout=2)
PY
    then
        status=ok
        break
    fi
    sleep 0.2
done
[ "${status:-}" = ok ] || { cat "$work/server.log"; echo "the admin login page was not served" >&2; exit 1; }
echo "demo smoke test passed"

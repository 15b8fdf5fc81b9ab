#!/usr/bin/env bash
# Fuzzes Halles' JSON API with schemathesis, from its own OpenAPI document, as each kind of
# organization of the demo world (a hub, a producer, a buyer, a program operator, a partner, a
# market, a funder), each with a token holding every scope.
#
# Passes when no request answers a server error, every status and content type the API answers
# is in the document, answers match their schemas, valid requests are accepted and invalid ones
# refused. Needs HALLES_BIN (a built `halles`); installs schemathesis in a cached virtualenv.
#
#   HALLES_BIN=target/debug/halles tests/api-fuzz/run.sh [seconds per organization]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
per_org="${1:-${HALLES_FUZZ_SECONDS:-25}}"
bin="${HALLES_BIN:?set HALLES_BIN to a built halles binary}"
venv="${HALLES_FUZZ_VENV:-/var/tmp/halles-schemathesis}"

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export HALLES_DATA="$work/data"
unset DATABASE_URL
"$bin" serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

scopes="org:read org:write audit:read catalog:read catalog:write cycles:write orders:read orders:write coupons:read coupons:write redemptions:write"
# Demo organizations by name, so the ids need not be known here.
orgs=("Pôle nourricier de l'Ouest" "Ferme des Quatre-Vents" "CPE Les Petits Pommiers"
      "Collectif Bonne Bouffe" "Entraide du Parc-Vert" "Marché des Saules" "Fondation des Semences")

failed=0
cd "$work" # schemathesis keeps its cache in the working directory
for name in "${orgs[@]}"; do
  org="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM organizations WHERE name = ?", (sys.argv[2],)).fetchone()[0])' "$HALLES_DATA/halles.db" "$name")"
  token="$("$bin" admin create-token --org "$org" --name fuzz --scopes "$scopes" | tail -n 1)"
  printf '\n==> %s (organization %s), %s s\n' "$name" "$org" "$per_org"
  if ! HALLES_FUZZ_ORG="$org" HALLES_FUZZ_TOKEN="$token" SCHEMATHESIS_HOOKS=hooks \
      PYTHONPATH="$here" "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run \
      "http://127.0.0.1:$port/api/openapi.json" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance,missing_required_header,unsupported_method \
      --max-time "$per_org" --workers 1 --no-color --seed 20261204 \
      --suppress-health-check all --output-truncate true; then
    failed=1
  fi
done
if grep -q 'panicked' "$work/server.log"; then
  echo "the server panicked:" >&2
  grep -n -A5 'panicked' "$work/server.log" >&2
  failed=1
fi
exit "$failed"

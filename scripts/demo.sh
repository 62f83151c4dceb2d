#!/usr/bin/env bash
# The README's first command: install into .venv and evaluate an example patient against NCT07212322.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
.venv/bin/trialscreen evaluate examples/patients/nct07212322-eligible.yaml --ruleset nct07212322 "$@"

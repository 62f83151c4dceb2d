#!/usr/bin/env bash
# The project's test command (README, .ci/run): makes .venv with a supported Python, installs trialscreen
# editable with its test extras, and runs the whole suite (unit, property, inline ruleset and packaging tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
.venv/bin/python -m pytest "$@"

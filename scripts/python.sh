# Sourced by the scripts: sets PY to a Python that durable-rules 2.0.28 supports (3.11 or 3.12).
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))'; then
      PY=$candidate
      break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "trialscreen needs Python 3.11 or 3.12: durable-rules 2.0.28 does not import on 3.13+ (set PYTHON=...)" >&2
  exit 1
fi

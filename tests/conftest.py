"""Settings for the whole test suite."""

from __future__ import annotations

import os
import tempfile

# Rulesets parsed by the tests (and by the CLI processes they start) are cached in a folder of this run, not in the
# user's ~/.cache; an explicit TRIALSCREEN_CACHE_DIR (e.g. "off") is kept.
os.environ.setdefault("TRIALSCREEN_CACHE_DIR", tempfile.mkdtemp(prefix="trialscreen-test-cache-"))

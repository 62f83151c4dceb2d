"""A cache of parsed ruleset documents, so a command does not re-parse an unchanged ruleset's YAML each run.

Parsing the largest protocol ruleset (186 kB of YAML, with the depth/size bounds and line tracking of
`io.files.parse_document`) takes ~0.13 s of CPU: a quarter of a cold ``trialscreen evaluate``. Reading the same
document back from JSON takes ~3 ms.

Safety: the cache holds plain JSON (never pickle: reading it cannot run code), is keyed by the SHA-256 of the
ruleset text and the trialscreen version (so an entry can only ever stand for the exact text it was parsed from),
and is written only for a document that parsed and validated; the document read back is validated again like any
other. Dates, which JSON has no type for, are written as tagged strings; a string that could be mistaken for a tag
is itself escaped, so the encoding is exact. An unreadable, corrupt or unwritable cache is ignored (the file is
parsed as if there were none). Line numbers are not cached: they are only needed to explain a validation error,
and a cached document validated before.

Location: ``$TRIALSCREEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/trialscreen``, else ``~/.cache/trialscreen``;
``TRIALSCREEN_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from trialscreen import __version__

#: Bump when the encoding below changes.
FORMAT = 1
_TAG = "\x00"  # no string parsed from YAML starts with NUL (control characters are refused); JSON ones may


def cache_dir() -> Path | None:
    configured = os.environ.get("TRIALSCREEN_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "false", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trialscreen"


def _entry(sha256: str) -> Path | None:
    folder = cache_dir()
    return folder / f"ruleset-{sha256}-v{__version__}-f{FORMAT}.json" if folder else None


def load(sha256: str) -> Any | None:
    """The document parsed from the text with this SHA-256, or None when not cached (or unreadable)."""
    entry = _entry(sha256)
    if entry is None:
        return None
    try:
        return _decode(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, RecursionError):
        return None


def store(sha256: str, document: Any) -> None:
    """Remember `document` (parsed and validated) for the text with this SHA-256; failures are ignored."""
    entry = _entry(sha256)
    if entry is None or entry.exists():
        return
    try:
        text = json.dumps(_encode(document), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        return  # not exactly representable in JSON: not cached
    temporary = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, entry)  # atomic: a reader sees no entry or the whole of it
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _encode(value: Any) -> Any:
    if isinstance(value, str):
        return _TAG + "s" + value if value.startswith(_TAG) else value
    if isinstance(value, dt.datetime):
        raise TypeError("datetimes are not cached")  # the YAML loader builds only dates; be exact or nothing
    if isinstance(value, dt.date):
        return _TAG + "d" + value.isoformat()
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a mapping with non-text keys is not cached")  # JSON would turn them into text
        return {_encode(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        if not value.startswith(_TAG):
            return value
        kind, rest = value[1:2], value[2:]
        if kind == "s":
            return rest
        if kind == "d":
            return dt.date.fromisoformat(rest)
        raise ValueError(f"unknown tag {kind!r}")
    if isinstance(value, dict):
        return {_decode(k): _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value

"""A child process that runs `DurableBackend` for the engine tests (started by tests/engine/conftest.py).

durable-rules 2.0.28 is a C extension that can segfault or abort the process (for example when one fact matches
more than 64 comparisons: ERR_MAX_STACK_SIZE, then heap corruption). The adapter is designed to stay inside those
limits; running the generated cases here means that if it does not, the crash fails the test that caused it
instead of killing the whole pytest run.

Protocol: length-prefixed pickles. A request is ``{"rulesets": [(key, {cid: tree})...], "facts": [facts...]}``;
the reply has one entry per ruleset: ``{"compile_error": str}`` or ``{"outcomes": [{cid: value} | {"error": str}
for each facts]}``. Before each ruleset the worker writes ``ruleset <key>`` to stderr, so the parent can name the
ruleset that was running when the process died.
"""

from __future__ import annotations

import pickle
import struct
import sys
from typing import Any


def handle(request: dict[str, Any]) -> list[dict[str, Any]]:
    from trialscreen.engine.durable_backend import DurableBackend

    replies: list[dict[str, Any]] = []
    for key, trees in request["rulesets"]:
        sys.stderr.write(f"ruleset {key}\n")
        sys.stderr.flush()
        try:
            backend = DurableBackend(trees, key)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            replies.append({"compile_error": f"{type(exc).__module__}.{type(exc).__name__}: {exc}"})
            continue
        outcomes: list[dict[str, str]] = []
        for facts in request["facts"]:
            try:
                outcomes.append({cid: o.value for cid, o in backend.evaluate(facts).items()})
            except Exception as exc:  # noqa: BLE001
                outcomes.append({"error": f"{type(exc).__name__}: {exc}"})
        replies.append({"outcomes": outcomes})
    return replies


def main() -> None:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies on the real stdout
    import trialscreen.engine.durable_backend  # noqa: F401 - import before the first request

    out.write(b"READY\n")
    out.flush()
    while True:
        header = inp.read(8)
        if len(header) < 8:
            return
        (size,) = struct.unpack("<Q", header)
        request = pickle.loads(inp.read(size))
        data = pickle.dumps(handle(request))
        out.write(struct.pack("<Q", len(data)))
        out.write(data)
        out.flush()


if __name__ == "__main__":
    main()

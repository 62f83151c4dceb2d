"""Choosing the evaluator. durable-rules is the default; on Pythons where it cannot be imported (3.13+), the
plain-Python evaluator is used instead and the report says so."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Literal, Protocol

from trialscreen.engine.tree import Node
from trialscreen.errors import EngineError
from trialscreen.logic import Outcome

BackendName = Literal["durable", "python"]


class Backend(Protocol):
    name: str

    def evaluate(self, facts: Mapping[str, object]) -> dict[str, Outcome]: ...


def durable_available() -> bool:
    from trialscreen.engine import durable_backend

    return durable_backend.IMPORT_ERROR is None


_python_backends: dict[str, Backend] = {}


def make_backend(name: BackendName, trees: Mapping[str, Node], key: str, *, explicit: bool = False) -> Backend:
    """The evaluator for a compiled ruleset (`key` names its content); built once per process and reused."""
    if name == "python":
        from trialscreen.engine.python_backend import PythonBackend

        if key not in _python_backends:
            _python_backends[key] = PythonBackend(trees, key)
        return _python_backends[key]
    if name == "durable":
        from trialscreen.engine import durable_backend

        if durable_backend.IMPORT_ERROR is not None:
            if explicit:
                raise EngineError(
                    "durable-rules 2.0.28 cannot be imported on this Python "
                    f"({durable_backend.IMPORT_ERROR}); it supports CPython 3.11 and 3.12. "
                    "Use --backend python, or a Python 3.11/3.12 environment."
                )
            warnings.warn("durable-rules is unavailable on this Python; using the plain-Python evaluator", stacklevel=2)
            return make_backend("python", trees, key)
        return durable_backend.DurableBackend(trees, key)
    raise EngineError(f"unknown backend {name!r} (choose durable or python)")

"""trialscreen: explainable eligibility screening for CD19-directed cell-therapy trials in refractory autoimmune
disease.

Embedding API::

    import trialscreen
    report = trialscreen.evaluate("patient.yaml", "nct07212322")
    report.verdict, [c.outcome for c in report.criteria]
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

from trialscreen.plugins.hookspecs import hookimpl  # noqa: E402

if TYPE_CHECKING:
    from trialscreen.api import evaluate, load_patient
    from trialscreen.matching import match

_LAZY = {"evaluate": "trialscreen.api", "load_patient": "trialscreen.api", "match": "trialscreen.matching"}


def __getattr__(name: str) -> Any:
    # The API is imported on first use, so a plugin's `from trialscreen import hookimpl` and `trialscreen --help`
    # do not pay for the engine, the models and the plugins.
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'trialscreen' has no attribute {name!r}")

__all__ = ["__version__", "evaluate", "hookimpl", "load_patient", "match"]

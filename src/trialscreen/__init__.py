"""trialscreen: explainable eligibility screening for CD19-directed cell-therapy trials in refractory autoimmune
disease.

Embedding API::

    import trialscreen
    report = trialscreen.evaluate("patient.yaml", "nct07212322")
    report.verdict, [c.outcome for c in report.criteria]
"""

from __future__ import annotations

__version__ = "0.1.0"

from trialscreen.api import evaluate, load_patient  # noqa: E402
from trialscreen.matching import match  # noqa: E402
from trialscreen.plugins.hookspecs import hookimpl  # noqa: E402

__all__ = ["__version__", "evaluate", "hookimpl", "load_patient", "match"]

"""Errors a user can act on. Each names the file and the field (or line) at fault.

The CLI turns any `TrialscreenError` into one paragraph on stderr and exit code 1; nothing else reaches the user
as a traceback.
"""

from __future__ import annotations


class TrialscreenError(Exception):
    """Base for every error that is the input's fault, not ours."""


class InputError(TrialscreenError):
    """A patient record or ruleset that cannot be used as written."""

    def __init__(self, message: str, *, source: str | None = None, problems: list[str] | None = None) -> None:
        self.source = source
        self.problems = problems or []
        where = f"{source}: " if source else ""
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(f"{where}{message}{detail}")


class PatientInputError(InputError):
    """The patient record is malformed, has wrong types, unknown units or codes, or impossible values."""


class RulesetError(InputError):
    """A ruleset file does not validate."""


class ArgumentError(TrialscreenError):
    """A value passed to the API or the CLI (not read from a file) cannot be used, e.g. an as-of date."""


class PluginError(TrialscreenError):
    """Plugins conflict (duplicate ids) or a plugin broke its contract."""


class EngineError(TrialscreenError):
    """The rules engine failed for a reason that is not the input's fault."""

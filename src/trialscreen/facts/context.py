"""`ScreeningContext`: what a plugin's value or predicate sees — one patient, one as-of date, and helpers to ask
the record questions with time windows. Results are memoised per context (one context per evaluation)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from trialscreen.facts.record import Exposure, NormalisedObservation, NormalisedSerology, ParsedAssessment, PatientRecord
from trialscreen.plugins.manager import PluginManager
from trialscreen.plugins.types import Evidence, ValueResult
from trialscreen.rules.model import Window



class ScreeningContext:
    def __init__(self, record: PatientRecord, as_of: date, plugins: PluginManager) -> None:
        self.record = record
        self.patient = record.patient
        self.as_of = as_of
        self.plugins = plugins
        self._values: dict[tuple[str, str], ValueResult] = {}
        self._nested: list[float] = []  # per open value() call: seconds spent in the values it asked for

    # -- windows ---------------------------------------------------------------------------------------------
    def window_start(self, window: Window | None) -> date | None:
        # Window.start is memoised by (days, weeks, months, years, as_of); no per-context cache is needed.
        return None if window is None else window.start(self.as_of)

    def in_window(self, day: date | None, window: Window | None) -> bool | None:
        """Whether `day` lies in [window start, as-of]; None if the day is unknown and a window applies."""
        if day is not None and day > self.as_of:
            return False
        if window is None:
            return True
        if day is None:
            return None
        return day >= self.window_start(window)  # type: ignore[operator]

    # -- observations ----------------------------------------------------------------------------------------
    def observation(self, test_id: str, within: Window | None = None) -> NormalisedObservation | None:
        """The latest result of `test_id` on or before the as-of date (and in `within`, if given)."""
        for obs in reversed(self.record.observations.get(test_id, [])):
            if self.in_window(obs.date, within):
                return obs
        return None

    def observations(self, test_id: str, within: Window | None = None) -> list[NormalisedObservation]:
        return [o for o in self.record.observations.get(test_id, []) if self.in_window(o.date, within)]

    def serology(self, test_id: str, within: Window | None = None) -> NormalisedSerology | None:
        for ser in reversed(self.record.serologies.get(test_id, [])):
            if self.in_window(ser.date, within):
                return ser
        return None

    # -- assessments -----------------------------------------------------------------------------------------
    def assessment(self, instrument: str, within: Window | None = None) -> ParsedAssessment | None:
        """The latest assessment of `instrument` on or before the as-of date (and in `within`)."""
        for parsed in reversed(self.record.assessments.get(instrument, [])):
            if self.in_window(parsed.assessment.date, within):
                return parsed
        return None

    def assessments(self, instrument: str, within: Window | None = None) -> list[ParsedAssessment]:
        """All assessments of `instrument` up to the as-of date (in `within`), oldest first."""
        return [a for a in self.record.assessments.get(instrument, []) if self.in_window(a.assessment.date, within)]

    # -- medications -----------------------------------------------------------------------------------------
    @property
    def medication_history_complete(self) -> bool:
        return self.patient.medications is not None and self.patient.medications.complete

    def last_exposure(self, exposure: Exposure) -> date | None:
        """The last day of exposure: the as-of date if ongoing, else the last dose or end date. A vaccine is one
        administration, so its start date is its last exposure."""
        med = exposure.medication
        if med.ongoing:
            return self.as_of
        last = med.last_dose_date or med.end_date
        if last is None and exposure.drug is not None and "live_vaccine" in exposure.drug.classes:
            return med.start_date
        return last

    def exposures(self, *, names: Iterable[str] = (), classes: Iterable[str] = ()) -> tuple[list[Exposure], list[Exposure]]:
        """(exposures matching a name or class, exposures whose drug is not in the catalogue)."""
        names_l = {n.lower() for n in names}
        classes_s = set(classes)
        matched, unidentified = [], []
        for exp in self.record.exposures:
            if exp.drug is None:
                if exp.medication.drug.lower() in names_l:
                    matched.append(exp)
                else:
                    unidentified.append(exp)
                continue
            if exp.drug.name in names_l or classes_s.intersection(exp.drug.classes):
                matched.append(exp)
        return matched, unidentified

    # -- history ---------------------------------------------------------------------------------------------
    def history_reviewed(self, category: str) -> bool:
        return self.patient.history.is_reviewed(category)

    # -- plugin values ---------------------------------------------------------------------------------------
    def value(self, value_id: str, params: dict[str, Any] | None = None) -> ValueResult:
        """A plugin value or predicate, memoised. A plugin that raises, returns something other than a
        `ValueResult`, or takes longer than the manager's `plugin_time_limit` (its own time, excluding values it
        asks for) gives a result naming the plugin and the fault: only criteria using it become unknown."""
        params = dict(params or {})
        key = (value_id, repr(sorted(params.items())))
        if key in self._values:
            return self._values[key]
        spec = self.plugins.values.get(value_id) or self.plugins.predicates.get(value_id)
        if spec is None:
            result = ValueResult(missing=(f"value {value_id!r} (no installed plugin provides it)",))
        else:
            merged = {**spec.parameters, **params}
            self._nested.append(0.0)
            started = time.perf_counter()
            try:
                result = spec.compute(self, merged)
                if not isinstance(result, ValueResult):
                    raise TypeError(f"returned {type(result).__name__}, not ValueResult")
            except Exception as exc:  # a plugin's fault must only make its own criteria unknown
                result = ValueResult(missing=(f"{value_id}: plugin {self._provider(value_id)!r} failed "
                                              f"({type(exc).__name__}: {exc})",), note="plugin error")
            finally:
                elapsed = time.perf_counter() - started
                own = elapsed - self._nested.pop()
                if self._nested:
                    self._nested[-1] += elapsed
            limit = self.plugins.plugin_time_limit
            if own > limit:
                result = ValueResult(missing=(f"{value_id}: plugin {self._provider(value_id)!r} took {own:.2f} s "
                                              f"(limit {limit:g} s); its answer is not used",), note="plugin too slow")
        self._values[key] = result
        return result

    def _provider(self, value_id: str) -> str | None:
        hook = "trialscreen_values" if value_id in self.plugins.values else "trialscreen_predicates"
        return self.plugins.provider_of(hook, value_id)

    @staticmethod
    def evidence_of(obs: NormalisedObservation) -> Evidence:
        return Evidence(label=obs.test.name, value=obs.value, unit=obs.test.unit, date=obs.date, source=obs.source)

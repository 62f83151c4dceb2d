"""The patient record: what a coordinator writes or exports, validated on load.

Design rules:
- Absence is explicit. Each history section says whether it is complete (`medications.complete`,
  `history.reviewed`), so "no rituximab in 6 months" is met only when the medication history is known.
- Numbers are numbers (strict), booleans are booleans; a string where a number belongs is an input error.
- Observations carry their own unit and are converted to the test's canonical unit on load
  (see `trialscreen.observations`); unknown units and implausible values are input errors naming the field.
- Codes that plugins define (indications, assessment instruments, observation tests) are checked after load,
  against the loaded plugins, by `trialscreen.model.validate`.
"""

from __future__ import annotations

import re
import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, AllowInfNan, BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt,
                      ValidationInfo, field_validator, model_validator)

#: ints are accepted; strings, booleans, NaN and infinities are not
Number = Annotated[float, Strict(), AllowInfNan(False)]
Sex = Literal["female", "male"]

#: Every date in a record lies in this range: a birth before 1900 or anything after 2199 is a typo, and date
#: arithmetic (time windows, washout lapse dates) must never leave the calendar Python can represent.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def check_date_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{value} is outside the dates a record can hold ({EARLIEST_DATE} to {LATEST_DATE})")
    return value


Date = Annotated[dt.date, AfterValidator(check_date_range)]
#: The oldest a patient can be (from age_years or from birth_date at the screening date).
MAX_AGE_YEARS = 120


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Model):
    """A number with its unit, e.g. ``{value: 62, unit: kg}`` or the string ``"62 kg"``."""

    value: Number
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(\S.*?)\s*", data)
            if not match:
                raise ValueError(f"expected a number and a unit such as '62 kg', got {data!r}")
            return {"value": float(match.group(1)), "unit": match.group(2)}
        return data


class Screening(_Model):
    date: Date = Field(description="The as-of date every time window is measured from (CLI --as-of overrides).")
    target_indication: str | None = Field(
        None, description="The indication code of the cohort the patient is screened for, when several fit."
    )


class Reproductive(_Model):
    childbearing_potential: StrictBool | None = None
    pregnant: StrictBool | None = None
    lactating: StrictBool | None = None
    agrees_to_contraception: StrictBool | None = None
    agrees_no_gamete_donation: StrictBool | None = None
    sterilised: StrictBool | None = None
    postmenopausal_months: StrictInt | None = Field(None, ge=0, le=1200)


class Consent(_Model):
    signed: StrictBool
    date: Date | None = None
    can_comply_with_follow_up: StrictBool | None = None


class Diagnosis(_Model):
    indication: str = Field(description="Indication code (SLE, AAV, SSC, IIM, SJOGREN, APS, ITP, RA, or a plugin's).")
    condition: str | None = Field(None, description="Finer diagnosis, e.g. GPA, MPA, DM, LN, SLE-ITP, EGPA.")
    icd10: str | None = None
    onset_date: Date | None = None
    diagnosis_date: Date | None = None
    classification: list[str] = Field(default_factory=list, description="Criteria sets met, e.g. EULAR/ACR 2019.")
    requires_systemic_treatment: StrictBool | None = None
    note: str | None = None


class Observation(_Model):
    """A measured value: a lab result, vital sign or cardiac/pulmonary measurement."""

    test: str = Field(description="Test id (e.g. alt), LOINC code or a documented alias.")
    value: Number
    unit: str
    date: Date
    ref_low: Number | None = None
    ref_high: Number | None = None
    ref_unit: str | None = Field(None, description="Unit of the reference range, if not the value's unit.")
    note: str | None = None

    @model_validator(mode="after")
    def _range_order(self) -> Observation:
        if self.ref_low is not None and self.ref_high is not None and self.ref_low > self.ref_high:
            raise ValueError(f"ref_low {self.ref_low} is above ref_high {self.ref_high}")
        return self


QualitativeResult = Literal["positive", "negative", "detectable", "undetectable", "indeterminate"]


class Serology(_Model):
    """A qualitative test: infection serology, nucleic-acid test, TB test, pregnancy test, autoantibody."""

    test: str
    result: QualitativeResult
    date: Date
    value: Number | None = None
    unit: str | None = None
    note: str | None = None


class Dose(_Model):
    value: Number = Field(ge=0)
    unit: Literal["mg", "g", "mg/kg", "g/kg", "mg/m2"] = "mg"
    per: Literal["day", "week", "dose", "course"] = "day"


Outcome = Literal["response", "failure", "intolerance", "relapse", "ongoing", "unknown"]


class Medication(_Model):
    drug: str = Field(description="Generic name or a brand name the drug catalogue knows.")
    start_date: Date | None = None
    end_date: Date | None = None
    last_dose_date: Date | None = None
    ongoing: StrictBool = False
    dose: Dose | None = None
    route: Literal["oral", "iv", "sc", "im", "topical", "inhaled", "intra-articular", "other"] | None = None
    outcome: Outcome | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> Medication:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        if self.start_date and self.last_dose_date and self.last_dose_date < self.start_date:
            raise ValueError(f"last_dose_date {self.last_dose_date} is before start_date {self.start_date}")
        if self.end_date and self.last_dose_date and self.last_dose_date > self.end_date:
            # which one ends the exposure? the later would silently win, or the earlier clear a washout
            raise ValueError(f"last_dose_date {self.last_dose_date} is after end_date {self.end_date}")
        return self


class Medications(_Model):
    complete: StrictBool = Field(
        description="True when the record lists every systemic medication and vaccine the patient has had; "
        "absence of a drug counts only then."
    )
    items: list[Medication] = Field(default_factory=list)


class Event(_Model):
    """A dated history event: a diagnosis, procedure or occurrence in a category the rulesets query.

    Time windows see an event as lasting from `date` to `end_date`; with `ongoing: true` it lasts to the
    screening date; with neither it is a one-time event on `date`. Record chronic conditions as ongoing."""

    category: str = Field(description="History category, e.g. cns_disorder, malignancy, organ_transplant.")
    code: str | None = Field(None, description="Finer code within the category, e.g. myocardial_infarction.")
    description: str | None = None
    date: Date | None = Field(None, description="Onset or occurrence date.")
    end_date: Date | None = None
    ongoing: StrictBool | None = Field(None, description="True: still present at screening. Unset: one-time event.")
    severity: Literal["mild", "moderate", "severe"] | None = None
    controlled: StrictBool | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates(self) -> Event:
        if self.date and self.end_date and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class History(_Model):
    reviewed: Literal["all"] | list[str] = Field(
        default_factory=list,
        description="History categories asked about and recorded completely ('all' for every category). "
        "A category not reviewed makes 'no such event' unknown.",
    )
    events: list[Event] = Field(default_factory=list)

    def is_reviewed(self, category: str) -> bool:
        return self.reviewed == "all" or category in self.reviewed


class Assessment(_Model):
    """A disease-activity or classification instrument, scored by the plugin that owns `instrument`."""

    instrument: str = Field(description="Instrument id, e.g. sle.sledai2k.")
    date: Date
    items: dict[str, Any] | None = None
    total: Number | None = Field(None, description="A total entered without items; marked as such in reports.")


class InvestigatorConcern(_Model):
    topic: str
    note: str | None = None


class InvestigatorDecision(_Model):
    topic: str
    applies: StrictBool = Field(description="True if the investigator judges the criterion's condition to hold.")
    note: str | None = None
    by: str | None = None
    date: Date | None = None


class Investigator(_Model):
    concerns: list[InvestigatorConcern] = Field(default_factory=list)
    decisions: list[InvestigatorDecision] = Field(default_factory=list)


class Patient(_Model):
    """One patient's facts for screening."""

    id: str = Field(min_length=1)
    screening: Screening
    sex: Sex | None = None
    birth_date: Date | None = None
    age_years: StrictInt | None = Field(None, ge=0, le=MAX_AGE_YEARS, description="Only when birth_date is not available.")
    weight: Quantity | None = None
    height: Quantity | None = None
    reproductive: Reproductive = Field(default_factory=Reproductive)
    consent: Consent | None = None
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    labs: list[Observation] = Field(default_factory=list)
    vitals: list[Observation] = Field(default_factory=list)
    serologies: list[Serology] = Field(default_factory=list)
    medications: Medications | None = None
    history: History = Field(default_factory=History)
    assessments: list[Assessment] = Field(default_factory=list)
    investigator: Investigator = Field(default_factory=Investigator)

    # Field validators (not a model validator), so that an error names the field and its line.
    @field_validator("birth_date")
    @classmethod
    def _born_before_screening(cls, born: dt.date | None, info: ValidationInfo) -> dt.date | None:
        screening = info.data.get("screening")
        if born is None or screening is None:
            return born
        as_of = screening.date
        if born > as_of:
            raise ValueError(f"{born} is after the screening date {as_of}")
        if as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day)) > MAX_AGE_YEARS:
            raise ValueError(f"{born} makes the patient older than {MAX_AGE_YEARS} at the screening date {as_of}")
        return born

    @field_validator("age_years")
    @classmethod
    def _one_age(cls, age: int | None, info: ValidationInfo) -> int | None:
        if age is not None and info.data.get("birth_date") is not None:
            raise ValueError("give birth_date or age_years, not both")
        return age

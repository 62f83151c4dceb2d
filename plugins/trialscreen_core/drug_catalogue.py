"""Drug catalogue: which drug is which, and which classes it belongs to.

The catalogue is *data*: ``data/drugs.yaml`` beside this module holds every drug and drug class, and this module
only loads, validates and indexes it. Changing what the screener knows about a drug means editing the YAML, not
this code.

YAML layout::

    classes:
      anti_cd20: {label: Anti-CD20, description: ...}
    drugs:
      - name: rituximab                     # lowercase INN (or plain lowercase name where no INN exists)
        classes: [anti_cd20, b_cell_depleting, bdmard]   # class ids defined under `classes`
        mechanism: CD20                     # target/mechanism id for counting "different mechanisms"; or null
        atc: L01FA01                        # WHO ATC code (2024 revision) when known with confidence; or null
        synonyms: [Rituxan, MabThera]       # brand names, abbreviations, protocol spellings (typos included)
        half_life_hours: null               # terminal half-life of the longest-lived active moiety (JAK inhibitors)
        note: null                          # caveats, sources, ambiguities

Validation on load (any failure raises ``ValueError`` naming the file and the drug): every class a drug names
exists, drug names are unique, and no name or synonym refers to two different drugs. Lookup ignores case,
surrounding whitespace, accents, spaces, hyphens and punctuation ("Solu-Medrol" == "solu medrol" == "SOLUMEDROL").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_PATH = Path(__file__).parent / "data" / "drugs.yaml"

_ID = r"^[a-z][a-z0-9_]*$"


class DrugClass(BaseModel):
    """A drug class that rules can refer to by id (e.g. ``anti_cd20``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Drug(BaseModel):
    """One catalogue entry; see the module docstring for what each field means."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(min_length=1, pattern=r"^[^A-Z]+$")  # lowercase
    classes: tuple[str, ...] = Field(min_length=1)
    mechanism: str | None = Field(default=None, pattern=r"^[A-Z0-9_]+$")
    atc: str | None = Field(default=None, pattern=r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")
    synonyms: tuple[str, ...] = ()
    half_life_hours: float | None = Field(default=None, gt=0)
    note: str | None = None


def normalise(text: str) -> str:
    """Lookup key: casefolded, accents stripped, and everything but letters and digits dropped."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


class DrugCatalogue:
    """Validated, indexed drug catalogue. Build it with :meth:`load`."""

    def __init__(self, classes: Mapping[str, DrugClass], drugs: tuple[Drug, ...], source: str = "<memory>"):
        self.source = source
        self._classes = dict(classes)
        self._drugs = tuple(drugs)
        self._index: dict[str, Drug] = {}
        names: set[str] = set()
        for drug in self._drugs:
            if normalise(drug.name) in names:
                raise ValueError(f"{source}: duplicate drug name {drug.name!r}")
            names.add(normalise(drug.name))
            unknown = [c for c in drug.classes if c not in self._classes]
            if unknown:
                raise ValueError(f"{source}: drug {drug.name!r} names undefined class(es): {', '.join(unknown)}")
            for term in (drug.name, *drug.synonyms):
                key = normalise(term)
                if not key:
                    raise ValueError(f"{source}: drug {drug.name!r} has an empty name or synonym {term!r}")
                other = self._index.get(key)
                if other is not None and other is not drug:
                    raise ValueError(
                        f"{source}: {term!r} (drug {drug.name!r}) also refers to drug {other.name!r}"
                    )
                self._index[key] = drug

    @classmethod
    def load(cls, path: Path | None = None) -> DrugCatalogue:
        """Load and validate the catalogue YAML (default: ``data/drugs.yaml`` beside this module)."""
        path = Path(path) if path is not None else DEFAULT_PATH
        with path.open(encoding="utf-8") as fh:
            raw = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 — safe loader
        if not isinstance(raw, dict) or not isinstance(raw.get("classes"), dict) or not isinstance(
            raw.get("drugs"), list
        ):
            raise ValueError(f"{path}: expected a mapping with 'classes' (a mapping) and 'drugs' (a list)")
        if extra := set(raw) - {"classes", "drugs"}:
            raise ValueError(f"{path}: unexpected top-level key(s): {', '.join(sorted(map(str, extra)))}")

        classes: dict[str, DrugClass] = {}
        for class_id, body in raw["classes"].items():
            try:
                classes[class_id] = DrugClass.model_validate({"id": class_id, **(body or {})})
            except (ValidationError, TypeError) as err:
                raise ValueError(f"{path}: class {class_id!r} is invalid: {err}") from err

        drugs: list[Drug] = []
        for position, entry in enumerate(raw["drugs"], start=1):
            label = entry.get("name") if isinstance(entry, dict) else None
            try:
                drugs.append(Drug.model_validate(entry))
            except ValidationError as err:
                raise ValueError(f"{path}: drug #{position} ({label!r}) is invalid: {err}") from err
        return cls(classes, tuple(drugs), source=str(path))

    @property
    def classes(self) -> Mapping[str, DrugClass]:
        """Class id -> :class:`DrugClass` (read-only)."""
        return MappingProxyType(self._classes)

    @property
    def drugs(self) -> tuple[Drug, ...]:
        return self._drugs

    def lookup(self, name: str) -> Drug | None:
        """The drug whose name or synonym matches ``name`` (case/space/hyphen-insensitive), or None."""
        return self._index.get(normalise(name))

    def members(self, class_id: str) -> tuple[Drug, ...]:
        """All drugs in a class. An undefined class id raises KeyError rather than silently matching nothing."""
        self._require_class(class_id)
        return tuple(d for d in self._drugs if class_id in d.classes)

    def has_class(self, name: str, class_id: str) -> bool | None:
        """Whether the named drug is in the class; None if the drug is unknown. Undefined class -> KeyError."""
        self._require_class(class_id)
        drug = self.lookup(name)
        return None if drug is None else class_id in drug.classes

    def _require_class(self, class_id: str) -> None:
        if class_id not in self._classes:
            raise KeyError(f"undefined drug class {class_id!r} (catalogue {self.source})")

    def __len__(self) -> int:
        return len(self._drugs)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.lookup(name) is not None

"""Audit that a ruleset encodes every eligibility line of its protocol text.

Each criterion's `text` is a verbatim quote; the protocol's eligibility section (between ``source.eligibility``
markers, or the registry page's usual headings) is marked covered wherever a criterion quotes it. What is left
— ignoring bullets, numbering and section headings such as "Exclusion Criteria:" — is reported as unmapped,
with its line, so a reviewer sees exactly what no criterion encodes. `trialscreen rulesets coverage` prints
each protocol line beside the criteria that encode it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from trialscreen.errors import RulesetError
from trialscreen.rules.loader import LoadedRuleset

_START = re.compile(r"^Eligibility [Cc]riteria\s*$", re.M)
_END = re.compile(r"^(?:Sponsors|About |Protocol|Contacts)\b", re.M)
# Section headings and registry boilerplate: structure, not criteria.
_HEADING = re.compile(
    r"^[\s\W\d]*(?:(?:common\s+)?(?:inclusion|exclusion)\s+criteria(?:\s+for\s+[^:]{0,80})?\s*:?"
    r"|eligibility\s+criteria|check the participation requirements[^\n]*|\d+\s+years|all|no)[\s\W]*$",
    re.I,
)
_MEANINGFUL = re.compile(r"[^\W\d_]{4,}")  # a fragment of only "and", "or", numbering and punctuation is glue


@dataclass
class LineCoverage:
    number: int
    text: str
    criteria: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    ruleset: str
    source: Path
    lines: list[LineCoverage]
    not_verbatim: list[str]

    @property
    def unmapped(self) -> list[tuple[int, str]]:
        return [(line.number, frag) for line in self.lines for frag in line.unmapped]

    @property
    def complete(self) -> bool:
        return not self.unmapped and not self.not_verbatim


def source_path(loaded: LoadedRuleset) -> Path:
    return loaded.path.parent / "sources" / loaded.ruleset.source.file


def coverage(loaded: LoadedRuleset) -> Coverage:
    path = source_path(loaded)
    if not path.is_file():
        raise RulesetError(f"protocol text {loaded.ruleset.source.file!r} not found beside the ruleset (looked in {path})",
                           source=str(loaded.path))
    text = path.read_text(encoding="utf-8")
    start_match = _START.search(text)
    start = start_match.end() if start_match else 0
    end_match = _END.search(text, start)
    end = end_match.start() if end_match else len(text)
    covered = [False] * len(text)
    owners: list[set[str]] = [set() for _ in text]
    not_verbatim = []
    quotes = [(c.id, c.text) for c in loaded.ruleset.criteria]
    quotes += [(f"(structure {i + 1})", fragment) for i, fragment in enumerate(loaded.ruleset.source.structure)]
    for owner, quote in quotes:
        pos = text.find(quote)
        if pos < 0:
            not_verbatim.append(owner)
        while pos >= 0:
            for i in range(pos, pos + len(quote)):
                covered[i] = True
                if not owner.startswith("("):
                    owners[i].add(owner)
            pos = text.find(quote, pos + 1)
    lines: list[LineCoverage] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        lo, hi = offset, offset + len(line)
        offset = hi
        if hi <= start or lo >= end or not line.strip():
            continue
        entry = LineCoverage(number, line.rstrip("\n"))
        entry.criteria = sorted({cid for i in range(lo, hi) for cid in owners[i]})
        run: list[str] = []
        for i in range(lo, hi + 1):
            if i < hi and not covered[i]:
                run.append(text[i])
                continue
            fragment = "".join(run).strip()
            run = []
            if fragment and _MEANINGFUL.search(fragment) and not _HEADING.match(fragment):
                entry.unmapped.append(fragment)
        lines.append(entry)
    return Coverage(loaded.ruleset.id, path, lines, not_verbatim)

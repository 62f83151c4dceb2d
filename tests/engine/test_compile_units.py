"""Units on thresholds: converted to the fact's unit, refused when they cannot apply — including a unit written
on a unitless fact (a score), which used to be ignored silently (found by the bad-input fuzzer: a ruleset with
`unit: bananas/L` on the 2013 SSc score compiled and screened patients)."""

from __future__ import annotations

import pytest

from trialscreen.api import compiled_ruleset
from trialscreen.errors import RulesetError
from trialscreen.rules.loader import load_ruleset_file

RULESET = """\
id: unit-check
title: Unit check
version: "0.1"
source: {{file: x.txt}}
cohorts:
  - {{id: ssc, indication: SSC, title: SSc}}
criteria:
  - id: inc-score
    kind: inclusion
    text: "2013 ACR/EULAR score at least 9"
    condition: {{fact: ssc.acr_eular_2013_score, op: ">=", value: 9{unit}}}
"""


def compile_with(tmp_path, unit: str):
    path = tmp_path / "unit-check.yaml"
    path.write_text(RULESET.format(unit=unit), encoding="utf-8")
    return compiled_ruleset(load_ruleset_file(path))


@pytest.mark.parametrize("unit", ["bananas/L", "mg/dL/", "mg/dL", "%"])
def test_regression_unit_on_a_unitless_score_is_refused(tmp_path, unit):
    with pytest.raises(RulesetError) as info:
        compile_with(tmp_path, f", unit: {unit!r}")
    message = str(info.value)
    assert "inc-score" in message and repr(unit) in message and "has no unit" in message


@pytest.mark.parametrize("unit", ["", ", unit: points", ", unit: dimensionless"])
def test_unitless_spellings_on_a_score_compile(tmp_path, unit):
    compiled = compile_with(tmp_path, unit)
    assert compiled.criteria["inc-score"].tree.value == 9.0

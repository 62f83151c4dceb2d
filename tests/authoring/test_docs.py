"""docs/plugins.md keeps up with the code (as datasette's tests/test_docs.py does): one heading per hook of
hookspecs.py with its exact signature, no heading for a hook that does not exist, the fixtures and functions the
testing-kit section names exist, and the ids the guide quotes are the example plugin's."""

from __future__ import annotations

import inspect
import re

import pytest

import trialscreen.testing
from trialscreen.plugins import hookspecs

from .conftest import MG_RULESET, ROOT

DOC = ROOT / "docs" / "plugins.md"


def hooks() -> dict[str, object]:
    return {name: fn for name, fn in vars(hookspecs).items()
            if callable(fn) and getattr(fn, f"{hookspecs.PROJECT}_spec", None) is not None}


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def reference_sections() -> dict[str, str]:
    """Hook reference: ``### trialscreen_x`` heading -> its section text."""
    text = doc_text()
    start = text.index("\n## Hook reference")
    end = text.find("\n## ", start + 1)
    reference = text[start:end if end > 0 else len(text)]
    parts = re.split(r"^### +`?(\w+)`? *$", reference, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_hookspecs_found():
    assert len(hooks()) == 9 and all(name.startswith("trialscreen_") for name in hooks())


@pytest.mark.parametrize("hook", sorted(hooks()))
def test_every_hook_is_documented_with_its_signature(hook):
    sections = reference_sections()
    assert hook in sections, f"docs/plugins.md has no '### {hook}' heading under '## Hook reference'"
    signature = inspect.signature(hooks()[hook])
    returns = signature.return_annotation
    returns = returns if isinstance(returns, str) else inspect.formatannotation(returns)
    expected = f"def {hook}{str(signature.replace(return_annotation=inspect.Signature.empty))} -> {returns}"
    assert expected in sections[hook], f"the {hook} section must show its signature: {expected}"
    assert "**Returns**" in sections[hook] and "@hookimpl" in sections[hook], f"{hook}: returns and an example"


def test_no_heading_for_a_hook_that_does_not_exist():
    assert sorted(reference_sections()) == sorted(hooks())


def test_contents_links_resolve():
    text = doc_text()
    anchors = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
               for h in re.findall(r"^#{2,3} +(.+)$", text, re.M)}
    for link in re.findall(r"\]\(#([\w\-]+)\)", text):
        assert link in anchors, f"broken link #{link}"


def test_documented_testing_kit_exists():
    text = doc_text()
    section = text[text.index("## Testing kit"):text.index("## Hook reference")]
    for fixture in re.findall(r"^\| `(\w+)` \|", section, re.M):
        assert fixture in {"trialscreen_extra_plugins", "trialscreen_plugins", "screening_context", "evaluate_case",
                           "check_ruleset"}, fixture
        assert hasattr(trialscreen.testing, fixture) or fixture == "evaluate_case", fixture
    for name in ("make_plugin_manager", "make_patient", "make_context", "evaluate_case", "run_ruleset_tests",
                 "assert_ruleset_tests_pass", "assert_ruleset_coverage", "outcomes"):
        assert f"`{name}" in section and callable(getattr(trialscreen.testing, name)), name


def test_quoted_example_ids_exist(trialscreen_plugins):
    text = doc_text()
    quoted = set(re.findall(r"\bmyasthenia\.[a-z_]+\b", text))
    known = {*trialscreen_plugins.values, *trialscreen_plugins.predicates, *trialscreen_plugins.assessment_instruments}
    assert quoted - {"myasthenia.gmg"} <= known, sorted(quoted - known)
    assert MG_RULESET in text
    for cls in ("fcrn_antagonist", "cholinesterase_inhibitor"):
        assert cls in trialscreen_plugins.drug_classes


def test_guide_listing_matches_the_plugin_contributions(trialscreen_plugins):
    """The `trialscreen plugins list` excerpt in step 9 is what the plugin really contributes."""
    text = doc_text()
    for kind, ids in trialscreen_plugins.contributions("myasthenia").items():
        assert f"    {kind}: {', '.join(ids)}" in text, kind

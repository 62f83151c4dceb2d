"""Render a `Report` for people: a terminal table (rich), Markdown, or JSON."""

from __future__ import annotations

import json

from trialscreen.report import CriterionResult, Report

_MARK = {"met": "met", "not_met": "not met", "unknown": "UNKNOWN", "review": "REVIEW", "not_applicable": "n/a"}
_STYLE = {"eligible": "bold green", "ineligible": "bold red", "incomplete": "bold yellow", "needs_review": "bold magenta"}


def to_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False)


def _status(c: CriterionResult) -> str:
    if not c.applies:
        return "n/a"
    if c.decisive:
        return "EXCLUDES" if c.kind == "exclusion" else "FAILS"
    if c.kind == "exclusion" and c.outcome == "not_met":
        return "clear"
    return _MARK[c.outcome]


def _detail(c: CriterionResult) -> str:
    parts = []
    if c.thresholds:
        parts.append("; ".join(c.thresholds))
    shown = [f"{e.label}: {e.value}{' ' + e.unit if e.unit else ''}{f' ({e.date})' if e.date else ''}" for e in c.evidence[:6]]
    if shown:
        parts.append("used: " + "; ".join(shown))
    if c.missing:
        parts.append("MISSING: " + "; ".join(c.missing))
    if c.review:
        parts.append("REVIEW: " + "; ".join(c.review))
    if c.lapses_on:
        parts.append(f"lapses on {c.lapses_on}")
    return "\n".join(parts)


def _short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def to_markdown(report: Report) -> str:
    r = report
    lines = [
        f"# {r.ruleset.title}",
        "",
        f"**Verdict: {r.verdict}** — {r.summary}",
        "",
        f"- Patient: `{r.patient_id}`, as of {r.as_of}; cohort: {r.cohort.title if r.cohort else 'not determined'}",
        f"- Ruleset: `{r.ruleset.id}` v{r.ruleset.version} (sha256 {r.ruleset.sha256[:12]}…); engine: {r.backend}",
        "",
        "| criterion | kind | status | protocol text | detail |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in r.criteria:
        detail = _detail(c).replace("\n", "<br>").replace("|", "\\|")
        lines.append(f"| `{c.id}` | {c.kind} | {_status(c)} | {_short(c.text).replace('|', '/')} | {detail} |")
    lines += _closing(r, bullet="- ")
    return "\n".join(lines) + "\n"


def _closing(r: Report, bullet: str) -> list[str]:
    out: list[str] = []
    if r.missing_facts:
        out += ["", "To decide, collect:"] + [f"{bullet}{m.fact} ({', '.join(m.criteria)})" for m in r.missing_facts]
    if r.review_items:
        out += ["", "For the investigator:"] + [f"{bullet}{i.criterion}: {i.reason}" for i in r.review_items]
    if r.earliest_eligible_date:
        out += ["", f"Earliest date the washout exclusions lapse: {r.earliest_eligible_date}"]
    if r.warnings:
        out += ["", "Warnings:"] + [f"{bullet}{w}" for w in r.warnings]
    return out


def print_table(report: Report, *, width: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=width) if width else Console()
    r = report
    console.print(Text(f"{r.ruleset.title}  [{r.ruleset.id} v{r.ruleset.version}]", style="bold"))
    console.print(f"Patient {r.patient_id} · as of {r.as_of} · cohort: {r.cohort.title if r.cohort else 'not determined'}")
    table = Table(show_lines=True, expand=True)
    table.add_column("criterion", max_width=26, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("protocol text", ratio=2)
    table.add_column("values, thresholds, missing", ratio=3)
    for c in r.criteria:
        status = _status(c)
        style = {"FAILS": "red", "EXCLUDES": "red", "UNKNOWN": "yellow", "REVIEW": "magenta", "n/a": "dim"}.get(status, "green")
        table.add_row(f"{c.id}\n[dim]{c.kind}[/dim]", Text(status, style=style), _short(c.text, 220), _detail(c))
    console.print(table)
    for line in _closing(r, bullet="  • "):
        console.print(line, highlight=False, markup=False)
    console.print(Text(f"Verdict: {r.verdict.upper()}", style=_STYLE[r.verdict]))
    console.print(r.summary, highlight=False, markup=False)


# -- cross-trial matching ---------------------------------------------------------------------------------------


def _match_reason_text(trial) -> str:  # type: ignore[no-untyped-def]
    label = {"ineligible": "", "incomplete": "undecided: ", "needs_review": "for the investigator: ", "eligible": ""}
    reasons = ", ".join(r.criterion for r in trial.reasons[:8]) + (" …" if len(trial.reasons) > 8 else "")
    text = f"{label[trial.verdict]}{reasons}" if reasons else "—"
    if trial.earliest_eligible_date:
        text += f" (washouts lapse {trial.earliest_eligible_date})"
    return text


def match_to_json(match) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(match.model_dump(mode="json"), indent=2, ensure_ascii=False)


def match_to_markdown(match) -> str:  # type: ignore[no-untyped-def]
    lines = [f"# Trial matching for `{match.patient_id}` as of {match.as_of}", "",
             "| trial | verdict | cohort | decisive reasons / open criteria |", "| --- | --- | --- | --- |"]
    for t in match.trials:
        lines.append(f"| `{t.ruleset}` {t.title} | **{t.verdict}** | {t.cohort or '—'} | {_match_reason_text(t)} |")
    if match.collect:
        lines += ["", "To decide, collect:"] + [f"- {c.fact} — settles {', '.join(c.trials)}" for c in match.collect]
    return "\n".join(lines) + "\n"


def print_match_table(match, *, width: int | None = None) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=width) if width else Console()
    console.print(Text(f"Trial matching for {match.patient_id} · as of {match.as_of}", style="bold"))
    table = Table(show_lines=True, expand=True)
    table.add_column("trial", ratio=2)
    table.add_column("verdict", no_wrap=True)
    table.add_column("decisive reasons / open criteria", ratio=3)
    for t in match.trials:
        table.add_row(f"{t.ruleset}\n[dim]{t.title}[/dim]", Text(t.verdict, style=_STYLE[t.verdict]), _match_reason_text(t))
    console.print(table)
    if match.collect:
        console.print("To decide, collect:")
        for c in match.collect:
            console.print(f"  • {c.fact} — settles {', '.join(c.trials)}", highlight=False, markup=False)

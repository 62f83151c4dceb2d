"""The ``trialscreen`` command. Exit codes: 0 for any verdict, 1 for invalid input, 2 for usage errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from trialscreen.errors import TrialscreenError

FORMATS = click.Choice(["table", "json", "markdown"])


def _fail(exc: Exception) -> None:
    click.echo(f"trialscreen: error: {exc}", err=True)
    sys.exit(1)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from trialscreen.model.patient import check_date_range

    try:
        return check_date_range(dt.date.fromisoformat(value))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a usable date (use YYYY-MM-DD): {exc}", param_hint="--as-of") from None


@click.group()
@click.version_option(package_name="trialscreen")
@click.option("--disable-plugin", "-p", "disabled", multiple=True, metavar="NAME",
              help="Do not load this external plugin (repeatable; like pytest's -p no:NAME). "
              "Same as TRIALSCREEN_DISABLE_PLUGINS=a,b.")
@click.option("--only-plugins", "only", metavar="NAMES",
              help="Load only these external plugins (comma-separated; built-ins always load). "
              "Same as TRIALSCREEN_LOAD_PLUGINS=a,b.")
def main(disabled: tuple[str, ...], only: str | None) -> None:
    """Screen patients for CD19-directed cell-therapy trials in refractory autoimmune disease."""
    import os

    from trialscreen.plugins.manager import ENV_ALLOW, ENV_DISABLE

    if disabled:
        names = [n.removeprefix("no:") for n in disabled]
        existing = [n for n in os.environ.get(ENV_DISABLE, "").split(",") if n]
        os.environ[ENV_DISABLE] = ",".join([*existing, *names])
    if only is not None:
        os.environ[ENV_ALLOW] = only


@main.command()
@click.argument("patient")
@click.option("--ruleset", "-r", required=True, help="Installed ruleset id or path to a ruleset file.")
@click.option("--as-of", "as_of", help="Evaluate as of this date (YYYY-MM-DD) instead of the record's screening date.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--backend", type=click.Choice(["durable", "python"]), default="durable", show_default=True,
              help="Rules engine: durable-rules, or the plain-Python evaluator.")
def evaluate(patient: str, ruleset: str, as_of: str | None, fmt: str, backend: str) -> None:
    """Evaluate PATIENT (a JSON or YAML file, or - for stdin) against one trial ruleset."""
    from trialscreen import render
    from trialscreen.api import compiled_ruleset, normalise_patient
    from trialscreen.engine.evaluate import evaluate_record
    from trialscreen.plugins.manager import default_manager

    when = _as_of(as_of)
    try:
        plugins = default_manager()
        compiled = compiled_ruleset(ruleset, plugins)
        record = normalise_patient(patient, plugins)
        report = evaluate_record(compiled, record, plugins, as_of=when, backend=backend,  # type: ignore[arg-type]
                                 explicit_backend=backend == "durable")
    except TrialscreenError as exc:
        _fail(exc)
    if fmt == "json":
        click.echo(render.to_json(report))
    elif fmt == "markdown":
        click.echo(render.to_markdown(report), nl=False)
    else:
        render.print_table(report)


@main.command("match")
@click.argument("patient")
@click.option("--as-of", "as_of", help="Evaluate as of this date (YYYY-MM-DD) instead of the record's screening date.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--backend", type=click.Choice(["durable", "python"]), default="durable", show_default=True)
def match_command(patient: str, as_of: str | None, fmt: str, backend: str) -> None:
    """Evaluate PATIENT against every installed ruleset: one row per trial, then what to collect."""
    from trialscreen import render
    from trialscreen.matching import match

    when = _as_of(as_of)
    try:
        result = match(patient, as_of=when, backend=backend)  # type: ignore[arg-type]
    except TrialscreenError as exc:
        _fail(exc)
    if fmt == "json":
        click.echo(render.match_to_json(result))
    elif fmt == "markdown":
        click.echo(render.match_to_markdown(result), nl=False)
    else:
        render.print_match_table(result)


@main.command("screen")
@click.argument("patients")
@click.option("--ruleset", "-r", "ruleset_refs", multiple=True, help="Ruleset id or path (repeatable).")
@click.option("--all-rulesets", is_flag=True, help="Screen against every installed ruleset.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on a dask.distributed cluster: tcp://HOST:PORT of a running scheduler, or local:N to start "
              "N worker processes here (needs trialscreen[distributed]; see docs/scaling.md).")
@click.option("--chunk-size", "chunksize", type=click.IntRange(1, 100_000), metavar="N",
              help="Records per task sent to a worker (default 64; 256 with --dask). At most four tasks per worker "
              "process are in flight.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
              help="Write rows here (.jsonl or .csv); default: JSON Lines on stdout.")
@click.option("--backend", type=click.Choice(["durable", "python"]), default="durable", show_default=True)
def screen_command(patients: str, ruleset_refs: tuple[str, ...], all_rulesets: bool, jobs: int,
                   dask_address: str | None, chunksize: int | None, out_path: str | None, backend: str) -> None:
    """Screen many PATIENTS (a .jsonl file, a directory of record files, or - for JSON Lines on stdin).

    One row per patient and trial, in input order; a bad record is reported with its line and skipped. A summary
    per trial goes to stderr at the end. The rows are the same with --jobs or --dask as in one process.
    """
    import contextlib

    from trialscreen import batch
    from trialscreen.plugins.manager import default_manager

    if not ruleset_refs and not all_rulesets:
        raise click.UsageError("give --ruleset ID (repeatable) or --all-rulesets")
    if dask_address and jobs > 1:
        raise click.UsageError("--jobs and --dask exclude each other: the dask cluster's workers are the processes")
    try:
        refs = sorted(default_manager().rulesets) if all_rulesets else list(ruleset_refs)
        job = batch.prepare(refs, backend)  # fail fast, here, on a bad ruleset
        items = batch.iter_items(patients)
        fmt = "csv" if out_path and out_path.endswith(".csv") else "jsonl"
        chunksize = chunksize or (batch.DASK_CHUNKSIZE if dask_address else batch.LOCAL_CHUNKSIZE)
        summaries: dict[str, batch.Summary] = {}
        total = errors = 0
        with contextlib.ExitStack() as stack:
            executor, workers = (stack.enter_context(batch.dask_executor(dask_address)) if dask_address
                                 else (None, jobs))
            handle = (stack.enter_context(open(out_path, "w", encoding="utf-8", newline=""))  # noqa: SIM115
                      if out_path else sys.stdout)
            writer = batch.Writer(handle, fmt)
            progress = _progress() if sys.stderr.isatty() else None
            if progress:
                stack.callback(progress.stop)
            previous = None  # rows come in input order, a record's rows together: no set of every source seen
            for row in batch.run(items, job, jobs=workers, executor=executor, chunksize=chunksize):
                writer.write(row)
                if row["source"] != previous:
                    previous = row["source"]
                    total += 1
                    if progress:
                        progress.update(progress.task_ids[0], advance=1)
                if row["verdict"] == "error":
                    errors += 1
                    click.echo(f"trialscreen: skipped {row['source']}: {row['error']}", err=True)
                else:
                    summaries.setdefault(row["ruleset"], batch.Summary()).add(row)
    except TrialscreenError as exc:
        _fail(exc)
    click.echo(batch.summary_text(summaries, errors, total), err=True, nl=False)


def _progress():  # type: ignore[no-untyped-def]
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.completed} patients"), TimeElapsedColumn(), transient=True)
    progress.add_task("screen", total=None)
    progress.start()
    return progress


@main.group()
def rulesets() -> None:
    """List, show, validate and test rulesets."""


@rulesets.command("list")
def rulesets_list() -> None:
    """Installed rulesets (built-in and plugin-contributed)."""
    from trialscreen.plugins.manager import default_manager
    from trialscreen.rules.loader import load_ruleset_file

    try:
        plugins = default_manager()
        for rid, src in sorted(plugins.rulesets.items()):
            loaded = load_ruleset_file(src.path)
            provider = plugins.provider_of("trialscreen_rulesets", rid)
            click.echo(f"{rid:24} v{loaded.ruleset.version:8} {len(loaded.ruleset.criteria):3} criteria  "
                       f"[{provider}]  {loaded.ruleset.title}")
    except TrialscreenError as exc:
        _fail(exc)


@rulesets.command("show")
@click.argument("ruleset")
def rulesets_show(ruleset: str) -> None:
    """Print a ruleset's cohorts and criteria with their verbatim protocol text."""
    from trialscreen.api import compiled_ruleset

    try:
        compiled = compiled_ruleset(ruleset)
    except TrialscreenError as exc:
        _fail(exc)
    rs = compiled.ruleset
    click.echo(f"{rs.id} v{rs.version}: {rs.title}\nsource: {rs.source.file}  sha256 {compiled.sha256}\n")
    click.echo("cohorts: " + "; ".join(f"{c.id} ({c.indication}): {c.title}" for c in rs.cohorts) + "\n")
    for cid, cc in compiled.criteria.items():
        crit = cc.criterion
        scope = "" if crit.cohorts is None else f"  [{'only ' + ','.join(crit.cohorts.only) if crit.cohorts.only else 'except ' + ','.join(crit.cohorts.except_ or [])}]"
        click.echo(f"{cid} ({crit.kind}){scope}\n  text: {' '.join(crit.text.split())}")
        for threshold in cc.thresholds:
            click.echo(f"  threshold: {threshold}")
        if crit.note:
            click.echo(f"  note: {' '.join(crit.note.split())}")
        click.echo("")


@rulesets.command("validate")
@click.argument("rulesets_", metavar="RULESET...", nargs=-1, required=True)
def rulesets_validate(rulesets_: tuple[str, ...]) -> None:
    """Validate ruleset files or ids against the schema and the loaded plugins."""
    from trialscreen.api import compiled_ruleset

    for ref in rulesets_:
        try:
            compiled = compiled_ruleset(ref)
        except TrialscreenError as exc:
            _fail(exc)
        click.echo(f"{ref}: ok ({compiled.ruleset.id} v{compiled.ruleset.version}, {len(compiled.criteria)} criteria, "
                   f"{len(compiled.ruleset.tests)} inline tests)")


@rulesets.command("test")
@click.argument("rulesets_", metavar="[RULESET]...", nargs=-1)
@click.option("--backend", type=click.Choice(["both", "durable", "python"]), default="both", show_default=True)
def rulesets_test(rulesets_: tuple[str, ...], backend: str) -> None:
    """Run the inline test cases of rulesets (all installed ones if none is named). Exit 1 if any fails."""
    from trialscreen.plugins.manager import default_manager
    from trialscreen.rules.loader import find_ruleset
    from trialscreen.rules.testing import run_ruleset_tests

    backends = ("durable", "python") if backend == "both" else (backend,)
    failed = total = 0
    try:
        plugins = default_manager()
        refs = rulesets_ or tuple(sorted(plugins.rulesets))
        for ref in refs:
            loaded = find_ruleset(ref, plugins)
            for result in run_ruleset_tests(loaded, plugins, backends):
                total += 1
                if result.passed:
                    continue
                failed += 1
                click.echo(f"FAIL {loaded.ruleset.id} :: {result.name} [{result.backend}]")
                for line in result.failures:
                    click.echo(f"    {line}")
    except TrialscreenError as exc:
        _fail(exc)
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@rulesets.command("coverage")
@click.argument("ruleset")
@click.option("--unmapped-only", is_flag=True, help="Print only protocol text no criterion encodes.")
def rulesets_coverage(ruleset: str, unmapped_only: bool) -> None:
    """Each eligibility line of the protocol beside the criteria that encode it. Exit 1 if any is unmapped."""
    from trialscreen.plugins.manager import default_manager
    from trialscreen.rules.coverage import coverage
    from trialscreen.rules.loader import find_ruleset

    try:
        report = coverage(find_ruleset(ruleset, default_manager()))
    except TrialscreenError as exc:
        _fail(exc)
    click.echo(f"{report.ruleset}: {report.source.name}")
    for line in report.lines:
        if unmapped_only and not line.unmapped:
            continue
        mapped = ", ".join(line.criteria) if line.criteria else ("(structure)" if not line.unmapped else "—")
        click.echo(f"{line.number:4}  {' '.join(line.text.split())[:110]}\n      → {mapped}")
        for fragment in line.unmapped:
            click.echo(f"      UNMAPPED: {' '.join(fragment.split())}")
    for cid in report.not_verbatim:
        click.echo(f"NOT VERBATIM: {cid} (its text is not found in {report.source.name})")
    unmapped = len(report.unmapped)
    click.echo(f"{len(report.lines)} protocol lines, {unmapped} unmapped fragment(s), {len(report.not_verbatim)} non-verbatim text(s)")
    sys.exit(0 if report.complete else 1)


@rulesets.command("notes")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def rulesets_notes(files: tuple[str, ...]) -> None:
    """Print every criterion note of the given ruleset files as Markdown (docs/protocol-notes.md)."""
    from trialscreen.rules.notes import render_notes

    try:
        click.echo(render_notes([Path(f) for f in files]), nl=False)
    except TrialscreenError as exc:
        _fail(exc)


@main.group()
def plugins() -> None:
    """Inspect loaded plugins."""


@plugins.command("list")
def plugins_list() -> None:
    """Loaded plugins, where they come from, and what each contributes."""
    from trialscreen.plugins.manager import default_manager

    try:
        pm = default_manager()
        for info in pm.plugins():
            origin = "built-in" if info.builtin else f"{info.distribution or 'registered'} {info.version or ''}".strip()
            click.echo(f"{info.name}  ({origin}; {info.module})")
            for kind, ids in pm.contributions(info.name).items():
                if ids:
                    shown = ", ".join(ids[:12]) + (f", … ({len(ids)} in all)" if len(ids) > 12 else "")
                    click.echo(f"    {kind}: {shown}")
        for err in pm.load_errors:
            click.echo(f"NOT LOADED {err.name} ({err.distribution}): {err.error}")
    except TrialscreenError as exc:
        _fail(exc)


@main.command()
@click.argument("what", type=click.Choice(["patient", "ruleset", "report"]))
def schema(what: str) -> None:
    """Print the JSON Schema of a patient record, a ruleset, or a report."""
    if what == "patient":
        from trialscreen.model.patient import Patient as model
    elif what == "ruleset":
        from trialscreen.rules.model import Ruleset as model  # type: ignore[assignment]
    else:
        from trialscreen.report import Report as model  # type: ignore[assignment]
    click.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()

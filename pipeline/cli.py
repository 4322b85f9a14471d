"""Command line: thin typed wrappers over plain functions. Errors are one line, never a traceback."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="claims",
    help="Turn foreign-policy analysis articles into reviewable, normalized JSONL records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(help="Train the project's statistical components.", no_args_is_help=True)
app.add_typer(train_app, name="train")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md, .html, .jsonl), read recursively.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the JSONL files and run.json.")] = Path("outputs"),
    config: Annotated[Optional[Path], typer.Option(help="spaCy config building the pipeline (default: configs/default.cfg).")] = None,
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Config override section.key=value (repeatable).")] = None,
    model: Annotated[Optional[str], typer.Option(help="Use an installed spaCy model (e.g. en_core_web_sm) via configs/model.cfg.")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date YYYY[-MM[-DD]] for articles without one.")] = None,
    force: Annotated[bool, typer.Option(help="Re-process inputs even when unchanged since the last run.")] = False,
    strict: Annotated[bool, typer.Option(help="Stop at the first input error.")] = False,
    batch_size: Annotated[int, typer.Option(help="Documents per batch.")] = 16,
    max_mb: Annotated[float, typer.Option(help="Largest article file accepted, in MB.")] = 20.0,
) -> None:
    """Annotate articles and write documents, sentences, entities, dates, figures and claims JSONL."""
    from .io import normalize_published
    from .runner import InputFailure, PipelineConfigError, build_nlp, parse_overrides, run_corpus

    try:
        if published:
            normalize_published(published)
        overrides = parse_overrides(set_ or [])
        nlp = build_nlp(config, overrides, model=model)
    except (PipelineConfigError, ValueError) as err:
        _fail(str(err), 2)
    progress = _progress_bar()
    try:
        result = run_corpus(
            [str(p) for p in inputs],
            out,
            nlp=nlp,
            config_path=config,
            overrides=overrides,
            model=model,
            published=published,
            force=force,
            strict=strict,
            batch_size=batch_size,
            max_bytes=int(max_mb * 1024 * 1024),
            on_progress=progress,
            on_error=lambda err: typer.echo(f"skipped: {err}" if err.skipped else f"warning: {err}", err=True),
        )
    except InputFailure as err:
        _fail(f"{err} (--strict)")
    finally:
        if progress is not None:
            progress.close()
    skipped = [e for e in result.errors if e.skipped]
    typer.echo(
        f"{len(result.processed)} processed, {len(result.reused)} unchanged, {len(skipped)} skipped; "
        f"{result.n_words:,} words in {result.seconds:.1f}s -> {out}/ "
        f"({', '.join(f'{k} {v}' for k, v in result.manifest['counts'].items())})"
    )
    unresolved = result.manifest.get("dates_unresolved", 0)
    if unresolved:
        typer.echo(f"note: {unresolved} relative dates left unresolved (no publication date; use --published or a sidecar)")
    if not result.processed and not result.reused:
        if not result.errors:
            typer.echo(f"error: no articles (.txt, .md, .html, .jsonl) found in {', '.join(map(str, inputs))}", err=True)
        raise typer.Exit(1)


class _Progress:
    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self._task = None
        self._progress.start()

    def __call__(self, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("articles", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        self._progress.stop()


def _progress_bar() -> Optional[_Progress]:
    """A progress bar on a terminal; nothing when output is piped or logged."""
    if not sys.stderr.isatty():
        return None
    try:
        return _Progress()
    except ImportError:
        return None


@app.command("eval")
def eval_(
    pred_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    gold_dir: Annotated[Path, typer.Argument(help="Folder with gold records in the same format.")],
    out: Annotated[Optional[Path], typer.Option(help="Write the scores as JSON here (default PRED_DIR/eval.json).")] = None,
) -> None:
    """Score predictions against gold: span P/R/F1 per kind plus value, type, speaker and hedging accuracy."""
    from .evaluate import evaluate_dirs, format_table
    from .io import write_json

    for folder in (pred_dir, gold_dir):
        if not folder.is_dir():
            _fail(f"{folder} is not a folder", 2)
    scores = evaluate_dirs(pred_dir, gold_dir)
    typer.echo(format_table(scores))
    target = out or pred_dir / "eval.json"
    write_json(target, scores)
    typer.echo(f"scores written to {target}")


@app.command()
def validate(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
) -> None:
    """Check every record file against its JSON Schema and the offset invariant."""
    from .schema import validate_run

    problems = validate_run(out_dir)
    for problem in problems[:50]:
        typer.echo(problem, err=True)
    if problems:
        _fail(f"{len(problems)} problem(s) in {out_dir}")
    typer.echo(f"{out_dir}: all records valid")


@train_app.command("syntax")
def train_syntax_cmd(
    data: Annotated[Path, typer.Option(help="Folder with ud-english-ewt/ (and optionally gum/).")] = Path("../shared/data"),
    out: Annotated[Path, typer.Option(help="Where to put the trained pipeline.")] = Path("pipeline/models/syntax"),
) -> None:
    """Train the tagger / parser / lemmatizer / senter shipped as the default syntax model."""
    if not (data / "ud-english-ewt").is_dir():
        _fail(f"{data}/ud-english-ewt not found: point --data at a folder holding UD English-EWT", 2)
    from .training.syntax import train_syntax

    path = train_syntax(data, out)
    typer.echo(f"trained syntax model written to {path}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

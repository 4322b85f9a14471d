"""The claim corpus: which commentary sentences are annotated, and how labels are stored and read back.

Annotations are stored as offsets plus the sha256 of the source file; the text stays in
``../shared/corpus/commentary`` (or a folder given) and is read back when the corpus is used, so no
article text is copied into the project. Speakers other than ``author`` are stored as character
offsets of their mention in the source too.

The sample is fixed by a seed: articles are drawn round-robin over publication years and at most
two per first author, then split by article into train / dev / test; from each article the title and
one contiguous window of sentences (so that a model can see the previous sentence) are labelled.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

CLAIM_TYPES = ("prediction", "evaluation", "causal", "recommendation", "interpretation")
SPLITS = ("train", "dev", "test")
ANNOTATION_DIR = Path(__file__).parent / "annotations" / "claims"
DEFAULT_SEED = 14
# Articles per split: the test split is drawn first and fixed before any model is trained.
DEFAULT_SPLIT_SIZES = {"test": 45, "dev": 35, "train": 150}
WINDOW = 18
MIN_SENTENCES = 24
SPEAKER_LOOKBACK = 2000  # characters before the sentence where a quoted run's speaker may be named


class AnnotationError(ValueError):
    """A label line that does not fit the task or the guide."""


@dataclass(frozen=True)
class Sentence:
    """One sentence to label: where it is and what role its line has on the page."""

    sid: str
    file: str
    start_char: int
    end_char: int
    boilerplate: str | None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_meta(path: Path) -> dict:
    meta = path.with_name(path.name + ".meta.json")
    return json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}


def select_articles(paths: Sequence[Path], n: int, *, seed: int = DEFAULT_SEED, per_author: int = 2) -> list[Path]:
    """``n`` articles drawn round-robin over publication years, at most ``per_author`` per first author."""
    rng = random.Random(seed)
    by_year: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(paths):
        by_year[str(read_meta(path).get("published") or "")[:4]].append(path)
    for year in by_year:
        rng.shuffle(by_year[year])
    authors: dict[str, int] = defaultdict(int)
    chosen: list[Path] = []
    years = sorted(by_year)
    while len(chosen) < n and any(by_year.values()):
        for year in years:
            while by_year[year]:
                path = by_year[year].pop()
                author = (read_meta(path).get("authors") or ["?"])[0]
                if authors[author] < per_author:
                    authors[author] += 1
                    chosen.append(path)
                    break
            if len(chosen) == n:
                break
    return chosen


def split_articles(paths: Sequence[Path], sizes: dict[str, int], *, seed: int = DEFAULT_SEED) -> dict[str, list[Path]]:
    """Articles by split, test first (its membership never depends on the other sizes)."""
    order = list(paths)
    random.Random(seed + 1).shuffle(order)
    out, at = {}, 0
    for split in ("test", "dev", "train"):
        out[split] = sorted(order[at:at + sizes[split]])
        at += sizes[split]
    return out


def segment_sentences(nlp, text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, boilerplate kind) of every sentence, trimmed of surrounding whitespace."""
    doc = nlp(text)
    boiler = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get("boilerplate", [])]
    out = []
    for span in doc.spans["sentences"]:
        start, end = span.start_char, span.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        kind = next((label for a, b, label in boiler if a <= start and end <= b), None)
        out.append((start, end, kind))
    return out


def sample_window(sentences: Sequence[tuple[int, int, str | None]], rng: random.Random, window: int = WINDOW) -> list[int]:
    """Indices to label: the first sentence (the title line) and one contiguous window after it."""
    if len(sentences) <= window + 1:
        return list(range(len(sentences)))
    first = rng.randrange(1, len(sentences) - window + 1)
    return [0, *range(first, first + window)]


def build_tasks(nlp, commentary: Path, split_paths: dict[str, list[Path]], *, seed: int = DEFAULT_SEED) -> dict[str, list[Sentence]]:
    """The sentences to label in each split, with stable ids ``<article stem>#<n>``."""
    rng = random.Random(seed + 2)
    tasks: dict[str, list[Sentence]] = {}
    for split in SPLITS:
        rows: list[Sentence] = []
        for path in split_paths[split]:
            sentences = segment_sentences(nlp, path.read_text(encoding="utf-8"))
            for i in sample_window(sentences, rng):
                start, end, kind = sentences[i]
                rows.append(Sentence(f"{path.stem}#{i}", path.relative_to(commentary).as_posix(), start, end, kind))
        tasks[split] = rows
    return tasks


def render_task(text: str, sentences: Sequence[Sentence], title: str) -> str:
    """An annotator's view of one article: each labelled sentence in its paragraph, marked by its id."""
    lines = [f"## {title}", ""]
    shown_to = -1
    for s in sentences:
        para_start = text.rfind("\n\n", 0, s.start_char)
        para_start = 0 if para_start < 0 else para_start + 2
        para_end = text.find("\n\n", s.end_char)
        para_end = len(text) if para_end < 0 else para_end
        if para_end > shown_to:
            context = text[max(para_start, shown_to + 1):para_end].strip()
            if context:
                lines += ["(context) " + context.replace("\n", " "), ""]
            shown_to = para_end
        role = f" [{s.boilerplate}]" if s.boilerplate else ""
        lines += [f"[{s.sid}]{role} {text[s.start_char:s.end_char]}", ""]
    return "\n".join(lines)


def validate_label(label: dict) -> None:
    """Fail with the sid when a label line does not follow the guide's format."""
    sid = label.get("sid")
    if not isinstance(label.get("claim"), bool):
        raise AnnotationError(f"{sid}: claim must be true or false")
    if label["claim"]:
        if label.get("type") not in CLAIM_TYPES:
            raise AnnotationError(f"{sid}: type {label.get('type')!r} not one of {CLAIM_TYPES}")
        if not isinstance(label.get("speaker"), str) or not label["speaker"].strip():
            raise AnnotationError(f"{sid}: a claim needs a speaker ('author' or the source as written)")
    if not isinstance(label.get("hedged", False), bool):
        raise AnnotationError(f"{sid}: hedged must be true or false")


def locate_speaker(text: str, speaker: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets of ``speaker`` in the sentence, else its last mention in the text just before it."""
    for lo, hi in ((start, end), (max(0, start - SPEAKER_LOOKBACK), start)):
        at = text.rfind(speaker, lo, hi) if lo < start else text.find(speaker, lo, hi)
        if at < 0:
            low = text[lo:hi].lower().rfind(speaker.lower())
            at = lo + low if low >= 0 else -1
        if at >= 0:
            return at, at + len(speaker)
    return None


def stored_record(sentence: Sentence, label: dict, text: str, sha256: str, annotator: str) -> dict:
    """The committed form of one label: offsets and sha256, no article text."""
    validate_label(label)
    record = {
        "sid": sentence.sid, "file": sentence.file, "sha256": sha256,
        "start_char": sentence.start_char, "end_char": sentence.end_char,
        "boilerplate": sentence.boilerplate, "claim": label["claim"],
        "type": label["type"] if label["claim"] else None,
        "hedged": bool(label.get("hedged")) if label["claim"] else False,
        "speaker": None, "speaker_start": None, "speaker_end": None, "annotator": annotator,
    }
    if label["claim"]:
        speaker = label["speaker"].strip()
        if speaker.lower() == "author":
            record["speaker"] = "author"
        else:
            found = locate_speaker(text, speaker, sentence.start_char, sentence.end_char)
            if found is None:
                raise AnnotationError(f"{sentence.sid}: speaker {speaker!r} is not written in or just before the sentence")
            record["speaker"] = "source"
            record["speaker_start"], record["speaker_end"] = found
    return record


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise AnnotationError(f"{path}:{n}: {err.msg}") from None


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)


@dataclass(frozen=True)
class Example:
    """One annotated sentence with its text read back from the source."""

    record: dict
    text: str           # the whole source text
    sentence: str
    speaker_text: str | None


def load_examples(split: str, commentary: Path, *, directory: Path = ANNOTATION_DIR, pass_name: str = "") -> list[Example]:
    """Annotated sentences of ``split``, their text read from ``commentary``; the sha256 must match."""
    path = directory / f"{split}{pass_name}.jsonl"
    texts: dict[str, str] = {}
    out = []
    for record in read_jsonl(path):
        if record["file"] not in texts:
            source = commentary / record["file"]
            if not source.is_file():
                raise AnnotationError(f"{source}: source of {record['sid']} not found (give --commentary)")
            if file_sha256(source) != record["sha256"]:
                raise AnnotationError(f"{source}: sha256 differs from the annotated file")
            texts[record["file"]] = source.read_text(encoding="utf-8")
        text = texts[record["file"]]
        speaker = text[record["speaker_start"]:record["speaker_end"]] if record.get("speaker_start") is not None else None
        out.append(Example(record, text, text[record["start_char"]:record["end_char"]], speaker))
    return out


def prepare_sample(commentary: Path, task_dir: Path, *, seed: int = DEFAULT_SEED,
                   sizes: dict[str, int] | None = None, batch_articles: int = 15) -> dict[str, int]:
    """Draw the sample, store it (offsets only) as ``sample.jsonl``, and write annotator task files
    (with text, outside the project) into ``task_dir/<split>/batch-NN.md``. Returns sentences per split."""
    import spacy

    from .. import registry  # noqa: F401  (registers the segmenter factory)

    sizes = sizes or DEFAULT_SPLIT_SIZES
    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.initialize()
    paths = [p for p in sorted(commentary.glob("*.txt"))]
    eligible = [p for p in paths if len(segment_sentences(nlp, p.read_text(encoding="utf-8"))) >= MIN_SENTENCES]
    chosen = select_articles(eligible, sum(sizes.values()), seed=seed)
    tasks = build_tasks(nlp, commentary, split_articles(chosen, sizes, seed=seed), seed=seed)
    sample = []
    for split in SPLITS:
        by_file: dict[str, list[Sentence]] = defaultdict(list)
        for s in tasks[split]:
            by_file[s.file].append(s)
        files = sorted(by_file)
        for b in range(0, len(files), batch_articles):
            parts = []
            for file in files[b:b + batch_articles]:
                text = (commentary / file).read_text(encoding="utf-8")
                title = read_meta(commentary / file).get("title") or file
                parts.append(render_task(text, by_file[file], title))
            out = task_dir / split / f"batch-{b // batch_articles:02d}.md"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("\n\n".join(parts), encoding="utf-8")
        for file in files:
            sha = file_sha256(commentary / file)
            sample += [{"split": split, "sid": s.sid, "file": s.file, "sha256": sha, "start_char": s.start_char,
                        "end_char": s.end_char, "boilerplate": s.boilerplate} for s in by_file[file]]
    write_jsonl(ANNOTATION_DIR / "sample.jsonl", sample)
    return {split: len(tasks[split]) for split in SPLITS}


def import_labels(label_files: Sequence[Path], commentary: Path, *, directory: Path = ANNOTATION_DIR) -> list[dict]:
    """Stored records for annotators' label files (``<batch>.<annotator>.jsonl``), checked against the
    committed sample: every sid known, each label valid, each named speaker found in the text."""
    sample = {row["sid"]: row for row in read_jsonl(directory / "sample.jsonl")}
    texts: dict[str, str] = {}
    records = []
    for path in label_files:
        annotator = path.name.split(".")[-2]
        for label in read_jsonl(path):
            row = sample.get(label.get("sid"))
            if row is None:
                raise AnnotationError(f"{path}: sid {label.get('sid')!r} is not in the sample")
            if row["file"] not in texts:
                source = commentary / row["file"]
                if file_sha256(source) != row["sha256"]:
                    raise AnnotationError(f"{source}: sha256 differs from the sampled file")
                texts[row["file"]] = source.read_text(encoding="utf-8")
            sentence = Sentence(row["sid"], row["file"], row["start_char"], row["end_char"], row["boilerplate"])
            records.append(stored_record(sentence, label, texts[row["file"]], row["sha256"], annotator))
    order = {sid: i for i, sid in enumerate(sample)}
    return sorted(records, key=lambda r: order[r["sid"]])


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa of two annotators' labels for the same items."""
    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b)) / n
    labels = set(a) | set(b)
    expected = sum((list(a).count(k) / n) * (list(b).count(k) / n) for k in labels)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(first: Sequence[dict], second: Sequence[dict]) -> dict:
    """Agreement of two passes over the same sentences: kappa for claim / not, for the type (over the
    sentences both call claims, and as a six-way label with "none"), and hedged / speaker agreement."""
    by_sid = {r["sid"]: r for r in first}
    pairs = [(by_sid[r["sid"]], r) for r in second if r["sid"] in by_sid]
    both = [(x, y) for x, y in pairs if x["claim"] and y["claim"]]
    six = lambda r: r["type"] or "none"  # noqa: E731
    return {
        "sentences": len(pairs),
        "claim_kappa": round(cohen_kappa([x["claim"] for x, _ in pairs], [y["claim"] for _, y in pairs]), 3),
        "claim_agreement": round(sum(x["claim"] == y["claim"] for x, y in pairs) / max(len(pairs), 1), 3),
        "type_kappa_both_claims": round(cohen_kappa([x["type"] for x, _ in both], [y["type"] for _, y in both]), 3),
        "type_kappa_six_way": round(cohen_kappa([six(x) for x, _ in pairs], [six(y) for _, y in pairs]), 3),
        "both_claims": len(both),
        "hedged_agreement_both_claims": round(sum(x["hedged"] == y["hedged"] for x, y in both) / max(len(both), 1), 3),
        "speaker_agreement_both_claims": round(sum((x["speaker"] == y["speaker"]) and (x["speaker"] == "author" or (
            x["speaker_start"] < y["speaker_end"] and y["speaker_start"] < x["speaker_end"])) for x, y in both) / max(len(both), 1), 3),
    }

"""Side-by-side benchmark: the dates stage vs ``dateparser.search.search_dates`` on the same sentences.

``benchmark_dates(texts)`` segments the articles with the project's segmenter, then runs

- the dates stage (``claims_dates``) over the segmented documents (body sentences only), timed
  alone ("stage"), after the tokenizer + segmenter ("end to end", raw text in, a cold tokenizer
  cache as on a first run), and as a minimal tagger (tokenizer + spaCy's sentencizer + stage);
- ``search_dates(sentence, languages=["en"])`` on every body sentence, with the article's
  publication date as ``RELATIVE_BASE``,

and reports words/s for each (wall clock and per CPU-second: a busy shared machine disturbs the
second less), how many expressions each finds, how often they overlap, how often the values
agree where both found the same expression (compared at the granularity of the stage's value),
and samples of what only dateparser found (mostly false hits: "78%" as 1978, "2+2", "may") and
what only the stage found. Accuracy against gold is ``claims eval``'s job; this is speed and
agreement.

Run: ``python -m pipeline.bench.dates [--words 50000] [--corpus DIR] [--seed 0] [--json out.json]``.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .corpus import SHARED_CORPUS

DEFAULT_CORPUS = SHARED_CORPUS / "commentary"
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _anchor_datetime(published: str | None) -> datetime | None:
    if not published:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published)
    if not m:
        return None
    return datetime(int(m.group(1)), int(m.group(2) or 6), int(m.group(3) or 15))


def _same_value(value: str | None, when: datetime) -> bool | None:
    """Does dateparser's datetime agree with the stage's value at the value's own granularity?

    None when the value is not a calendar point dateparser could express (durations, "199X").
    """
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if int(y) != when.year:
        return False
    if mo and int(mo) != when.month:
        return False
    if d and int(d) != when.day:
        return False
    return True


def _classify_false_hit(text: str) -> str:
    t = text.strip()
    if re.fullmatch(r"\d+(?:[.,]\d+)?\s*%?", t) or re.search(r"\d\s*%|per\s?cent", t):
        return "number / percent"
    if re.search(r"\d\s*\+\s*\d", t):
        return "2+2"
    if t.lower() in ("may", "march", "now", "second", "sat", "sun", "mon", "a", "an"):
        return f"word '{t.lower()}'"
    if re.fullmatch(r"[A-Za-z]+-?\d+", t):
        return "model / name number"
    if re.search(r"\d", t):
        return "other number"
    return "other word"


def benchmark_dates(
    texts: Sequence[str],
    published: Sequence[str | None] | None = None,
    *,
    dateparser_max_words: int | None = None,
    samples: int = 8,
) -> dict:
    """Run the dates stage and dateparser's ``search_dates`` on the body sentences of ``texts``.

    ``published``: one publication date per text (the anchor / RELATIVE_BASE), or None.
    ``dateparser_max_words``: stop feeding dateparser after this many words (it is slow); the
    comparison then covers that prefix of the sentences only. Returns a dict of figures
    (see :func:`format_table`).
    """
    from .. import registry  # noqa: F401  registers the factories
    from ..extensions import ensure_extensions

    ensure_extensions()
    published = list(published) if published is not None else [None] * len(texts)
    docs, timings = _time_stage(texts, published)
    timings["minimal_tagger"] = _time_minimal_tagger(texts, published)
    sentences = _body_sentences(docs)
    body_words = sum(s[3] for s in sentences)
    limit = dateparser_max_words if dateparser_max_words is not None else body_words
    dp_sentences = _prefix(sentences, limit)
    dp_found, dp_time = _run_dateparser(dp_sentences)
    dp_words = sum(s[3] for s in dp_sentences)
    compared = _compare(dp_sentences, _stage_dates_by_sentence(docs, sentences), dp_found)

    rng = random.Random(0)
    result = {
        "documents": len(texts),
        "sentences": len(sentences),
        "body_words": body_words,
        **{side: _speed(body_words, *timings[side]) for side in _OUR_SIDES},
        "dateparser": {"sentences": len(dp_sentences), "words": dp_words, **_speed(dp_words, *dp_time)},
        "found": compared["found"],
        "values": compared["values"],
        "dateparser_only_kinds": dict(sorted(compared["false_kinds"].items(), key=lambda kv: -kv[1])),
        "dateparser_only_samples": rng.sample(compared["only_dp"], min(samples, len(compared["only_dp"]))),
        "stage_only_samples": rng.sample(compared["only_ours"], min(samples, len(compared["only_ours"]))),
    }
    for side in _OUR_SIDES:
        ours_speed = result[side]["words_per_cpu_s"]
        theirs = result["dateparser"]["words_per_cpu_s"]
        result[side]["x_dateparser_cpu"] = round(ours_speed / theirs, 1) if ours_speed and theirs else None
        ours_wall, theirs_wall = result[side]["words_per_s"], result["dateparser"]["words_per_s"]
        result[side]["x_dateparser_wall"] = round(ours_wall / theirs_wall, 1) if ours_wall and theirs_wall else None
    return result


# Our measurements, in report order: the stage alone, tokenizer + segmenter + stage, the
# tokenizer + segmenter part of that, and a minimal tagger (tokenizer + sentencizer + stage).
_OUR_SIDES = ("stage", "end_to_end", "tokenize_segment_only", "minimal_tagger")
Sentence = tuple[int, int, str, int, str | None]  # (doc index, start_char, text, words, anchor)


def _speed(words: int, seconds: float, cpu: float) -> dict:
    return {
        "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
        "words_per_s": round(words / seconds) if seconds else None,
        "words_per_cpu_s": round(words / cpu) if cpu else None,
    }


def _dates_nlp(sentences_from: str):
    """Blank English + ``sentences_from`` (the segmenter, or spaCy's sentencizer) + the dates stage."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe(sentences_from)
    nlp.add_pipe("claims_dates")
    nlp.initialize()
    return nlp, nlp.get_pipe(sentences_from), nlp.get_pipe("claims_dates")


def _time_stage(texts: Sequence[str], published: list[str | None]) -> tuple[list, dict[str, tuple[float, float]]]:
    """Segmented and dated Docs of ``texts``; (wall, CPU) seconds of the segmenter and the stage."""
    nlp, seg, stage = _dates_nlp("claims_segmenter")
    # warm up caches (tokenizer, grammar) so neither side pays a one-time cost in the timing
    stage(seg(nlp.make_doc("In December 2016, two years after 2014, talks resumed.")))

    # tokenizer + segmenter, from raw text (a cold tokenizer cache, as on a first run)
    t0, c0 = time.perf_counter(), time.process_time()
    docs = []
    for text, pub in zip(texts, published):
        doc = seg(nlp.make_doc(text))
        doc._.published = pub
        docs.append(doc)
    t_seg, c_seg = time.perf_counter() - t0, time.process_time() - c0
    # the stage alone, on those segmented documents; end to end = both
    t0, c0 = time.perf_counter(), time.process_time()
    for doc in docs:
        stage(doc)
    t_stage, c_stage = time.perf_counter() - t0, time.process_time() - c0
    return docs, {"stage": (t_stage, c_stage), "end_to_end": (t_seg + t_stage, c_seg + c_stage), "tokenize_segment_only": (t_seg, c_seg)}


def _time_minimal_tagger(texts: Sequence[str], published: list[str | None]) -> tuple[float, float]:
    """(wall, CPU) seconds of a minimal date tagger: tokenizer + spaCy's sentencizer + the stage."""
    mini, sentencizer, mini_stage = _dates_nlp("sentencizer")
    mini_stage(sentencizer(mini.make_doc("In December 2016, talks resumed.")))
    t0, c0 = time.perf_counter(), time.process_time()
    for text, pub in zip(texts, published):
        doc = sentencizer(mini.make_doc(text))
        doc._.published = pub
        mini_stage(doc)
    return time.perf_counter() - t0, time.process_time() - c0


def _body_sentences(docs: list) -> list[Sentence]:
    """The body sentences both sides read: (doc index, start_char, text, words, anchor)."""
    from ..stages.segment import body_sentences

    sentences: list[Sentence] = []
    for i, doc in enumerate(docs):
        for sent in body_sentences(doc):
            sentences.append((i, sent.start_char, sent.text, _words(sent.text), doc._.published))
    return sentences


def _stage_dates_by_sentence(docs: list, sentences: list[Sentence]) -> dict[tuple[int, int], list[tuple[int, int, str, dict]]]:
    """The stage's dates per (doc index, sentence start), with offsets relative to the sentence."""
    from bisect import bisect_right

    found: dict[tuple[int, int], list[tuple[int, int, str, dict]]] = {}
    starts = {i: sorted(s[1] for s in sentences if s[0] == i) for i in range(len(docs))}
    for i, doc in enumerate(docs):
        for span in doc.spans["dates"]:
            k = bisect_right(starts[i], span.start_char) - 1
            if k < 0:
                continue
            s0 = starts[i][k]
            found.setdefault((i, s0), []).append((span.start_char - s0, span.end_char - s0, span.text, span._.date))
    return found


def _prefix(sentences: list[Sentence], words: int) -> list[Sentence]:
    """The first sentences, up to the one that reaches ``words`` words."""
    out, fed = [], 0
    for s in sentences:
        if fed >= words:
            break
        out.append(s)
        fed += s[3]
    return out


def _run_dateparser(sentences: list[Sentence]) -> tuple[dict[tuple[int, int], list[tuple[int, int, str, datetime]]], tuple[float, float]]:
    """dateparser's hits per sentence, located in its text, and its (wall, CPU) seconds."""
    from dateparser.search import search_dates

    found: dict[tuple[int, int], list[tuple[int, int, str, datetime]]] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    for i, s0, text, _, pub in sentences:
        settings = {"RELATIVE_BASE": _anchor_datetime(pub)} if pub else {}
        try:
            hits = search_dates(text, languages=["en"], settings=settings) or []
        except Exception:  # noqa: BLE001 - a crash of the baseline counts as no result
            hits = []
        located, pos = [], 0
        for sub, when in hits:
            at = text.find(sub, pos)
            if at < 0:
                at = text.find(sub)
            if at < 0:
                continue
            located.append((at, at + len(sub), sub, when))
            pos = at + len(sub)
        found[(i, s0)] = located
    return found, (time.perf_counter() - t0, time.process_time() - c0)


def _compare(sentences: list[Sentence], ours_by_sentence: dict, dp_found: dict) -> dict:
    """Agreement on the sentences both saw: overlapping hits, equal values, what only one found."""
    ours_n = dp_n = both = values_compared = values_equal = 0
    only_dp: list[tuple[str, str, str]] = []
    only_ours: list[tuple[str, str, str | None]] = []
    false_kinds: dict[str, int] = {}
    for i, s0, text, _, _ in sentences:
        ours = ours_by_sentence.get((i, s0), [])
        theirs = dp_found.get((i, s0), [])
        ours_n += len(ours)
        dp_n += len(theirs)
        for a, b, sub, when in theirs:
            match = [o for o in ours if o[0] < b and a < o[1]]
            if match:
                both += 1
                same = _same_value(match[0][3].get("value"), when)
                if same is not None:
                    values_compared += 1
                    values_equal += int(same)
            else:
                kind = _classify_false_hit(sub)
                false_kinds[kind] = false_kinds.get(kind, 0) + 1
                only_dp.append((sub, kind, text[max(0, a - 40):b + 30].replace("\n", " ")))
        for a, b, sub, value in ours:
            if not any(t[0] < b and a < t[1] for t in theirs):
                only_ours.append((sub, value.get("value"), text[max(0, a - 40):b + 30].replace("\n", " ")))
    return {
        "found": {"stage": ours_n, "dateparser": dp_n, "overlapping": both},
        "values": {"compared": values_compared, "equal": values_equal,
                   "agreement": round(values_equal / values_compared, 3) if values_compared else None},
        "false_kinds": false_kinds, "only_dp": only_dp, "only_ours": only_ours,
    }


def format_table(r: dict) -> str:
    """A small plain-text table of :func:`benchmark_dates`'s result."""
    lines = [
        f"{r['documents']} documents, {r['sentences']} body sentences, {r['body_words']:,} words "
        f"(dateparser on the first {r['dateparser']['sentences']} sentences, {r['dateparser']['words']:,} words)",
        "",
        f"{'':30}{'words/s':>12}{'words/CPU-s':>14}{'x dateparser (CPU)':>20}",
    ]
    for name, key in (("dates stage (segmented docs)", "stage"),
                      ("tokenize+segment+dates", "end_to_end"),
                      ("  of which tokenize+segment", "tokenize_segment_only"),
                      ("tokenize+sentencizer+dates", "minimal_tagger")):
        x = r[key]
        lines.append(f"{name:30}{x['words_per_s']:>12,}{x['words_per_cpu_s']:>14,}{x['x_dateparser_cpu']:>19}x")
    d = r["dateparser"]
    lines.append(f"{'dateparser search_dates':30}{d['words_per_s']:>12,}{d['words_per_cpu_s']:>14,}{'1.0':>19}x")
    f, v = r["found"], r["values"]
    lines += [
        "",
        f"expressions found: stage {f['stage']}, dateparser {f['dateparser']}, overlapping {f['overlapping']}",
        f"values equal where both found a calendar date: {v['equal']}/{v['compared']}"
        + (f" ({v['agreement']:.0%})" if v["agreement"] is not None else ""),
        "dateparser-only hits by kind: " + ", ".join(f"{k} {n}" for k, n in r["dateparser_only_kinds"].items()),
        "",
        "dateparser-only samples:",
    ]
    lines += [f"  {sub!r:18} [{kind}]  …{ctx}…" for sub, kind, ctx in r["dateparser_only_samples"]]
    lines.append("stage-only samples:")
    lines += [f"  {sub!r:24} {value!s:12} …{ctx}…" for sub, value, ctx in r["stage_only_samples"]]
    return "\n".join(lines)


def load_corpus(corpus: Path = DEFAULT_CORPUS, *, words: int = 50_000, seed: int = 0) -> tuple[list[str], list[str | None]]:
    """Random articles (``<name>.txt`` + ``.meta.json`` ``published``) until about ``words`` words."""
    files = sorted(Path(corpus).glob("*.txt"))
    random.Random(seed).shuffle(files)
    texts, published, total = [], [], 0
    for path in files:
        if total >= words:
            break
        text = path.read_text(encoding="utf-8")
        meta = path.with_name(path.name + ".meta.json")
        pub = json.loads(meta.read_text(encoding="utf-8")).get("published") if meta.is_file() else None
        texts.append(text)
        published.append(pub)
        total += _words(text)
    return texts, published


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of .txt articles (+ .meta.json)")
    ap.add_argument("--words", type=int, default=50_000, help="about this many words of articles")
    ap.add_argument("--dateparser-words", type=int, default=None, help="feed dateparser at most this many words")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    texts, published = load_corpus(args.corpus, words=args.words, seed=args.seed)
    if not texts:
        print(f"no .txt articles in {args.corpus}", file=sys.stderr)
        return 1
    result = benchmark_dates(texts, published, dateparser_max_words=args.dateparser_words)
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The installable peers on the held-out span sample, scored like the pipeline.

``claims train evaluate-spans --kind figures --peer quantulum3`` (or ``--kind dates --peer dateparser``)
runs a peer over the sentences of the annotated windows of every held-out article, with offsets into
the article, and scores its records with the same scorer as the pipeline's
(:func:`pipeline.training.spans_eval.evaluate`): spans matched loosely whatever their label, value
P / R / F1 and value accuracy. The sentences are the body sentences of the project's segmenter,
clipped to the windows, so both systems read the same text.

Speed on that text: the peer over those sentences, and our stage alone (the components before it
run untimed) over Docs made of the same sentences, one Doc per article; both in words per second.

What a peer's record is:

- quantulum3 (``parser.parse``): each quantity's span and value; its unit mapped to ours
  (:data:`~pipeline.bench.figures.QUANTULUM_UNITS`), kind read from the unit by the scorer;
- dateparser (``search.search_dates`` with the article's publication date as ``RELATIVE_BASE``):
  each hit's span; its value the datetime at the granularity ``DateDataParser`` reports for the
  hit's text ("2019" -> 2019, "May 2019" -> 2019-05, "3 May 2019" -> 2019-05-03, a week -> 2019-W18);
  a peer without durations or sets gives every hit the type "date" ("relative" when it has no digit).

The peers are optional packages (the ``bench`` extra), imported only here and only when asked for.
"""
from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PEERS = {"quantulum3": "figures", "dateparser": "dates"}
_DIGIT = re.compile(r"\d")


class PeerMissing(RuntimeError):
    """The peer's package is not installed."""


@dataclass
class WindowText:
    """The sentences of one article's annotated windows: (start_char in the article, text)."""

    sentences: list[tuple[int, str]]
    published: str | None

    @property
    def words(self) -> int:
        return sum(len(t.split()) for _, t in self.sentences)  # whitespace-separated, as pipeline.bench.figures


def window_texts(articles: Sequence, gold_docs: Sequence[dict]) -> list[WindowText]:
    """The body sentences of each article (the project's segmenter) inside its gold windows,
    clipped to the window and stripped; offsets stay those of the article."""
    import spacy

    from .. import registry  # noqa: F401  registers the factories
    from ..stages.segment import body_sentences

    nlp = spacy.blank("en")
    nlp.add_pipe("claims_segmenter")
    nlp.initialize()
    nlp.max_length = max([nlp.max_length, *(len(a.text) + 1 for a in articles)])
    out = []
    for article, gold in zip(articles, gold_docs):
        doc = nlp(article.text)
        sentences = []
        for sent in body_sentences(doc):
            for a, b in gold["windows"]:
                start, end = max(a, sent.start_char), min(b, sent.end_char)
                chunk = article.text[start:end]
                if end > start and chunk.strip():
                    lead = len(chunk) - len(chunk.lstrip())
                    sentences.append((start + lead, chunk.strip()))
        out.append(WindowText(sentences, article.published))
    return out


def peer_records(peer: str, texts: Sequence[WindowText]) -> tuple[list[list[dict]], float]:
    """Each article's records from ``peer`` and the seconds the peer itself took (its calls only)."""
    if peer == "quantulum3":
        return _quantulum_records(texts)
    if peer == "dateparser":
        return _dateparser_records(texts)
    raise ValueError(f"unknown peer {peer!r} (one of {', '.join(PEERS)})")


def _quantulum_records(texts: Sequence[WindowText]) -> tuple[list[list[dict]], float]:
    from .figures import quantulum_extractor

    extract = quantulum_extractor()
    if extract is None:
        raise PeerMissing("quantulum3 is not installed (pip install -e '.[bench]')")
    extract("warm up: 3 km")
    out, seconds = [], 0.0
    for text in texts:
        records = []
        for start, sentence in text.sentences:
            t0 = time.perf_counter()
            found = extract(sentence)
            seconds += time.perf_counter() - t0
            records += [{"start_char": start + f.start, "end_char": start + f.end, "value": f.value, "unit": f.unit,
                         "kind": "other"} for f in found]
        out.append(records)
    return out, seconds


def _dateparser_records(texts: Sequence[WindowText]) -> tuple[list[list[dict]], float]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from dateparser.date import DateDataParser  # type: ignore[import-not-found]
            from dateparser.search import search_dates  # type: ignore[import-not-found]
    except ImportError:
        raise PeerMissing("dateparser is not installed (pip install -e '.[bench]')") from None
    from .dates import _anchor_datetime

    search_dates("warm up: 3 May 2019", languages=["en"])
    out, seconds = [], 0.0
    for text in texts:
        settings = {"RELATIVE_BASE": anchor} if (anchor := _anchor_datetime(text.published)) else {}
        periods = DateDataParser(languages=["en"], settings=settings)
        records = []
        for start, sentence in text.sentences:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    hits = search_dates(sentence, languages=["en"], settings=settings) or []
                except Exception:  # dateparser raises on some inputs: count it as "found nothing"
                    hits = []
            seconds += time.perf_counter() - t0
            records += _date_records(sentence, start, hits, periods)
        out.append(records)
    return out, seconds


def _date_records(sentence: str, start: int, hits, periods) -> list[dict]:
    """dateparser's hits in one sentence as date records (offsets found left to right)."""
    records, at = [], 0
    for surface, when in hits:
        k = sentence.find(surface, at)
        if k < 0:
            continue
        at = k + len(surface)
        records.append({"start_char": start + k, "end_char": start + at, "type": "date",
                        "relative": not _DIGIT.search(surface), "value": timex_value(surface, when, periods)})
    return records


def timex_value(surface: str, when, periods) -> str:
    """The datetime at the granularity dateparser gives the surface text (year, month, week, day, time)."""
    try:
        period = periods.get_date_data(surface).period or "day"
    except Exception:
        period = "day"
    if period == "year":
        return f"{when.year:04d}"
    if period == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if period == "week":
        year, week, _ = when.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period == "time":
        return when.strftime("%Y-%m-%dT%H:%M")
    return when.strftime("%Y-%m-%d")


def stage_seconds(kind: str, texts: Sequence[WindowText], *, repeat: int = 3) -> float:
    """Seconds of our ``kind`` stage alone (fastest of ``repeat`` passes) over Docs made of the same
    sentences as the peer reads (one Doc per article, sentences one per line); the components
    before it in the default pipeline run untimed."""
    from ..run import build_nlp

    nlp = build_nlp(None, {})
    names = nlp.pipe_names
    stage = nlp.get_pipe(kind)
    with nlp.select_pipes(enable=names[: names.index(kind)]):
        docs = []
        for text in texts:
            doc = nlp("\n".join(t for _, t in text.sentences))
            doc._.published = text.published
            docs.append(doc)
    return min(_timed(stage, docs) for _ in range(repeat))


def _timed(stage: Callable, docs: list) -> float:
    t0 = time.perf_counter()
    for doc in docs:
        stage(doc)
    return time.perf_counter() - t0

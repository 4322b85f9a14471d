"""Find the figures of a Doc (:func:`find_figures`) or of a string (:func:`figures_in_text`,
:func:`normalize_figure`, :func:`normalize_money`). Pure: nothing is written to the Doc."""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterator

from spacy.tokens import Doc, Span

from ...extensions import SPANS_DATES, SPANS_ENTITIES, SPANS_PARAGRAPHS, doc_text
from .figure import Fig
from .numbers import plural_of, singularize
from .resources import FigureRules, default_rules, document_dollar
from .scan import scan_sentence
from .tokens import DASHES
from .speed import RangeIndex, body_sentence_ranges, gate_ranges, may_hold_figure

LOGGER = logging.getLogger("claims.figures")
# spaCy NER labels that are themselves numeric: a figure may sit inside them.
NUMERIC_ENT_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
TEMPORAL_ENT_LABELS = frozenset({"DATE", "TIME"})
NUM_DEP_LABELS = frozenset({"nummod"})
ORDINAL_DEP_LABELS = frozenset({"amod", "nummod", "compound"})
SUBJ_DEP_LABELS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "csubj"})
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
_DIGIT_RE = re.compile(r"\d")


def find_figures(doc: Doc, rules: FigureRules | None = None, *, use_parse: bool = True) -> list[tuple[Span, dict]]:
    """(span, figure dict) for every figure in the body sentences of ``doc``, in text order. Pure:
    nothing is written to the Doc."""
    rules = rules or default_rules()
    blocked, dates = blocked_ranges(doc)
    blocked_index, dates_index = RangeIndex(blocked), RangeIndex(dates)
    para_starts = paragraph_starts(doc)
    parsed = use_parse and doc.has_annotation("DEP")
    lemmatized = doc.has_annotation("LEMMA")
    dollar = document_dollar(rules, doc_text(doc))
    state: dict = {"dollar": dollar}
    current_para = -1
    out: list[tuple[Span, dict]] = []
    sentences = list(body_sentence_ranges(doc))
    gates = gate_ranges(rules.gates, doc_text(doc), [(a, b) for a, b, _ in sentences])
    for (base, sent_end, text), gated in zip(sentences, gates):
        if not gated:
            continue
        para = bisect_right(para_starts, base) - 1
        if para != current_para:
            state = {"year": state.get("year"), "dollar": dollar}
            current_para = para
        local_blocked = blocked_index.local(base, sent_end)
        local_dates = dates_index.local(base, sent_end)
        if not may_hold_figure(rules.gates, text, local_blocked, local_dates):
            continue  # every number is in a name or a date: scanning would find nothing
        try:
            figs = scan_sentence(text, rules, blocked=local_blocked, dates=local_dates, state=state, gated=True)
        except Exception as err:  # a rule bug must cost one sentence, not the whole article
            LOGGER.warning("figures: skipped the sentence at %d of %r: %s: %s", base, doc._.doc_id, type(err).__name__, err)
            continue
        out.extend(_sentence_figures(doc, base, text, figs, rules, parsed=parsed, lemmatized=lemmatized))
    return _first_of_overlapping(out)


def _sentence_figures(doc: Doc, base: int, text: str, figs: list[Fig], rules: FigureRules, *,
                      parsed: bool, lemmatized: bool) -> list[tuple[Span, dict]]:
    """(span, figure dict) of the figures of the sentence at ``base``: aligned to tokens, refined
    with the parse, ``compared_with`` as the other figure's span offsets."""
    kept: list[tuple[Span, Fig]] = []
    for f in figs:
        span = align(doc, base + f.start, base + f.end, base + number_start(text, f), f.kind)
        if span is not None:
            kept.append((span, f))
    if parsed or lemmatized:
        for span, f in kept:
            refine_with_parse(doc, span, f, rules, parsed=parsed, lemmatized=lemmatized)
    span_of = {id(f): span for span, f in kept}
    out = []
    for span, f in kept:
        d = f.as_dict()
        if f.compared is not None and id(f.compared) in span_of:
            ospan = span_of[id(f.compared)]
            d["compared_with"] = [ospan.start_char, ospan.end_char]
        out.append((span, d))
    return out


def _first_of_overlapping(found: list[tuple[Span, dict]]) -> list[tuple[Span, dict]]:
    """Overlapping spans (after token expansion): keep the first."""
    result: list[tuple[Span, dict]] = []
    last_end = -1
    for span, d in sorted(found, key=lambda x: (x[0].start_char, -x[0].end_char)):
        if span.start_char < last_end:
            continue
        result.append((span, d))
        last_end = span.end_char
    return result


def blocked_ranges(doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(entities, dates) char ranges. A number inside a named entity (not a numeric NER label such as
    MONEY or CARDINAL) is never a figure; a number inside a date is one only as a duration."""
    blocked: list[tuple[int, int]] = []
    dates: list[tuple[int, int]] = [(s.start_char, s.end_char) for s in doc.spans.get(SPANS_DATES, [])]
    for ent in list(doc.ents) + list(doc.spans.get(SPANS_ENTITIES, [])):
        if ent.label_ in NUMERIC_ENT_LABELS:
            continue
        (dates if ent.label_ in TEMPORAL_ENT_LABELS else blocked).append((ent.start_char, ent.end_char))
    return sorted(blocked), sorted(dates)


def paragraph_starts(doc: Doc) -> list[int]:
    """Start offsets of the paragraphs (``doc.spans["paragraphs"]``, else blank-line breaks)."""
    paras = doc.spans.get(SPANS_PARAGRAPHS)
    if paras is not None and len(paras):
        return sorted(p.start_char for p in paras)
    text = doc_text(doc)
    return [0] + [m.end() for m in _PARAGRAPH_BREAK_RE.finditer(text)]


def number_start(text: str, f: Fig) -> int:
    """Offset (in the sentence) of the figure's first digit or number word."""
    m = _DIGIT_RE.search(text, f.start, f.end)
    return m.start() if m else f.start


def align(doc: Doc, start: int, end: int, number_at: int, label: str) -> Span | None:
    """The spaCy span for a figure's characters: exact when token boundaries agree; otherwise shrunk to
    whole tokens if that keeps the number ("poisons”—a" stays out), else grown to whole tokens."""
    span = doc.char_span(start, end, label=label)
    if span is not None and len(span):
        return span
    span = doc.char_span(start, end, label=label, alignment_mode="contract")
    if span is not None and len(span) and span.start_char <= number_at < span.end_char:
        return span
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    return span if span is not None and len(span) else None


def refine_with_parse(doc: Doc, span: Span, fig: Fig, rules: FigureRules, *, parsed: bool, lemmatized: bool) -> None:
    """Use the dependency parse / lemmas when present: the counted noun and the subject of the verb
    (writes unit and measured where the surface rules left them open; a count's unit is the noun
    in the plural, :func:`~.numbers.plural_of`)."""
    # The surface rules' counted noun wins: on real text the parse attaches numbers to compounds
    # ("250 Abrams tanks" -> "Abrams") and the lemmatizer misses plurals ("troops"). The parse and
    # lemmas only fill in what the rules left open, and the curated lemma table beats the model.
    if fig.kind == "count" and fig.head_i is not None and lemmatized and not fig.unit:
        head_tok = doc.char_span(span.end_char - 1, span.end_char, alignment_mode="expand")
        if head_tok is not None and len(head_tok):
            if head_tok[0].is_alpha:
                fig.unit = plural_of(head_tok[0].text, rules)
    if not parsed:
        return
    if fig.kind == "ordinal" and fig.unit != "rank":
        _ranked_noun_from_parse(span, fig, rules)
        return
    num = next((tok for tok in span if tok.like_num or tok.is_digit), None)
    if num is None:
        return
    if fig.kind == "count" and not fig.unit and num.dep_ in NUM_DEP_LABELS and num.head.pos_ in ("NOUN", "PROPN") and num.head.i >= num.i:
        head = num.head
        fig.unit = plural_of(head.text, rules)
    if fig.measured is None and fig.kind in ("money", "quantity", "other", "percent"):
        fig.measured = _parsed_subject(doc, num, rules)


def _ranked_noun_from_parse(span: Span, fig: Fig, rules: FigureRules) -> None:
    """An ordinal's unit from the parse: the noun it modifies, when that noun comes after it within
    five tokens ("its 75th anniversary falls on ...": anniversary). Hyphenated ordinals keep the
    glued noun ("sixth-generation")."""
    tok = span[0]
    if any(c in DASHES for c in span.text):
        return
    head = tok.head
    while head.dep_ == "compound" and head.head.i > head.i and head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head  # "the 14th sanctions package": package
    if tok.dep_ in ORDINAL_DEP_LABELS and head.pos_ in ("NOUN", "PROPN") and 0 < head.i - tok.i <= 5 and head.is_alpha \
            and head.text[0].islower():
        fig.unit = singularize(head.text, rules).lower()


def _parsed_subject(doc: Doc, num, rules: FigureRules) -> str | None:
    """The subject of the verb governing the number token (climbing at most 6 heads), without a
    leading determiner; None for a pronoun or a subject that holds the number."""
    tok = num
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT":
            break
        tok = tok.head
    subj = [c for c in tok.children if c.dep_ in SUBJ_DEP_LABELS]
    if not subj or (subj[0].left_edge.i <= num.i <= subj[0].right_edge.i):
        return None
    s = doc[subj[0].left_edge.i : subj[0].right_edge.i + 1]
    determiners = rules.words.determiner
    words = [t.text_with_ws for t in s if t.lower_ not in determiners or t.i != s.start]
    text = "".join(words).strip()
    if text and text.lower() not in rules.words.subject_pronoun:
        return text
    return None


def normalize_money(text: str, rules: FigureRules | None = None) -> dict | None:
    """{"value", "currency", "scale"} of the first money figure in ``text``, or None.

    >>> normalize_money("US$ 200 million")
    {'value': 200000000, 'currency': 'USD', 'scale': 1000000}
    """
    for f in scan_sentence(text, rules):
        d = f.as_dict()
        if d["kind"] in ("money",) or (d["kind"] == "range" and d["currency"]):
            return {"value": d["value"], "currency": d["currency"], "scale": d["scale"]}
    return None


def normalize_figure(text: str, rules: FigureRules | None = None) -> dict | None:
    """The figure dict of the first figure in ``text`` (a sentence or a phrase), or None."""
    figs = scan_sentence(text, rules)
    return figs[0].as_dict() if figs else None


def figures_in_text(text: str, rules: FigureRules | None = None) -> Iterator[tuple[int, int, dict]]:
    """(start, end, figure dict) for each figure in a sentence string (no Doc needed)."""
    for f in scan_sentence(text, rules):
        yield f.start, f.end, f.as_dict()

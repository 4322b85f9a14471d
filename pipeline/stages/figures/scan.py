"""Find the figures of one sentence: walk its light tokens, read a number at each candidate and
build the figure around it (qualifier, currency, unit, counted noun, range, change), then run the
sentence passes (changes, comparisons, sources, what each figure measures).

Every function takes the :class:`~.tokens.Sentence` view and returns what it found; the only state
of a scan is the set of numbers rejected as labels, held by :func:`scan_numbers` itself.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .ages import AGE_UNIT, age_end
from .changes import ChangeFromTo, compare_pairs, mark_changes, range_after, share_alternatives
from .context import units_from_context
from .counts import counted_after
from .figure import Fig, Group, Label
from .filters import (
    group_ok, in_idiom, is_date_number, is_heading, is_label, looks_like_year, number_is_code, overlaps,
    titlecase_before,
)
from .groups import currency_before, read_group, with_percent
from .measured import measured
from .numbers import plural_of
from .ordinals import heading_ordinals, ordinal_at
from .qualifiers import qualifier_after, qualifier_before
from .resources import FigureRules, default_rules
from .sources import sentence_sources
from .speed import sentence_gate
from .sentence import Sentence
from .tokens import DASHES
from .units import currency_after, fraction_after, measure_after
from .years import heading_years, year_at

_ROMAN_RE = re.compile(r"[IVXLC]+")
_NUMBER_OF_RE = re.compile(r"(?:the )?number of (?:[\w-]+ )*?([a-z][\w-]*s)\b")

Found = Fig | list | Label | None  # what one try at a token gives


def scan_sentence(
    text: str,
    rules: FigureRules | None = None,
    *,
    blocked: Sequence[tuple[int, int]] = (),
    dates: Sequence[tuple[int, int]] = (),
    state: dict | None = None,
    gated: bool = False,
) -> list[Fig]:
    """The figures of one sentence, offsets relative to ``text``. Pure (``state`` carries the
    paragraph context: last poll source, its year, the last surveyed population and the last count;
    and the document's: ``"dollar"``, the code of a bare "$" when it is not USD)."""
    rules = rules or default_rules()
    state = state if state is not None else {}
    if not gated and not sentence_gate(rules.gates, text):
        return []
    if is_heading(text):
        # a heading's numbers are labels or titles ("Section 2", "Twenty Years On"); its ordinals
        # before a noun rank ("Caldoria's Fifth Round of Talks"); its years are years ("Since 2014")
        s = Sentence.of(text, rules, blocked, dates)
        found = [f for f in heading_ordinals(s) + heading_years(s) if _kept(s, f)]
        return sorted(found, key=lambda f: f.start)
    s = Sentence.of(text, rules, blocked, dates, state.get("dollar"))
    found = scan_numbers(s)
    # calendar years take no part in the sentence passes (no change, comparison, source or counted noun)
    years = [f for f in found if f.kind == "year"]
    figs = [f for f in found if f.kind != "year"]
    for f in figs:
        if f.kind == "count" and f.unit is None:
            f.kind = "other"
    if not figs:
        return years
    share_alternatives(s, figs)
    mark_changes(s, figs)
    compare_pairs(s, figs)
    sentence_sources(s, figs, state)
    for f in figs:
        f.measured = measured(s, f, state)
        if f.measured is not None:
            f.measured = f.measured.strip(" ,;:.“”\"‘’'()[]—–-") or None
        if f.unit is None and f.kind == "other":
            m = _NUMBER_OF_RE.search(f.measured or "") or _NUMBER_OF_RE.search(text[: f.start])
            if m:  # "the number of allies ... rose from three to eight": counts of allies
                f.unit, f.kind = plural_of(m.group(1), rules), "count"
    units_from_context(s, figs, state)
    # the poll of the previous sentence covers this one's percentages (same paragraph)
    carried = state.get("poll_source")
    own_poll = next((f.source for f in figs if f.source_is_poll), None)
    for f in figs:
        if f.source is None and carried and (f.kind == "percent" or f.unit == "fraction"):
            f.source = carried
    state["poll_source"] = own_poll or carried
    return sorted(figs + years, key=lambda f: f.start) if years else figs


def scan_numbers(s: Sentence) -> list[Fig]:
    """Every figure of the sentence, left to right, before the sentence passes; a figure whose
    number lies in a name, an idiom or a date (unless it is a duration) is dropped."""
    figs: list[Fig] = []
    labels: set[int] = set()
    toks = s.toks
    starts = s.rules.start_words
    after_article = s.rules.gates.after_article
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if not t.is_digit and t.lower not in starts:
            i += 1
            continue
        if (t.lower == "a" or t.lower == "an") and (i + 1 == n or toks[i + 1].lower not in after_article):
            # the commonest start word: every try below rejects it unless a scale or fraction
            # word follows ("a million", "a quarter"), so skip the calls
            i += 1
            continue
        found = (t.is_digit and year_at(s, i)) or ordinal_at(s, i) or multiplier_at(s, i) or figure_at(s, i, labels)
        if isinstance(found, list):
            got = [f for f in found if isinstance(f, Fig)]
            labels.update(x.index for x in found if isinstance(x, Label))
            figs.extend(got)
            i = max([f.i1 for f in got] + [i + 1])
        elif isinstance(found, Fig):
            figs.append(found)
            i = found.i1
        else:
            if found is not None:
                labels.add(found.index)
            i = _past_glued_tail(s, i) + 1
    return [f for f in figs if _kept(s, f)]


def _past_glued_tail(s: Sentence, i: int) -> int:
    """A rejected number takes its glued tail with it: "pp. 28–29", "10:30", "SY-12-01" (the index
    of the tail's last token)."""
    toks = s.toks
    if not toks[i].is_digit:
        return i
    while i + 1 < len(toks) and s.glued(i, i + 1):
        nxt = toks[i + 1]
        joins = nxt.is_digit or nxt.text in DASHES or nxt.text in ("/", ":", "+", ".")
        if not (joins and (i + 2 < len(toks) and s.glued(i + 1, i + 2) or nxt.is_digit)):
            break
        i += 1
    return i


def _kept(s: Sentence, f: Fig) -> bool:
    """A number inside a name or an idiom is no figure; one inside a date is the dates stage's,
    except a duration ("more than seven decades"), a century ("the nineteenth century") and a
    calendar year ("May 2019": both records exist). A year inside a name is one ("the 2031 Lisbon
    summit"): :mod:`.years` has already refused those glued to or titled by a name ("Shield-2029")."""
    a, b = s.toks[f.n0].start, s.toks[f.n0].end
    if f.kind == "year":
        return not in_idiom(s, a, b)
    if overlaps(a, b, s.blocked) or in_idiom(s, a, b):
        return False
    if not overlaps(a, b, s.dates):
        return True
    if f.kind == "ordinal":
        return f.unit in s.words.ordinal_in_date  # "the nineteenth century", not "the first quarter"
    return bool(f.unit and (s.rules.unit_dimension.get(f.unit) == "time" or f.unit == AGE_UNIT))


def multiplier_at(s: Sentence, i: int) -> Fig | None:
    """ "doubled", "halved", "twice", "threefold", "3-fold", "three times"."""
    t = s.toks[i]
    rules = s.rules
    entry = rules.number_words.get(t.lower) if t.is_word else None
    if entry is not None and entry[1] == "multiplier":
        if t.lower == "twice":
            nxt = s.tok(i + 1)
            q = rules.qual_before.match_before(s.toks, i)
            if not (q or (nxt is not None and nxt.lower in s.words.twice_next)):
                return None
        fig = Fig(start=t.start, end=t.end, i0=i, i1=i + 1, n0=i, value=entry[0], unit="multiplier", kind="other", change=entry[2])
        _take_qualifier_before(s, fig)
        return fig
    verb = rules.factor_verbs.get(t.lower) if t.is_word else None
    if verb is not None:
        prev = s.tok(i - 1)
        if prev is not None and prev.lower in s.words.factor_verb_before:
            return Fig(start=t.start, end=t.end, i0=i, i1=i + 1, n0=i, value=verb[0], unit="multiplier", kind="other", change=verb[1])
    return None


def figure_at(s: Sentence, i: int, labels: set[int]) -> Found:
    """The figure whose number starts at token i: a Fig, two (a change "from 12 to 9"), a
    :class:`Label` (the number is a label, "Article 5"), or None. ``labels``: the numbers rejected
    as labels so far ("Articles 4 and 5")."""
    t = s.toks[i]
    if not (t.is_digit or t.is_word):
        return None
    if t.is_word and t.lower in s.words.one_before_percent:
        return _one_percent_unit(s, i)
    if t.is_word and t.lower not in s.rules.number_words and t.lower not in ("a", "an"):
        return None
    g = read_group(s, i)
    if g is None or not group_ok(s, g):
        return None
    p1, p2 = s.tok(i - 1), s.tok(i - 2)
    if p1 is not None and p1.text == "=":
        return None  # "n = 16": notation
    if p1 is not None and p2 is not None and p1.lower in ("and", "or", ",", "&", "/") and (i - 2) in labels:
        return Label(i)  # "Phases 1 and 2", "Articles 4 and 5"
    cur = currency_before(s, g.n0)
    if cur is not None:
        code = cur[0]
        if s.dollar and s.toks[cur[1]].lower in s.rules.bare_dollar and cur[1] == g.n0 - 1:
            code = s.dollar  # "$5bn" in a document that writes "A$" elsewhere
        g = replace(g, currency=code, i0=cur[1])
    if number_is_code(s, g.n0, g.n1, g.currency is not None):
        return None
    if g.currency is None and is_label(s, g.n0):
        return Label(g.n0)
    g, second = range_after(s, with_percent(s, g))
    if isinstance(second, ChangeFromTo):
        return change_pair(s, second)
    return build_figure(s, g, second)


def _one_percent_unit(s: Sentence, i: int) -> Fig | None:
    """ "by a single percentage point": one percent unit (the word means one only there)."""
    prev = s.tok(i - 1)
    i0 = i - 1 if prev is not None and prev.lower in ("a", "one") and s.spaced(i - 1, i) else i
    g = with_percent(s, Group(i0=i0, n0=i, n1=i + 1, value=1.0, is_digit=False, raw_words=True))
    if g.kind != "percent":
        return None
    fig = build_figure(s, g, None)
    return fig if isinstance(fig, Fig) else None


def change_pair(s: Sentence, pair: ChangeFromTo) -> list[Fig | Label]:
    """ "fell from 12 to 9": two figures, each with the change, set against each other."""
    g1, g2 = pair.first, pair.second
    f1 = build_figure(s, g1, None, allow_count=False, keep_bare=True)
    f2 = build_figure(s, g2, None, keep_bare=True)
    if not isinstance(f1, Fig) or not isinstance(f2, Fig):
        return [f for f in (f1, f2) if f is not None]
    if f1.unit is None and f2.unit is not None:
        f1.unit, f1.kind = f2.unit, f2.kind
    for f in (f1, f2):
        f.change = pair.change
        f.change_from = g1.value
        f.change_to = g2.value
    f1.compared, f2.compared = f2, f1
    return [f1, f2]


def build_figure(s: Sentence, g: Group, ranged: Group | None, *, allow_count: bool = True,
                 keep_bare: bool = False) -> Fig | Label | None:
    """The figure of a number group (``ranged``: the same group read as a range): qualifiers,
    currency, unit or counted noun after the number; None (or a :class:`Label`) when it is none."""
    last = ranged if ranged is not None else g
    j = last.n1
    fig = Fig(start=s.toks[g.i0].start, end=s.toks[j - 1].end, i0=g.i0, i1=j, n0=g.n0,
              value=last.value if ranged is not None else g.value, unit=last.unit or g.unit,
              kind=last.kind or g.kind or "other", currency=last.currency or g.currency,
              scale=last.scale or g.scale)
    # "-plus", "+", "or more" right after the number (before a unit / noun)
    _take_qualifier_after(s, fig)
    if fig.kind != "percent":
        cur = currency_after(s, fig.i1, fig.scale, fig.currency)  # "22 billion kronor", "600 billion USD"
        if cur is not None:
            bare = s.dollar and cur[1] == fig.i1 + 1 and s.toks[fig.i1].lower in s.rules.bare_dollar
            fig.currency = fig.currency or (s.dollar if bare else cur[0])
            _extend(s, fig, cur[1])
    if fig.currency is not None:
        fig.kind = "money"
        fig.unit = fig.currency
    elif fig.kind != "percent" and not _take_unit(s, fig, g, allow_count):
        return None
    if fig.kind in ("other", "quantity"):
        end = age_end(s, fig, g)
        if end is not None:  # "65 years of age", "the minister, 54, resigned", "aged 18 to 60"
            fig.unit, fig.kind = AGE_UNIT, "quantity"
            if ranged is None:
                _extend(s, fig, end)
    _take_qualifier_after(s, fig)
    _take_qualifier_before(s, fig)
    if ranged is not None:
        fig.kind = "range"
        p = s.tok(fig.i0 - 1)
        if p is not None and p.lower in ("between", "from") and s.spaced(fig.i0 - 1, fig.i0):
            fig.i0, fig.start = fig.i0 - 1, p.start  # the span reads "between 2,000 and 3,000 troops"
    return _checked(s, fig, g, ranged, keep_bare)


def _extend(s: Sentence, fig: Fig, i1: int) -> None:
    """The figure now ends before token ``i1``."""
    fig.i1, fig.end = i1, s.toks[i1 - 1].end


def _take_qualifier_after(s: Sentence, fig: Fig) -> None:
    found = qualifier_after(s, fig.i1)
    if found is not None:
        fig.qualifier = found[0]
        _extend(s, fig, found[1])


def _take_qualifier_before(s: Sentence, fig: Fig) -> None:
    found = qualifier_before(s, fig.i0, fig.unit)
    if found is not None:
        fig.qualifier, fig.i0 = found
        fig.start = s.toks[fig.i0].start


def _take_unit(s: Sentence, fig: Fig, g: Group, allow_count: bool) -> bool:
    """The unit, fraction or counted noun after a number that is neither money nor a percent;
    False when the word after it makes the number part of a name ("the 1718 Committee")."""
    if fig.unit is None:
        m = measure_after(s, fig.i1)
        if m is not None:
            fig.unit, fig.kind = m.unit, m.kind
            fig.counted = m.counted if m.counted is not None else fig.counted
            _extend(s, fig, m.end)
    j = fig.i1
    nx = s.tok(j)
    if fig.unit is None and nx is not None and nx.is_word and nx.lower in s.rules.name_after and s.spaced(j - 1, j):
        return False  # "the 1718 Committee", "a 2+2 format"
    if fig.unit is None:
        m = fraction_after(s, fig, g)
        if m is not None:
            fig.unit, fig.kind = m.unit, m.kind
            if m.value is not None:
                fig.value = m.value
            if m.counted is not None:
                fig.counted = m.counted
            _extend(s, fig, m.end)
    if fig.unit is None and allow_count:
        c = counted_after(s, fig, g)
        if c is not None:
            if c.unit is not None:
                fig.unit, fig.kind = c.unit, "count"
            if c.head_i is not None:
                fig.head_i = c.head_i
            if c.counted is not None:
                fig.counted = c.counted
            _extend(s, fig, c.end)
    return True


def _checked(s: Sentence, fig: Fig, g: Group, ranged: Group | None, keep_bare: bool) -> Fig | Label | None:
    """The built figure, or None when what surrounds it shows it is not one (a year, a day, a
    suspended hyphen, a bare spelled-out number, a score, a name, a section or list number), or a
    :class:`Label` when a Title-case word before it makes it part of a name ("Nord Stream 2")."""
    if ranged is None and looks_like_year(s, g):
        return None
    sus = s.tok(fig.i1)
    if fig.unit is None and sus is not None and sus.text in DASHES and s.glued(fig.i1 - 1, fig.i1) and not s.glued(fig.i1, fig.i1 + 1):
        return None  # a suspended hyphen: "the 4-, 3- and 2-nanometer nodes"
    if g.raw_words and fig.unit is None and fig.kind == "other" and not keep_bare and _bare_words(s, fig, g):
        return None
    if ranged is None and is_date_number(s, g):
        return None
    if g.currency is None and fig.qualifier is None and titlecase_before(s, g.n0) and fig.kind not in ("percent",) and fig.scale is None:
        return Label(g.n0)
    if ranged is None and fig.i1 == g.n1 and _dash_digits_after(s, g.n1):
        return None  # "361–77", "3-0": numbers joined by a dash that are not a range
    nxt = s.tok(fig.i1)
    if nxt is not None and nxt.is_word and nxt.lower in s.rules.name_after and g.currency is None and fig.kind != "percent":
        return None
    # durations "two years ago" are dates
    if fig.unit is not None and s.rules.unit_dimension.get(fig.unit) == "time":
        if nxt is not None and nxt.lower in s.words.duration_after:
            return None
    if _section_or_list_number(s, fig, g, nxt):
        return None
    return fig


def _bare_words(s: Sentence, fig: Fig, g: Group) -> bool:
    """A bare spelled-out number ("not just one", "in two", "top three", "Six New Frameworks") is
    not evidence; "zero", "a million" and partitives ("three of them") are."""
    nx, nx2 = s.tok(g.n1), s.tok(g.n1 + 1)
    partitive_of_number = nx is not None and nx.lower == "of" and nx2 is not None and nx2.is_digit
    if not (g.value == 0 or g.value >= 100 or fig.i1 > g.n1 or partitive_of_number):
        return True
    return nx is not None and nx.text in DASHES and s.glued(g.n1 - 1, g.n1)  # "an eight-phase timeline"


def _dash_digits_after(s: Sentence, n1: int) -> bool:
    """A dash glued after the number and digits glued after the dash."""
    return (s.tok(n1) is not None and s.toks[n1].text in DASHES and s.glued(n1 - 1, n1)
            and s.tok(n1 + 1) is not None and s.toks[n1 + 1].is_digit and s.glued(n1, n1 + 1))


def _section_or_list_number(s: Sentence, fig: Fig, g: Group, nxt) -> bool:
    """Section numbers opening a sentence ("1.1 Military component of ..."), enumerations ("1.",
    "2)") and bracketed list markers ("(1)", "[12]")."""
    if s.is_sentence_initial(g.n0) and g.is_digit and "." in s.toks[g.n0].text and fig.unit is None and fig.kind == "other":
        nx = s.tok(g.n1)
        if nx is not None and nx.is_word and nx.text[0].isupper():
            return True
    if s.is_sentence_initial(g.n0) and g.is_digit and nxt is not None and nxt.text in (".", ")") and fig.unit is None and s.glued(fig.i1 - 1, fig.i1):
        return True
    prev = s.tok(fig.i0 - 1)
    return (prev is not None and prev.text in ("(", "[") and nxt is not None and nxt.text in (")", "]")
            and fig.unit is None and fig.kind == "other" and g.is_digit and not _restated(s, fig.i0 - 1, g))


def _restated(s: Sentence, bracket: int, g: Group) -> bool:
    """Is the bracketed number a figure that restates or details what precedes it ("2% (1,640) of
    firms", "the BEF (226,000)", "Treatment A (10)") rather than a list marker ("two aims: (1) ...")?
    A number above 20, a decimal, or a bracket right after a figure or a name is one."""
    text = s.toks[g.n0].text
    if "," in text or "." in text or g.value > 20:
        return True
    before = s.tok(bracket - 1)
    if before is None or not s.spaced(bracket - 1, bracket):
        return False
    return before.is_digit or before.text == "%" or before.lower in s.words.percent_word or (
        before.is_word and before.text[0].isupper() and not s.is_sentence_initial(bracket - 1)
        and not _ROMAN_RE.fullmatch(before.text))  # not "subsection VIII (5)"

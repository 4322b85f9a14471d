"""Rule data of the figures stage: the specs of ``pipeline/resources/figures/*.tsv`` and the rules
compiled from their rows (:class:`FigureRules`).

Every file is read through :func:`pipeline.resources.load_table`, which checks the columns, the
closed sets (``enums``) and the numbers (``numeric``) and fails with file:line. What a spec cannot
say (an ISO 4217 code, a valid regular expression) is checked here, while the rows are compiled.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from ...resources import ResourceError, TableSpec, load_tables
from .figure import CHANGES, QUALIFIERS
from .speed import Gates, compile_gates, time_words
from .tokens import PhraseTable

NUMBER_WORD_TYPES = frozenset(
    {"unit", "teen", "tens", "hundred", "scale", "dozen", "fraction", "ordinal", "multiplier", "verb"}
)
CUE_ROLES = frozenset(
    {"source_verb", "source_prep", "poll_noun", "compare", "verb", "function", "not_plural", "clause",
     "over_noun", "source_noun"}
)
DIMENSIONS = frozenset(
    {"length", "area", "mass", "volume", "flow", "energy", "power", "speed", "data", "temperature", "angle", "time"}
)


@dataclass(frozen=True, slots=True)
class Words:
    """The word lists of ``figures/words.tsv``, one field per list (what each holds: the comment
    above its rows in the file). Lowercase forms, compared with a light token's lowercase form."""

    months: frozenset[str] = frozenset()
    day_range_joiner: frozenset[str] = frozenset()
    year_before: frozenset[str] = frozenset()
    invariant_plural: frozenset[str] = frozenset()
    vague_before_scale: frozenset[str] = frozenset()
    time_of_day: frozenset[str] = frozenset()
    superlative: frozenset[str] = frozenset()
    not_superlative: frozenset[str] = frozenset()
    spaced_superlative: frozenset[str] = frozenset()
    rank_verb: frozenset[str] = frozenset()
    ordinal_det: frozenset[str] = frozenset()
    ordinal_stop: frozenset[str] = frozenset()
    ordinal_noun_end: frozenset[str] = frozenset()
    ordinal_in_date: frozenset[str] = frozenset()
    noun_phrase_verb: frozenset[str] = frozenset()
    age_before: frozenset[str] = frozenset()
    age_person: frozenset[str] = frozenset()
    one_before_percent: frozenset[str] = frozenset()
    ordinal_period: frozenset[str] = frozenset()
    determiner: frozenset[str] = frozenset()
    copula: frozenset[str] = frozenset()
    factor_next: frozenset[str] = frozenset()
    pronoun: frozenset[str] = frozenset()
    person_noun: frozenset[str] = frozenset()
    chip_word: frozenset[str] = frozenset()
    metre_next: frozenset[str] = frozenset()
    clock_next: frozenset[str] = frozenset()
    twice_next: frozenset[str] = frozenset()
    factor_verb_before: frozenset[str] = frozenset()
    prepositional_qualifier: frozenset[str] = frozenset()
    over_duration_before: frozenset[str] = frozenset()
    one_bound: frozenset[str] = frozenset()
    fraction_blocker: frozenset[str] = frozenset()
    half_next: frozenset[str] = frozenset()
    percent_word: frozenset[str] = frozenset()
    point_abbrev: frozenset[str] = frozenset()
    ambiguous_currency: frozenset[str] = frozenset()
    duration_after: frozenset[str] = frozenset()
    partitive_det: frozenset[str] = frozenset()
    partitive_pronoun: frozenset[str] = frozenset()
    count_opener: frozenset[str] = frozenset()
    np_joiner: frozenset[str] = frozenset()
    ed_adjective: frozenset[str] = frozenset()
    subordinator: frozenset[str] = frozenset()
    subject_opener: frozenset[str] = frozenset()
    subject_cut_prep: frozenset[str] = frozenset()
    verb_aux: frozenset[str] = frozenset()
    weak_change_verb: frozenset[str] = frozenset()
    ed_verb_next: frozenset[str] = frozenset()
    s_verb_next: frozenset[str] = frozenset()
    np_before_skip: frozenset[str] = frozenset()
    not_measured_after: frozenset[str] = frozenset()
    time_prep: frozenset[str] = frozenset()
    rate_det: frozenset[str] = frozenset()
    rate_adverb: frozenset[str] = frozenset()
    money_prep: frozenset[str] = frozenset()
    invest_stem: frozenset[str] = frozenset()
    valuation_verb: frozenset[str] = frozenset()
    worth_word: frozenset[str] = frozenset()
    verb_figure_filler: frozenset[str] = frozenset()
    source_verb_adverb: frozenset[str] = frozenset()
    source_subject_stop: frozenset[str] = frozenset()
    source_noun_verb: frozenset[str] = frozenset()
    source_pronoun: frozenset[str] = frozenset()
    poll_by: frozenset[str] = frozenset()
    poll_org_stop: frozenset[str] = frozenset()
    source_lead: frozenset[str] = frozenset()
    subject_pronoun: frozenset[str] = frozenset()
    year_strong_before: frozenset[str] = frozenset()
    year_weak_before: frozenset[str] = frozenset()
    year_of_count: frozenset[str] = frozenset()
    year_det: frozenset[str] = frozenset()
    year_subject_verb: frozenset[str] = frozenset()
    year_prefix: frozenset[str] = frozenset()
    year_range_joiner: frozenset[str] = frozenset()
    year_joiner: frozenset[str] = frozenset()
    decade_before: frozenset[str] = frozenset()
    decade_age: frozenset[str] = frozenset()
    year_plural_next: frozenset[str] = frozenset()

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> Words:
        """Group ``form``/``list`` rows by list."""
        lists: dict[str, set[str]] = {name: set() for name in WORD_LISTS}
        for r in rows:
            lists[r["list"]].add(r["form"].lower())
        return cls(**{name: frozenset(words) for name, words in lists.items()})


WORD_LISTS = tuple(f.name for f in fields(Words))

TABLE_SPECS: dict[str, TableSpec] = {
    "currencies": TableSpec("figures/currencies.tsv", ("form", "code", "position"), ("dollar",),
                            enums={"position": frozenset({"prefix", "suffix", "both"}),
                                   "dollar": frozenset({"bare", "explicit"})}),
    "scales": TableSpec("figures/scales.tsv", ("form", "multiplier", "attached"),
                        enums={"attached": frozenset({"yes", "no", "only"})}, numeric=("multiplier",)),
    "number_words": TableSpec("figures/number_words.tsv", ("word", "value", "type"), ("change",),
                              enums={"type": NUMBER_WORD_TYPES, "change": frozenset(CHANGES)}, numeric=("value",)),
    "units": TableSpec("figures/units.tsv", ("form", "unit", "dimension"), enums={"dimension": DIMENSIONS}),
    "qualifiers": TableSpec("figures/qualifiers.tsv", ("form", "qualifier", "position"),
                            enums={"qualifier": frozenset(QUALIFIERS), "position": frozenset({"before", "after"})}),
    "changes": TableSpec("figures/changes.tsv", ("form", "change", "role"),
                         enums={"change": frozenset(CHANGES), "role": frozenset({"verb", "noun"})}),
    "cues": TableSpec("figures/cues.tsv", ("form", "role"), enums={"role": CUE_ROLES}),
    "negatives": TableSpec("figures/negatives.tsv", ("pattern", "kind"),
                           enums={"kind": frozenset({"idiom", "label_before", "name_after"})}),
    "lemmas": TableSpec("figures/lemmas.tsv", ("form", "lemma")),
    "words": TableSpec("figures/words.tsv", ("form", "list"), enums={"list": frozenset(WORD_LISTS)}),
}


def load_rows(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Every figures table as checked rows (packaged files unless ``root``)."""
    return load_tables(TABLE_SPECS, root=root)


@dataclass
class FigureRules:
    """Compiled lexicons. Build with :meth:`from_rows` (rows as returned by :func:`load_rows`)."""

    rows: dict[str, list[dict[str, str]]]
    currency_prefix: PhraseTable = field(default_factory=PhraseTable)
    currency_suffix: PhraseTable = field(default_factory=PhraseTable)
    bare_dollar: frozenset[str] = frozenset()  # lowercase forms that name no kind of dollar ("$", "dollars")
    explicit_dollar_re: re.Pattern | None = None  # the forms that do ("A$", "Australian dollars")
    explicit_dollar: dict[str, str] = field(default_factory=dict)  # such a form (lowercase, spaces single) -> code
    dollar_codes: tuple[str, ...] = ()  # the explicit forms that are codes ("AUD")
    scales: dict[str, tuple[float, str]] = field(default_factory=dict)
    number_words: dict[str, tuple[float, str, str | None]] = field(default_factory=dict)
    factor_verbs: dict[str, tuple[float, str | None]] = field(default_factory=dict)  # "double" -> (2, "increase")
    units: PhraseTable = field(default_factory=PhraseTable)
    unit_dimension: dict[str, str] = field(default_factory=dict)
    qual_before: PhraseTable = field(default_factory=PhraseTable)
    qual_after: PhraseTable = field(default_factory=PhraseTable)
    change_verbs: PhraseTable = field(default_factory=PhraseTable)
    change_nouns: dict[str, str] = field(default_factory=dict)
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    source_preps: PhraseTable = field(default_factory=PhraseTable)
    compare: PhraseTable = field(default_factory=PhraseTable)
    idioms: tuple[str, ...] = ()  # every idiom row as "(?:pattern)"
    idiom_re: re.Pattern | None = None
    label_before: frozenset[str] = frozenset()
    name_after: frozenset[str] = frozenset()
    lemmas: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, str] = field(default_factory=dict)  # lemma -> its first plural in lemmas.tsv
    start_words: frozenset[str] = frozenset()  # lowercase words a figure can start with
    words: Words = field(default_factory=Words)
    superlative_re: re.Pattern | None = None
    chip_re: re.Pattern | None = None
    gates: Gates | None = None

    @classmethod
    def from_rows(cls, rows: Mapping[str, list[dict[str, str]]]) -> FigureRules:
        """Compile checked rows (:func:`load_rows`, or the rows a saved pipeline wrote)."""
        rules = cls(rows={k: [dict(r) for r in v] for k, v in rows.items()})
        _add_currencies(rules, rows["currencies"])
        rules.scales = {r["form"].lower(): (float(r["multiplier"]), r["attached"]) for r in rows["scales"]}
        _add_number_words(rules, rows["number_words"])
        for r in rows["units"]:
            rules.units.add(r["form"], r["unit"])
            rules.unit_dimension[r["unit"]] = r["dimension"]
        for r in rows["qualifiers"]:
            (rules.qual_before if r["position"] == "before" else rules.qual_after).add(r["form"], r["qualifier"], exact=False)
        for r in rows["changes"]:
            if r["role"] == "verb":
                rules.change_verbs.add(r["form"], r["change"], exact=False)
            else:
                rules.change_nouns[r["form"].lower()] = r["change"]
        _add_cues(rules, rows["cues"])
        _add_negatives(rules, rows["negatives"])
        rules.lemmas = {r["form"].lower(): r["lemma"].lower() for r in rows["lemmas"]}
        for r in rows["lemmas"]:
            rules.plurals.setdefault(r["lemma"].lower(), r["form"].lower())
        words = rules.words = Words.from_rows(rows["words"])
        ordinals = {w[4:] for w in rules.number_words if w.startswith("ord:")}
        cardinal = {w for w in rules.number_words if not w.startswith("ord:")}
        rules.start_words = frozenset(cardinal | ordinals | {"a", "an"} | set(rules.factor_verbs) | words.one_before_percent)
        rules.superlative_re = re.compile(
            "(?:" + "|".join(map(re.escape, sorted(words.superlative))) + r"|[a-z]+est)$"
        )
        rules.chip_re = re.compile("|".join(map(re.escape, sorted(words.chip_word))), re.I)
        rules.gates = compile_gates(
            rules.number_words, factor_verbs=rules.factor_verbs, start_words=rules.start_words,
            time_words=time_words(rows["units"], rules.unit_dimension, rules.lemmas),
            idioms=rules.idioms, idiom_re=rules.idiom_re, one_bound=words.one_bound,
            superlatives=words.superlative | words.spaced_superlative, rank_verbs=words.rank_verb,
            ordinal_dets=words.ordinal_det, one_words=words.one_before_percent,
        )
        return rules

    def is_cue(self, role: str, word: str) -> bool:
        """Is ``word`` (lowercase) listed under ``role`` in ``cues.tsv``?"""
        return word in self.cues.get(role, ())


def _add_currencies(rules: FigureRules, rows: list[dict[str, str]]) -> None:
    bare, explicit, parts = set(), {}, []
    for r in rows:
        if not re.fullmatch(r"[A-Z]{3}", r["code"]):
            raise ResourceError(f"figures/currencies.tsv: bad ISO code {r['code']!r} for {r['form']!r}")
        if r["position"] in ("prefix", "both"):
            rules.currency_prefix.add(r["form"], r["code"], exact=True)
        if r["position"] in ("suffix", "both"):
            rules.currency_suffix.add(r["form"], r["code"])
        if r.get("dollar") == "bare":
            bare.add(r["form"].lower())
        elif r.get("dollar") == "explicit":
            form = " ".join(r["form"].split())
            explicit[form.lower()] = r["code"]
            body = re.escape(form).replace("\\ ", r"\s+")
            # symbols and codes as written, words in any case; never inside a longer word or symbol
            cased = body if not form.replace(" ", "").isalpha() or form.isupper() else "(?i:" + body + ")"
            parts.append(r"(?<![\w$])(?:" + cased + ")" + (r"(?!\w)" if form[-1].isalpha() else ""))
    rules.bare_dollar = frozenset(bare)
    rules.dollar_codes = tuple(f.upper() for f in explicit if "$" not in f and "dollar" not in f)
    rules.explicit_dollar = explicit
    rules.explicit_dollar_re = re.compile("|".join(sorted(parts, key=len, reverse=True))) if parts else None


def document_dollar(rules: FigureRules, text: str) -> str | None:
    """The code a bare "$" (or "dollars") has in a document (CONVENTIONS): USD (None here) unless the
    document writes one other kind of dollar explicitly ("A$", "Australian dollars") and no US dollar."""
    pattern = rules.explicit_dollar_re
    if pattern is None:
        return None
    # every explicit form holds "$", "dollar" or is an uppercase code: the alternation is tried only
    # around those (over a whole document it costs more than the rest of the stage)
    spots = _every(text, "$") + _every(text.lower(), "dollar")
    for code in rules.dollar_codes:
        spots += _every(text, code)
    codes = set()
    for k in spots:
        for m in pattern.finditer(text, max(0, k - 30), k + 30):
            codes.add(rules.explicit_dollar.get(" ".join(m.group(0).split()).lower()))
    codes.discard(None)
    if len(codes) == 1 and "USD" not in codes:
        return codes.pop()
    return None


def _every(text: str, sub: str) -> list[int]:
    """Every index of ``sub`` in ``text``."""
    out = []
    k = text.find(sub)
    while k >= 0:
        out.append(k)
        k = text.find(sub, k + 1)
    return out


def _add_number_words(rules: FigureRules, rows: list[dict[str, str]]) -> None:
    """Number words by lowercase word (ordinals as "ord:word"); the verbs of a factor ("double",
    "halve") apart, since they are no number word anywhere else."""
    for r in rows:
        word, kind, change = r["word"].lower(), r["type"], r.get("change") or None
        if kind == "verb":
            rules.factor_verbs[word] = (float(r["value"]), change)
            continue
        key = word if kind != "ordinal" else "ord:" + word
        if kind == "fraction" and word in rules.number_words:
            continue  # a fraction row never replaces an earlier row of the same word
        rules.number_words[key] = (float(r["value"]), kind, change)


def _add_cues(rules: FigureRules, rows: list[dict[str, str]]) -> None:
    cue_sets: dict[str, set[str]] = {}
    for r in rows:
        role = r["role"]
        if role == "source_prep":
            rules.source_preps.add(r["form"], True, exact=False)
        elif role == "compare":
            rules.compare.add(r["form"], r["form"].lower(), exact=False)
        else:
            cue_sets.setdefault(role, set()).add(r["form"].lower())
    rules.cues = {k: frozenset(v) for k, v in cue_sets.items()}


def _add_negatives(rules: FigureRules, rows: list[dict[str, str]]) -> None:
    idioms, labels, names = [], set(), set()
    for r in rows:
        if r["kind"] == "idiom":
            try:
                re.compile(r["pattern"])
            except re.error as err:
                raise ResourceError(f"figures/negatives.tsv: bad regex {r['pattern']!r}: {err}") from None
            idioms.append(f"(?:{r['pattern']})")
        elif r["kind"] == "label_before":
            labels.add(r["pattern"].lower().rstrip("."))
        else:
            names.add(r["pattern"].lower())
    rules.idioms = tuple(idioms)
    rules.idiom_re = re.compile("|".join(idioms), re.I) if idioms else None
    rules.label_before = frozenset(labels)
    rules.name_after = frozenset(names)


_DEFAULT_RULES: FigureRules | None = None


def default_rules() -> FigureRules:
    """The packaged rules, loaded once per process (used by the pure helpers)."""
    global _DEFAULT_RULES
    if _DEFAULT_RULES is None:
        _DEFAULT_RULES = FigureRules.from_rows(load_rows())
    return _DEFAULT_RULES

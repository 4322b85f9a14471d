"""The claims rule tables compiled once per pipeline: the cue PhraseMatcher, frame regexes, word
sets, score weights and the calibration map (:class:`ClaimRules`). Read-only after construction,
except for the lexeme cache of the speed layer (:class:`~.speed.LexemeIndex`)."""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..entities import pattern_keys
from .resources import MATCHED_LEXICONS, SCORE_FEATURES, TYPE_LEXICONS, expand_cue
from .speed import FramePlan, LexemeIndex

CONTEXT_CHECKED = frozenset({"attribution", "modality"})  # lexicons cue_applies checks beyond the row flags
TENSE_KINDS = (("past_verb", "past_verb"), ("past_aux", "past_aux"), ("present_aux", "present"))  # background kind -> tense label
UNMATCHED_BACKGROUND = frozenset({"past_verb", "past_aux", "present_aux", "boilerplate"})  # read as word tables, not matched


@dataclass(frozen=True, slots=True)
class CueRow:
    """One lexicon row (shared by all the phrases its cue expands to)."""

    lexicon: str
    cue: str
    weight: float = 0.0
    flags: frozenset[str] = frozenset()
    family: str = ""
    certainty: str = ""
    polarity: str = "pos"
    kind: str = ""
    type: str = ""
    # cue_applies has something to check: the row has flags, or its lexicon is CONTEXT_CHECKED
    # (a row without flags in another lexicon always applies); set from the fields above
    checked: bool = field(default=False, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checked", bool(self.flags) or self.lexicon in CONTEXT_CHECKED)


@dataclass(frozen=True)
class Frame:
    """A discontinuous cue: a regex run on a unit's text, gated by its trigger words."""

    name: str
    triggers: tuple[str, ...]  # the regex runs only if one of these occurs in the lowercased text
    regex: re.Pattern
    row: CueRow
    # the regex is anchored at the text start ("^..."): it fails at once on most texts, so it is
    # tried before the trigger gate (both must hold; the order only changes the cost)
    anchored: bool = False


@dataclass(frozen=True)
class WordSets:
    """The word lists the speaker, context and tense rules read (speakers.tsv, discourse.tsv,
    context.tsv, and two kinds of background.tsv / attribution.tsv), as sets or prefix tuples."""

    strip: frozenset[str]
    title: frozenset[str]
    author: frozenset[str]
    person: frozenset[str]
    stop: frozenset[str]
    nonspeaker: frozenset[str]
    nonsource: frozenset[str]
    np_boundary: frozenset[str]
    bad_start: frozenset[str]
    name_particle: frozenset[str]
    place_preposition: frozenset[str]
    quantity: frozenset[str]
    det_like: frozenset[str]
    clause_starter: frozenset[str]
    will_next: frozenset[str]
    nocond_next: frozenset[str]
    imperative_next: frozenset[str]
    said_reject_prev: frozenset[str]
    modal_before_report: frozenset[str]
    inverted_verb: frozenset[str]
    quoting_verb: frozenset[str]
    subject_skip: frozenset[str]
    non_past_before: frozenset[str]
    fronted_opener: frozenset[str]
    subject_pronoun: frozenset[str]
    object_starter: frozenset[str]
    not_3sg: frozenset[str]
    source_nouns: frozenset[str]
    evidence_next: tuple[str, ...]  # longest first (str.startswith)
    conclusion: tuple[str, ...]
    boilerplate_prefixes: tuple[str, ...]
    number_re: re.Pattern  # a number or number word opens the token
    demonym_re: re.Pattern  # the token is a demonym ("Chinese claims")
    conclusion_re: re.Pattern | None  # a conclusion marker among the first five words

    @classmethod
    def from_tables(cls, tables: dict[str, list[dict[str, str]]]) -> "WordSets":
        lowered = _words_by_kind(tables["speakers"] + tables["discourse"], lower=True)
        context = _words_by_kind(tables["context"], lower=False)  # (demonyms keep their case)
        sets = {kind: frozenset(lowered.get(kind, ())) for kind in (
            "strip", "title", "author", "person", "stop", "nonspeaker", "nonsource", "np_boundary",
            "bad_start", "name_particle", "place_preposition", "quantity")}
        sets.update({kind: frozenset(context.get(kind, ())) for kind in (
            "det_like", "clause_starter", "will_next", "nocond_next", "imperative_next", "said_reject_prev",
            "modal_before_report", "inverted_verb", "quoting_verb", "subject_skip", "non_past_before",
            "fronted_opener", "subject_pronoun", "object_starter", "not_3sg")})
        conclusion = tuple(sorted(lowered.get("conclusion", ()), key=len, reverse=True))
        numbers = "|".join(map(re.escape, context.get("number_word", ())))
        demonyms = "|".join(map(re.escape, context.get("demonym", ())))
        suffixes = "|".join(map(re.escape, context.get("demonym_suffix", ())))
        return cls(
            **sets,
            source_nouns=frozenset(_phrases(tables["attribution"], "source_noun")),
            evidence_next=tuple(sorted(lowered.get("evidence_next", ()), key=len, reverse=True)),
            conclusion=conclusion,
            boilerplate_prefixes=tuple(_phrases(tables["background"], "boilerplate")),
            number_re=re.compile(r"^[\d$€£¥]|^(?:" + numbers + r")\b", re.I),
            demonym_re=re.compile(r"^(?:[A-Z][a-z]+(?:" + suffixes + ")|" + demonyms + ")$"),
            conclusion_re=re.compile(
                r"^\W*(?:[\w’'-]+\W+){0,4}?(?:" + "|".join(re.escape(c) for c in conclusion) + r")\b", re.I
            ) if conclusion else None,
        )


def _words_by_kind(rows: list[dict[str, str]], *, lower: bool) -> dict[str, list[str]]:
    """The expanded cues of each ``kind``, in file order."""
    out: dict[str, list[str]] = {}
    for row in rows:
        cue = row["cue"].lower() if lower else row["cue"]
        out.setdefault(row["kind"], []).extend(expand_cue(cue))
    return {kind: list(dict.fromkeys(words)) for kind, words in out.items()}


def _phrases(rows: list[dict[str, str]], kind: str) -> list[str]:
    return [p for row in rows if row["kind"] == kind for p in expand_cue(row["cue"].lower())]


class ClaimRules:
    """Compiled rule data: the PhraseMatcher, frame regexes, word sets and score weights."""

    def __init__(self, nlp: Language, tables: dict[str, list[dict[str, str]]]) -> None:
        self.tables = tables
        self.vocab = nlp.vocab
        self.lexemes = LexemeIndex(nlp.vocab)  # lexeme rows for TokenTable (this Vocab's)
        self.words = WordSets.from_tables(tables)
        # tense markers are read from a word table (they are a tenth of all tokens: as PhraseMatcher
        # matches they would cost more than everything else); sentence-initial imperatives likewise
        self.tense_kind: dict[str, str] = {}
        for kind, label in TENSE_KINDS:
            for row in tables["background"]:
                if row["kind"] == kind:
                    for w in expand_cue(row["cue"].lower()):
                        self.tense_kind[w] = label
        self.matcher, self.rows_by_key, self.imperatives = _compile_cues(nlp, tables)
        self.imperative_first = frozenset(phrase.split(" ")[0] for phrase in self.imperatives)
        self.frames = tuple(_frame(row) for row in tables["frames"])
        self._frame_plan = FramePlan(self.frames)
        self.weights = dict.fromkeys(SCORE_FEATURES, 0.0)
        self.weights.update({row["feature"]: float(row["weight"]) for row in tables["score_weights"]})
        self.calibration = [(float(r["raw"]), float(r["calibrated"])) for r in tables["calibration"]]
        xs = [x for x, _ in self.calibration]
        # for a binary search (load_tables checks this; tables from elsewhere may not be)
        self.calibration_x = xs if len(xs) >= 2 and all(a < b for a, b in zip(xs, xs[1:])) else None

    def frame_plan(self) -> list[tuple]:
        """(frame, its regex's bound search, triggers, the trigger when there is exactly one, the
        required literals of its regex) per frame (see :class:`~.speed.FramePlan`)."""
        return self._frame_plan.entries

    def frames_for(self, text: str, low: str) -> list[tuple]:
        """The :meth:`frame_plan` entries worth trying on a unit (``low`` = ``text.lower()``), in
        plan order (see :meth:`~.speed.FramePlan.entries_for`)."""
        return self._frame_plan.entries_for(text, low)

    def facts_for(self, doc: Doc) -> LexemeIndex | None:
        """The TokenTable lexeme cache for ``doc`` (None for a Doc of another Vocab)."""
        return self.lexemes if doc.vocab is self.vocab else None

    def calibrate_score(self, raw: float) -> float:
        """The reported score of a raw score: :func:`interpolate` through the calibration table,
        rounded to four places (a binary search instead of a scan when the table is sorted)."""
        xs = self.calibration_x
        if xs is None or not xs[0] < raw <= xs[-1]:
            return round(interpolate(self.calibration, raw), 4)  # clamped ends (and NaN)
        # the segment interpolate() would pick: the first point at or right of raw
        i = bisect.bisect_left(xs, raw, 1)
        (x0, y0), (x1, y1) = self.calibration[i - 1], self.calibration[i]
        return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1, 4)


def _cue_row(lexicon: str, row: dict[str, str]) -> CueRow:
    return CueRow(
        lexicon=lexicon,
        cue=row["cue"],
        weight=float(row.get("weight") or 0.0),
        flags=frozenset((row.get("flags") or "").split()),
        family=row.get("family", ""),
        certainty=row.get("certainty", ""),
        polarity=row.get("polarity") or "pos",
        kind=row.get("kind") or row.get("effect") or "",
        type=lexicon if lexicon in TYPE_LEXICONS else "",
    )


def _compile_cues(nlp: Language, tables: dict[str, list[dict[str, str]]]) -> tuple[PhraseMatcher, dict[int, CueRow], dict[str, CueRow]]:
    """The PhraseMatcher of every matched lexicon row (keys ``claims_<lexicon>_<row>``), the row
    of each match key, and the sentence-initial imperatives (phrase -> row), which are looked up."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    rows_by_key: dict[int, CueRow] = {}
    imperatives: dict[str, CueRow] = {}
    matched: list[tuple[str, list[str], CueRow]] = []
    for lexicon in MATCHED_LEXICONS:
        for i, row in enumerate(tables[lexicon]):
            cue_row = _cue_row(lexicon, row)
            phrases = expand_cue(row["cue"].lower())
            if lexicon == "background" and row["kind"] in UNMATCHED_BACKGROUND:
                continue
            if "imperative" in cue_row.flags:
                for phrase in phrases:
                    imperatives[phrase] = cue_row
                continue
            matched.append((f"claims_{lexicon}_{i}", phrases, cue_row))
    # the phrases' LOWER values without a Doc each (see pattern_keys)
    patterns = pattern_keys(nlp, (p for _, phrases, _ in matched for p in phrases), "LOWER")
    for key, phrases, cue_row in matched:
        matcher.add(key, [patterns[p] for p in phrases])
        rows_by_key[nlp.vocab.strings[key]] = cue_row
    return matcher, rows_by_key, imperatives


def _frame(row: dict[str, str]) -> Frame:
    cue_row = CueRow(
        lexicon="frames", cue=row["name"], weight=float(row["weight"]), family=row.get("family", ""),
        certainty=row.get("certainty", ""), polarity=row.get("polarity") or "pos",
        kind=row["role"], type=row.get("type", ""),
    )
    triggers = tuple(t for t in row.get("trigger", "").lower().split("|") if t)
    return Frame(row["name"], triggers, re.compile(row["regex"], re.I), cue_row, anchored=row["regex"].startswith("^"))


def interpolate(points: Sequence[tuple[float, float]], x: float) -> float:
    """Piecewise-linear interpolation through sorted (x, y) points, clamped at the ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y1
    return points[-1][1]

"""Claims stage: argumentative claims, typed, hedged, attributed and linked to evidence.

Reads:  body sentences (:func:`pipeline.stages.segment.body_sentences`: sentence boundaries and
        ``doc.spans["boilerplate"]``), entity spans (``doc.spans["entities"]``, else ``doc.ents``),
        ``doc.spans["figures"]`` and ``doc.spans["dates"]`` when those stages ran, and the
        dependency parse / tags when the pipeline has them (optional refinements only).
Writes: ``doc.spans["claims"]``: one span per claim (the body sentence, or a clause of it when one
        sentence holds claims of different speakers or clearly different kinds), label = claim type;
        ``span._.claim``: a dict of JSON primitives:

        type            prediction | evaluation | causal | recommendation | interpretation
        score           calibrated probability that the span is a claim of that type (0-1)
        raw_score       the uncalibrated logistic score (what ``min_score`` is compared with)
        hedged          bool; certainty: high | medium | low; negated: bool
        speaker         "author", or the named source ("Alexander Panov", "Levada Center", "unknown")
        speaker_span    [start_char, end_char] of the speaker phrase in the text, or None
        speaker_entity_span [start_char, end_char] of the entity span naming the speaker, or None
        attribution_cue "said", "according to", ... or None; quote: "direct" | "indirect" | None
        about_spans     [[start_char, end_char], ...] entity spans inside the claim
        evidence_spans  [[start_char, end_char, "figures"|"dates"], ...] in or right beside the claim
        cues            [[start_char, end_char, role, text], ...]: every cue that decided type,
                        hedging/certainty, negation or attribution (text == doc.text[start:end])

How it decides (rules in ``pipeline/resources/claims/*.tsv``, see the README there):
  1. Cue lexicons are matched once per Doc with a PhraseMatcher on LOWER; discontinuous cues
     ("the chances of ... are zero") are regexes gated by a keyword. Context flags reject noun
     uses ("political will", "Chinese claims"), temporal "since", "would" in conditionals, etc.
  2. Quotations (straight and curly, possibly over several sentences) are paired per paragraph and
     attributed from the words right after ("..., said X") or before ("X said: '...'") them.
  3. Each body sentence is split at ";", ", but/yet/however/although/though" and ":" before a
     quotation; the parts become separate claims only when their speakers differ, or when both
     carry strong cues of different types. Reported speech ("X said that", "according to X",
     "if X are to be believed") gives the speaker; the parse's nsubj is used when present.
  4. The type is the one with the strongest cues (ties: recommendation > prediction > causal >
     interpretation > evaluation; evaluation when nothing else fires). The score is a logistic
     combination of hand-set weights (``score_weights.tsv``): type strength, hedges, boosters,
     attribution, present tense (+); past narration, leading dates, questions, headings (-);
     then mapped through ``calibration.tsv`` (rewritten from gold by :func:`calibrate`).
"""
from __future__ import annotations

import bisect
import csv
import itertools
import math
import operator
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

import numpy
import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc, Span, Token

from ..extensions import SPANS_CLAIMS, SPANS_DATES, SPANS_ENTITIES, SPANS_FIGURES, doc_text, ensure_extensions, set_span_extension
from ..records import RecordContext
from ..resources import PACKAGE_ROOT, ResourceError, gc_paused, read_table
from .entities import pattern_keys
from .segment import body_sentences, boilerplate_ranges

DEFAULT_CONFIG = {"spans_key": SPANS_CLAIMS, "min_score": 0.5, "split_clauses": True, "max_tokens": 200}

CLAIM_TYPES = ("prediction", "evaluation", "causal", "recommendation", "interpretation")
TYPE_PRIORITY = {"recommendation": 5, "prediction": 4, "causal": 3, "interpretation": 2, "evaluation": 1}
CERTAINTY_RANK = {"low": 0, "medium": 1, "high": 2}
TYPE_LEXICONS = ("prediction", "evaluation", "causal", "recommendation", "interpretation")
MATCHED_LEXICONS = TYPE_LEXICONS + ("modality", "attribution", "negation", "background")
RESOURCE_DIR = "claims"
CALIBRATION_FILE = "calibration.tsv"

PERSON_LABELS = frozenset({"PERSON", "PER"})
ORG_LABELS = frozenset({"ORG", "ORGANIZATION", "ORGANISATION", "MEDIA", "INSTITUTION"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "COUNTRY", "STATE", "FAC"})

# Closed-class word sets used by the context checks (grammar, not domain lexicon).
DET_LIKE = frozenset(
    "the a an its their his her our your my of whose own political military economic as such other many some all "
    "good ill free popular national collective sheer public general strong iron lack mutual "
    "with in on for by from among between about against across into over under".split()
)
CLAUSE_STARTERS = frozenset("it they he she we i you there this these those such both neither many most its their".split())
SUBJECT_SKIP = frozenset(
    "has have had also recently repeatedly once previously publicly privately rightly correctly wrongly long often "
    "frequently famously reportedly reportedly will would may might could can did does do not n't n’t never "
    "already still even just further later then now again indeed has since once subsequently openly explicitly "
    "bluntly flatly firmly clearly plausibly convincingly persuasively thus therefore however also rightly".split()
)
NP_BOUNDARY_WORDS = frozenset(
    "that which who whom whose and but or because while if when although though since as so than where whereas "
    "after before until unless whether nor yet however meanwhile is are was were be been being has have had "
    "did do does".split()
)
SUBORDINATORS = frozenset("that which who whom whose because since if when whether although though while unless until where whereas once".split())
FRONTED_OPENERS = frozenset("although though while if when as since because whereas unless once even despite after before".split())
SUB_FACTOR = 0.7
QUOTE_MARKS = frozenset('“”"‘’\'')
HAVE_FORMS = frozenset(("has", "have", "hasn't", "haven't", "hasn’t", "haven’t", "'s", "’s"))
SUBJECT_PRONOUNS = frozenset("it he she this that which who one".split())
OBJECT_STARTERS = frozenset("the a an its their his her our both no any all some much more less little that to on in with for from at by as into over about".split())
NOT_3SG = frozenset("news means series species lens always perhaps whereas nevertheless sometimes afterwards towards besides thus various previous serious numerous famous obvious enormous dangerous ambitious"
                    " conscious anxious cautious tremendous continuous analysis crisis basis thesis emphasis diagnosis axis status bonus census focus consensus"
                    " nations forces states countries sanctions interests relations efforts years forces weapons troops talks elections arms".split())
EVALUATION_CAP = 1.3
MODAL_BEFORE_REPORT = frozenset("should must could would might may can will shall to".split())
SPEAKER_BAD_START = frozenset("with in on at of for from to towards toward into by about against among between during under over was were is are".split())
# clause split points; the connector list mirrors discourse.tsv kind=split minus while/whereas
SPLIT_RE = re.compile(r";|,\s+(?:but|yet|however|although|though)\b|:(?=\s*[“\"‘'])", re.I)
SUBORD_WORDS = ("that", "which", "who", "whom", "whose", "because", "since", "if", "when", "whether", "although", "though", "while", "unless", "until", "where", "whereas", "once")
SUBORD_RE = re.compile(r"\b(?:" + "|".join(SUBORD_WORDS) + r")\b", re.I)
SUBORD_MAX = max(map(len, SUBORD_WORDS))  # (a match is that long at most: re.I pairs single chars)
# SUBORD_RE and CONDITIONAL_RE (lowercase words, \b, \s; re.I) are slow: at every position re.I
# compares each word char by char. Their case-sensitive twins find the same matches in the
# lowercased text, which is several times faster, when lowercasing maps each char to one char
# (equal lengths) and the text holds none of CASE_EXCEPTIONS: the only chars (checked over all of
# Unicode) that lowercase to one char and match a letter under re.I without lowercasing to it
# ("ı" matches "i", "ſ" matches "s"); lowercasing keeps every char's \w and \s class.
CASE_EXCEPTIONS = ("ı", "ſ")
SUBORD_LOW_RE = re.compile(SUBORD_RE.pattern)
NON_PAST_BEFORE = frozenset("to will would can could may might must should shall did does do has have had 's ’s is are be been being".split())
SAID_REJECT_PREV = frozenset("that having being is was were are be been than the aforementioned so-called".split())
CONDITIONAL_RE = re.compile(r"\b(?:if|unless|otherwise|were\s+(?:it|they|he|she|the|to)|had\s+(?:it|they|he|she|the))\b", re.I)
CONDITIONAL_LOW_RE = re.compile(CONDITIONAL_RE.pattern)  # (see CASE_EXCEPTIONS)
QUESTION_END_RE = re.compile(r"\?[\s\"'”’»)\]]*\.?$")
TERMINAL_END_RE = re.compile(r"[.!?…][\s\"'”’»)\]]*$|[.!?…]\s*\[\d+\]\s*$")
TERMINAL_MARKS = ".!?…"
TERMINAL_TRAIL = "\"'”’»)]"  # (and whitespace) may follow the terminal mark
NUMBER_RE = re.compile(r"^[\d$€£¥]|^(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b", re.I)
DEMONYM_RE = re.compile(
    r"^(?:[A-Z][a-z]+(?:ese|ian|ean|ish|ican|ban|ccan|lan|ic)|German|Afghan|Thai|Israeli|Pakistani|Iraqi|Saudi|Emirati|"
    r"Kuwaiti|Qatari|Bangladeshi|Omani|Yemeni|Somali|Nepali|Azerbaijani|Uzbek|Kazakh|Turkmen|Kyrgyz|Tajik|Dutch|Swiss|French|"
    r"Greek|Czech|Slovak|Polish|Danish|Swedish|Finnish|Irish|Welsh|Scottish|British|Western|Eastern|Northern|Southern)$"
)
BRACE_RE = re.compile(r"\{([^{}]*)\}")
OPEN_QUOTE_PREV = set(" \t([{—–-/:;,")


def ends_terminal(text: str) -> bool:
    """``bool(TERMINAL_END_RE.search(text))``, read from the end of the text: a terminal mark, then
    only closing quotes/brackets and whitespace, or a footnote marker ("... end. [12]"). The regex
    search tries every position of the text; this reads the few chars at its end. (``\\s`` and
    ``\\d`` of a str regex are ``str.isspace`` / ``str.isdecimal`` per char.)"""
    j = len(text)
    while j and (text[j - 1].isspace() or text[j - 1] in TERMINAL_TRAIL):
        j -= 1
    if j and text[j - 1] in TERMINAL_MARKS:
        return True
    # "[.!?…]\s*\[\d+\]\s*$"
    j = len(text)
    while j and text[j - 1].isspace():
        j -= 1
    if not j or text[j - 1] != "]":
        return False
    j -= 1
    k = j
    while k and text[k - 1].isdecimal():
        k -= 1
    if k == j or not k or text[k - 1] != "[":
        return False
    k -= 1
    while k and text[k - 1].isspace():
        k -= 1
    return bool(k) and text[k - 1] in TERMINAL_MARKS


# --- rule data ---------------------------------------------------------------------------------


def expand_cue(text: str) -> list[str]:
    """Expand "{a,b} c" into ["a c", "b c"] (every brace group is a choice; groups multiply)."""
    parts: list[list[str]] = []
    pos = 0
    for m in BRACE_RE.finditer(text):
        parts.append([text[pos:m.start()]])
        parts.append([c.strip() for c in m.group(1).split(",")])
        pos = m.end()
    parts.append([text[pos:]])
    out = []
    for combo in itertools.product(*parts):
        phrase = " ".join("".join(combo).split())
        if phrase:
            out.append(phrase)
    return list(dict.fromkeys(out))


# (file, required columns, optional columns)
TABLE_SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "modality": (("cue", "family", "certainty", "polarity", "weight"), ("flags", "note")),
    "prediction": (("cue", "weight"), ("flags", "note")),
    "evaluation": (("cue", "weight"), ("flags", "note")),
    "causal": (("cue", "weight"), ("flags", "note")),
    "recommendation": (("cue", "weight"), ("flags", "note")),
    "interpretation": (("cue", "weight"), ("flags", "note")),
    "attribution": (("cue", "kind", "weight"), ("flags", "note")),
    "negation": (("cue", "effect"), ("note",)),
    "background": (("cue", "kind", "weight"), ("note",)),
    "discourse": (("cue", "kind"), ("note",)),
    "speakers": (("cue", "kind"), ()),
    "frames": (
        ("name", "regex", "role", "weight"),
        ("trigger", "type", "family", "certainty", "polarity", "note"),
    ),
    "score_weights": (("feature", "weight"), ("note",)),
    "calibration": (("raw", "calibrated"), ("n",)),
}
SCORE_FEATURES = ("bias", "type_strength", "type_cap", "hedge", "booster", "attributed", "direct_quote", "present", "past_narrative", "past_copula", "negated", "first_person", "question", "short", "long_list")
KNOWN_FLAGS = frozenset({"comma_det", "verb", "nocond", "notcap", "number", "first_person", "notperfect", "clause", "initial", "comma", "that", "initial_as", "imperative"})
ALLOWED = {
    ("modality", "family"): {"modal", "adverb", "adjective", "epistemic_verb", "approximator", "booster"},
    ("modality", "certainty"): {"high", "medium", "low"},
    ("modality", "polarity"): {"pos", "neg"},
    ("attribution", "kind"): {"verb", "according", "view", "view_poss", "conditional", "evidential", "source_noun"},
    ("negation", "effect"): {"negate", "ignore"},
    ("background", "kind"): {"past_aux", "past_verb", "present_aux", "event_phrase", "boilerplate"},
    ("discourse", "kind"): {"split", "evidence_next", "conclusion"},
    ("speakers", "kind"): {"strip", "title", "author", "person", "stop", "nonspeaker", "nonsource"},
    ("frames", "role"): {"hedge", "booster", "type", "background"},
}


def load_tables(root: str | Path | None = None) -> dict[str, list[dict[str, str]]]:
    """Read and validate every claims rule table; returns {table name: rows} (JSON-serializable)."""
    tables: dict[str, list[dict[str, str]]] = {}
    for name, (columns, optional) in TABLE_SPECS.items():
        rows = read_table(f"{RESOURCE_DIR}/{name}.tsv", root=root, columns=columns, optional=optional)
        for i, row in enumerate(rows, 1):
            where = f"{RESOURCE_DIR}/{name}.tsv row {i} ({row.get('cue') or row.get('name') or row.get('feature')!r})"
            for (table, col), allowed in ALLOWED.items():
                if table == name and row.get(col) not in allowed:
                    raise ResourceError(f"{where}: {col}={row.get(col)!r} not in {sorted(allowed)}")
            for col in ("weight", "raw", "calibrated"):
                if col in row:
                    try:
                        float(row[col])
                    except ValueError:
                        raise ResourceError(f"{where}: {col} {row[col]!r} is not a number") from None
            unknown = set((row.get("flags") or "").split()) - KNOWN_FLAGS
            if unknown:
                raise ResourceError(f"{where}: unknown flags {sorted(unknown)}")
            if name == "frames":
                try:
                    re.compile(row["regex"])
                except re.error as err:
                    raise ResourceError(f"{where}: bad regex: {err}") from None
                if row["role"] == "type" and row.get("type") not in CLAIM_TYPES:
                    raise ResourceError(f"{where}: role=type needs a type in {CLAIM_TYPES}")
            if name == "calibration":
                for col in ("raw", "calibrated"):
                    if not 0.0 <= float(row[col]) <= 1.0:
                        raise ResourceError(f"{where}: {col} must be within [0, 1]")
        tables[name] = rows
    raws = [float(r["raw"]) for r in tables["calibration"]]
    if raws != sorted(raws) or len(set(raws)) != len(raws) or len(raws) < 2:
        raise ResourceError(f"{RESOURCE_DIR}/calibration.tsv: raw must be strictly increasing (>= 2 rows)")
    return tables


CONTEXT_CHECKED = frozenset({"attribution", "modality"})  # lexicons cue_applies checks beyond the row flags


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


@dataclass(slots=True)
class Cue:
    """A matched cue: token range (for grouping) and char range (for the record)."""

    start: int
    end: int
    start_char: int
    end_char: int
    row: CueRow
    factor: float = 1.0  # < 1 inside a subordinate clause (the main clause decides the type)
    fronted: bool = False  # inside a fronted subordinate clause ("Although ..., "): hedges there do not hedge the claim

    @property
    def lexicon(self) -> str:
        return self.row.lexicon


CUE_ORDER = operator.attrgetter("start", "end")  # sort key: token order


@dataclass
class Frame:
    name: str
    triggers: tuple[str, ...]  # the regex runs only if one of these occurs in the lowercased text
    regex: re.Pattern
    row: CueRow
    # the regex is anchored at the text start ("^..."): it fails at once on most texts, so it is
    # tried before the trigger gate (both must hold; the order only changes the cost)
    anchored: bool = False


from ..regex_structure import CASELESS_SAFE, anchored_union, required_literals  # noqa: F401  (re-exported)


def frame_gates(plan: Sequence[tuple]) -> tuple[tuple[str, ...] | None, Callable | None, list, list]:
    """(literals, anchored match, unanchored entries, anchored entries) for
    :meth:`ClaimRules.frames_for`: literals one of which every unit an unanchored frame can match
    in contains (each frame contributes its longest: its single trigger or one of its
    :func:`required_literals`), and the ``match`` of :func:`anchored_union` over the anchored
    frames. A gate is None when it cannot be built (a frame with no required literal, no union):
    then its group is always tried. With no anchored union, every frame is in the unanchored group."""
    union = anchored_union([f.regex for f, *_ in plan if f.anchored])
    anchored = [entry for entry in plan if union is not None and entry[0].anchored]
    unanchored = [entry for entry in plan if not (union is not None and entry[0].anchored)]
    keys = []
    for frame, _, _, single, required in unanchored:
        lits = [t for t in ((single,) if single is not None else ()) + tuple(required) if t]
        if not lits:
            keys = None  # a frame that can fire anywhere: the group has no gate
            break
        keys.append(max(lits, key=len))
    return tuple(dict.fromkeys(keys)) if keys else None, union.match if union is not None else None, unanchored, anchored


class ClaimRules:
    """Compiled rule data: the PhraseMatcher, frame regexes, word sets and score weights."""

    def __init__(self, nlp: Language, tables: dict[str, list[dict[str, str]]]) -> None:
        self.tables = tables
        self.vocab = nlp.vocab
        self.lexemes = LexemeIndex(nlp.vocab)  # lexeme rows for TokenTable (this Vocab's)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.rows_by_key: dict[int, CueRow] = {}
        # tense markers are read from a word table (they are a tenth of all tokens: as PhraseMatcher
        # matches they would cost more than everything else); sentence-initial imperatives likewise
        self.tense_kind: dict[str, str] = {}
        for kind, label in (("past_verb", "past_verb"), ("past_aux", "past_aux"), ("present_aux", "present")):
            for row in tables["background"]:
                if row["kind"] == kind:
                    for w in expand_cue(row["cue"].lower()):
                        self.tense_kind[w] = label
        self.imperatives: dict[str, CueRow] = {}
        self.imperative_first: set[str] = set()  # the first word of each imperative phrase
        matched: list[tuple[str, list[str], CueRow]] = []
        for lexicon in MATCHED_LEXICONS:
            for i, row in enumerate(tables[lexicon]):
                cue_row = self._row(lexicon, row)
                phrases = expand_cue(row["cue"].lower())
                if lexicon == "background" and row["kind"] in ("past_verb", "past_aux", "present_aux", "boilerplate"):
                    continue
                if "imperative" in cue_row.flags:
                    for phrase in phrases:
                        self.imperatives[phrase] = cue_row
                        self.imperative_first.add(phrase.split(" ")[0])
                    continue
                matched.append((f"claims_{lexicon}_{i}", phrases, cue_row))
        # the phrases' LOWER values without a Doc each (see pattern_keys)
        patterns = pattern_keys(nlp, (p for _, phrases, _ in matched for p in phrases), "LOWER")
        for key, phrases, cue_row in matched:
            self.matcher.add(key, [patterns[p] for p in phrases])
            self.rows_by_key[nlp.vocab.strings[key]] = cue_row
        self.frames = []
        self._frame_plan: tuple[list[Frame], list] | None = None
        self._frame_gates: tuple[list, tuple] | None = None
        for row in tables["frames"]:
            cue_row = CueRow(
                lexicon="frames", cue=row["name"], weight=float(row["weight"]), family=row.get("family", ""),
                certainty=row.get("certainty", ""), polarity=row.get("polarity") or "pos",
                kind=row["role"], type=row.get("type", ""),
            )
            triggers = tuple(t for t in row.get("trigger", "").lower().split("|") if t)
            self.frames.append(Frame(row["name"], triggers, re.compile(row["regex"], re.I), cue_row, anchored=row["regex"].startswith("^")))
        words: dict[str, set[str]] = {}
        for table in ("speakers", "discourse"):
            for row in tables[table]:
                words.setdefault(row["kind"], set()).update(expand_cue(row["cue"].lower()))
        self.strip_words = frozenset(words.get("strip", ()))
        self.title_words = frozenset(words.get("title", ()))
        self.author_words = frozenset(words.get("author", ()))
        self.person_pronouns = frozenset(words.get("person", ()))
        self.stop_words = frozenset(words.get("stop", ()))
        self.nonspeakers = frozenset(words.get("nonspeaker", ()))
        self.nonsources = frozenset(words.get("nonsource", ()))
        self.split_words = frozenset(words.get("split", ()))
        self.evidence_next = tuple(sorted(words.get("evidence_next", ()), key=len, reverse=True))
        self.conclusion = tuple(sorted(words.get("conclusion", ()), key=len, reverse=True))
        # a conclusion marker among the first five words: "Public opinion therefore constrains ..."
        self.conclusion_re = re.compile(
            r"^\W*(?:[\w’'-]+\W+){0,4}?(?:" + "|".join(re.escape(c) for c in self.conclusion) + r")\b", re.I
        ) if self.conclusion else None
        self.boilerplate_prefixes = tuple(
            p for row in tables["background"] if row["kind"] == "boilerplate" for p in expand_cue(row["cue"].lower())
        )
        self.source_nouns = frozenset(
            p for row in tables["attribution"] if row["kind"] == "source_noun" for p in expand_cue(row["cue"].lower())
        )
        self.weights = dict.fromkeys(SCORE_FEATURES, 0.0)
        self.weights.update({row["feature"]: float(row["weight"]) for row in tables["score_weights"]})
        self.calibration = [(float(r["raw"]), float(r["calibrated"])) for r in tables["calibration"]]
        xs = [x for x, _ in self.calibration]
        # for a binary search (load_tables checks this; tables from elsewhere may not be)
        self.calibration_x = xs if len(xs) >= 2 and all(a < b for a, b in zip(xs, xs[1:])) else None

    @staticmethod
    def _row(lexicon: str, row: dict[str, str]) -> CueRow:
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

    def frame_plan(self) -> list[tuple[Frame, Callable, tuple[str, ...], str | None, tuple[str, ...]]]:
        """(frame, its regex's bound search, triggers, the trigger when there is exactly one, the
        :func:`required_literals` of its regex) per frame: find_frame_cues runs every frame on every
        sentence, where attribute lookups add up."""
        if self._frame_plan is None or self._frame_plan[0] is not self.frames or len(self._frame_plan[1]) != len(self.frames):
            plan = [
                (f, f.regex.search, f.triggers, f.triggers[0] if len(f.triggers) == 1 else None,
                 required_literals(f.regex.pattern) if f.regex.flags & re.I else ())
                for f in self.frames
            ]
            self._frame_plan = (self.frames, plan)
            self._frame_gates = None
        return self._frame_plan[1]

    def frames_for(self, text: str, low: str) -> list:
        """The :meth:`frame_plan` entries worth trying on a unit (``low`` = ``text.lower()``), in
        plan order. Nearly every unit fails every frame's trigger test or anchored regex, and
        trying the frames one by one costs more than the few that succeed: a test for the literals
        the unanchored frames require, and one :func:`anchored_union` match, drop those groups
        at once. Only frames whose own tests must fail are dropped
        (find_frame_cues applies every test to the rest)."""
        plan = self.frame_plan()
        if self._frame_gates is None or self._frame_gates[0] is not plan:
            self._frame_gates = (plan, frame_gates(plan))
        literals, anchored_match, unanchored, anchored = self._frame_gates[1]
        if literals is not None:
            for k in literals:
                if k in low:
                    break
            else:  # no unanchored frame can match
                return anchored if anchored and anchored_match(text) else []
        if anchored_match is not None and not anchored_match(text):
            return unanchored
        return plan

    def facts_for(self, doc: Doc) -> "LexemeIndex | None":
        """The TokenTable lexeme cache for ``doc`` (None for a Doc of another Vocab)."""
        return self.lexemes if doc.vocab is self.vocab else None

    def w(self, feature: str) -> float:
        return self.weights.get(feature, 0.0)

    def calibrate_score(self, raw: float) -> float:
        xs = self.calibration_x
        if xs is None or not xs[0] < raw <= xs[-1]:
            return round(interpolate(self.calibration, raw), 4)  # clamped ends (and NaN)
        # the segment interpolate() would pick: the first point at or right of raw
        i = bisect.bisect_left(xs, raw, 1)
        (x0, y0), (x1, y1) = self.calibration[i - 1], self.calibration[i]
        return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1, 4)


def interpolate(points: Sequence[tuple[float, float]], x: float) -> float:
    """Piecewise-linear interpolation through sorted (x, y) points, clamped at the ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y1
    return points[-1][1]


# --- cue matching ------------------------------------------------------------------------------

# Per-token facts of one lexeme (ORTH hash -> row); see token_facts(). The ints are packed into one
# number (length << 4 | like_num << 3 | is_alpha << 2 | is_punct << 1 | is_space) so that a Doc's
# distinct lexemes make one flat array.
TokenFacts = tuple[str, str, int]  # text, lower, packed ints
TOKEN_FACTS_MAX = 30_000  # a cache over a huge corpus starts over rather than grow with it (peak RSS stays flat)


def token_facts(doc: Doc, orths: numpy.ndarray, cache: dict[int, TokenFacts] | None = None) -> tuple[list[str], list[str], numpy.ndarray, list[TokenFacts], numpy.ndarray]:
    """Facts of the tokens given by their ORTH hashes: texts and lowercase texts (lists), an int
    array of [length, is_space, is_punct, is_alpha, like_num] per token (one row per token, flags
    0/1 like ``doc.to_array``), the rows of the distinct lexemes, and each token's index into them.

    All of these are attributes of the token's lexeme, so each distinct string is looked up once
    (``np.unique``) and the per-token lists are gathered by numpy fancy indexing: reading lexeme
    flags token by token (``doc.to_array([IS_PUNCT, ...])``) and StringStore lookups per token cost
    more than the rest of the table. ``cache`` (one per Vocab: lexeme attributes depend on the
    language) keeps the rows across Docs.
    """
    if cache is None:
        cache = {}
    elif len(cache) > TOKEN_FACTS_MAX:
        cache.clear()
    vocab = doc.vocab
    distinct, inverse = numpy.unique(orths, return_inverse=True)
    rows = []
    for orth in distinct.tolist():
        row = cache.get(orth)
        if row is None:
            lex = vocab[orth]
            text = lex.orth_
            packed = len(text) << 4 | lex.like_num << 3 | lex.is_alpha << 2 | lex.is_punct << 1 | lex.is_space
            row = cache[orth] = (text, lex.lower_, packed)
        rows.append(row)
    texts = numpy.empty(len(rows), dtype=object)
    texts[:] = [row[0] for row in rows]
    lower = numpy.empty(len(rows), dtype=object)
    lower[:] = [row[1] for row in rows]
    packed = numpy.array([row[2] for row in rows], dtype=numpy.int64)[inverse]
    ints = numpy.stack([packed >> 4, packed & 1, packed >> 1 & 1, packed >> 2 & 1, packed >> 3 & 1], axis=1)
    return texts[inverse].tolist(), lower[inverse].tolist(), ints, rows, inverse


def lexeme_row(vocab, orth: int) -> TokenFacts:
    """The :func:`token_facts` row of one lexeme: (text, lower, packed ints)."""
    lex = vocab[orth]
    text = lex.orth_
    return text, lex.lower_, len(text) << 4 | lex.like_num << 3 | lex.is_alpha << 2 | lex.is_punct << 1 | lex.is_space


class LexemeIndex:
    """The :func:`token_facts` rows of the lexemes seen so far (one Vocab's), as arrays indexed by a
    row id, with their ORTH hashes sorted: a Doc's distinct hashes are found with
    ``numpy.searchsorted`` and its per-token lists gathered by fancy indexing, with no Python step
    per distinct lexeme (in the pipeline, a dict lookup per distinct lexeme of every Doc, and
    building its rows into arrays, cost more than the rest of the TokenTable). Only new lexemes are
    looked up in the Vocab; past TOKEN_FACTS_MAX rows the index starts over (peak RSS stays flat
    over a huge corpus), so a TokenTable's ``positions`` hold only until the next Doc's table."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self.clear()

    def clear(self) -> None:
        self.orths = numpy.zeros(0, dtype=numpy.uint64)  # sorted
        self.ids = numpy.zeros(0, dtype=numpy.intp)  # the row id of each of self.orths
        self.size = 0  # rows in use; the row arrays below have spare capacity
        self.texts = numpy.empty(0, dtype=object)
        self.lowers = numpy.empty(0, dtype=object)
        self.packed = numpy.zeros(0, dtype=numpy.int64)
        self._hits: dict[int, tuple[Container[str], numpy.ndarray]] = {}  # see hits()

    def rows_of(self, orths: numpy.ndarray) -> numpy.ndarray:
        """The row id of each ORTH hash (uint64), adding the lexemes not seen yet. (The distinct
        hashes are looked up: a sorted query is several times faster than one per token.)"""
        distinct, inverse = numpy.unique(orths, return_inverse=True)
        pos = numpy.searchsorted(self.orths, distinct)
        known = len(self.orths) and bool((self.orths[numpy.minimum(pos, len(self.orths) - 1)] == distinct).all())
        if not known and len(distinct):
            new = distinct if not len(self.orths) else distinct[self.orths[numpy.minimum(pos, len(self.orths) - 1)] != distinct]
            if self.size + len(new) > TOKEN_FACTS_MAX:
                self.clear()
                new = distinct
            self._add(new)
            pos = numpy.searchsorted(self.orths, distinct)
        return self.ids[pos][inverse]

    def _add(self, new: numpy.ndarray) -> None:
        rows = [lexeme_row(self.vocab, orth) for orth in new.tolist()]
        k, size = len(rows), self.size
        if size + k > len(self.texts):  # grow the row arrays (doubling: amortized O(1) per row)
            cap = max(2 * len(self.texts), size + k, 1024)
            texts, lowers, packed = numpy.empty(cap, dtype=object), numpy.empty(cap, dtype=object), numpy.zeros(cap, dtype=numpy.int64)
            texts[:size], lowers[:size], packed[:size] = self.texts[:size], self.lowers[:size], self.packed[:size]
            self.texts, self.lowers, self.packed = texts, lowers, packed
        self.texts[size:size + k] = [r[0] for r in rows]
        self.lowers[size:size + k] = [r[1] for r in rows]
        self.packed[size:size + k] = [r[2] for r in rows]
        at = numpy.searchsorted(self.orths, new)
        self.orths = numpy.insert(self.orths, at, new)
        self.ids = numpy.insert(self.ids, at, numpy.arange(size, size + k, dtype=numpy.intp))
        self.size = size + k

    def hits(self, words: Container[str]) -> numpy.ndarray:
        """Per row: its lowercase form is in ``words`` (kept per ``words`` object, extended for new rows)."""
        got = self._hits.get(id(words))
        hit = got[1] if got is not None and got[0] is words else numpy.zeros(0, dtype=bool)
        if len(hit) < self.size:
            more = numpy.array([w in words for w in self.lowers[len(hit):self.size].tolist()], dtype=bool)
            hit = numpy.concatenate((hit, more))
            if len(self._hits) > 16:  # (callers passing a new set each time)
                self._hits.clear()
            self._hits[id(words)] = (words, hit)  # (holding ``words`` keeps its id from being reused)
        return hit


def strings_of(hashes: numpy.ndarray, strings) -> list[str]:
    """``[strings[h] for h in hashes]``, looking each distinct hash up once (POS and TAG have few)."""
    distinct, inverse = numpy.unique(hashes, return_inverse=True)
    values = numpy.empty(len(distinct), dtype=object)
    values[:] = [strings[h] for h in distinct.tolist()]
    return values[inverse].tolist()


class TokenTable:
    """Plain lists of the token attributes the rules read, built once per Doc from ``doc.to_array``.

    Reading ``doc[i].lower_`` creates a Token object per access; the rules read neighbours of
    every cue, so plain lists make the stage several times faster. ``text`` equals ``doc.text``
    (the runner's cached source string, see :func:`pipeline.extensions.doc_text`). ``facts`` is
    an optional cache of lexeme rows for this Doc's Vocab: a :class:`LexemeIndex` (what the
    component keeps), or a dict for :func:`token_facts`.
    ``tag`` (the TAG strings) is built on first access: the stage itself reads only
    ``tag_hashes`` (see :meth:`tag_cum`), and a list of strings per token costs more than that.
    """

    __slots__ = ("text", "idx", "end", "txt", "low", "space", "punct", "alpha", "num", "nl", "pos", "_tag", "tag_hashes", "strings", "n", "lex_low", "lex_index", "_alpha_arr", "_lexemes")

    def __init__(self, doc: Doc, facts: "LexemeIndex | dict[int, TokenFacts] | None" = None) -> None:
        self.n = len(doc)
        self.text = doc_text(doc)
        if not self.n:
            self.idx, self.txt, self.low, self.end = [], [], [], []
            self.space = self.punct = self.alpha = self.num = self.nl = []
            self.pos = self._tag = self.tag_hashes = None
            self.lex_low, self.lex_index = [], numpy.zeros(0, dtype=numpy.intp)
            self._alpha_arr = self._lexemes = None
            return
        arr = doc.to_array([ORTH, IDX])  # uint64
        if isinstance(facts, LexemeIndex):
            self._lexemes = facts
            self.lex_index = ids = facts.rows_of(arr[:, 0])  # (indices into the index's rows)
            self.lex_low = None  # (positions() reads LexemeIndex.hits)
            txt, self.low = facts.texts[ids].tolist(), facts.lowers[ids].tolist()
            packed = facts.packed[ids]
            ints = numpy.stack([packed >> 4, packed & 1, packed >> 1 & 1, packed >> 2 & 1, packed >> 3 & 1], axis=1)
        else:
            self._lexemes = None
            txt, self.low, ints, rows, self.lex_index = token_facts(doc, arr[:, 0], facts)
            self.lex_low = [row[1] for row in rows]  # lowercase form of each distinct lexeme
        self.txt = txt
        idx = arr[:, 1].astype(numpy.int64)
        self.idx = idx.tolist()
        self.end = (idx + ints[:, 0]).tolist()
        self.space, self.punct, self.alpha, self.num = (ints[:, k].tolist() for k in (1, 2, 3, 4))
        self._alpha_arr = ints[:, 3]
        # only whitespace tokens can hold a newline: test those few instead of every token
        nl = [False] * self.n
        for i in numpy.flatnonzero(ints[:, 1]).tolist():
            nl[i] = "\n" in txt[i]
        self.nl = nl
        self.strings = strings = doc.vocab.strings
        self.pos = strings_of(doc.to_array(POS), strings) if doc.has_annotation("POS") else None
        self.tag_hashes = doc.to_array(TAG) if doc.has_annotation("TAG") else None  # uint64 hashes
        self._tag = None

    @property
    def tag(self) -> list[str] | None:
        """The TAG string of each token (None without tags); built on first access."""
        if self._tag is None and self.tag_hashes is not None:
            self._tag = strings_of(self.tag_hashes, self.strings)
        return self._tag

    def tag_cum(self, tags: Iterable[str]) -> list[int] | None:
        """Running count of tokens whose TAG is one of ``tags`` (None without tags): the tokens
        [a, b) hold such a tag iff ``cum[b] > cum[a]``. Compares hashes, no strings per token."""
        if self.tag_hashes is None:
            return None
        hashes = self.tag_hashes
        hit = numpy.zeros(len(hashes), dtype=bool)
        for t in tags:
            hit |= hashes == numpy.uint64(self.strings[t])
        return [0, *numpy.cumsum(hit, dtype=numpy.int64).tolist()]

    def alpha_cum(self) -> list[int]:
        """Running count of alphabetic tokens: the tokens [a, b) hold ``cum[b] - cum[a]`` words."""
        if self._alpha_arr is None:
            return list(itertools.accumulate(self.alpha, initial=0))
        return numpy.concatenate(([0], numpy.cumsum(self._alpha_arr))).tolist()

    def positions(self, words: Container[str]) -> list[int]:
        """Indices of the tokens whose lowercase form is in ``words``, in order (one test per
        distinct lexeme instead of one per token)."""
        if self._lexemes is not None:
            return numpy.flatnonzero(self._lexemes.hits(words)[self.lex_index]).tolist()
        hit = numpy.array([w in words for w in self.lex_low], dtype=bool)
        return numpy.flatnonzero(hit[self.lex_index]).tolist() if hit.any() else []

    def prev(self, i: int, floor: int) -> int:
        """Index of the last non-space token before ``i`` (not below ``floor``), or -1."""
        j = i - 1
        while j >= floor and self.space[j]:
            j -= 1
        return j if j >= floor else -1

    def next(self, i: int, ceil: int) -> int:
        """Index of the first non-space token at or after ``i`` (below ``ceil``), or -1."""
        j = i
        while j < ceil and self.space[j]:
            j += 1
        return j if j < ceil else -1


def find_cues(doc: Doc, rules: ClaimRules, tt: TokenTable | None = None) -> list[Cue]:
    """Every lexicon match in the Doc (longest wins within a lexicon), before context checks."""
    tt = tt or TokenTable(doc, rules.facts_for(doc))
    rows_by_key = rules.rows_by_key
    # per lexicon: (start, -length, match number, end, row); sorting these is a stable sort of the
    # matches by (start, longest first), and Cue objects are made only for the matches kept
    by_lexicon: dict[str, list[tuple]] = {}
    for n, (key, start, end) in enumerate(rules.matcher(doc)):
        row = rows_by_key[key]
        items = by_lexicon.get(row.lexicon)
        if items is None:
            items = by_lexicon[row.lexicon] = []
        items.append((start, start - end, n, end, row))
    idx, tok_end = tt.idx, tt.end
    cues: list[Cue] = []
    for items in by_lexicon.values():
        items.sort()
        last_end = -1
        for start, _, _, end, row in items:
            if start >= last_end:
                cues.append(Cue(start, end, idx[start], tok_end[end - 1], row))
                last_end = end
            # a shorter match inside a longer one of the same lexicon is dropped
    cues.sort(key=CUE_ORDER)
    return cues


def _prev_token(doc: Doc, i: int, floor: int) -> Token | None:
    j = i - 1
    while j >= floor and doc[j].is_space:
        j -= 1
    return doc[j] if j >= floor else None


def cue_applies(cue: Cue, tt: TokenTable, unit_start: int, unit_end: int, conditional: bool) -> bool:
    """Context checks named by the row's flags (see README.md). Pure."""
    flags = cue.row.flags
    i = cue.start
    p = tt.prev(i, unit_start)
    q = tt.next(cue.end, unit_end)
    low = tt.low[i]
    plow = tt.low[p] if p >= 0 else None
    nlow = tt.low[q] if q >= 0 else None
    if flags:
        if "verb" in flags:
            if tt.pos is not None and tt.pos[i] not in ("VERB", "AUX", ""):
                return False
            if p >= 0 and (plow in DET_LIKE or DEMONYM_RE.match(tt.txt[p]) or (cue.row.lexicon == "attribution" and plow.endswith("ing") and len(plow) > 5)):
                return False
            if low == "will" and (q < 0 or tt.punct[q] or nlow in ("of", "to", "and", "that")):
                return False
            if cue.row.lexicon in ("recommendation", "prediction", "modality") and cue.end - cue.start == 1 and (q < 0 or (tt.punct[q] and tt.txt[q] not in ("-", "—", "–"))):
                return False  # "what they must.": an elliptical modal
        if "notcap" in flags and ((tt.txt[i][:1].isupper() and i != unit_start) or (q >= 0 and tt.num[q])):
            return False
        if "nocond" in flags and (conditional or nlow in ("rather", "like", "prefer", "have")):
            return False
        if "notperfect" in flags and low == "must" and nlow in ("have", "'ve", "’ve"):
            return False
        if "number" in flags and (q < 0 or not (tt.num[q] or NUMBER_RE.match(tt.txt[q]))):
            return False
        if "clause" in flags and (q < 0 or not (
            nlow in CLAUSE_STARTERS
            or (tt.txt[q][:1].isupper() and "initial" in flags)
            or ("comma_det" in flags and p >= 0 and tt.txt[p] == "," and nlow in ("the", "a", "an"))
        )):
            return False
        if "initial" in flags and p >= 0 and tt.txt[p] not in (",", ";", "—", "–"):
            return False
        if "comma" in flags and (p < 0 or tt.txt[p] != ","):
            return False
        if "that" in flags:
            window = [tt.low[j] for j in range(cue.end, min(cue.end + 3, unit_end)) if not tt.space[j]]
            as_clause = bool(window) and window[0] in (",", "—", "–", ":") and "as" in tt.low[max(unit_start, i - 8):i]
            # a parenthetical reporting clause: "Nothing he would do, Kennedy emphasized, would ..."
            parenthetical = bool(window) and window[0] in (",", "—", "–") and p >= 0 and "," in tt.txt[max(unit_start, i - 5):i]
            if not (as_clause or parenthetical or any(w in ("that", ":", "“", '"', "‘") for w in window[:2])):
                return False
        if "initial_as" in flags and (p < 0 or "as" not in tt.low[max(unit_start, i - 8):i]):
            return False
        if "imperative" in flags:
            # the unit's first word (after a list number or bullet), capitalized, not "Support for ..." / "Build-up"
            if p >= 0 and not all(tt.punct[k] or tt.num[k] or tt.space[k] for k in range(unit_start, i)):
                return False
            if not tt.txt[i][:1].isupper() or nlow in ("of", "is", "are", "was", "were", "has", "-", "for", "and", ",", "to"):
                return False
    if cue.row.lexicon == "attribution":
        if low in ("said", "told") and plow in SAID_REJECT_PREV:
            return False
        if cue.row.kind in ("verb", "evidential") and tt.txt[i][:1].isupper() and p >= 0 and not tt.punct[p]:
            return False  # "the United States", "Foreign Affairs Reports": part of a name
    if cue.row.lexicon == "modality" and cue.row.family == "epistemic_verb" and "first_person" not in flags:
        # "I think" is an author hedge; third-person "believes that" is attribution (handled there)
        if low in ("believe", "believes", "think", "thinks", "believed", "thought"):
            return False
    return True


def find_frame_cues(doc: Doc, text_start: int, text: str, token_start: int, token_end: int, rules: ClaimRules, *, low: str | None = None, plan: Sequence | None = None) -> list[Cue]:
    """Regex-based discontinuous cues in one unit of text (gated by each frame's trigger).
    ``low``: ``text.lower()`` when the caller has it; ``plan``: the frames to try (a subset of
    ``rules.frame_plan()`` in its order, see :meth:`ClaimRules.frames_for`), by default all of them."""
    if plan is None:
        plan = rules.frame_plan()
    if not plan:
        return []
    if low is None:
        low = text.lower()
    out: list[Cue] = []
    for frame, search, triggers, single, required in plan:
        if frame.anchored:
            m = search(text)
            if not m or (triggers and not any(t in low for t in triggers)):
                continue
        elif single is not None:
            if single not in low or (required and not all(r in low for r in required)):
                continue  # (the regex cannot match without its required words)
            m = search(text)
            if not m:
                continue
        else:
            if (triggers and not any(t in low for t in triggers)) or (required and not all(r in low for r in required)):
                continue
            m = search(text)
            if not m:
                continue
        s, e = m.span("cue") if "cue" in frame.regex.groupindex else m.span()
        # strip surrounding whitespace/punctuation from the cue span
        while s < e and not text[s].isalnum():
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if s >= e:
            continue
        span = doc.char_span(text_start + s, text_start + e, alignment_mode="expand")
        if span is None:
            continue
        out.append(Cue(max(span.start, token_start), min(span.end, token_end), text_start + s, text_start + e, frame.row))
    return out


# --- quotations --------------------------------------------------------------------------------


@dataclass
class Quote:
    """A quotation: [start, end) includes the marks; inner text is [inner_start, inner_end)."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool
    words: int
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    entity_span: tuple[int, int] | None = None
    cue_text: str | None = None
    cue_span: tuple[int, int] | None = None
    speech: bool = False


def find_quotes(text: str) -> list[Quote]:
    """Pair quotation marks per paragraph (line). Curly and straight, double and single.

    A ’ between letters is an apostrophe; an unclosed opening mark runs to the end of its
    paragraph (the convention for quotations that continue). Quotes inside another are dropped.
    """
    found: list[Quote] = []
    for m in re.finditer(r"[^\n]+", text):
        para, base = m.group(), m.start()
        if '"' in para or "“" in para:
            found.extend(_pair_double(para, base))
        if "‘" in para or "'" in para:
            found.extend(_pair_single(para, base))
    found.sort(key=lambda q: (q.start, -q.end))
    out: list[Quote] = []
    for q in found:
        if out and q.start < out[-1].end:  # nested or overlapping: keep the outer one
            continue
        out.append(q)
    return out


def _mk_quote(para: str, base: int, i: int, j: int | None) -> Quote:
    inner_end = j if j is not None else len(para)
    inner = para[i + 1:inner_end]
    return Quote(
        start=base + i, end=base + (j + 1 if j is not None else len(para)), inner_start=base + i + 1,
        inner_end=base + inner_end, closed=j is not None, words=len(inner.split()),
    )


DOUBLE_MARKS_RE = re.compile('[“”"]')
SINGLE_MARKS_RE = re.compile("[‘’']")


def _pair_double(para: str, base: int) -> list[Quote]:
    out: list[Quote] = []
    open_i: int | None = None
    for m in DOUBLE_MARKS_RE.finditer(para):
        i, ch = m.start(), m.group()
        if ch == "“":
            if open_i is None:
                open_i = i
        elif ch == "”":
            if open_i is not None:
                out.append(_mk_quote(para, base, open_i, i))
                open_i = None
        elif ch == '"':
            if open_i is None:
                if i == 0 or para[i - 1] in OPEN_QUOTE_PREV:
                    open_i = i
            else:
                out.append(_mk_quote(para, base, open_i, i))
                open_i = None
    if open_i is not None:
        out.append(_mk_quote(para, base, open_i, None))
    return out


def _pair_single(para: str, base: int) -> list[Quote]:
    out: list[Quote] = []
    open_i: int | None = None
    n = len(para)
    for m in SINGLE_MARKS_RE.finditer(para):
        i, ch = m.start(), m.group()
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < n else " "
        if open_i is None:
            if ch == "‘" and not nxt.isdigit() and not nxt.isspace():
                open_i = i
            elif ch == "'" and prev in OPEN_QUOTE_PREV and nxt.isalpha():
                open_i = i
        elif ch in "’'" and not prev.isspace() and not nxt.isalpha():
            out.append(_mk_quote(para, base, open_i, i))
            open_i = None
    # an unclosed single quote is far more often an apostrophe problem than a long quotation
    return out


# --- speakers ----------------------------------------------------------------------------------


@dataclass
class Attribution:
    speaker: str
    cue_text: str
    cue_start: int
    cue_end: int
    quote: str  # "direct" | "indirect"
    scope: str  # "forward" (cue ... content) | "backward" (content ... cue) | "all"
    cue_token: int
    weight: float = 1.0
    speaker_span: tuple[int, int] | None = None
    entity_span: tuple[int, int] | None = None


def sentence_starts(doc: Doc) -> list[int]:
    """Indices of the tokens that start a sentence (SENT_START == 1, and token 0), from the array."""
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()  # uint64: -1 wraps around
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def body_sentence_refs(doc: Doc, tt: "TokenTable", starts: list[int] | None = None) -> list["SpanRef"]:
    """The sentences :func:`segment.body_sentences` yields, as plain SpanRefs (same filtering:
    skip whitespace-only sentences and those starting inside a boilerplate span), read from
    the SENT_START array instead of iterating ``doc.sents`` token by token (several times faster).
    ``starts``: :func:`sentence_starts` of the Doc when the caller has it already.
    """
    if not tt.n:
        return []
    if not doc.has_annotation("SENT_START"):
        return [SpanRef(s.start, s.end, s.start_char, s.end_char, "", s.text) for s in body_sentences(doc)]
    if starts is None:
        starts = sentence_starts(doc)
    ranges = boilerplate_ranges(doc)
    # a sentence start sc lies in a range iff among the ranges starting at or before sc (a prefix of
    # the sorted list) the largest end is beyond sc
    range_starts = [r[0] for r in ranges]
    range_max_end = list(itertools.accumulate((r[1] for r in ranges), max))
    space, idx, tok_end, text = tt.space, tt.idx, tt.end, tt.text
    out = []
    for a, b in zip(starts, starts[1:] + [tt.n]):
        if space[a] and all(space[a:b]):
            continue
        sc = idx[a]
        if ranges:
            k = bisect.bisect_right(range_starts, sc)
            if k and range_max_end[k - 1] > sc:
                continue
        ec = tok_end[b - 1]
        out.append(SpanRef(a, b, sc, ec, "", text[sc:ec]))
    return out


class SimpleRange(NamedTuple):
    start: int
    end: int


class SpanRef(NamedTuple):
    """A span of another stage, read once into plain values (same attribute names as Span)."""

    start: int
    end: int
    start_char: int
    end_char: int
    label_: str
    text: str


def _span_refs(spans: Iterable[Span], text: str) -> list[SpanRef]:
    refs = []
    for sp in spans:
        sc, ec = sp.start_char, sp.end_char
        refs.append(SpanRef(sp.start, sp.end, sc, ec, sp.label_, text[sc:ec]))
    refs.sort()
    return refs


def _entity_spans(doc: Doc, tt: "TokenTable") -> list[SpanRef]:
    """Entity spans as SpanRefs: ``doc.spans["entities"]``, else ``doc.ents``.

    When ``doc.ents`` holds exactly the entity group (the entities stage writes both), the spans are
    read from the ENT_IOB/ENT_TYPE arrays, which is much cheaper than iterating Span objects.
    """
    group = doc.spans[SPANS_ENTITIES] if SPANS_ENTITIES in doc.spans else None
    if not tt.n or not doc.has_annotation("ENT_IOB"):
        return _span_refs(group if group is not None and len(group) else doc.ents, tt.text)
    arr = doc.to_array([ENT_IOB, ENT_TYPE])
    iob, etype = arr[:, 0], arr[:, 1]
    if group is not None and len(group) and not _same_as_ents(doc, group, iob, etype):
        return _span_refs(group, tt.text)
    # every B token starts a span that runs over the I tokens after it
    b_pos = numpy.flatnonzero(iob == 3)
    not_i = numpy.flatnonzero(iob != 1)
    ends = numpy.append(not_i, tt.n)[numpy.searchsorted(not_i, b_pos, side="right")]
    labels = strings_of(etype[b_pos], doc.vocab.strings) if len(b_pos) else []
    idx, end, text = tt.idx, tt.end, tt.text
    return [
        SpanRef(i, j, idx[i], end[j - 1], label, text[idx[i]:end[j - 1]])
        for i, j, label in zip(b_pos.tolist(), ends.tolist(), labels)
    ]


def ents_summary(iob: numpy.ndarray, etype: numpy.ndarray) -> tuple[int, int, int] | None:
    """(count, first start, last end) of ``doc.ents`` from the ENT_IOB / ENT_TYPE arrays, by the
    rules of ``Doc.ents``: an entity starts at a B token with a type and runs over the I tokens
    after it. None when an I token continues no entity (``Doc.ents`` raises on that).
    Building every entity Span just to count them costs more than the rest of the entity reading.
    """
    n = len(iob)
    not_i = numpy.flatnonzero(iob != 1)
    i_pos = numpy.flatnonzero(iob == 1)
    if len(i_pos):
        k = numpy.searchsorted(not_i, i_pos) - 1  # the token before each run of I tokens
        if (k < 0).any():
            return None
        prev = not_i[k]
        if not ((iob[prev] == 3) & (etype[prev] != 0)).all():
            return None
    starts = numpy.flatnonzero((iob == 3) & (etype != 0))
    if not len(starts):
        return 0, 0, 0
    k = int(numpy.searchsorted(not_i, starts[-1], side="right"))
    return len(starts), int(starts[0]), int(not_i[k]) if k < len(not_i) else n


def _same_as_ents(doc: Doc, group, iob: numpy.ndarray, etype: numpy.ndarray) -> bool:
    """The entity span group and doc.ents hold the same spans (cheap check: count and ends)."""
    summary = ents_summary(iob, etype)
    if summary is None:
        ents = doc.ents  # raises, as it always did on such a Doc
        summary = (len(ents), ents[0].start, ents[-1].end) if ents else (0, 0, 0)
    count, first_start, last_end = summary
    if count != len(group):
        return False
    return (first_start, last_end) == (min(s.start for s in (group[0], group[len(group) - 1])), max(s.end for s in (group[0], group[len(group) - 1])))


def _label_rank(label: str) -> int:
    if label in PERSON_LABELS:
        return 0
    if label in ORG_LABELS:
        return 1
    if label in PLACE_LABELS:
        return 3
    return 2


def normalize_speaker(tokens: Sequence[Token], rules: ClaimRules) -> tuple[str, int, int] | None:
    """Speaker text and char range from the tokens of a speaker noun phrase (no entities needed).

    Drops leading determiners/quantifiers ("the", "current", "some") and a trailing possessive;
    a phrase headed by a name keeps the name after the titles ("former Russian Ambassador to Japan
    Alexander Panov" -> "Alexander Panov"); "a poll by the Levada Center" -> "Levada Center".
    """
    toks = [t for t in tokens if not t.is_space]
    # a source introduced by "by": "a 2016 poll by the Levada Center"
    for k, t in enumerate(toks):
        if t.lower_ == "by" and k + 1 < len(toks):
            rest = toks[k + 1:]
            stop = next((m for m, x in enumerate(rest) if m and x.lower_ in rules.stop_words), len(rest))
            got = normalize_speaker(rest[:stop], rules)
            if got:
                return got
    while toks and (toks[-1].is_punct or toks[-1].lower_ in ("'s", "’s", "'", "’") or toks[-1].lower_ in SUBJECT_SKIP or (toks[-1].lower_.endswith("ly") and not toks[-1].text[:1].isupper() and len(toks) > 1)):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].lower_ in rules.strip_words or (toks[0].like_num and not toks[0].is_alpha) or (toks[0].lower_.endswith("ly") and len(toks) > 1 and not toks[0].text[:1].isupper())):
        toks.pop(0)
    if not toks:
        return None
    if toks[-1].text[:1].isupper():
        # name at the head: take the final run of capitalized tokens, drop title words in it
        k = len(toks)
        while k > 0 and (toks[k - 1].text[:1].isupper() or toks[k - 1].text in ("-", ".", "&") or toks[k - 1].lower_ in ("of", "for", "and", "de", "al", "bin", "von", "van", "der", "la", "le")):
            k -= 1
        run = toks[k:]
        while run and run[0].lower_ in ("of", "for", "and"):
            run.pop(0)
        had_title = any(t.lower_ in rules.title_words for t in toks)
        stripped = list(run)
        while len(stripped) > 1 and stripped[0].lower_ in rules.title_words:
            stripped.pop(0)
        if had_title and len(stripped) >= 3 and not any(t.lower_ in ("of", "for", "and") for t in stripped):
            stripped = stripped[-2:]
        if stripped and not (len(stripped) == 1 and stripped[0].lower_ in rules.title_words and len(toks) > 1):
            toks = stripped
    if len(toks) > 8:
        toks = toks[-8:]
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = toks[0].doc[toks[0].i:toks[-1].i + 1].text
    return text, start, end


def _speaker_from_region(doc: Doc, start: int, end: int, rules: ClaimRules, ents: list[Span], ent_starts: list[int]) -> tuple[str, tuple[int, int], tuple[int, int] | None] | None:
    """Speaker from the tokens [start, end): a PERSON/ORG entity, a head entity, or the NP itself."""
    if start >= end:
        return None
    toks = [t for t in doc[start:end] if not t.is_space]
    if len(toks) > 3 and toks[-1].text == ")" and any(t.text == "(" for t in toks[:-1]):
        cut = max(i for i, t in enumerate(toks) if t.text == "(")
        if cut > 0:
            toks = toks[:cut]  # "the Stockholm International Peace Research Institute (SIPRI)"
            end = toks[-1].i + 1
    if not toks:
        return None
    if len(toks) == 1 and toks[0].lower_ in rules.nonspeakers:
        return None
    if toks[0].lower_ in rules.nonspeakers and len(toks) <= 2:
        return None
    # entities inside the region
    lo = bisect.bisect_left(ent_starts, start)
    inside = []
    for k in range(lo, len(ents)):  # (sorted by start: stop at the first one starting at/after end)
        e = ents[k]
        if e.start >= end:
            break
        if e.end <= end:
            inside.append(e)
    has_by = any(t.lower_ == "by" for t in toks)
    if inside:
        last_tok = max(t.i for t in toks if not t.is_punct and t.lower_ not in ("'s", "’s")) if any(not t.is_punct for t in toks) else end - 1
        if has_by:
            by_i = max(t.i for t in toks if t.lower_ == "by")
            inside = [e for e in inside if e.start > by_i] or inside
        best = sorted(inside, key=lambda e: (_label_rank(e.label_), -e.end))
        for ent in best:
            head = ent.end - 1 >= last_tok
            if head and ent.label_ in PLACE_LABELS and ent.start - 1 >= start and doc[ent.start - 1].lower_ in ("in", "from", "of", "across", "throughout", "inside", "outside"):
                continue  # "many in China believe": the speaker is the phrase, not the place
            if head or (has_by and ent.label_ in ORG_LABELS | PERSON_LABELS):
                before = [x for x in inside if x.end <= ent.start and x.label_ == ent.label_ and ent.start - x.end == 1 and doc[x.end].lower_ in ("and", "&")]
                if before:  # "Volker Hauck and Sophie Desmidt"
                    x = before[-1]
                    return doc[x.start:ent.end].text, (x.start_char, ent.end_char), (ent.start_char, ent.end_char)
                text = ent.text
                for suffix in ("'s", "’s"):
                    if text.endswith(suffix):
                        text = text[: -len(suffix)]
                text = text.strip()
                if text.lower().startswith("the "):
                    text = text[4:]
                s = ent.end_char - len(ent.text) + ent.text.find(text) if text in ent.text else ent.start_char
                return text, (s, s + len(text)), (ent.start_char, ent.end_char)
    got = normalize_speaker(toks, rules)
    if got is None:
        return None
    text, s, e = got
    words = text.split()
    if text.lower() in rules.nonspeakers or text.lower() in rules.strip_words:
        return None
    if words[0].lower() in SPEAKER_BAD_START or (len(words) >= 5 and not any(w[:1].isupper() for w in words)):
        return None  # a phrase that crossed a clause boundary, not a speaker
    return text, (s, e), None


def _subject_region(doc: Doc, verb_i: int, floor: int, rules: ClaimRules, tt: TokenTable | None = None) -> tuple[int, int] | None:
    """Token range of the subject NP left of a reporting verb (rule fallback without a parse).
    ``tt``: the Doc's TokenTable when the caller has one (read instead of Token objects)."""
    if tt is None:
        tt = TokenTable(doc)
    space, low, txt, punct = tt.space, tt.low, tt.txt, tt.punct
    j = verb_i - 1
    while j >= floor and (space[j] or low[j] in SUBJECT_SKIP or (low[j].endswith("ly") and low[j] not in rules.strip_words and not txt[j][:1].isupper())):
        j -= 1
    if j < floor:
        return None
    if low[j] == "to":
        return None  # "continued to argue": not a report
    if low[j] == "who" and j - 1 > floor and txt[j - 1] == ",":
        # "..., Kristina Voda, who argued that ...": the antecedent right before the comma
        q = j - 2
        while q >= floor and (txt[q][:1].isupper() or txt[q] in ("-", ".")) and not space[q]:
            q -= 1
        return (q + 1, j - 1) if q + 1 < j - 1 else None
    if txt[j] == ",":
        # a parenthetical or appositive between subject and verb: "X, on the other hand, showed"
        p = j - 1
        while p >= max(floor, j - 16) and txt[p] != ",":
            p -= 1
        if p < max(floor, j - 16) or p - 1 < floor:
            return None
        j = p - 1
        while j >= floor and space[j]:
            j -= 1
        if j < floor or punct[j]:
            return None
    elif punct[j] and txt[j] not in (")", "%"):
        return None
    end = j + 1
    k = j
    count = 0
    while k >= floor and count < 12:
        t = txt[k]
        if t == ")":
            o = k - 1
            while o >= max(floor, k - 8) and txt[o] != "(":
                o -= 1
            if o >= max(floor, k - 8):
                k = o - 1  # skip "(SIPRI)"
                count += 1
                continue
        if low[k] in ("and", "&") and k - 1 >= floor and k + 1 < verb_i and txt[k - 1][:1].isupper() and txt[k + 1][:1].isupper():
            k -= 1  # "Volker Hauck and Sophie Desmidt note": coordinated names
            count += 1
            continue
        # (Token.is_upper is the lexeme's str.isupper() of its text)
        if space[k] or (punct[k] and t not in ("-", ".", "’s", "'s", "&", "%")) or (low[k] in NP_BOUNDARY_WORDS and not (t.isupper() and len(t) > 1)):
            break
        k -= 1
        count += 1
    start = k + 1
    if start >= end:
        return None
    if low[start] in ("who", "which", "that"):
        return None
    return (start, end)


def _object_region(doc: Doc, after_i: int, ceil: int, rules: ClaimRules, tt: TokenTable | None = None) -> tuple[int, int] | None:
    """Token range of an NP read rightwards (after "said", "according to"), up to a stop word.
    ``tt``: the Doc's TokenTable when the caller has one (read instead of Token objects)."""
    if tt is None:
        tt = TokenTable(doc)
    space, low, txt, punct = tt.space, tt.low, tt.txt, tt.punct
    j = after_i
    while j < ceil and space[j]:
        j += 1
    start = j
    count = 0
    while j < ceil and count < 14:
        t = txt[j]
        if space[j] or (punct[j] and t not in ("-", "’s", "'s", "&", ".")) or (t == "." and j + 1 < ceil and space[j + 1]):
            break
        if t == "." and (j + 1 >= ceil):
            break
        if low[j] in rules.stop_words and j > start:
            break
        j += 1
        count += 1
    return (start, j) if j > start else None


def _dep_subject(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """The nsubj subtree of a reporting verb (UD or ClearNLP labels), if it looks sane: close to the
    verb, not crossing a quotation mark (parsers often mis-attach quoted material)."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "nsubj:pass"):
            sub = list(child.subtree)
            start, end = sub[0].i, sub[-1].i + 1
            if end - start > 14 or abs(child.i - verb.i) > 14:
                return None
            if any(t.text in QUOTE_MARKS for t in doc[start:end]):
                return None
            if end - start == 1 and child.lower_ in ("who", "which", "that"):
                if verb.dep_ not in ("relcl", "acl:relcl", "acl") or child.i == 0 or doc[child.i - 1].text != ",":
                    return None  # a restrictive clause ("analysts who believe ... are mistaken") reports nothing
                head = verb.head  # "Kristina Voda, who argued that ...": the noun phrase the clause modifies
                end = verb.left_edge.i
                while end > head.left_edge.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
                    end -= 1
                return (head.left_edge.i, end) if end > head.left_edge.i else None
            return (start, end)
    return None


# --- the analysis of one sentence --------------------------------------------------------------


class SubRange(NamedTuple):
    start: int  # token
    end: int
    words: int


@dataclass(slots=True)
class Chunk:
    start: int  # token
    end: int
    cues: list[Cue] = field(default_factory=list)
    attribution: Attribution | None = None
    quote: Quote | None = None
    speaker_key: str = "author"
    # the clauses merged into this part, as (start, end, words) (not Chunks: ``ch.subs = [ch]``
    # would be a reference cycle, which only the cyclic GC frees, holding the cues with it)
    subs: list[SubRange] = field(default_factory=list)
    type: str = "evaluation"
    strength: float = 0.0
    strengths: dict[str, float] = field(default_factory=dict)
    words: int = 0


@dataclass(slots=True)
class ClaimCandidate:
    span: Span
    data: dict
    sent_index: int = 0
    unit_start_char: int = 0


def _strengths(cues: Iterable[Cue]) -> dict[str, float]:
    """Strength per claim type: the cue weights, largest first, each worth half the one before."""
    by_type: dict[str, list[float]] = {}
    for cue in cues:
        row = cue.row
        t = row.type
        if t and row.weight > 0:
            ws = by_type.get(t)
            if ws is None:
                by_type[t] = [row.weight * cue.factor]
            else:
                ws.append(row.weight * cue.factor)
    out = {}
    for t, ws in by_type.items():
        if len(ws) == 1:
            out[t] = ws[0]  # the sum below of one positive weight
        else:
            ws.sort(reverse=True)
            out[t] = sum(w * (0.5 ** k) for k, w in enumerate(ws))
    return out


def _best_type(strengths: dict[str, float]) -> tuple[str, float]:
    """The winning type. Evaluative words pile up in any sentence, so for choosing the type their
    strength is capped (EVALUATION_CAP): one structural cue (will, because, should) outweighs them."""
    if not strengths:
        return "evaluation", 0.0
    if len(strengths) == 1:
        for t, v in strengths.items():
            return t, v
    ranked = {k: min(v, EVALUATION_CAP) if k == "evaluation" else v for k, v in strengths.items()}
    t = max(ranked, key=lambda k: (round(ranked[k], 6), TYPE_PRIORITY[k]))
    return t, strengths[t]


def normalize_certainty(cues: Iterable[Cue]) -> tuple[bool, str, bool]:
    """(hedged, certainty, negative_polarity) from hedge/booster cues. Pure.

    Hedged when any hedge cue fires; certainty is the lowest hedge certainty, else "high"
    (a categorical assertion or a booster). A negative-polarity cue ("unlikely",
    "inconceivable", "the chances ... are zero") makes the claim negated.
    """
    certainty: str | None = None  # of the first hedge with the lowest rank
    rank = 0
    neg = False
    for c in cues:
        row = c.row
        if not row.family:
            continue
        if row.family == "booster":
            neg = neg or row.polarity == "neg"
        elif row.lexicon in ("modality", "frames") and not c.fronted:  # a hedge
            neg = neg or row.polarity == "neg"
            r = CERTAINTY_RANK.get(row.certainty, 1)
            if certainty is None or r < rank:
                certainty, rank = row.certainty, r
    if certainty is not None:
        return True, certainty, neg
    return False, "high", neg


class _Analyzer:
    """Per-Doc state for find_claims (entities, quotes, cues indexed by token)."""

    def __init__(self, doc: Doc, rules: ClaimRules, *, min_score: float, split_clauses: bool, max_tokens: int) -> None:
        self.doc = doc
        self.min_score = min_score
        self.rules = rules
        self.split_clauses = split_clauses
        self.max_tokens = max_tokens
        self.tt = tt = TokenTable(doc, rules.facts_for(doc))
        self.text = tt.text
        self.has_dep = doc.has_annotation("DEP")
        # (TokenTable read these already; has_annotation scans every token when they are absent)
        self.has_pos = tt.pos is not None if tt.n else doc.has_annotation("POS")
        self.has_tag = tt.tag_hashes is not None if tt.n else doc.has_annotation("TAG")
        # _logit asks whether a span holds a past (VBD) or present (VBZ/VBP) tag: running counts
        # answer that per span without building the span's set of tag strings
        self.past_tag_cum = tt.tag_cum(("VBD",))
        self.present_tag_cum = tt.tag_cum(("VBZ", "VBP"))
        self.cues = find_cues(doc, rules, tt)
        # tense markers are a tenth of all tokens: find them in one pass, not once per unit
        self.tense_pos = tt.positions(rules.tense_kind)
        self.alpha_cum = tt.alpha_cum()  # words in [a, b) = cum[b] - cum[a]
        self.cue_starts = [c.start for c in self.cues]
        self.ents = _entity_spans(doc, tt)
        self.ent_starts = [e.start for e in self.ents]
        self.figures = _span_refs(doc.spans[SPANS_FIGURES], tt.text) if SPANS_FIGURES in doc.spans else []
        self.dates = _span_refs(doc.spans[SPANS_DATES], tt.text) if SPANS_DATES in doc.spans else []
        self.figure_starts = [x.start for x in self.figures]
        self.date_starts = [x.start for x in self.dates]
        self.tok_starts = tt.idx
        if tt.n and doc.has_annotation("SENT_START"):
            self.sent_starts = sentence_starts(doc)
            self.body = body_sentence_refs(doc, tt, self.sent_starts)
        else:
            self.body = body_sentence_refs(doc, tt)
            self.sent_starts = [s.start for s in doc.sents] if tt.n else [0]
        self.quotes = find_quotes(self.text) if any(ch in self.text for ch in "“\"‘'") else []
        self.quote_starts = [q.start for q in self.quotes]
        # whether a quotation overlaps the unit being analyzed (see quotes_over): most units have
        # none, and then no char of the unit needs a lookup
        self.quotes_here = bool(self.quotes)
        # the unit's lowercase, where SUBORD_LOW_RE may stand in for SUBORD_RE (see CASE_EXCEPTIONS)
        self.lower_ok = not any(ch in self.text for ch in CASE_EXCEPTIONS)
        self.unit_low: str | None = None
        self.unit_start_char = 0
        self.unit_attribution = True  # an attribution cue in the unit being analyzed (see _context_filter)
        self.label_ids: dict[str, int] = {}  # claim type -> its hash in the Doc's StringStore (Span labels)
        self.last_source: tuple[Attribution, int] | None = None
        self.prev_narrative = False
        self.unit_tense: list[tuple[int, str]] = []
        self.last_speaker: tuple[str, tuple[int, int] | None, tuple[int, int] | None] | None = None
        self._attribute_quotes()

    # -- helpers
    def tok_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)

    def ents_between(self, start: int, end: int) -> list[SpanRef]:
        """The entities starting in [start, end] (a superset of those inside [start, end)), in order."""
        starts = self.ent_starts
        return self.ents[bisect.bisect_left(starts, start):bisect.bisect_right(starts, end)]

    def cues_in(self, start: int, end: int) -> list[Cue]:
        lo = bisect.bisect_left(self.cue_starts, start)
        hi = bisect.bisect_left(self.cue_starts, end)
        return [c for c in self.cues[lo:hi] if c.end <= end]

    def sent_range(self, i: int) -> tuple[int, int]:
        """(start, end) token range of the sentence holding token ``i``."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        return self.sent_starts[k], (self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else self.tt.n)

    # -- quotations
    def _attribute_quotes(self) -> None:
        prev: Quote | None = None
        for q in self.quotes:
            if q.words >= 3:
                self._attribute_quote(q)
            if q.speaker is None and (q.words >= 8 or (not q.closed and q.words >= 5)) and prev is not None and prev.speaker:
                gap = self.text[prev.end:q.start]
                if (gap.count("\n") <= 2 and len(gap) < 400) or (len(gap) < 200 and gap.rstrip().endswith(":")):
                    q.speaker, q.speaker_span, q.entity_span = prev.speaker, prev.speaker_span, prev.entity_span
                    q.cue_text, q.cue_span = prev.cue_text, prev.cue_span
            q.speech = q.speaker is not None or q.words >= 8
            if q.speech:
                prev = q if q.speaker else prev

    def _attribute_quote(self, q: Quote) -> None:
        doc, rules = self.doc, self.rules
        close_tok = self.tok_at(q.end - 1)
        open_tok = self.tok_at(q.start)
        sent = SimpleRange(*self.sent_range(open_tok))
        sent_end = self.sent_range(close_tok)[1]
        # after the quote: "..., said X" / "...," X said / "...", according to X
        j = close_tok + 1
        while j < sent_end and (doc[j].text in (",", "—", "–") or doc[j].is_space):
            j += 1
        window_end = j
        while window_end < sent_end and window_end - j < 8 and doc[window_end].text not in (".", ";", ":", "!", "?", "“", "‘", '"') and "\n" not in doc[window_end].text:
            window_end += 1
        for cue in self.cues_in(j, window_end):
            if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "according"):
                continue
            tt = self.tt
            pv = tt.prev(cue.start, j)
            if tt.txt[cue.start][:1].isupper() and cue.start != j:
                continue
            if pv >= 0 and (tt.low[pv] in DET_LIKE or DEMONYM_RE.match(tt.txt[pv])):
                continue
            if cue.row.kind == "according" or cue.start == j or all(doc[k].lower_ in SUBJECT_SKIP for k in range(j, cue.start)):
                region = _object_region(doc, cue.end, sent_end, rules, self.tt)
            else:
                if pv >= 0 and tt.low[pv] in ("was", "were", "is", "are", "been", "be"):
                    continue  # passive: "... was reported"
                region = (j, cue.start)
                # "X has said" / "X told reporters"
                k = cue.start - 1
                while k > j and doc[k].lower_ in SUBJECT_SKIP:
                    k -= 1
                region = (j, k + 1)
            if region is None:
                continue
            if self._set_quote_speaker(q, region, cue):
                return
        # before the quote: "X said: '...'", "X said, '...'", "X said that '...'", "As X put it, '...'"
        k = open_tok - 1
        while k >= sent.start and doc[k].is_space:
            k -= 1
        if k < sent.start:
            self._lead_in_attribution(q, sent.start)
            return
        lead = doc[k]
        if lead.text in (":", ",", "that") or lead.lower_ == "that":
            for cue in reversed(self.cues_in(max(sent.start, k - 4), k + 1)):
                if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "view"):
                    continue
                if cue.row.kind == "verb" and "that" in cue.row.flags and "verb" in cue.row.flags:
                    prev = _prev_token(doc, cue.start, sent.start)
                    if prev is not None and (prev.lower_ in DET_LIKE or DEMONYM_RE.match(prev.text)):
                        continue
                region = self._view_region(cue, sent.start, k) if cue.row.kind == "view" else self._subject(cue, sent.start)
                if region and self._set_quote_speaker(q, region, cue):
                    return
            if lead.text == ":":
                # colon-introduced quotation: the subject of the nearest reporting verb before the colon
                # ("Khrushchev, the party chairman, wrote to President Kennedy: '...'"), else the last
                # person named before the colon
                for cue in reversed(self.cues_in(sent.start, k)):
                    if cue.row.lexicon != "attribution" or cue.row.kind != "verb":
                        continue
                    pv = self.tt.prev(cue.start, sent.start)
                    if self.tt.txt[cue.start][:1].isupper() and pv >= 0 and not self.tt.punct[pv]:
                        continue
                    if pv >= 0 and (self.tt.low[pv] in DET_LIKE or DEMONYM_RE.match(self.tt.txt[pv])):
                        continue
                    region = self._subject(cue, sent.start)
                    if region is not None and self._set_quote_speaker(q, region, cue):
                        return
                persons = [e for e in self.ents_between(sent.start, k) if e.end <= k and e.label_ in PERSON_LABELS]
                verb = next((t for t in doc[sent.start:k] if t.lower_ in ("quoted", "quoting", "quotes", "cited", "citing", "cites")), None)
                cue_text = verb.lower_ if verb is not None else ":"
                reporting = verb is not None or any(
                    c.row.lexicon == "attribution" and c.row.kind == "verb" for c in self.cues_in(sent.start, k)
                )
                if not persons and not reporting:
                    return
                if persons:
                    e = persons[-1]
                    q.speaker, q.speaker_span, q.entity_span = e.text, (e.start_char, e.end_char), (e.start_char, e.end_char)
                else:
                    run = self._last_name_run(sent.start, k)
                    if run is None:
                        return
                    s, e = run
                    q.speaker = self.text[doc[s].idx:doc[e - 1].idx + len(doc[e - 1].text)]
                    q.speaker_span = (doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text))
                if verb is not None:
                    q.cue_text, q.cue_span = cue_text, (verb.idx, verb.idx + len(verb.text))
                else:
                    q.cue_text, q.cue_span = ":", (doc[k].idx, doc[k].idx + 1)

    def _view_region(self, cue: Cue, floor: int, ceil: int) -> tuple[int, int] | None:
        """Speaker tokens of "in the view of X" (after the cue) or "as X put it" (between "as" and the cue)."""
        doc = self.doc
        cue_text = self.text[cue.start_char:cue.end_char].lower()
        if cue_text.startswith(("in ", "as put")):
            return _object_region(doc, cue.end, ceil, self.rules, self.tt)
        k = cue.start - 1
        while k >= max(floor, cue.start - 10) and self.tt.low[k] != "as":
            k -= 1
        return (k + 1, cue.start) if k >= max(floor, cue.start - 10) else None

    def _lead_in_attribution(self, q: Quote, sent_start: int) -> None:
        """A quotation opening its sentence, after a lead-in ending in ":" ("As the report notes:")."""
        tt = self.tt
        p = tt.prev(sent_start, 0)
        if p < 0 or tt.txt[p] != ":":
            return
        lead_start, lead_end = self.sent_range(p)
        for cue in reversed(self.cues_in(lead_start, p)):
            if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "according", "view"):
                continue
            i = cue.start
            prev = tt.prev(i, lead_start)
            if tt.txt[i][:1].isupper() and prev >= 0 and not tt.punct[prev]:
                continue
            if prev >= 0 and (tt.low[prev] in DET_LIKE or DEMONYM_RE.match(tt.txt[prev])):
                continue
            if cue.row.kind == "verb":
                region = self._subject(cue, lead_start)
                if region is None:
                    region = _object_region(self.doc, cue.end, p, self.rules, tt)  # "..., said the minister:"
            elif cue.row.kind == "view":
                region = self._view_region(cue, lead_start, p)
            else:
                region = _object_region(self.doc, cue.end, p, self.rules, tt)
            if region is not None and self._set_quote_speaker(q, region, cue):
                return
        persons = [e for e in self.ents_between(lead_start, p) if e.end <= p and e.label_ in PERSON_LABELS]
        if persons:
            e = persons[-1]
            q.speaker, q.speaker_span, q.entity_span = e.text, (e.start_char, e.end_char), (e.start_char, e.end_char)
            q.cue_text, q.cue_span = ":", (tt.idx[p], tt.end[p])

    def _last_name_run(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The last run of 2-3 capitalized tokens before ``hi`` (a person name without NER)."""
        doc = self.doc
        j = hi - 1
        while j >= lo:
            if doc[j].text[:1].isupper() and doc[j].is_alpha and doc[j].lower_ not in self.rules.title_words:
                end = j + 1
                while j - 1 >= lo and doc[j - 1].text[:1].isupper() and doc[j - 1].is_alpha and doc[j - 1].lower_ not in self.rules.title_words:
                    j -= 1
                if end - j >= 2 and not (j - 1 >= lo and doc[j - 1].text in ("-", "–")):
                    return (max(j, end - 3), end)
            j -= 1
        return None

    def _set_quote_speaker(self, q: Quote, region: tuple[int, int], cue: Cue) -> bool:
        got = self._speaker(region)
        if got is None:
            return False
        q.speaker, q.speaker_span, q.entity_span = got
        q.cue_text = self.text[cue.start_char:cue.end_char].lower()
        q.cue_span = (cue.start_char, cue.end_char)
        return True

    def _speaker(self, region: tuple[int, int]) -> tuple[str, tuple[int, int] | None, tuple[int, int] | None] | None:
        doc, tt = self.doc, self.tt
        s, e = region
        space, punct = tt.space, tt.punct
        toks = [k for k in range(s, e) if not space[k] and not punct[k]]  # (token indices)
        if not toks:
            return None
        word = tt.low[toks[0]]
        if len(toks) == 1 and word in self.rules.author_words:
            return ("author", None, None)
        if len(toks) == 1 and word in self.rules.person_pronouns:
            # "he said": the nearer of the last named speaker and the last person mentioned
            char = tt.idx[toks[0]]
            reach = 1500 if word in ("he", "she") else 600
            last = self.last_speaker if self.last_speaker is not None and self.last_speaker[1] and char - self.last_speaker[1][0] < reach else None
            if word in ("he", "she"):
                lo = bisect.bisect_left(self.ent_starts, s)
                persons = [x for x in self.ents[max(0, lo - 40):lo] if x.end <= s and x.label_ in PERSON_LABELS and char - x.start_char < 1500]
                if persons and (last is None or persons[-1].start_char > last[1][0]):
                    p = persons[-1]
                    return (p.text, (p.start_char, p.end_char), (p.start_char, p.end_char))
            if last is not None:
                return last
            return ("unknown", (char, tt.end[toks[0]]), None)
        got = _speaker_from_region(doc, s, e, self.rules, self.ents, self.ent_starts)
        if got is None:
            return None
        text, span, ent = got
        if text.lower() not in self.rules.person_pronouns:
            self.last_speaker = (text, span, ent)
        return (text, span, ent)

    def _subject(self, cue: Cue, floor: int) -> tuple[int, int] | None:
        verb = self.doc[cue.start]
        if self.has_dep:
            region = _dep_subject(self.doc, verb)
            if region is not None:
                return region
        return _subject_region(self.doc, cue.start, floor, self.rules, self.tt)

    # -- attribution inside a chunk (reported speech)
    def chunk_attribution(self, si: int, start: int, end: int, unit_start: int, unit_end: int, cues: list[Cue]) -> Attribution | None:
        doc, rules = self.doc, self.rules
        for cue in cues:
            if cue.row.lexicon != "attribution":
                continue
            kind = cue.row.kind
            if kind == "source_noun":
                continue
            if self.quotes_here and self._in_quote(cue.start_char):
                continue
            cue_text = self.text[cue.start_char:cue.end_char].lower()
            if kind == "according":
                region = _object_region(doc, cue.end, unit_end, rules, self.tt)
                if region is not None and any(w in rules.nonsources for w in self.tt.low[region[0]:min(region[1], region[0] + 4)]):
                    continue  # "according to plan", "according to the rules": in accordance with
                scope = "forward" if cue.start <= start + 1 else "backward"
            elif kind == "conditional":
                k = cue.start - 1
                while k >= start and self.tt.low[k] not in ("if", "unless"):
                    k -= 1
                if k < start:
                    continue
                region = (k + 1, cue.start)
                scope = "forward"
            elif kind == "view_poss":  # "in Matviichuk's words", "in the ministry's view"
                k = cue.start - 1
                while k >= max(start, cue.start - 8) and self.tt.low[k] != "in":
                    k -= 1
                if k < max(start, cue.start - 8):
                    continue
                region = (k + 1, cue.start)
                scope = "forward" if k <= start + 1 else "backward"
            elif kind == "view":
                region = self._view_region(cue, start, unit_end)
                scope = "forward" if cue.start <= start + 3 else "backward"
            elif kind == "evidential":
                region = self._subject(cue, start)
                if region is None:
                    continue
                words = set(self.tt.low[region[0]:region[1]])
                has_name = any(w[:1].isupper() for w in self.tt.txt[region[0] + 1:region[1]]) or any(
                    e.end <= region[1] for e in self.ents_between(region[0], region[1])
                )
                if not (words & rules.source_nouns) or not has_name:
                    continue
                scope = "forward"
            else:  # reporting verb
                if self.has_pos and self.tt.pos[cue.start] not in ("VERB", "AUX", ""):
                    continue
                pm = self._prev_non_adverb(cue.start, unit_start)
                if pm >= 0 and self.tt.low[pm] in MODAL_BEFORE_REPORT:
                    continue  # "the government should stress that", "one might argue": not a report
                tt = self.tt
                nxt = tt.next(cue.end, unit_end)  # (token indices, -1 for none)
                prev = tt.prev(cue.start, unit_start)
                if prev >= 0 and tt.txt[prev] in (",", "—", "–") and (nxt >= 0 and (tt.txt[nxt][:1].isupper() or tt.low[nxt] in rules.strip_words or tt.low[nxt] in rules.title_words)) and cue_text in ("said", "says", "argued", "argues", "wrote", "writes", "noted", "notes", "added", "adds", "told", "explained", "warned", "stated", "insisted", "observed", "remarked", "concluded"):
                    # inverted: "..., said the former ambassador." / "..., argues Jane Doe."
                    region = _object_region(doc, cue.end, unit_end, rules, self.tt)
                    scope = "backward"
                else:
                    region = self._subject(cue, unit_start)
                    scope = "forward"
                    if region is not None and prev >= 0 and tt.txt[prev] == "," and region[1] <= cue.start and region[0] > start + 2:
                        # "..., Panov said." / "..., analysts say."
                        if nxt < 0 or tt.punct[nxt]:
                            scope = "backward"
            if region is None:
                continue
            if kind == "verb" and self._is_quantity(region) and self.last_source is not None and si - self.last_source[1] <= 2:
                # "56% believed that ..." right after "According to a poll by X": X's respondents
                src = self.last_source[0]
                got = (src.speaker, src.speaker_span, src.entity_span)
            else:
                got = self._speaker(region)
            if got is None:
                continue
            speaker, span, ent = got
            if speaker == "author":
                continue
            att = Attribution(
                speaker=speaker, cue_text=cue_text, cue_start=cue.start_char, cue_end=cue.end_char,
                quote="indirect", scope=scope, cue_token=cue.start, weight=cue.row.weight,
                speaker_span=span, entity_span=ent,
            )
            if kind in ("according", "evidential"):
                self.last_source = (att, si)
            return att
        return None

    def _is_quantity(self, region: tuple[int, int]) -> bool:
        toks = [t for t in self.doc[region[0]:region[1]] if not t.is_space]
        return bool(toks) and (toks[0].like_num or toks[0].text[:1].isdigit() or toks[0].lower_ in ("respondents", "most", "majority", "half", "percent")) and not any(
            t.text[:1].isupper() for t in toks[1:]
        )

    def _in_quote(self, char: int) -> bool:
        return self._quote_at(char) is not None

    def quotes_over(self, start_char: int, end_char: int) -> bool:
        """A quotation overlaps [start_char, end_char). (The quotes are sorted and do not overlap,
        so their ends increase with their starts: the last one starting before ``end_char`` decides.)"""
        i = bisect.bisect_left(self.quote_starts, end_char) - 1
        return i >= 0 and self.quotes[i].end > start_char

    def speech_quote_over(self, start_char: int, end_char: int) -> Quote | None:
        """The speech quotation covering most of [start_char, end_char), if it covers >= 50%."""
        best, best_cov = None, 0.0
        length = max(1, end_char - start_char)
        first = max(0, bisect.bisect_right(self.quote_starts, start_char) - 1)
        quotes = self.quotes
        for k in range(first, len(quotes)):
            q = quotes[k]
            if q.end <= start_char:
                continue
            if q.start >= end_char:
                break
            if not q.speech:
                continue
            cov = (min(q.end, end_char) - max(q.start, start_char)) / length
            if cov > best_cov:
                best, best_cov = q, cov
        if best is not None and (best_cov >= 0.5 or (best.speaker and best.cue_span and start_char <= best.cue_span[0] < end_char and best_cov >= 0.3)):
            return best
        return None

    # -- units
    def units(self) -> Iterator[tuple[int, int, int]]:
        """(sentence index, token start, token end) for each body sentence piece between newlines."""
        nl = self.tt.nl
        for si, sent in enumerate(self.body):
            start, end = sent.start, sent.end
            if any(nl[start:end]):
                for i in range(start, end):
                    if nl[i]:
                        if i > start:
                            yield si, start, i
                        start = i + 1
            if start < end:
                yield si, start, end

    def analyze(self) -> list[ClaimCandidate]:
        out: list[ClaimCandidate] = []
        for si, start, end in self.units():
            out.extend(self.analyze_unit(si, start, end))
        self._link_evidence(out)
        return out

    def _ends_paragraph(self, end: int) -> bool:
        """The unit is the last text of its paragraph (a newline or the end of the text follows)."""
        tt = self.tt
        q = tt.next(end, tt.n)
        return q < 0 or "\n" in self.text[tt.end[end - 1]:tt.idx[q]]

    def analyze_unit(self, si: int, start: int, end: int) -> list[ClaimCandidate]:
        doc, rules, tt = self.doc, self.rules, self.tt
        while start < end and tt.space[start]:
            start += 1
        while end > start and tt.space[end - 1]:
            end -= 1
        if end - start < 2 or end - start > self.max_tokens:
            return []
        text_start, text_end = tt.idx[start], tt.end[end - 1]
        text = self.text[text_start:text_end]
        low = text.lower()
        self.unit_low = low if self.lower_ok and len(low) == len(text) else None
        self.unit_start_char = text_start
        # (every char the quote tests below look up lies in the unit)
        self.quotes_here = bool(self.quotes) and self.quotes_over(text_start, text_end)
        if low.startswith(rules.boilerplate_prefixes):
            return []
        if not ends_terminal(text) and self._ends_paragraph(end):
            return []  # heading, list label or caption: a paragraph that does not end with a full stop
        if text.rstrip().endswith(":"):
            return []  # a lead-in to a list
        alpha_cum = self.alpha_cum
        words = alpha_cum[end] - alpha_cum[start]
        if words < 3:
            return []
        cues = self.cues_in(start, end)
        first = start
        while first < end and (tt.punct[first] or tt.num[first] or tt.space[first]):
            first += 1
        # (a merged token could hold a space, and so a whole phrase)
        if first < end - 1 and rules.imperatives and (tt.low[first] in rules.imperative_first or " " in tt.low[first]):
            for n in (2, 1):
                row = rules.imperatives.get(" ".join(tt.low[first:first + n]))
                if row is not None:
                    cues.append(Cue(first, first + n, tt.idx[first], tt.end[first + n - 1], row))
                    break
        # only "nocond" cues read the conditional test: skip the regex when no cue has that flag
        conditional = any("nocond" in c.row.flags for c in cues) and bool(
            CONDITIONAL_LOW_RE.search(low) if self.unit_low is not None else CONDITIONAL_RE.search(text)
        )
        # a row without flags outside the attribution/modality lexicons always applies
        cues = [c for c in cues if not c.row.checked or cue_applies(c, tt, start, end, conditional)]
        plan = rules.frames_for(text, low)
        if plan:
            cues.extend(find_frame_cues(doc, text_start, text, start, end, rules, low=low, plan=plan))
        cues.sort(key=CUE_ORDER)
        cues = self._context_filter(cues, start, end)
        question = bool(QUESTION_END_RE.search(text))
        chunks = self._chunks(start, end, text) if self.split_clauses else [Chunk(start, end)]
        for ch in chunks:
            # (every cue starts in [start, end): one chunk holds them all)
            ch.cues = [c for c in cues if ch.start <= c.start < ch.end] if len(chunks) > 1 else cues
            ch.words = alpha_cum[ch.end] - alpha_cum[ch.start]
            ch.subs = [SubRange(ch.start, ch.end, ch.words)]
            self._mark_subordinate(ch)
        # speakers: quotation first, then reported speech ("according to X," at the start covers all)
        carry: Attribution | None = None
        # (without a quotation or an attribution cue in the unit every chunk stays the author's)
        for idx, ch in enumerate(chunks if self.quotes_here or self.unit_attribution else ()):
            q = self.speech_quote_over(tt.idx[ch.start], tt.end[ch.end - 1]) if self.quotes_here else None
            if q is not None and q.speaker is not None:
                ch.quote = q
                ch.speaker_key = q.speaker.lower()
                continue
            att = self.chunk_attribution(si, ch.start, ch.end, start, end, ch.cues) if self.unit_attribution else None
            if att is None and q is not None:
                ch.quote = q  # an unattributed quotation
                ch.speaker_key = "unknown"
                continue
            if att is not None:
                ch.attribution = att
                ch.speaker_key = att.speaker.lower()
                carry = att if att.scope == "forward" and att.cue_text == "according to" and idx == 0 else None
            elif carry is not None:
                ch.attribution = carry
                ch.speaker_key = carry.speaker.lower()
        for ch in chunks:
            ch.strengths = _strengths(ch.cues if ch.attribution is None else [c for c in ch.cues if not self._is_attribution_cue(c, ch)])
            ch.type, ch.strength = _best_type(ch.strengths)
        parts = self._merge(chunks)
        out = []
        for part in parts:
            cand = self._candidate(si, part, question, text_start)
            if cand is not None:
                out.append(cand)
        return out

    def _tense(self, start: int, end: int) -> list[tuple[int, str]]:
        """(token, kind) of the tense markers of a unit: "present", "past_aux", "past_verb".

        A past-tense verb after "to", a modal or an auxiliary is not finite ("to cut", "has visited",
        "was signed"); "has/have + participle" (present perfect) is neither present nor narration.
        """
        tt, kinds = self.tt, self.rules.tense_kind
        low = tt.low
        hits = []
        pos = self.tense_pos
        for i in pos[bisect.bisect_left(pos, start):bisect.bisect_left(pos, end)]:
            kind = kinds[low[i]]
            if kind == "past_verb":
                p = self._prev_non_adverb(i, start)
                if p >= 0 and low[p] in NON_PAST_BEFORE:
                    continue
            elif kind == "present" and low[i] in HAVE_FORMS:
                j = i + 1
                while j < end and (tt.space[j] or low[j] in SUBJECT_SKIP):
                    j += 1
                if j < end and low[j] != "been" and (kinds.get(low[j]) == "past_verb" or low[j].endswith("ed")):
                    continue  # present perfect
            hits.append((i, kind))
        if not hits:
            i3 = self._present_3sg(start, end)
            if i3 >= 0:
                hits.append((i3, "present"))
        return hits

    def _context_filter(self, cues: list[Cue], start: int, end: int) -> list[Cue]:
        """Drop cues their neighbours disqualify (scare quotes, names, backshifted "would")."""
        tt = self.tt
        out = []
        report_seen = False
        self.unit_tense = hits = self._tense(start, end)
        present = any(k == "present" for _, k in hits)
        past = not present and bool(hits)
        # "would" in past narration is the future-in-the-past; a sentence without a tense marker of its
        # own continues the narration of the sentence before it
        narrative = past or (not hits and self.prev_narrative)
        self.prev_narrative = past
        quotes_here = self.quotes_here
        lows, txt = tt.low, tt.txt
        attribution = False  # an attribution cue is kept (chunk_attribution has nothing to do without one)
        for c in cues:
            row = c.row
            if quotes_here and (row.type or row.family):
                q = self._quote_at(c.start_char)
                if q is not None and not q.speech:
                    continue  # words inside scare quotes are someone else's label, not the writer's judgement
            lexicon = row.lexicon
            if lexicon == "attribution" and row.kind == "verb":
                report_seen = True
            i = c.start
            if row.type and c.end - i == 1 and i > start and txt[i][:1].isupper() and (
                txt[i - 1][:1].isupper() or (i + 1 < end and txt[i + 1][:1].isupper())
            ):
                continue  # part of a name: "the Limited Test Ban Treaty", "Critical Threats Project"
            if lexicon == "causal" and lows[i] == "as" and any(
                a.row.lexicon == "attribution" and i < a.start <= i + 9 for a in cues
            ):
                continue  # "As X notes, ...": an attribution, not a cause
            if (report_seen or narrative) and lexicon == "modality" and lows[i] == "would" and c.end - i == 1:
                continue  # "said that X would ...", "he knew it would ...": a reported future, not the writer's hedge
            if lexicon == "attribution":
                attribution = True
            out.append(c)
        self.unit_attribution = attribution
        return out

    def _present_3sg(self, start: int, end: int) -> int:
        """Index of a likely third-person present verb ("X predates the war"), or -1.

        Shape rule for pipelines without a tagger: a lowercase word ending in -s (not -ss/-us/-is)
        after a subject-like token (a name, a pronoun, a possessive noun, a comma-closed
        parenthetical) and before a determiner, preposition or complementizer.
        """
        tt = self.tt
        low, txt = tt.low, tt.txt
        for i in range(start + 1, end - 1):
            w = low[i]
            if len(w) < 4 or w[-1] != "s" or w[-2] in "su'’i" or not tt.alpha[i] or txt[i][0].isupper() or w in NOT_3SG:
                continue
            nxt = low[i + 1] if not tt.space[i + 1] else ""
            if nxt not in OBJECT_STARTERS:
                continue
            p = tt.prev(i, start)
            if p < 0:
                continue
            pw = low[p]
            if pw in SUBJECT_PRONOUNS or (txt[p][:1].isupper() and p > start and not tt.punct[p]) or (pw == "," and i - start > 4):
                return i
        return -1

    def _prev_non_adverb(self, i: int, floor: int) -> int:
        """The token before ``i`` skipping adverbs ("has therefore increased" -> "has")."""
        tt = self.tt
        p = tt.prev(i, floor)
        while p >= 0 and (tt.low[p] in SUBJECT_SKIP or (tt.low[p].endswith("ly") and tt.low[p] not in ("only",))) and tt.low[p] not in NON_PAST_BEFORE:
            p = tt.prev(p, floor)
        return p

    def _quote_at(self, char: int) -> Quote | None:
        i = bisect.bisect_right(self.quote_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return self.quotes[i]
        return None

    def _mark_subordinate(self, ch: Chunk) -> None:
        """Type cues in subordinate clauses weigh less; hedges in a fronted one do not hedge."""
        tt = self.tt
        first_type = None
        for c in ch.cues:
            row = c.row
            if row.family:
                break  # a hedge
            t = row.type
            if t:
                if first_type is None:
                    first_type = t
                elif t != first_type:
                    break  # a second type
        else:
            return  # one type at most and no hedge: clause position changes nothing that matters
        i0 = tt.next(ch.start, ch.end)
        if i0 < 0:
            return
        low = tt.low
        base = tt.idx[i0]
        text = self.text[base:tt.end[ch.end - 1]]
        fronted_end = None  # char offset of the comma closing a fronted subordinate clause
        if low[i0] in FRONTED_OPENERS or (low[i0] in ("but", "and", "so", "yet") and i0 + 1 < ch.end and low[i0 + 1] in FRONTED_OPENERS):
            k = text.find(",")
            if k > 0:
                fronted_end = base + k
        sub_start = None
        pos = (fronted_end - base + 1) if fronted_end is not None else len(tt.txt[i0])
        # a subordinate clause starting after the last cue changes nothing (no cue is in it), so the
        # search stops there; a match starting up to that cue reads no further than SUBORD_MAX + 1
        # chars on, so it is found as in the whole text
        endpos = min(len(text), max(c.start_char for c in ch.cues) - base + SUBORD_MAX + 2)
        if self.unit_low is not None:  # (the chunk lies in the current unit)
            offset = base - self.unit_start_char
            matches = SUBORD_LOW_RE.finditer(self.unit_low[offset:offset + len(text)], pos, endpos)
        else:
            matches = SUBORD_RE.finditer(text, pos, endpos)
        for m in matches:
            char = base + m.start()
            if not (self.quotes_here and self._in_quote(char)):
                sub_start = char
                break
        if fronted_end is None and sub_start is None:
            return  # no fronted or subordinate clause: every cue is in the main clause
        main_types = {
            c.row.type for c in ch.cues
            if c.row.type and not ((fronted_end is not None and c.start_char < fronted_end) or (sub_start is not None and c.start_char >= sub_start))
        }
        for c in ch.cues:
            in_front = fronted_end is not None and c.start_char < fronted_end
            in_sub = sub_start is not None and c.start_char >= sub_start
            if in_front:
                c.fronted = True
            if (in_front or in_sub) and main_types:
                c.factor = SUB_FACTOR

    def _is_attribution_cue(self, cue: Cue, ch: Chunk) -> bool:
        att = ch.attribution
        if att is not None and cue.start_char < att.cue_end and att.cue_start < cue.end_char:
            return True
        return False

    def _chunks(self, start: int, end: int, text: str | None = None) -> list[Chunk]:
        """Split points: ";", ", but/yet/however/although/though", and ":" before a speech quote.
        ``text``: the text of the tokens [start, end) when the caller has it."""
        tt = self.tt
        base = tt.idx[start]
        if text is None:
            text = self.text[base:tt.end[end - 1]]
        m = SPLIT_RE.search(text)
        if m is None:
            return [Chunk(start, end)] if end > start else []  # no split point (most sentences)
        bounds = [start]
        for m in SPLIT_RE.finditer(text, m.start()):
            char = base + m.start()
            if self.quotes_here and self._in_quote(char):
                continue
            i = bisect.bisect_right(tt.idx, char, start, end) - 1  # the punctuation token
            if m.group() == ";":
                bounds.append(i + 1)
            elif m.group().startswith(","):
                bounds.append(i + 1)
            else:  # colon: split before the quotation mark if it opens a speech quote
                j = tt.next(i + 1, end)
                if j >= 0 and self.quotes_here:
                    q = self._quote_at(tt.idx[j])
                    if q is not None and q.speech:
                        bounds.append(j)
        if len(bounds) == 1:
            return [Chunk(start, end)] if end > start else []  # no split point (most sentences)
        bounds = sorted(set(b for b in bounds if start <= b < end))
        return [Chunk(a, b) for a, b in zip(bounds, bounds[1:] + [end]) if b > a]

    def _merge(self, chunks: list[Chunk]) -> list[Chunk]:
        if len(chunks) == 1:
            return chunks
        merged: list[Chunk] = [chunks[0]]
        for ch in chunks[1:]:
            cur = merged[-1]
            weak = cur.words < 4 or ch.words < 4
            same = cur.speaker_key == ch.speaker_key
            split = False
            if not weak and not same:
                split = True
            elif not weak and same and cur.strength >= 1.5 and ch.strength >= 1.5 and cur.type != ch.type and cur.words >= 5 and ch.words >= 5:
                split = True
            if split:
                merged.append(ch)
                continue
            new = Chunk(cur.start, ch.end, cues=cur.cues + ch.cues, words=cur.words + ch.words)
            new.subs = cur.subs + ch.subs
            src = cur if (cur.quote is not None or cur.attribution is not None) else ch
            new.quote, new.attribution, new.speaker_key = src.quote, src.attribution, src.speaker_key
            new.strengths = _strengths(new.cues if new.attribution is None else [c for c in new.cues if not self._is_attribution_cue(c, new)])
            new.type, new.strength = _best_type(new.strengths)
            merged[-1] = new
        return merged

    def _logit(self, cues: list[Cue], ch: Chunk, start: int, end: int, attributed: bool, direct: bool, question: bool, words: int, strengths: dict[str, float] | None = None) -> float:
        """The claim score's log-odds from the cues of a span (see score_weights.tsv).

        ``strengths``: the type strengths of ``cues`` when the caller has them (``_strengths`` of the
        cues that are not the chunk's attribution cue)."""
        w = self.rules.weights
        if strengths is None:
            strengths = _strengths(c for c in cues if not self._is_attribution_cue(c, ch)) if ch.attribution is not None else _strengths(cues)
        best = max(strengths.values(), default=0.0)
        evidence = best + 0.3 * (sum(strengths.values()) - best)
        logit = w["bias"] + w["type_strength"] * min(evidence, w["type_cap"] or 3.0)
        hedge = boost = None  # the largest hedge / booster weight (the first of equals, like max())
        first_person = negated = False
        background = 0  # summed in cue order, like sum()
        for c in cues:
            row = c.row
            if row.family:
                if row.family == "booster":
                    if boost is None or row.weight > boost:
                        boost = row.weight
                elif not c.fronted:
                    if hedge is None or row.weight > hedge:
                        hedge = row.weight
            if row.flags and "first_person" in row.flags:
                first_person = True
            lexicon = row.lexicon
            if lexicon == "negation":
                negated = negated or row.kind == "negate"
            elif (lexicon == "background" and row.kind == "event_phrase") or (lexicon == "frames" and row.kind == "background"):
                background += row.weight
        if hedge is not None:
            logit += w["hedge"] + hedge
        if boost is not None:
            logit += w["booster"] + boost
        if attributed:
            logit += w["attributed"] * (ch.attribution.weight if ch.attribution is not None else 1.0)
        if direct:
            logit += w["direct_quote"]
        present = event = past = False
        for i, k in self.unit_tense:
            if start <= i < end:
                if k == "present":
                    present = True
                elif k == "past_verb":
                    event = past = True
                elif k == "past_aux":
                    past = True
        past_cum, present_cum = self.past_tag_cum, self.present_tag_cum
        if past_cum is not None and present_cum is not None:  # (the tokens [start, end) hold such a tag)
            past = past or past_cum[end] > past_cum[start]
            present = present or present_cum[end] > present_cum[start]
        if present:
            logit += w["present"]
        elif event:
            logit += w["past_narrative"]
        elif past:
            logit += w["past_copula"]
        if first_person:
            logit += w["first_person"]
        if negated:
            logit += w["negated"]
        logit += background
        if question:
            logit += w["question"]
        if words < 5:
            logit += w["short"]
        return logit

    def _candidate(self, si: int, ch: Chunk, question: bool, unit_start_char: int) -> ClaimCandidate | None:
        tt = self.tt
        space, txt = tt.space, tt.txt
        s, e = ch.start, ch.end
        while e > s and (space[e - 1] or txt[e - 1] in (",", ";", ":", "—", "–")):
            e -= 1
        while s < e and (space[s] or txt[s] in (",", ";", ":")):
            s += 1
        if e <= s:
            return None
        s_char, e_char = tt.idx[s], tt.end[e - 1]
        cues = ch.cues if (s == ch.start and e == ch.end) else [c for c in ch.cues if s <= c.start < e]  # (read only)
        hedged, certainty, neg_polarity = normalize_certainty(cues)
        att = ch.attribution
        # (a cue overlapping the attribution cue is part of the attribution: _is_attribution_cue)
        att_start, att_end = (att.cue_start, att.cue_end) if att is not None else (0, -1)
        negations = [c for c in cues if c.row.lexicon == "negation" and c.row.kind == "negate" and not (c.start_char < att_end and att_start < c.end_char)]
        speaker, speaker_span, entity_span, attr_cue, attr_span, quote = "author", None, None, None, None, None
        q = ch.quote
        if q is not None and q.speaker is not None:
            speaker, speaker_span, entity_span, attr_cue, attr_span, quote = q.speaker, q.speaker_span, q.entity_span, q.cue_text, q.cue_span, "direct"
        elif q is not None:
            speaker, quote = "unknown", "direct"
        elif att is not None:
            speaker, speaker_span, entity_span, attr_cue, attr_span, quote = att.speaker, att.speaker_span, att.entity_span, att.cue_text, (att.cue_start, att.cue_end), "indirect"
            lo = bisect.bisect_left(self.quote_starts, s_char)
            if any(q.speech for q in self.quotes[lo:bisect.bisect_left(self.quote_starts, e_char)]):
                quote = "direct"
        if speaker == "author":
            quote = None
        attributed, direct = speaker != "author", quote == "direct"
        # the chunk's strengths were computed from exactly these cues unless trimming dropped some
        logit = self._logit(cues, ch, s, e, attributed, direct, question, ch.words, ch.strengths if len(cues) == len(ch.cues) else None)
        if len(ch.subs) > 1:
            for sub in ch.subs:
                sub_cues = [c for c in cues if sub.start <= c.start < sub.end]
                logit = max(logit, self._logit(sub_cues, ch, sub.start, sub.end, attributed, direct, question, sub.words))
        raw = 1.0 / (1.0 + math.exp(-logit))
        if raw < self.min_score:
            return None
        ctype = ch.type
        label = self.label_ids.get(ctype)
        if label is None:
            label = self.label_ids[ctype] = self.doc.vocab.strings.add(ctype)
        span = Span(self.doc, s, e, label=label)
        text = self.text
        decided: set[tuple] = set()
        for c in cues:
            row = c.row
            family = row.family
            if family:
                if family != "booster":
                    if not c.fronted:
                        decided.add((c.start_char, c.end_char, "hedge", text[c.start_char:c.end_char]))
                else:
                    decided.add((c.start_char, c.end_char, "booster", text[c.start_char:c.end_char]))
            elif row.type == ctype and row.weight > 0:
                if not (c.start_char < att_end and att_start < c.end_char):
                    decided.add((c.start_char, c.end_char, ctype, text[c.start_char:c.end_char]))
            elif row.lexicon == "negation" and row.kind == "negate" and not (c.start_char < att_end and att_start < c.end_char):
                decided.add((c.start_char, c.end_char, "negation", text[c.start_char:c.end_char]))  # (one of negations)
        if attr_span is not None:
            decided.add((attr_span[0], attr_span[1], "attribution", text[attr_span[0]:attr_span[1]]))
        decided_cues = [list(x) for x in sorted(decided)]  # in text order, without duplicates
        about = []
        ents = self.ents
        for k in range(bisect.bisect_left(self.ent_starts, s), len(ents)):
            ent = ents[k]
            if ent.start >= e:
                break
            if ent.end <= e:
                about.append([ent.start_char, ent.end_char])
        data = {
            "type": ctype,
            "score": self.rules.calibrate_score(raw),
            "raw_score": round(raw, 4),
            "hedged": hedged,
            "certainty": certainty,
            "negated": bool(negations) or neg_polarity,
            "speaker": speaker,
            "speaker_span": list(speaker_span) if speaker_span else None,
            "speaker_entity_span": list(entity_span) if entity_span else None,
            "attribution_cue": attr_cue,
            "quote": quote,
            "about_spans": about,
            "evidence_spans": [],
            "cues": decided_cues,
        }
        return ClaimCandidate(span, data, si, unit_start_char)

    def _spans_in(self, spans: list[SpanRef], start: int, end: int) -> list[SpanRef]:
        """The spans of ``spans`` (``self.figures`` or ``self.dates``) inside the tokens [start, end)."""
        starts = self.figure_starts if spans is self.figures else self.date_starts
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end, lo)
        if lo == hi:
            return []  # (most sentences hold none)
        return [x for x in spans[lo:hi] if x.end <= end]

    def _link_evidence(self, cands: list[ClaimCandidate]) -> None:
        """Figures and dates in the claim, plus those of a supporting sentence right beside it."""
        if not (self.figures or self.dates):
            return
        rules = self.rules
        sents = self.body
        text = self.text
        figures, dates, spans_in = self.figures, self.dates, self._spans_in
        claimed = {c.sent_index for c in cands}
        for cand in cands:
            sp = cand.span
            start, end, start_char, end_char = sp.start, sp.end, sp.start_char, sp.end_char
            ev = [[x.start_char, x.end_char, SPANS_FIGURES] for x in spans_in(figures, start, end)]
            ev += [[x.start_char, x.end_char, SPANS_DATES] for x in spans_in(dates, start, end)]
            si = cand.sent_index
            neighbours = []
            if si + 1 < len(sents):
                nxt = sents[si + 1]
                nlow = text[nxt.start_char:nxt.start_char + 60].lstrip().lower()
                same_para = "\n" not in text[end_char:nxt.start_char]
                if same_para and (nlow.startswith(rules.evidence_next) or (si + 1 not in claimed and spans_in(figures, nxt.start, nxt.end))):
                    neighbours.append(nxt)
            if si > 0:
                prv = sents[si - 1]
                prv_figures = spans_in(figures, prv.start, prv.end)
                # a previous sentence without figures or dates adds no evidence: skip the tests
                if prv_figures or spans_in(dates, prv.start, prv.end):
                    same_para = "\n" not in text[prv.end_char:start_char]
                    ctext = text[cand.unit_start_char:end_char]
                    if same_para and ((rules.conclusion_re is not None and rules.conclusion_re.match(ctext)) or (si - 1 not in claimed and prv_figures)):
                        neighbours.append(prv)
            for nb in neighbours:
                ev += [[x.start_char, x.end_char, SPANS_FIGURES] for x in spans_in(figures, nb.start, nb.end)]
                ev += [[x.start_char, x.end_char, SPANS_DATES] for x in spans_in(dates, nb.start, nb.end)]
            if ev:  # (else it stays the empty list _candidate wrote)
                seen = set()
                cand.data["evidence_spans"] = [x for x in sorted(ev) if not (tuple(x) in seen or seen.add(tuple(x)))]


def find_claims(doc: Doc, rules: ClaimRules, *, min_score: float = 0.5, split_clauses: bool = True, max_tokens: int = 200) -> list[ClaimCandidate]:
    """Claims in the body sentences of ``doc`` as (span, data) candidates. Pure: writes nothing."""
    return _Analyzer(doc, rules, min_score=min_score, split_clauses=split_clauses, max_tokens=max_tokens).analyze()


# --- the component -----------------------------------------------------------------------------


class ClaimDetector:
    """Writes ``doc.spans[spans_key]`` (label = claim type) and ``span._.claim`` (see module doc).

    Reads body sentences (segmenter or sentencizer), entity/figure/date spans when present and
    the parse when present. Rule data: ``pipeline/resources/claims/`` (loaded in ``initialize``).
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, min_score: float, split_clauses: bool, max_tokens: int) -> None:
        ensure_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.min_score = min_score
        self.split_clauses = split_clauses
        self.max_tokens = max_tokens
        self.tables: dict[str, list[dict[str, str]]] | None = None
        self.rules: ClaimRules | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load and compile the rule tables (the packaged ones unless ``resources_root``)."""
        with gc_paused():
            self.tables = load_tables(resources_root)
            self.rules = ClaimRules(self.nlp, self.tables)

    def __call__(self, doc: Doc) -> Doc:
        if self.rules is None:
            self.initialize()
        assert self.rules is not None
        cands = find_claims(doc, self.rules, min_score=self.min_score, split_clauses=self.split_clauses, max_tokens=self.max_tokens)
        spans = [cand.span for cand in cands]
        set_span_extension(doc, spans, "claim", [cand.data for cand in cands])
        doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.tables is None:
            self.initialize()
        srsly.write_json(path / "claims_rules.json", self.tables)

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "ClaimDetector":
        with gc_paused():
            self.tables = srsly.read_json(Path(path) / "claims_rules.json")
            self.rules = ClaimRules(self.nlp, self.tables)
        return self


def make_claims(nlp: Language, name: str, spans_key: str, min_score: float, split_clauses: bool, max_tokens: int) -> ClaimDetector:
    return ClaimDetector(nlp, name, spans_key=spans_key, min_score=min_score, split_clauses=split_clauses, max_tokens=max_tokens)


# --- records -----------------------------------------------------------------------------------


def build_records(doc: Doc, ctx: RecordContext, *, spans_key: str = SPANS_CLAIMS) -> list[dict]:
    """One record per span in ``doc.spans[spans_key]`` (see ``schemas/claims.schema.json``)."""
    records = []
    ent_ids = ctx.ids.get(SPANS_ENTITIES, {})  # (what ctx.id_of reads, looked up once per Doc)
    ids_of_kind = ctx.ids.get
    empty: dict = {}
    for span, record, data, sentence_id in ctx.iter_spans(spans_key, "claim", id_kind="claims"):
        data = data or {}
        about = []
        for s, e in data.get("about_spans", []):
            i = ent_ids.get((s, e))
            if i is not None and i not in about:
                about.append(i)
        evidence = []
        for s, e, kind in data.get("evidence_spans", []):
            i = ids_of_kind(kind, empty).get((s, e))
            if i is not None and i not in evidence:
                evidence.append(i)
        ent_span = data.get("speaker_entity_span")
        record["type"] = data.get("type", span.label_)
        record["score"] = data.get("score", 0.0)
        record["hedged"] = bool(data.get("hedged", False))
        record["certainty"] = data.get("certainty", "high")
        record["negated"] = bool(data.get("negated", False))
        record["speaker"] = data.get("speaker", "author")
        record["speaker_entity"] = ent_ids.get(tuple(ent_span)) if ent_span else None
        record["attribution_cue"] = data.get("attribution_cue")
        record["quote"] = data.get("quote")
        record["about"] = about
        record["evidence"] = evidence
        record["cues"] = [{"start_char": s, "end_char": e, "text": t, "role": r} for s, e, r, t in data.get("cues", [])]
        record["sentence_id"] = sentence_id
        records.append(record)
    return records


# --- calibration -------------------------------------------------------------------------------


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def calibrate(
    pred_records: Iterable[dict],
    gold_records: Iterable[dict],
    *,
    bins: int = 10,
    min_overlap: float = 0.5,
    current: Sequence[tuple[float, float]] | None = None,
    path: str | Path | None = None,
) -> list[dict]:
    """Fit the raw-score -> probability table so that among claims scored ~p, ~p are right.

    A predicted claim is *right* when a gold claim of the same document overlaps it by at least
    ``min_overlap`` of the shorter span and has the same ``type``. Gold records need ``doc_id``,
    ``start_char``, ``end_char``, ``type`` (records with ``"claim": false`` are ignored).
    The predicted ``score`` is mapped back to the raw score through ``current`` (the table the
    predictions were made with; default the packaged one), binned into ``bins`` equal-count bins,
    made monotone (pool-adjacent-violators) and written as ``raw, calibrated, n`` rows to ``path``
    (default: the packaged ``pipeline/resources/claims/calibration.tsv``). Returns the rows.
    Run it only on gold that no rule was tuned on, and never train anything on that gold.
    """
    if current is None:
        current = [(float(r["raw"]), float(r["calibrated"])) for r in read_table(f"{RESOURCE_DIR}/{CALIBRATION_FILE}", columns=("raw", "calibrated"), optional=("n",))]
    inverse = sorted((y, x) for x, y in current)
    gold_by_doc: dict[str, list[dict]] = {}
    for g in gold_records:
        if g.get("claim", True) is False:
            continue
        gold_by_doc.setdefault(g["doc_id"], []).append(g)
    pairs: list[tuple[float, int]] = []
    for p in pred_records:
        raw = interpolate(inverse, float(p["score"]))
        ps = (p["start_char"], p["end_char"])
        ok = 0
        for g in gold_by_doc.get(p["doc_id"], []):
            gs = (g["start_char"], g["end_char"])
            shorter = max(1, min(ps[1] - ps[0], gs[1] - gs[0]))
            if _overlap(ps, gs) / shorter >= min_overlap and g.get("type") == p.get("type"):
                ok = 1
                break
        pairs.append((raw, ok))
    if not pairs:
        raise ValueError("calibrate: no predicted records")
    pairs.sort()
    size = max(1, math.ceil(len(pairs) / bins))
    blocks = [[sum(r for r, _ in chunk) / len(chunk), sum(o for _, o in chunk) / len(chunk), len(chunk)] for chunk in (pairs[i:i + size] for i in range(0, len(pairs), size))]
    # pool adjacent violators: calibrated value must not decrease with the raw score
    stack: list[list[float]] = []
    for b in blocks:
        stack.append(list(b))
        while len(stack) > 1 and stack[-2][1] > stack[-1][1]:
            b2, b1 = stack.pop(), stack.pop()
            n = b1[2] + b2[2]
            stack.append([(b1[0] * b1[2] + b2[0] * b2[2]) / n, (b1[1] * b1[2] + b2[1] * b2[2]) / n, n])
    rows = [{"raw": 0.0, "calibrated": round(min(0.5, stack[0][1]), 4), "n": 0}]
    for x, y, n in stack:
        x = round(min(max(x, 0.0001), 0.9999), 4)
        if x > rows[-1]["raw"]:
            rows.append({"raw": x, "calibrated": round(max(y, rows[-1]["calibrated"]), 4), "n": int(n)})
    rows.append({"raw": 1.0, "calibrated": round(max(stack[-1][1], rows[-1]["calibrated"]), 4), "n": 0})
    target = Path(path) if path else PACKAGE_ROOT / RESOURCE_DIR / CALIBRATION_FILE
    with target.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Written by pipeline.stages.claims.calibrate() from predicted vs. gold claim records.\n")
        fh.write(f"# {len(pairs)} predictions, {sum(o for _, o in pairs)} right; equal-count bins made monotone.\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["raw", "calibrated", "n"])
        for r in rows:
            writer.writerow([r["raw"], r["calibrated"], r["n"]])
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipeline.stages.claims calibrate PRED.jsonl GOLD.jsonl [OUT.tsv]``."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[0] != "calibrate":
        print(main.__doc__)
        return 2
    preds = list(srsly.read_jsonl(args[1]))
    gold = list(srsly.read_jsonl(args[2]))
    rows = calibrate(preds, gold, path=args[3] if len(args) > 3 else None)
    for r in rows:
        print(f"{r['raw']:.4f}\t{r['calibrated']:.4f}\t{r['n']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Cue matching: lexicon matches in a Doc, the context checks a cue's row flags name, the
sentence-initial imperatives, and the neighbour checks that drop cues inside a unit. Pure: every
function returns new lists and writes nothing."""
from __future__ import annotations

import operator
from typing import NamedTuple

from spacy.tokens import Doc

from .quotes import QuoteIndex
from .rules import ClaimRules, CueRow, WordSets
from .speed import TokenTable


class Cue(NamedTuple):
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


def cue_applies(cue: Cue, tt: TokenTable, unit_start: int, unit_end: int, conditional: bool, words: WordSets) -> bool:
    """Context checks named by the row's flags (see README.md), then those of the attribution and
    modality lexicons. Pure."""
    i = cue.start
    p = tt.prev(i, unit_start)
    q = tt.next(cue.end, unit_end)
    low = tt.low[i]
    plow = tt.low[p] if p >= 0 else None
    if cue.row.flags and not _flags_hold(cue, tt, unit_start, unit_end, conditional, words, p, q):
        return False
    if cue.row.lexicon == "attribution":
        if low in ("said", "told") and plow in words.said_reject_prev:
            return False
        if cue.row.kind in ("verb", "evidential") and tt.txt[i][:1].isupper() and p >= 0 and not tt.punct[p]:
            return False  # "the United States", "Foreign Affairs Reports": part of a name
    if cue.row.lexicon == "modality" and cue.row.family == "epistemic_verb" and "first_person" not in cue.row.flags:
        # "I think" is an author hedge; third-person "believes that" is attribution (handled there)
        if low in ("believe", "believes", "think", "thinks", "believed", "thought"):
            return False
    return True


def _flags_hold(cue: Cue, tt: TokenTable, unit_start: int, unit_end: int, conditional: bool, words: WordSets, p: int, q: int) -> bool:
    """Every check the row's flags name holds (``p``/``q``: the tokens before / after the cue, -1 for none)."""
    flags = cue.row.flags
    i = cue.start
    low = tt.low[i]
    nlow = tt.low[q] if q >= 0 else None
    if "verb" in flags and not _verb_use(cue, tt, words, p, q):
        return False
    if "notcap" in flags and ((tt.txt[i][:1].isupper() and i != unit_start) or (q >= 0 and tt.num[q])):
        return False
    if "nocond" in flags and (conditional or nlow in words.nocond_next):
        return False
    if "notperfect" in flags and low == "must" and nlow in ("have", "'ve", "’ve"):
        return False
    if "number" in flags and (q < 0 or not (tt.num[q] or words.number_re.match(tt.txt[q]))):
        return False
    if "clause" in flags and (q < 0 or not (
        nlow in words.clause_starter
        or (tt.txt[q][:1].isupper() and "initial" in flags)
        or ("comma_det" in flags and p >= 0 and tt.txt[p] == "," and nlow in ("the", "a", "an"))
    )):
        return False
    if "initial" in flags and p >= 0 and tt.txt[p] not in (",", ";", "—", "–"):
        return False
    if "comma" in flags and (p < 0 or tt.txt[p] != ","):
        return False
    if "that" in flags and not _that_follows(cue, tt, unit_start, unit_end, p):
        return False
    if "initial_as" in flags and (p < 0 or "as" not in tt.low[max(unit_start, i - 8):i]):
        return False
    if "imperative" in flags:
        # the unit's first word (after a list number or bullet), capitalized, not "Support for ..." / "Build-up"
        if p >= 0 and not all(tt.punct[k] or tt.num[k] or tt.space[k] for k in range(unit_start, i)):
            return False
        if not tt.txt[i][:1].isupper() or nlow in words.imperative_next:
            return False
    return True


def _verb_use(cue: Cue, tt: TokenTable, words: WordSets, p: int, q: int) -> bool:
    """The `verb` flag: the cue is used as a verb (not "the will of", "military might")."""
    i = cue.start
    if tt.pos is not None and tt.pos[i] not in ("VERB", "AUX", ""):
        return False
    plow = tt.low[p] if p >= 0 else None
    if p >= 0 and (plow in words.det_like or words.demonym_re.match(tt.txt[p]) or (cue.row.lexicon == "attribution" and plow.endswith("ing") and len(plow) > 5)):
        return False
    nlow = tt.low[q] if q >= 0 else None
    if tt.low[i] == "will" and (q < 0 or tt.punct[q] or nlow in words.will_next):
        return False
    if cue.row.lexicon in ("recommendation", "prediction", "modality") and cue.end - cue.start == 1 and (q < 0 or (tt.punct[q] and tt.txt[q] not in ("-", "—", "–"))):
        return False  # "what they must.": an elliptical modal
    return True


def _that_follows(cue: Cue, tt: TokenTable, unit_start: int, unit_end: int, p: int) -> bool:
    """The `that` flag: "that", ":" or a quotation mark follows within two tokens, or the cue
    reports parenthetically ("as X notes, ...", "Nothing he would do, Kennedy emphasized, would ...")."""
    i = cue.start
    window = [tt.low[j] for j in range(cue.end, min(cue.end + 3, unit_end)) if not tt.space[j]]
    as_clause = bool(window) and window[0] in (",", "—", "–", ":") and "as" in tt.low[max(unit_start, i - 8):i]
    parenthetical = bool(window) and window[0] in (",", "—", "–") and p >= 0 and "," in tt.txt[max(unit_start, i - 5):i]
    return as_clause or parenthetical or any(w in ("that", ":", "“", '"', "‘") for w in window[:2])


def imperative_cue(tt: TokenTable, rules: ClaimRules, start: int, end: int) -> Cue | None:
    """The imperative cue opening the unit [start, end) (after a list number or bullet), if any:
    imperatives are looked up by their first words instead of matched everywhere."""
    first = start
    while first < end and (tt.punct[first] or tt.num[first] or tt.space[first]):
        first += 1
    # (a merged token could hold a space, and so a whole phrase)
    if first < end - 1 and rules.imperatives and (tt.low[first] in rules.imperative_first or " " in tt.low[first]):
        for n in (2, 1):
            row = rules.imperatives.get(" ".join(tt.low[first:first + n]))
            if row is not None:
                return Cue(first, first + n, tt.idx[first], tt.end[first + n - 1], row)
    return None


def context_filter(cues: list[Cue], tt: TokenTable, start: int, end: int, quotes: QuoteIndex | None, narrative: bool) -> tuple[list[Cue], bool]:
    """The cues of the unit [start, end) their neighbours do not disqualify (scare quotes, names,
    backshifted "would"), and whether an attribution cue is among them. ``quotes``: the Doc's
    quotations when one overlaps the unit, else None; ``narrative``: the unit continues a past
    narration ("would" there is the future-in-the-past)."""
    out = []
    report_seen = False
    lows, txt = tt.low, tt.txt
    attribution = False
    for c in cues:
        row = c.row
        if quotes is not None and (row.type or row.family):
            q = quotes.at(c.start_char)
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
    return out, attribution

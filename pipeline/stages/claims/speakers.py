"""Speakers: the token regions that hold a speaker phrase (the subject left of a reporting verb,
the phrase after "said" / "according to", "in the view of X"), and the speaker a region names
(an entity that heads it, else the phrase itself; he/she/they resolve to earlier speakers).
Pure: the speaker memory goes in and comes out."""
from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from .context import DocContext, Speaker
from .cues import Cue
from .rules import ClaimRules
from .speed import SpanRef, TokenTable

PERSON_LABELS = frozenset({"PERSON", "PER"})
ORG_LABELS = frozenset({"ORG", "ORGANIZATION", "ORGANISATION", "MEDIA", "INSTITUTION"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "COUNTRY", "STATE", "FAC"})
QUOTE_MARKS = frozenset('“”"‘’\'')
NAME_JOINERS = ("of", "for", "and")  # words that may join the parts of a name ("Council on Foreign Relations")
PRONOUN_REACH = {"he": 1500, "she": 1500}  # chars back to the speaker a pronoun may refer to (others: 600)


def label_rank(label: str) -> int:
    """Preference of an entity label as a speaker: persons, organisations, others, places."""
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
    words = rules.words
    toks = [t for t in tokens if not t.is_space]
    # a source introduced by "by": "a 2016 poll by the Levada Center"
    for k, t in enumerate(toks):
        if t.lower_ == "by" and k + 1 < len(toks):
            rest = toks[k + 1:]
            stop = next((m for m, x in enumerate(rest) if m and x.lower_ in words.stop), len(rest))
            got = normalize_speaker(rest[:stop], rules)
            if got:
                return got
    while toks and (toks[-1].is_punct or toks[-1].lower_ in ("'s", "’s", "'", "’") or toks[-1].lower_ in words.subject_skip or (toks[-1].lower_.endswith("ly") and not toks[-1].text[:1].isupper() and len(toks) > 1)):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].lower_ in words.strip or (toks[0].like_num and not toks[0].is_alpha) or (toks[0].lower_.endswith("ly") and len(toks) > 1 and not toks[0].text[:1].isupper())):
        toks.pop(0)
    if not toks:
        return None
    if toks[-1].text[:1].isupper():
        toks = _name_at_head(toks, rules)
    if len(toks) > 8:
        toks = toks[-8:]
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = toks[0].doc[toks[0].i:toks[-1].i + 1].text
    return text, start, end


def _name_at_head(toks: list[Token], rules: ClaimRules) -> list[Token]:
    """The final run of capitalized tokens (the name heading the phrase) without the title words
    in it, when that leaves a name; else ``toks``."""
    words = rules.words
    k = len(toks)
    while k > 0 and (toks[k - 1].text[:1].isupper() or toks[k - 1].text in ("-", ".", "&") or toks[k - 1].lower_ in words.name_particle):
        k -= 1
    run = toks[k:]
    while run and run[0].lower_ in NAME_JOINERS:
        run.pop(0)
    had_title = any(t.lower_ in words.title for t in toks)
    stripped = list(run)
    while len(stripped) > 1 and stripped[0].lower_ in words.title:
        stripped.pop(0)
    if had_title and len(stripped) >= 3 and not any(t.lower_ in NAME_JOINERS for t in stripped):
        stripped = stripped[-2:]
    if stripped and not (len(stripped) == 1 and stripped[0].lower_ in words.title and len(toks) > 1):
        return stripped
    return toks


def speaker_from_region(doc: Doc, start: int, end: int, rules: ClaimRules, ents: list[SpanRef], ent_starts: list[int]) -> Speaker | None:
    """Speaker from the tokens [start, end): a PERSON/ORG entity, a head entity, or the NP itself."""
    if start >= end:
        return None
    words = rules.words
    toks = [t for t in doc[start:end] if not t.is_space]
    if len(toks) > 3 and toks[-1].text == ")" and any(t.text == "(" for t in toks[:-1]):
        cut = max(i for i, t in enumerate(toks) if t.text == "(")
        if cut > 0:
            toks = toks[:cut]  # "the Stockholm International Peace Research Institute (SIPRI)"
            end = toks[-1].i + 1
    if not toks:
        return None
    if len(toks) == 1 and toks[0].lower_ in words.nonspeaker:
        return None
    if toks[0].lower_ in words.nonspeaker and len(toks) <= 2:
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
    if inside:
        got = _entity_speaker(doc, toks, inside, start, end, rules)
        if got is not None:
            return got
    got = normalize_speaker(toks, rules)
    if got is None:
        return None
    text, s, e = got
    phrase = text.split()
    if text.lower() in words.nonspeaker or text.lower() in words.strip:
        return None
    if phrase[0].lower() in words.bad_start or (len(phrase) >= 5 and not any(w[:1].isupper() for w in phrase)):
        return None  # a phrase that crossed a clause boundary, not a speaker
    return text, (s, e), None


def _entity_speaker(doc: Doc, toks: list[Token], inside: list[SpanRef], start: int, end: int, rules: ClaimRules) -> Speaker | None:
    """The entity of the region [start, end) that names its speaker: one heading the phrase, or a
    person/organisation after "by" (persons first, then organisations, others, places)."""
    has_by = any(t.lower_ == "by" for t in toks)
    last_tok = max(t.i for t in toks if not t.is_punct and t.lower_ not in ("'s", "’s")) if any(not t.is_punct for t in toks) else end - 1
    if has_by:
        by_i = max(t.i for t in toks if t.lower_ == "by")
        inside = [e for e in inside if e.start > by_i] or inside
    best = sorted(inside, key=lambda e: (label_rank(e.label_), -e.end))
    for ent in best:
        head = ent.end - 1 >= last_tok
        if head and ent.label_ in PLACE_LABELS and ent.start - 1 >= start and doc[ent.start - 1].lower_ in rules.words.place_preposition:
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
    return None


def subject_region(doc: Doc, verb_i: int, floor: int, rules: ClaimRules, tt: TokenTable | None = None) -> tuple[int, int] | None:
    """Token range of the subject NP left of a reporting verb (rule fallback without a parse).
    ``tt``: the Doc's TokenTable when the caller has one (read instead of Token objects)."""
    if tt is None:
        tt = TokenTable(doc)
    words = rules.words
    space, low, txt, punct = tt.space, tt.low, tt.txt, tt.punct
    j = verb_i - 1
    while j >= floor and (space[j] or low[j] in words.subject_skip or (low[j].endswith("ly") and low[j] not in words.strip and not txt[j][:1].isupper())):
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
    start = _np_start(tt, rules, j, floor, verb_i)
    if start >= j + 1:
        return None
    if low[start] in ("who", "which", "that"):
        return None
    return (start, j + 1)


def _np_start(tt: TokenTable, rules: ClaimRules, j: int, floor: int, verb_i: int) -> int:
    """The first token of the noun phrase ending at token ``j``, read leftwards (at most 12 steps)."""
    space, low, txt, punct = tt.space, tt.low, tt.txt, tt.punct
    boundary = rules.words.np_boundary
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
        if space[k] or (punct[k] and t not in ("-", ".", "’s", "'s", "&", "%")) or (low[k] in boundary and not (t.isupper() and len(t) > 1)):
            break
        k -= 1
        count += 1
    return k + 1


def object_region(doc: Doc, after_i: int, ceil: int, rules: ClaimRules, tt: TokenTable | None = None) -> tuple[int, int] | None:
    """Token range of an NP read rightwards (after "said", "according to"), up to a stop word.
    ``tt``: the Doc's TokenTable when the caller has one (read instead of Token objects)."""
    if tt is None:
        tt = TokenTable(doc)
    stop = rules.words.stop
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
        if low[j] in stop and j > start:
            break
        j += 1
        count += 1
    return (start, j) if j > start else None


def dep_subject(doc: Doc, verb: Token) -> tuple[int, int] | None:
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


def subject_of(ctx: DocContext, cue: Cue, floor: int) -> tuple[int, int] | None:
    """The subject region of a reporting verb cue: the parse's nsubj when sane, else the rules'."""
    if ctx.has_dep:
        region = dep_subject(ctx.doc, ctx.doc[cue.start])
        if region is not None:
            return region
    return subject_region(ctx.doc, cue.start, floor, ctx.rules, ctx.tt)


def view_region(ctx: DocContext, cue: Cue, floor: int, ceil: int) -> tuple[int, int] | None:
    """Speaker tokens of "in the view of X" (after the cue) or "as X put it" (between "as" and the cue)."""
    cue_text = ctx.text[cue.start_char:cue.end_char].lower()
    if cue_text.startswith(("in ", "as put")):
        return object_region(ctx.doc, cue.end, ceil, ctx.rules, ctx.tt)
    k = cue.start - 1
    while k >= max(floor, cue.start - 10) and ctx.tt.low[k] != "as":
        k -= 1
    return (k + 1, cue.start) if k >= max(floor, cue.start - 10) else None


def last_name_run(ctx: DocContext, lo: int, hi: int) -> tuple[int, int] | None:
    """The last run of 2-3 capitalized tokens before ``hi`` (a person name without NER)."""
    doc, title = ctx.doc, ctx.words.title
    j = hi - 1
    while j >= lo:
        if doc[j].text[:1].isupper() and doc[j].is_alpha and doc[j].lower_ not in title:
            end = j + 1
            while j - 1 >= lo and doc[j - 1].text[:1].isupper() and doc[j - 1].is_alpha and doc[j - 1].lower_ not in title:
                j -= 1
            if end - j >= 2 and not (j - 1 >= lo and doc[j - 1].text in ("-", "–")):
                return (max(j, end - 3), end)
        j -= 1
    return None


def is_quantity(ctx: DocContext, region: tuple[int, int]) -> bool:
    """The region is a figure of respondents ("56%", "most"), not a named speaker."""
    toks = [t for t in ctx.doc[region[0]:region[1]] if not t.is_space]
    return bool(toks) and (toks[0].like_num or toks[0].text[:1].isdigit() or toks[0].lower_ in ctx.words.quantity) and not any(
        t.text[:1].isupper() for t in toks[1:]
    )


def _one_person(ctx: DocContext, speaker: Speaker) -> bool:
    """The speaker can be "he" or "she": a PERSON entity, or a name of capitalised words whose
    last word is not a plural ("Elena Varga", not "EU diplomats" or "the ministry")."""
    text, _span, ent_span = speaker
    if ent_span is not None:
        lo = bisect.bisect_left(ctx.ent_starts, ent_span[0])
        for x in ctx.ents[max(0, lo - 1):lo + 2]:
            if (x.start_char, x.end_char) == tuple(ent_span):
                return x.label_ in PERSON_LABELS
    words = text.split()
    return bool(words) and all(w[:1].isupper() for w in words) and not words[-1].endswith("s")


def resolve_speaker(ctx: DocContext, region: tuple[int, int], last: Speaker | None) -> tuple[Speaker | None, Speaker | None]:
    """(the speaker the tokens ``region`` name, the speaker memory after it). "I"/"we" are the
    author; he/she resolve to the nearer of ``last`` (the last speaker named) and the last person
    mentioned, they to ``last``; any other named speaker becomes the new ``last``."""
    tt, words = ctx.tt, ctx.words
    s, e = region
    space, punct = tt.space, tt.punct
    toks = [k for k in range(s, e) if not space[k] and not punct[k]]  # (token indices)
    if not toks:
        return None, last
    word = tt.low[toks[0]]
    if len(toks) == 1 and word in words.author:
        return ("author", None, None), last
    if len(toks) == 1 and word in words.person:
        char = tt.idx[toks[0]]
        recent = last if last is not None and last[1] and char - last[1][0] < PRONOUN_REACH.get(word, 600) else None
        if word in ("he", "she") and recent is not None and not _one_person(ctx, recent):
            recent = None  # "EU diplomats argue ... She said ...": she is not the diplomats
        if word in ("he", "she"):
            lo = bisect.bisect_left(ctx.ent_starts, s)
            persons = [x for x in ctx.ents[max(0, lo - 40):lo] if x.end <= s and x.label_ in PERSON_LABELS and char - x.start_char < 1500]
            if persons and (recent is None or persons[-1].start_char > recent[1][0]):
                p = persons[-1]
                return (p.text, (p.start_char, p.end_char), (p.start_char, p.end_char)), last
        if recent is not None:
            return recent, last
        return ("unknown", (char, tt.end[toks[0]]), None), last
    got = speaker_from_region(ctx.doc, s, e, ctx.rules, ctx.ents, ctx.ent_starts)
    if got is None:
        return None, last
    if got[0].lower() not in words.person:
        last = got
    return got, last

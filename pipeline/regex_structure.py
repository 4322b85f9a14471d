"""What a regular expression must or can match, read from its structure (the stdlib's regex parser).

The rule stages use these answers as gates: a pattern is tried only where the words it starts
with, or the literals every match contains, occur in the text. Every answer over-approximates
(when unsure, "anything may match"), so a gate can make a stage faster but never change its output;
each stage keeps a test that the gated path equals the ungated one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .resources import ResourceError

try:  # the stdlib's own regex parser (a private module, renamed in Python 3.11)
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:  # Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]


def parse_pattern(source: str, flags: int = re.IGNORECASE):
    """``source`` parsed as the rule stages compile it (case-insensitive by default)."""
    return _sre_p.parse(source, flags)


# --- words a pattern can start with, and the word after (dates' dispatch) ---

DIGIT_KEY = "<DIGIT>"
_ZERO_WIDTH = (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT)
_REPEATS = tuple(getattr(_sre_c, n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre_c, n))


def char_key(ch: str) -> str:
    """Dispatch key of a word that starts with a non-letter."""
    return DIGIT_KEY if ch.isdigit() else f"<CHAR:{ch}>"


def _class_chars(items) -> set[str] | None:
    """The characters a parsed regex class (``[...]``) can match, or None when too many to list."""
    chars: set[str] = set()
    for op, av in items:
        if op is _sre_c.LITERAL:
            chars.add(chr(av))
        elif op is _sre_c.RANGE and av[1] - av[0] < 64:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is _sre_c.CATEGORY and av in (_sre_c.CATEGORY_DIGIT, getattr(_sre_c, "CATEGORY_UNI_DIGIT", None)):
            chars.update("0123456789")
        elif op is _sre_c.CATEGORY and av in (_sre_c.CATEGORY_SPACE, getattr(_sre_c, "CATEGORY_UNI_SPACE", None)):
            chars.add(" ")
        else:
            return None
    return chars


def first_keys(source: str, where: str = "pattern", *, parsed=None) -> set[str]:
    """The first words a regex can match, lowercased ("between", "the", "mid"), or <DIGIT> / <CHAR:c>.

    A word ends at the first non-letter. Lets the detector try a pattern only where a token
    starts with one of these words, instead of running every pattern at every position.
    ``parsed``: ``source`` already parsed (``re._parser.parse(source, re.IGNORECASE)``).
    """
    if parsed is None:
        parsed = _sre_p.parse(source, re.IGNORECASE)

    def walk(items: list, prefix: str, depth: int = 0) -> set[str]:
        if depth > 200:
            raise ResourceError(f"{where}: pattern too deep to analyze")
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op in _ZERO_WIDTH:
                continue
            if op is _sre_c.LITERAL or op is _sre_c.IN:
                chars = {chr(av)} if op is _sre_c.LITERAL else _class_chars(av)
                if chars is None:
                    raise ResourceError(f"{where}: cannot tell which words the pattern starts with")
                out: set[str] = set()
                for ch in chars:
                    if ch.isalpha():
                        out |= walk(rest, prefix + ch.lower(), depth + 1)
                    elif prefix:
                        out.add(prefix)
                    elif not ch.isspace():
                        out.add(char_key(ch))
                    else:
                        raise ResourceError(f"{where}: a pattern may not start with a space")
                return out
            if op is _sre_c.BRANCH:
                return set().union(*(walk(list(alt.data) + rest, prefix, depth + 1) for alt in av[1]))
            if op is _sre_c.SUBPATTERN:
                return walk(list(av[-1].data) + rest, prefix, depth + 1)
            if op in _REPEATS:
                lo, hi, sub = av
                out = walk(list(sub.data) + rest, prefix, depth + 1) if hi != 0 else set()
                if lo == 0:
                    out |= walk(rest, prefix, depth + 1)
                return out
            raise ResourceError(f"{where}: unsupported regex element {op} at the start of the pattern")
        if not prefix:
            raise ResourceError(f"{where}: the pattern can match the empty string")
        return {prefix}

    return walk(list(parsed.data), "")


class AnyNext(Exception):
    """The pattern's first word cannot be read: nothing is known about what follows it."""


def second_words(source: str, *, parsed=None) -> dict[str, set[str] | None]:
    """For each first word of a regex (as :func:`first_keys` computes it), what can follow it: the
    dispatch key of the word after exactly one whitespace character, or :func:`after_key` of a
    sign glued to it ("mid-2025"); None: the regex can go on otherwise (several spaces, the
    pattern ending after the first word, a construct this analysis does not follow), so anything
    may follow.

    An over-approximation by construction: whenever the walk is unsure it answers None. Keys are
    only computed for words that start with a letter (digit- and symbol-keyed rows are not gated).
    ``parsed``: as for :func:`first_keys`.
    """
    if parsed is None:
        parsed = _sre_p.parse(source, re.IGNORECASE)
    walk = _SecondWordWalk()
    walk.walk(list(parsed.data), None, "", False)
    return walk.out


_MISSING = object()
_MAX_WALK_DEPTH = 200


class _SecondWordWalk:
    """The walk of :func:`second_words` over a parsed pattern: its answers (``out``) and its memo.

    ``walk(items, w1, prefix, loose, depth)``: w1 None: reading the first word (``prefix``); else
    reading the second one (``prefix``, "" = right after the single space). ``loose``: inside or
    after a repeat that may run more than once, where "one step, then the rest" no longer
    describes the text: answer None.
    """

    def __init__(self) -> None:
        self.out: dict[str, set[str] | None] = {}
        # What the second word can be depends only on the rest of the pattern after the space, not
        # on the first word: walked once per (rest, loose), then added for every first word
        # reaching it (an alternation of first words before a shared tail, "approximately|about|... <NUM>").
        self.memo: dict[tuple, tuple[object, int]] = {}
        self.deepest = 0

    def add(self, w1: str, w2: str | None) -> None:
        out = self.out
        if w2 is None or not (w2.isascii() or w2.startswith("<")):
            out[w1] = None
        elif out.get(w1, ()) is not None:
            out.setdefault(w1, set()).add(w2)

    def second(self, items: list, w1: str, loose: bool, depth: int) -> None:
        """Add what can follow ``w1`` and one space: the second words of ``items`` (memoized)."""
        key = (tuple(map(id, items)), loose)
        got = self.memo.get(key)
        if got is None or depth + got[1] > _MAX_WALK_DEPTH:  # (from deeper down the walk could hit its limit)
            before, self.deepest = self.deepest, depth
            self.walk(items, _MEMO_WORD, "", loose, depth)
            got = self.memo[key] = (self.out.pop(_MEMO_WORD, _MISSING), self.deepest - depth)
            self.deepest = max(before, self.deepest)
        words = got[0]
        if words is None:
            self.add(w1, None)
        elif words is not _MISSING:
            for w2 in words:
                self.add(w1, w2)

    def walk(self, items: list, w1: str | None, prefix: str, loose: bool, depth: int = 0) -> None:
        if depth > _MAX_WALK_DEPTH:
            raise AnyNext
        if depth > self.deepest:
            self.deepest = depth
        for i, (op, av) in enumerate(items):
            rest = items[i + 1:]
            if op in _ZERO_WIDTH:
                continue
            if op is _sre_c.LITERAL or op is _sre_c.IN:
                chars = {chr(av)} if op is _sre_c.LITERAL else _class_chars(av)
                if chars is None:
                    self.unknown(w1, prefix)
                    return
                for ch in chars:
                    if w1 is None:
                        self.first_word_char(ch, rest, prefix, loose, depth)
                    else:
                        self.second_word_char(ch, rest, w1, prefix, loose, depth)
                return
            if op is _sre_c.BRANCH:
                for alt in av[1]:
                    self.walk(list(alt.data) + rest, w1, prefix, loose, depth + 1)
                return
            if op is _sre_c.SUBPATTERN:
                self.walk(list(av[-1].data) + rest, w1, prefix, loose, depth + 1)
                return
            if op in _REPEATS:
                lo, hi, sub = av
                if hi != 0:
                    self.walk(list(sub.data) + rest, w1, prefix, loose or hi > 1, depth + 1)
                if lo == 0:
                    self.walk(rest, w1, prefix, loose, depth + 1)
                return
            self.unknown(w1, prefix)  # anything else (a back reference, "any character" ...)
            return
        if w1 is None:
            if prefix:
                self.add(prefix, None)    # the pattern can end right after its first word
        else:
            self.add(w1, prefix if prefix and not loose else None)

    def unknown(self, w1: str | None, prefix: str) -> None:
        """A construct the walk does not follow: anything may come next."""
        if w1 is None:
            if not prefix:
                raise AnyNext
            self.add(prefix, None)
        else:
            self.add(w1, None)

    def first_word_char(self, ch: str, rest: list, prefix: str, loose: bool, depth: int) -> None:
        if ch.isalpha():
            self.walk(rest, None, prefix + ch.lower(), loose, depth + 1)
        elif not prefix:
            return        # a digit/symbol first word: not gated
        elif loose:
            self.add(prefix, None)
        elif ch.isspace():
            self.second(rest, prefix, loose, depth + 1)
        else:
            self.add(prefix, after_key(ch))   # "a-year", "mid-2025": glued to a sign

    def second_word_char(self, ch: str, rest: list, w1: str, prefix: str, loose: bool, depth: int) -> None:
        if ch.isalpha():
            self.walk(rest, w1, prefix + ch.lower(), loose, depth + 1)
        elif prefix:
            self.add(w1, None if loose else prefix)
        elif ch.isspace():
            self.add(w1, None)       # a second space
        else:
            self.add(w1, char_key(ch))   # one digit or sign: what repeats after it does not matter


_MEMO_WORD = "\x00"  # the first word second_words records a memoized tail under (no word is "\x00")


def after_key(ch: str) -> str:
    """Key of a non-letter, non-space character glued to the first word (see :func:`second_words`)."""
    return f"<AFTER:{ch}>"


# --- literal strings every match contains (figures' idiom gate, claims' frame gate) ---

def _literal_strings(items, limit: int = 64) -> set[str] | None:
    """The (lowercase ASCII) strings a regex sequence made only of literals, groups and alternations
    can match; None if it has anything else (a class, a repeat, an assertion) or too many strings."""
    out = {""}
    for op, av in items:
        if op is _sre_c.LITERAL and chr(av).isascii():
            opts = {chr(av).lower()}
        elif op is _sre_c.SUBPATTERN:
            opts = _literal_strings(av[-1].data, limit)
        elif op is _sre_c.BRANCH:
            opts = set()
            for alt in av[1]:
                sub = _literal_strings(alt.data, limit)
                if sub is None:
                    return None
                opts |= sub
        else:
            return None
        if opts is None:
            return None
        out = {a + b for a in out for b in opts}
        if len(out) > limit:
            return None
    return out


def required_strings(pattern: str) -> frozenset[str] | None:
    """Lowercase strings one of which every case-insensitive match of ``pattern`` contains (read from
    its top-level literal runs, "(?:two|three) zero"-style alternations included), or None.

    >>> sorted(required_strings(r"\\b(?:think|thought) twice\\b"))
    ['think twice', 'thought twice']
    """
    try:
        parsed = _sre_p.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    best: set[str] | None = None
    run: set[str] | None = None

    def better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
        if not a or "" in a:
            return b
        if not b or "" in b:
            return a
        return a if min(map(len, a)) >= min(map(len, b)) else b

    for op, av in parsed.data:
        opts = _literal_strings([(op, av)])
        if opts is None:
            best, run = better(best, run), None
            continue
        run = opts if run is None else {a + b for a in run for b in opts}
        if len(run) > 64:
            best, run = better(best, None), None
    best = better(best, run)
    return frozenset(best) if best else None


def _has_backreference(pattern: str) -> bool:
    def walk(items) -> bool:
        for op, av in items:
            if op in (_sre_c.GROUPREF, _sre_c.GROUPREF_EXISTS):
                return True
            for x in (av if isinstance(av, (tuple, list)) else (av,)):
                if isinstance(x, _sre_p.SubPattern) and walk(x.data):
                    return True
                if isinstance(x, (tuple, list)) and any(isinstance(y, _sre_p.SubPattern) and walk(y.data) for y in x):
                    return True
        return False

    try:
        return walk(_sre_p.parse(pattern).data)
    except re.error:
        return True


# Letters whose case-insensitive regex matches are exactly the characters that ``str.lower()`` maps
# to them (checked over all of Unicode for a-z: only "i" also matches "İ"/"ı" and "s" matches "ſ").
CASELESS_SAFE = frozenset("abcdefghjklmnopqrtuvwxyz")


def required_literals(pattern: str, min_len: int = 3) -> tuple[str, ...]:
    """Lowercase letter runs that every match of ``pattern`` (compiled with re.I) contains, as found
    in the lowercased text: the literal letters of the pattern's top-level sequence (every item of
    it is part of every match; a top-level "|" makes one BRANCH item, so nothing is required).
    A frame regex runs only where all of them occur, e.g. "there" for ``there is no ...``
    whose table trigger "no" occurs in a third of all sentences. () when the pattern cannot be read."""
    try:
        items = list(_sre_p.parse(pattern, re.I))
    except Exception:  # another Python's private module; the gate is only an optimisation
        return ()
    out: list[str] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        ch = chr(av) if op is _sre_c.LITERAL else ""
        if ch and ch.lower() in CASELESS_SAFE:
            run.append(ch.lower())
            continue
        if len(run) >= min_len:
            out.append("".join(run))
        run = []
    return tuple(dict.fromkeys(out))


def anchored_union(regexes: Sequence[re.Pattern]) -> re.Pattern | None:
    """One regex whose ``match`` succeeds on a text iff the ``search`` of one of ``regexes`` does:
    each of them is anchored at the text start ("^" heads every alternative), so each can only
    match there, and an alternation of them matches there iff one of them does. A unit is then
    tested once, not once per anchored frame (they fail on almost every unit).
    None when that cannot be shown: an unanchored pattern, differing flags, back-references
    (the union renumbers groups), a group name used twice, or another Python's regex parser."""
    if not regexes or len({r.flags for r in regexes}) != 1:
        return None
    try:
        for r in regexes:
            items = list(_sre_p.parse(r.pattern, r.flags))
            if not items or items[0] != (_sre_c.AT, _sre_c.AT_BEGINNING):
                return None
            if re.search(r"\\[1-9]|\(\?P=|\(\?\(", r.pattern):
                return None
        return re.compile("|".join(f"(?:{r.pattern})" for r in regexes), regexes[0].flags)
    except Exception:  # (the gate is only an optimisation)
        return None

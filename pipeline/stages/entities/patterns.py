"""PhraseMatcher patterns without pattern Docs: the tokens the pipeline's tokenizer makes of a
pattern string, told from its rules where that is certain (build-time speed; the gazetteer's
aliases and the claims stage's cues are added to their matchers as hashes)."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc


def pattern_tokenizer(nlp: Language) -> Callable[[str], Doc]:
    """A private copy of the pipeline's tokenizer (for :func:`~.spaces.respace_tokens`).

    Strings tokenized by ``nlp.tokenizer`` would fill its (bounded) cache; a copy with the
    same rules tokenizes identically and keeps its own cache.
    """
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        copy = Tokenizer(nlp.vocab)
        copy.from_bytes(tokenizer.to_bytes(exclude=["vocab"]))
        return copy
    return nlp.make_doc


class LazyTokenizer:
    """:func:`pattern_tokenizer`, made on the first call: only texts with odd spaces need it
    (copying the tokenizer's rules costs a fifth of the stage's build)."""

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self._make: Callable[[str], Doc] | None = None
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Doc:
        if self._make is None:
            with self._lock:
                if self._make is None:
                    self._make = pattern_tokenizer(self._nlp)
        return self._make(text)


class PatternWords:
    """The tokens the pipeline's tokenizer makes of a pattern string, when that is certain
    without running it; ``words`` answers None otherwise, and the caller tokenizes the string.

    Certain: every space-separated chunk is either one token (no special case, prefix, suffix or
    infix matches it) or a suffix split off such a stem ("russia's" -> "russia", "'s": the
    tokenizer's own steps for that case, see ``Tokenizer._split_affixes``), and no special case
    can apply to the tokens afterwards (a token that is a special case must be one of the
    special cases that keep it whole, and no run of tokens may spell a special case).

    Lets the gazetteer and the claims cues give the PhraseMatcher their patterns as hashes: a
    pattern Doc costs a Doc and a lexeme per new word, most of those stages' build time.
    """

    def __init__(self, tokenizer) -> None:
        self.ok = isinstance(tokenizer, Tokenizer)
        if not self.ok:
            return
        none = lambda _text: None  # noqa: E731
        self.prefix = tokenizer.prefix_search or none
        self.suffix = tokenizer.suffix_search or none
        infix = tokenizer.infix_finditer
        if infix is None:
            self.has_infix = none
        elif isinstance(getattr(infix, "__self__", None), re.Pattern) and infix.__name__ == "finditer":
            self.has_infix = infix.__self__.search  # (finds something exactly when finditer does)
        else:
            self.has_infix = lambda text: next(iter(infix(text)), None)
        self.token_match = tokenizer.token_match or none
        rules = tokenizer.rules or {}
        # special cases that keep their string one token (its ORTH: "'s" -> "'s")
        self.whole = frozenset(k for k, v in rules.items() if len(v) == 1)
        # A special case is applied to a run of tokens whose texts joined are its string (spaces
        # dropped); a chunk equal to one of these (or to a special case) is left to the tokenizer.
        self.special = frozenset(k.replace(" ", "") for k in rules) | frozenset(rules)
        # every start of those strings: a run of tokens is checked only while it spells one
        self.special_starts = frozenset(k[:i] for k in self.special for i in range(1, len(k) + 1))
        self._chunks: dict[str, tuple[str, ...] | None] = {}

    def _plain(self, text: str) -> bool:
        """No prefix, suffix or infix in ``text``."""
        return self.prefix(text) is None and self.suffix(text) is None and self.has_infix(text) is None

    def chunk_tokens(self, chunk: str) -> tuple[str, ...] | None:
        """The tokens of one space-free chunk (None: not certain)."""
        got = self._chunks.get(chunk, False)
        if got is not False:
            return got
        got = None
        if chunk and chunk not in self.special and not _HAS_SPACE(chunk):
            if self._plain(chunk):
                got = (chunk,)
            elif self.prefix(chunk) is None and not self.token_match(chunk):
                m = self.suffix(chunk)
                n = m.end() - m.start() if m is not None else 0
                if 0 < n < len(chunk):
                    stem, suffix = chunk[:-n], chunk[-n:]
                    if stem not in self.special and self._plain(stem) and (suffix not in self.special or suffix in self.whole):
                        got = (stem, suffix)
        self._chunks[chunk] = got
        return got

    def words(self, text: str) -> tuple[str, ...] | None:
        """The tokens of ``text`` (None: not certain without the tokenizer)."""
        if not self.ok:
            return None
        chunk_tokens = self.chunk_tokens
        if " " not in text:
            tokens = chunk_tokens(text)
            if tokens is None:
                return None
        else:
            tokens = ()
            for chunk in text.split(" "):
                got = chunk_tokens(chunk)
                if got is None:
                    return None
                tokens += got
        n = len(tokens)
        if n > 1:
            starts, special = self.special_starts, self.special
            for i in range(n - 1):
                joined = tokens[i]
                j = i + 1
                while j < n and joined in starts:
                    joined += tokens[j]
                    if joined in special:
                        return None
                    j += 1
        return tokens


_HAS_SPACE = re.compile(r"\s").search  # (str.isspace per character: what the tokenizer splits at)


def pattern_keys(nlp: Language, texts: Iterable[str], attr: str = "ORTH",
                 splitter: PatternWords | None = None) -> dict[str, Doc | tuple[int, ...]]:
    """PhraseMatcher patterns (``attr`` ORTH or LOWER) of the distinct ``texts``, in order: per text
    its tokens' attribute values (what ``PhraseMatcher.add`` reads from a pattern Doc: the hash of
    the word, or of what the vocab's LOWER getter makes of it, as a new lexeme would have it), or
    the Doc itself when :class:`PatternWords` cannot tell the tokens. Those Docs come from the
    pipeline's tokenizer, with its cache left as it was. ``splitter``: a :class:`PatternWords` of
    ``nlp.tokenizer`` to reuse."""
    if attr not in ("ORTH", "LOWER"):
        raise ValueError(f"pattern_keys: attr {attr!r} is not ORTH or LOWER")
    splitter = splitter or PatternWords(nlp.tokenizer)
    add = nlp.vocab.strings.add
    lower_of = nlp.vocab.lex_attr_getters.get(LOWER) if attr == "LOWER" else None
    out: dict[str, Doc | tuple[int, ...] | None] = {}
    rest = []
    for text in texts:
        if text in out:
            continue
        words = splitter.words(text)
        if words is not None and attr == "LOWER":
            values = tuple(map(lower_of, words)) if lower_of is not None else ()
            words = values if values and all(type(v) is str for v in values) else None
        if words is None:
            out[text] = None  # (keeps the order; tokenized below)
            rest.append(text)
        else:
            out[text] = tuple(map(add, words))
    if rest:
        with _uncached(nlp.tokenizer):
            for text in rest:
                out[text] = nlp.make_doc(text)
    return out


class _uncached:
    """The tokenizer adds nothing to its cache inside the block (the tokens are the same: the
    cache only remembers them)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.size = getattr(tokenizer, "max_cache_size", None) if isinstance(tokenizer, Tokenizer) else None

    def __enter__(self) -> "_uncached":
        if self.size is not None:
            self.tokenizer.max_cache_size = 0
        return self

    def __exit__(self, *exc) -> bool:
        if self.size is not None:
            self.tokenizer.max_cache_size = self.size
        return False


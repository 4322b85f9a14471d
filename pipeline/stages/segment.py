"""Segmentation stage: paragraphs, sentences, and boilerplate set apart (never deleted).

Reads: the raw Doc (a whole article, text exactly as read), ``doc._.title`` / ``doc._.authors``
from metadata when present.
Writes: ``token.is_sent_start`` for every token (so a later parser keeps these boundaries),
``doc.spans["sentences"]`` (one span per sentence), ``doc.spans["paragraphs"]`` (one span per paragraph) and ``doc.spans["boilerplate"]`` (one span per
boilerplate paragraph, ``label_`` = its kind, ``span._.segment = {"kind": kind}``).

Boilerplate kinds: ``title``, ``byline``, ``author_role``, ``author_bio``, ``image_credit``,
``navigation``, ``page_label``. Later stages analyze :func:`body_sentences` only.

The logic is in pure functions over strings (``find_paragraphs``, ``split_sentences``,
``classify_paragraphs``) so it is tested without a pipeline.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy
import srsly
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import SPANS_BOILERPLATE, SPANS_PARAGRAPHS, SPANS_SENTENCES, doc_text, ensure_extensions
from ..resources import read_table

DEFAULT_CONFIG: dict = {"max_title_words": 25}

BOILERPLATE_KINDS = (
    "title", "byline", "author_role", "author_bio", "image_credit", "navigation", "page_label",
)

# --- paragraphs ---------------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]+")  # a line (what find_lines finds without a regex)
_TERMINAL = re.compile(r"[.!?:;\"”’)\]]\s*$")
_CONTINUATION_START = re.compile(r"^[a-z0-9(\[]")
_MD_BLOCK_START = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s?)")


def find_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of the lines of ``text``: the maximal runs of characters other than
    ``\\r`` and ``\\n`` (the matches of ``[^\\r\\n]+``; ``str.split`` in C instead of a regex that
    steps through every character)."""
    ranges = []
    pos = 0
    for line in (text.replace("\r", "\n") if "\r" in text else text).split("\n"):
        if line:
            ranges.append((pos, pos + len(line)))
        pos += len(line) + 1
    return ranges


def find_paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs, whitespace-trimmed.

    A paragraph is a line, or several lines of one blank-line block joined when they look like a
    hard-wrapped paragraph (the earlier line has no terminal punctuation and the next starts in
    lower case). Short label lines stacked without blank lines ("Äldre forskare" / a name) stay
    separate paragraphs.
    """
    paragraphs: list[tuple[int, int]] = []
    prev_end_in_text = -1
    for line_start, line_end in find_lines(text):
        raw = text[line_start:line_end]
        stripped = raw.strip()
        if not stripped:
            continue
        start = line_start + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        gap = text[prev_end_in_text:line_start] if prev_end_in_text >= 0 else ""
        same_block = prev_end_in_text >= 0 and gap.count("\n") <= 1 and not gap.strip()
        if (  # (cheapest tests first: the terminal test searches the whole previous paragraph)
            paragraphs
            and same_block
            and _CONTINUATION_START.match(stripped)
            and not _MD_BLOCK_START.match(stripped)
            and not _TERMINAL.search(text[paragraphs[-1][0]:paragraphs[-1][1]])
        ):
            paragraphs[-1] = (paragraphs[-1][0], end)
        else:
            paragraphs.append((start, end))
        prev_end_in_text = line_end
    return paragraphs


# --- sentences ----------------------------------------------------------------------------------

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then
# something that can open a sentence (capital, digit, opening quote or bracket).
# ("[.!?…][.!?…]*" rather than "[.!?…]+": a pattern that opens with a character class lets the
# regex engine skip ahead to the next punctuation mark; one that opens with a repeat is tried at
# every character of the paragraph. Both match the same.)
_BOUNDARY = re.compile(
    r"(?P<punct>[.!?…][.!?…]*)(?P<close>[\"”’'»)\]]*)(?P<space>\s+)(?=[\"“‘'«(\[]?[A-Z0-9À-ÖØ-ÞĀ-Ž])"
)
_INITIAL = re.compile(r"^[\"“‘'(]?[A-Z]\.$")
_DOTTED_ACRONYM = re.compile(r"^[\"“‘'(]?(?:[A-Za-z]\.){2,}$")
_NEXT_WORD = re.compile(r"[\"“‘'«(\[]?([\w’'.-]+)")
_QUOTE_CLOSERS = set("\"”’'»")
# "“We will act.” Panov said." / "“...” the minister added." : the attribution after a closing
# quote continues the sentence. Up to four capitalized words (or "the ..." phrase), then the verb.
_ATTRIBUTION_AFTER_QUOTE = re.compile(
    r"(?:(?:[A-Z][\w’'.-]*|the|a|an|former|then|senior|deputy|foreign|prime|minister)\s+){1,5}"
    r"(?:said|says|told|added|argued|argues|noted|notes|explained|stated|warned|wrote|writes|insisted|"
    r"claimed|claims|remarked|observed|declared|asserted|replied|recalled|concluded|stressed|emphasised|"
    r"emphasized|acknowledged|admitted|conceded|suggested|predicted|continued|cautioned|announced)\b",
)
# Words that, after a dotted acronym ("the U.S."), show a new sentence has begun.
_SENTENCE_STARTERS = frozenset(
    "The This That These Those It Its In On At But And Yet However He She They We I You There Such "
    "A An As If When While Although Though Since Because For Nor Or So Still Moreover Furthermore "
    "Meanwhile Instead Indeed Nevertheless Thus Therefore Hence After Before Despite Nonetheless "
    "What Why How Who Where Both Each Many Most Some Other Few".split()
)


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation table: lower-cased token (with its periods) -> when it blocks a split."""

    when: dict[str, str]

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, str]]) -> "Abbreviations":
        allowed = {"always", "before_digit", "before_name"}
        table: dict[str, str] = {}
        for row in rows:
            if row["when"] not in allowed:
                raise ValueError(f"abbreviation {row['abbreviation']!r}: 'when' must be one of {sorted(allowed)}")
            table[row["abbreviation"].lower()] = row["when"]
        return cls(table)


def split_sentences(text: str, start: int, end: int, abbreviations: Abbreviations) -> list[tuple[int, int]]:
    """Sentence ranges inside ``text[start:end]`` (one paragraph), as absolute character offsets."""
    sentences: list[tuple[int, int]] = []
    sent_start = start
    segment = text[start:end]
    for match in _BOUNDARY.finditer(segment):
        cut = match.end("close")  # the sentence ends after its closing quotes/brackets
        if _keeps_going(segment, match, abbreviations):
            continue
        sentences.append((sent_start, start + cut))
        sent_start = start + match.end()
    if sent_start < end:
        sentences.append((sent_start, end))
    return sentences


def _keeps_going(segment: str, match: re.Match, abbreviations: Abbreviations) -> bool:
    """True when the candidate boundary is not a sentence end (abbreviation, initial, attribution)."""
    punct, close = match.group("punct"), match.group("close")
    if punct == "." and not close:
        # the whitespace-delimited word ending with this period (no slicing: paragraphs can be long;
        # a newline or no-break space counts only after the last space, so only that stretch is searched)
        dot = match.start("punct")
        space = segment.rfind(" ", 0, dot)
        word_start = max(space, segment.rfind("\n", space + 1, dot), segment.rfind("\u00a0", space + 1, dot)) + 1
        token = segment[word_start:dot + 1]
        bare = token.lstrip("\"“‘'(").lower()
        when = abbreviations.when.get(bare)
        if when == "always" or when == "before_name":
            return True
        if when == "before_digit" and _next_word(segment, match)[:1].isdigit():
            return True
        # (length tests first: an initial has at most three characters, a dotted acronym a period
        # two characters before its last one)
        if len(token) <= 3 and _INITIAL.match(token):
            return True  # "John F. Kennedy", "Claude A. Lambert"
        if len(token) >= 4 and token[-3] == "." and _DOTTED_ACRONYM.match(token):
            return _next_word(segment, match) not in _SENTENCE_STARTERS  # "the U.S. Navy" vs "the U.S. The ..."
    if close and set(close) & _QUOTE_CLOSERS and _ATTRIBUTION_AFTER_QUOTE.match(segment, match.end()):
        return True
    return False


def _next_word(segment: str, match: re.Match) -> str:
    """The word after a candidate boundary (opening quote or bracket skipped)."""
    next_word_match = _NEXT_WORD.match(segment, match.end())
    return next_word_match.group(1) if next_word_match else ""


# --- boilerplate --------------------------------------------------------------------------------

_IMAGE_CREDIT_START = re.compile(
    r"^(?:main\s+image(?:\s+credits?)?\b"
    r"|(?:image|photo|picture|illustration|graphic|header image|cover image|video)s?\s+credits?\b"
    r"|(?:image|photo|picture|illustration|graphic|video)s?(?:\s+\d+)?\s*[:\-–—]\s"
    r"|(?:figure|fig\.|chart|map|table)\s+[A-Z]?[\d.-]+[a-z]?\s*[:.\-–—]\s)",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(r"^(?:credits?\s*:|photo by\b|image by\b|source:\s*(?:getty|reuters|afp|ap|wikimedia)\b)", re.IGNORECASE)
_CREDIT_END = re.compile(
    r"(?:courtesy of [^.]{1,80}|getty images|shutterstock|wikimedia(?: commons)?|"
    r"(?:reuters|afp|ap|epa|xinhua|tass|kyodo)(?:/[\w .]+)?|ap photo[^.]{0,60})\.?\)?$",
    re.IGNORECASE,
)
_CREDIT_MARK = re.compile(r"\b(?:courtesy|photo|image|credit)\b|©", re.IGNORECASE)
_CREDIT_WORDS = ("courtesy", "photo", "image", "credit")
# Characters that _CREDIT_MARK's IGNORECASE also reads as a letter of those words (İ and ı as
# "i", ſ as "s": found by testing every code point), and the © sign.
_CREDIT_ODD_CHARS = ("©", "\u0130", "\u0131", "\u017f")


def may_have_credit_mark(text: str) -> bool:
    """False only when ``_CREDIT_MARK`` cannot match ``text`` (substring tests in C instead of a
    regex tried at every character): every character the regex matches is one of
    ``_CREDIT_ODD_CHARS`` or an ASCII letter that ``str.lower`` turns into the word's letter."""
    if any(c in text for c in _CREDIT_ODD_CHARS):
        return True
    lower = text.lower()
    return any(word in lower for word in _CREDIT_WORDS)
_BY_LINE = re.compile(r"^[Bb][Yy]:?\s+(?P<names>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3})*)$")
_NAME_LINE = re.compile(
    r"^(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame|Gen|General|Ambassador|Admiral|Colonel)\.?\s+)?"
    r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'-]+(?:\s+(?:[A-Z]\.?|[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'-]+|van|von|de|der|da|al|bin|le|la)){1,3}$"
)
_BIO_START = re.compile(
    r"^(?P<name>(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame)\.?\s+)?[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'.-]+"
    r"(?:\s+(?:[A-Z]\.?|[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'.-]+|van|von|de|der|da|al|bin|le|la)){1,4})"
    r"\s+(?:is|was|has|had|leads|led|serves|served|works|worked|holds|held|heads|headed|joined|"
    r"specialises|specializes|focuses|teaches|researches|writes|directs|manages|received|earned)\b"
)
_NOT_NAME_STARTS = frozenset("appendix annex table figure chart map chapter part section the a an our".split())
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_ABOUT_AUTHOR = re.compile(r"^about the authors?\b", re.IGNORECASE)
_KEY_TRAILING = frozenset(".:»›→>|")


def _word_count(text: str) -> int:
    """Whitespace-separated words (``str.split`` and regex ``\\S+`` agree on what whitespace is)."""
    return len(text.split())


def _word_count_upto(text: str, limit: int) -> int:
    """:func:`_word_count`, or ``limit + 1`` when the text has more than ``limit`` words (with
    ``maxsplit``, a long paragraph is not cut into all of its words)."""
    return len(text.split(None, limit))


@dataclass(frozen=True)
class BoilerplateLexicon:
    """Whole-line phrases (navigation, page labels) and author-bio cue words."""

    line_kinds: dict[str, str]
    role_words: frozenset[str]


def _line_key(text: str) -> str:
    """Lowercased line without trailing whitespace and ``.:»›→>|`` (a scan from the end: the regex
    ``[\\s.:»›→>|]+$`` tries every whitespace run of a long paragraph)."""
    key = text.strip().lower()
    end = len(key)
    while end and (key[end - 1] in _KEY_TRAILING or key[end - 1].isspace()):
        end -= 1
    return key[:end]


def classify_paragraphs(
    paragraphs: Sequence[str],
    lexicon: BoilerplateLexicon,
    *,
    title: str | None = None,
    authors: Sequence[str] = (),
    max_title_words: int = 25,
) -> list[str | None]:
    """Boilerplate kind (or None for body) of each paragraph text, in order.

    ``title`` and ``authors`` are the metadata values when known; the page's own lines are
    recognized without them.
    """
    kinds: list[str | None] = [None] * len(paragraphs)
    author_set = {a.strip().lower() for a in authors if a and a.strip()}
    max_key_len = max(map(len, lexicon.line_kinds), default=0)
    for i, para in enumerate(paragraphs):
        kinds[i] = _line_kind(para, lexicon, max_key_len)
    # Title: the first paragraph that is not a page label, if it reads like a headline.
    for i, para in enumerate(paragraphs):
        if kinds[i] == "page_label":
            continue
        words = _word_count(para)
        is_meta_title = title is not None and _line_key(para) == _line_key(title)
        headline = (
            words <= max_title_words
            and not re.search(r"[.;,]\s*$", para)
            and len(paragraphs) > 1
            and not _BIO_START.match(para)
        )
        if kinds[i] is None and (is_meta_title or headline):
            kinds[i] = "title"
        break
    # A "By ..." line or an author's name near the top is a byline.
    for i in range(min(4, len(paragraphs))):
        para = paragraphs[i].strip()
        if kinds[i] is None and (_BY_LINE.match(para) or para.lower() in author_set):
            kinds[i] = "byline"
    _classify_tail(paragraphs, kinds, lexicon, author_set)
    return kinds


def _line_key_min_len(text: str) -> int:
    """A lower bound of ``len(_line_key(text))`` without lowercasing the text: the length of the
    stripped text without its trailing ``.:»›→>|`` (``str.lower`` never shortens a string and
    never turns another character into one of those or into whitespace: tested on every code
    point)."""
    end = len(text)
    while end and (text[end - 1] in _KEY_TRAILING or text[end - 1].isspace()):
        end -= 1
    return end - (len(text) - len(text.lstrip())) if end else 0


def _line_kind(para: str, lexicon: BoilerplateLexicon, max_key_len: int | None = None) -> str | None:
    # (a paragraph longer than every phrase of the table is not looked up: lowercasing whole
    # paragraphs costs more than the rest of this test)
    if max_key_len is None or _line_key_min_len(para) <= max_key_len:
        key = _line_key(para)
        if key in lexicon.line_kinds:
            return lexicon.line_kinds[key]
    words = _word_count_upto(para, 80)  # (only "at most 80" and "at most 60" are asked)
    if words <= 80:
        if _IMAGE_CREDIT_START.match(para) or _CREDIT_START.match(para):
            return "image_credit"
        # cheapest test first: _CREDIT_END tries its alternation at every position
        if words <= 60 and may_have_credit_mark(para) and _CREDIT_MARK.search(para) and _CREDIT_END.search(para):
            return "image_credit"
    return None


def _is_bio(para: str, lexicon: BoilerplateLexicon, author_set: set[str]) -> bool:
    if _ABOUT_AUTHOR.match(para):
        return True
    match = _BIO_START.match(para)
    if not match:
        return False
    name = match.group("name").lower()
    if name in author_set or any(name.endswith(a) or a.endswith(name) for a in author_set):
        return True
    first_sentence = re.split(r"(?<=[.!?])\s", para, maxsplit=1)[0].lower()
    return any(word in lexicon.role_words for word in re.findall(r"[a-z-]+", first_sentence))


def _is_person_name_line(para: str, lexicon: BoilerplateLexicon, author_set: set[str]) -> bool:
    """A short line that is a person's name: "Jonathan Eyal", not "RUSI International"."""
    if para.lower() in author_set:
        return True
    if not _NAME_LINE.match(para):
        return False
    words = para.split()
    if words[0].lower() in _NOT_NAME_STARTS:
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return False  # an acronym: an institute, not a person
    return not any(w.lower().strip(",.") in lexicon.role_words for w in words)


def _classify_tail(
    paragraphs: Sequence[str], kinds: list[str | None], lexicon: BoilerplateLexicon, author_set: set[str]
) -> None:
    """Classify the author block at the end: names, roles, bios, among links and labels.

    Walking back from the end collects the block (bios, short unpunctuated lines, lines already
    known as navigation or page labels). A short line is a byline only with support: the
    metadata names it, a page label precedes it ("Äldre forskare"), or role lines / links follow
    it. Role lines count only after a byline. Anything else in the block is body text (closing
    headings such as "Appendix A" or "Foreign Involvement" look like names but are not).
    """
    block: list[int] = []
    provisional: dict[int, str] = {}
    for i in range(len(paragraphs) - 1, 0, -1):
        para = paragraphs[i].strip()
        if kinds[i] is not None and kinds[i] != "title":
            block.append(i)
            continue
        words = _word_count(para)
        short_line = words <= 12 and not re.search(r"[.!?]\s*$", para)
        if _is_bio(para, lexicon, author_set):
            provisional[i] = "author_bio"
        elif short_line and (_is_person_name_line(para, lexicon, author_set) or _BY_LINE.match(para)):
            provisional[i] = "name"
        elif short_line:
            provisional[i] = "short"
        else:
            break
        block.append(i)
    block.sort()
    furniture = {"navigation", "page_label"}
    for pos, i in enumerate(block):
        kind = provisional.get(i)
        if kind == "author_bio":
            kinds[i] = "author_bio"
        elif kind == "name":
            para = paragraphs[i].strip()
            before = kinds[block[pos - 1]] if pos > 0 and block[pos - 1] == i - 1 else None
            after = [provisional.get(j, kinds[j]) for j in block[pos + 1:]]
            supported = (
                para.lower() in author_set
                or _BY_LINE.match(para) is not None
                or before == "page_label"
                or (bool(after) and all(k in ("short", "name", "author_bio") or k in furniture for k in after)
                    and any(k in furniture or k == "short" for k in after))
            )
            kinds[i] = "byline" if supported else None
        elif kind == "short":
            prev = block[pos - 1] if pos > 0 else None
            kinds[i] = "author_role" if prev == i - 1 and kinds[prev] in ("byline", "author_role") else None


def page_metadata(paragraphs: Sequence[str], kinds: Sequence[str | None]) -> dict:
    """Title, authors and author roles as the page shows them (None / [] when it does not)."""
    title = next((_MD_HEADING.sub("", p.strip()) for p, k in zip(paragraphs, kinds) if k == "title"), None)
    authors: list[str] = []
    roles: list[str] = []
    for para, kind in zip(paragraphs, kinds):
        para = para.strip()
        if kind == "byline":
            by = _BY_LINE.match(para)
            names = by.group("names") if by else para
            authors += [n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", names) if n.strip()]
        elif kind == "author_bio":
            match = _BIO_START.match(para)
            if match:
                authors.append(match.group("name"))
        elif kind == "author_role":
            roles.append(para)
    # A page label right before the byline is the author's role in the page's language
    # ("Äldre forskare" / "Marcin Kaczmarski": senior researcher).
    for i in range(len(kinds) - 1):
        if kinds[i] == "page_label" and kinds[i + 1] == "byline":
            roles.insert(0, paragraphs[i].strip())
    return {"title": title, "authors": list(dict.fromkeys(authors)), "author_roles": roles}


# --- the component ------------------------------------------------------------------------------


class Segmenter:
    """Sets sentence boundaries, paragraph spans and boilerplate spans on a whole-article Doc.

    Every token gets ``is_sent_start`` True or False, so a parser that runs later keeps these
    boundaries (names such as "Shinzo Abe" are never split by a statistical senter).
    """

    def __init__(self, nlp: Language, name: str, *, max_title_words: int) -> None:
        ensure_extensions()
        self.name = name
        self.max_title_words = max_title_words
        self.abbreviations: Abbreviations | None = None
        self.lexicon: BoilerplateLexicon | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, resources_root: str | None = None) -> None:
        """Load the abbreviation and boilerplate tables (packaged ones unless ``resources_root``)."""
        self.abbreviations = Abbreviations.from_rows(
            read_table("segment/abbreviations.tsv", root=resources_root, columns=("abbreviation", "when"))
        )
        nav = read_table("segment/navigation.tsv", root=resources_root, columns=("phrase", "kind"))
        for row in nav:
            if row["kind"] not in BOILERPLATE_KINDS:
                raise ValueError(f"segment/navigation.tsv: unknown kind {row['kind']!r} for {row['phrase']!r}")
        roles = read_table("segment/role_words.tsv", root=resources_root, columns=("word",))
        self.lexicon = BoilerplateLexicon(
            line_kinds={_line_key(r["phrase"]): r["kind"] for r in nav},
            role_words=frozenset(r["word"].lower() for r in roles),
        )

    def __call__(self, doc: Doc) -> Doc:
        if self.abbreviations is None or self.lexicon is None:
            self.initialize()
        assert self.abbreviations is not None and self.lexicon is not None
        text = doc_text(doc)
        para_ranges = find_paragraphs(text)
        para_texts = [text[s:e] for s, e in para_ranges]
        kinds = classify_paragraphs(
            para_texts,
            self.lexicon,
            title=doc._.title,
            authors=doc._.authors or (),
            max_title_words=self.max_title_words,
        )
        # Token offsets as an array: creating a Token object per token is the slow path.
        token_starts = doc.to_array("IDX").astype("int64") if len(doc) else numpy.zeros(0, dtype="int64")
        sent_starts: set[int] = {0} if len(doc) else set()
        sent_chars: list[int] = []  # character offsets where sentences start
        paragraphs: list[Span] = []
        boilerplate: list[Span] = []
        for (p_start, p_end), kind in zip(para_ranges, kinds):
            span = doc.char_span(p_start, p_end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            paragraphs.append(span)
            sent_starts.add(span.start)
            if kind is not None:
                bp = Span(doc, span.start, span.end, label=kind)
                bp._.segment = {"kind": kind}
                boilerplate.append(bp)
            sent_chars += [s_start for s_start, _ in split_sentences(text, p_start, p_end, self.abbreviations)]
        # the token starting at each offset (or, for a boundary inside a token, the one holding it)
        sent_starts.update((numpy.searchsorted(token_starts, sent_chars, side="right") - 1).tolist())
        ordered = sorted(sent_starts)
        doc.spans[SPANS_SENTENCES] = [
            Span(doc, start, end) for start, end in zip(ordered, ordered[1:] + [len(doc)]) if start < end
        ]
        if len(doc):
            # One array write: setting token.is_sent_start one token at a time re-checks the whole
            # Doc's annotation on every call (quadratic on long articles).
            values = numpy.full((len(doc), 1), -1, dtype="int64")
            values[sorted(sent_starts), 0] = 1
            doc.from_array([SENT_START], values.astype("uint64"))
        doc.spans[SPANS_PARAGRAPHS] = paragraphs
        doc.spans[SPANS_BOILERPLATE] = boilerplate
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.abbreviations is None or self.lexicon is None:
            self.initialize()
        srsly.write_json(
            path / "segment.json",
            {
                "abbreviations": self.abbreviations.when,
                "line_kinds": self.lexicon.line_kinds,
                "role_words": sorted(self.lexicon.role_words),
            },
        )

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "Segmenter":
        data = srsly.read_json(Path(path) / "segment.json")
        self.abbreviations = Abbreviations(dict(data["abbreviations"]))
        self.lexicon = BoilerplateLexicon(dict(data["line_kinds"]), frozenset(data["role_words"]))
        return self


def make_segmenter(nlp: Language, name: str, max_title_words: int) -> Segmenter:
    return Segmenter(nlp, name, max_title_words=max_title_words)


# --- helpers for later stages -------------------------------------------------------------------


def boilerplate_ranges(doc: Doc) -> list[tuple[int, int, str]]:
    """Sorted (start_char, end_char, kind) of the boilerplate paragraphs."""
    return sorted((s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))


def sentence_spans(doc: Doc) -> list[Span]:
    """The segmenter's sentences (``doc.spans["sentences"]``), else ``doc.sents``.

    A statistical parser later in the pipeline keeps forced sentence starts but may split a
    sentence further where it leaves a fragment unattached; the segmenter's own list is the
    one the records use.
    """
    if SPANS_SENTENCES in doc.spans:
        return list(doc.spans[SPANS_SENTENCES])
    return list(doc.sents)


def body_sentences(doc: Doc) -> Iterator[Span]:
    """Sentences outside boilerplate, skipping whitespace-only ones (in document order)."""
    ranges = boilerplate_ranges(doc)
    for sent in sentence_spans(doc):
        if not sent.text.strip():
            continue
        start = sent.start_char
        if any(b_start <= start < b_end for b_start, b_end, _ in ranges):
            continue
        yield sent

"""Boilerplate paragraphs: the kind of each paragraph (title, byline, author role or bio, image
credit, navigation, page label) or None for body text, and the page's own metadata (pure
functions over paragraph strings; the phrase tables come from the stage's data files)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .speed import line_key, line_key_min_len, may_have_credit_mark, word_count, word_count_upto

BOILERPLATE_KINDS = (
    "title", "byline", "author_role", "author_bio", "image_credit", "navigation", "page_label",
)
# Kinds of page furniture around an author block (links and labels).
_FURNITURE = frozenset({"navigation", "page_label"})

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
# (speed.may_have_credit_mark is a prefilter of this pattern: change them together)
_CREDIT_MARK = re.compile(r"\b(?:courtesy|photo|image|credit)\b|©", re.IGNORECASE)
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
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_ABOUT_AUTHOR = re.compile(r"^about the authors?\b", re.IGNORECASE)


@dataclass(frozen=True)
class BoilerplateLexicon:
    """Whole-line phrases (navigation, page labels) by :func:`~.speed.line_key`, author-bio cue
    words, and words that never start a person's name line ("Appendix A", "The Editors")."""

    line_kinds: dict[str, str]
    role_words: frozenset[str]
    not_name_starts: frozenset[str]


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
    author_set = {a.strip().lower() for a in authors if a and a.strip()}
    max_key_len = max(map(len, lexicon.line_kinds), default=0)
    kinds = [_line_kind(para, lexicon, max_key_len) for para in paragraphs]
    kinds = _with_title(paragraphs, kinds, title, max_title_words)
    kinds = _with_bylines(paragraphs, kinds, author_set)
    return _with_author_block(paragraphs, kinds, lexicon, author_set)


def _with_title(paragraphs: Sequence[str], kinds: list[str | None], title: str | None,
                max_title_words: int) -> list[str | None]:
    """Title: the first paragraph that is not a page label, if it reads like a headline."""
    kinds = list(kinds)
    for i, para in enumerate(paragraphs):
        if kinds[i] == "page_label":
            continue
        words = word_count(para)
        is_meta_title = title is not None and line_key(para) == line_key(title)
        headline = (
            words <= max_title_words
            and not re.search(r"[.;,]\s*$", para)
            and len(paragraphs) > 1
            and not _BIO_START.match(para)
        )
        if kinds[i] is None and (is_meta_title or headline):
            kinds[i] = "title"
        break
    return kinds


def _with_bylines(paragraphs: Sequence[str], kinds: list[str | None], author_set: set[str]) -> list[str | None]:
    """A "By ..." line or an author's name near the top is a byline."""
    kinds = list(kinds)
    for i in range(min(4, len(paragraphs))):
        para = paragraphs[i].strip()
        if kinds[i] is None and (_BY_LINE.match(para) or para.lower() in author_set):
            kinds[i] = "byline"
    return kinds


def _line_kind(para: str, lexicon: BoilerplateLexicon, max_key_len: int | None = None) -> str | None:
    """The kind of a paragraph known from its own line: a table phrase or an image credit."""
    # (a paragraph longer than every phrase of the table is not looked up: lowercasing whole
    # paragraphs costs more than the rest of this test)
    if max_key_len is None or line_key_min_len(para) <= max_key_len:
        key = line_key(para)
        if key in lexicon.line_kinds:
            return lexicon.line_kinds[key]
    words = word_count_upto(para, 80)  # (only "at most 80" and "at most 60" are asked)
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
    if name.split()[0] in lexicon.not_name_starts:
        return False  # "The Kremlin is ...": body text, whatever words follow
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
    if words[0].lower() in lexicon.not_name_starts:
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return False  # an acronym: an institute, not a person
    return not any(w.lower().strip(",.") in lexicon.role_words for w in words)


def _with_author_block(
    paragraphs: Sequence[str], kinds: list[str | None], lexicon: BoilerplateLexicon, author_set: set[str]
) -> list[str | None]:
    """Classify the author block at the end: names, roles, bios, among links and labels.

    A short line is a byline only with support: the metadata names it, a page label precedes it
    ("Äldre forskare"), or role lines / links follow it. Role lines count only after a byline.
    Anything else in the block is body text (closing headings such as "Appendix A" or "Foreign
    Involvement" look like names but are not).
    """
    block, provisional = _author_block(paragraphs, kinds, lexicon, author_set)
    kinds = list(kinds)
    # (in block order: a line's kind depends on the kind decided for the line before it)
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
                or (bool(after) and all(k in ("short", "name", "author_bio") or k in _FURNITURE for k in after)
                    and any(k in _FURNITURE or k == "short" for k in after))
            )
            kinds[i] = "byline" if supported else None
        elif kind == "short":
            prev = block[pos - 1] if pos > 0 else None
            kinds[i] = "author_role" if prev == i - 1 and kinds[prev] in ("byline", "author_role") else None
    return kinds


def _author_block(
    paragraphs: Sequence[str], kinds: Sequence[str | None], lexicon: BoilerplateLexicon, author_set: set[str]
) -> tuple[list[int], dict[int, str]]:
    """The paragraphs of the closing author block (ascending) and a provisional kind of each one
    not classified yet ("author_bio", "name" or "short").

    Walking back from the end collects bios, short unpunctuated lines and lines already known as
    navigation or page labels; the first other paragraph ends the block.
    """
    block: list[int] = []
    provisional: dict[int, str] = {}
    for i in range(len(paragraphs) - 1, 0, -1):
        para = paragraphs[i].strip()
        if kinds[i] is not None and kinds[i] != "title":
            block.append(i)
            continue
        words = word_count(para)
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
    return block, provisional


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

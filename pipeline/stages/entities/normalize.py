"""Canonical forms of names and their fallback knowledge-base ids (pure string functions)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WS = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|')$")


@lru_cache(maxsize=16384)  # the same names recur in every article
def slugify(text: str) -> str:
    """ASCII slug of a name: "Kuril Islands" -> "kuril-islands"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "x"


def slug_id(text: str) -> str:
    """Stable kb_id for a name without a knowledge-base identifier."""
    return f"slug:{slugify(text)}"


def normalize_name(text: str) -> str:
    """Canonical form of a surface name found by a rule or a model: spaces collapsed, straight
    apostrophes, leading article and trailing possessive removed."""
    if not ("’" in text or "'" in text or "  " in text or "\u00a0" in text or "\n" in text
            or text[:4] in ("the ", "The ", "THE ") or text != text.strip()):
        return text  # the common case, without regular expressions
    text = _WS.sub(" ", text.replace("’", "'").replace("\u00a0", " ")).strip()
    text = _LEADING_THE.sub("", text)
    text = _TRAILING_POSSESSIVE.sub("", text).strip()
    return text

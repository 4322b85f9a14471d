"""Bytes to text without silent guesses. No spaCy here.

The order of decisions (each result names how it was decided, ``Decoded.how``):

1. ``--encoding`` given: that codec, strictly (``"option"``); a byte it cannot decode is a
   rejection with its offset.
2. A byte-order mark: UTF-8 or UTF-16 (``"bom"``).
3. Valid UTF-8 (ASCII included): UTF-8 (``"valid-utf-8"``).
   Else, for an HTML page that declares its charset (``<meta charset>``): that one (``"declared"``).
4. Invalid UTF-8 in a file that also holds valid multi-byte UTF-8 anywhere: a corrupted or mixed
   file, rejected with the offset of the first invalid byte (decoding it as anything else would
   garble every name written in UTF-8).
5. Otherwise a legacy encoding, only when the choice is confident (``"detected"``): Western
   European text (every non-ASCII character a Western accented letter inside a mostly-ASCII word,
   or common punctuation) is cp1252, named ``iso-8859-1`` when it uses no byte 0x80-0x9f; other
   text takes charset-normalizer's answer only when every near-equal candidate decodes it alike.
   Anything else is a rejection naming ``--encoding``.

NUL bytes are rejected wherever they are (with their offset), as are files of control characters.
"""
from __future__ import annotations

import codecs
import re
from typing import NamedTuple

UTF8_BOM = b"\xef\xbb\xbf"
_VALID_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Accented letters of Western European languages, and the punctuation of cp1252 / Latin-1 text.
_WESTERN_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŸŒŠŽ")
_WESTERN_PUNCT = frozenset("\u00a0’‘“”„‚–—…«»‹›€£¥¢°§©®™•·¶†‡¡¿ªº±×÷½¼¾¹²³´¨¸\u00ad")
_WORD = re.compile(r"\w+")
_CONFIDENT_CHAOS = 0.1  # charset-normalizer's mess ratio above which no candidate is trusted
_NEAR_CHAOS = 0.03  # candidates this close to the best must decode the bytes alike


class DecodeError(ValueError):
    pass


class Decoded(NamedTuple):
    text: str
    encoding: str  # codec name: utf-8, utf-8-sig, utf-16, cp1252, iso-8859-1, ...
    how: str  # "option" | "bom" | "valid-utf-8" | "declared" | "detected"


def decode(data: bytes, encoding: str | None = None, *, declared: str | None = None) -> Decoded:
    """The text of ``data`` and how its encoding was decided; :class:`DecodeError` when not confident.

    ``declared``: the charset an HTML page declares (``<meta charset>``), used when the bytes are
    not valid UTF-8 (``"declared"``).
    """
    _reject_binary(data)
    if encoding:
        return _forced(data, encoding)
    if data.startswith(UTF8_BOM):
        return Decoded(_strict(data[3:], "utf-8", offset=3), "utf-8-sig", "bom")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(Decoded(_strict(data, "utf-16"), "utf-16", "bom"))
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "valid-utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    if declared and _known(declared):
        return _checked(Decoded(_strict(data, codecs.lookup(declared).name), codecs.lookup(declared).name, "declared"))
    valid = _VALID_MULTIBYTE.search(data)
    if valid:
        raise DecodeError(
            f"invalid UTF-8 at byte {first_bad} (valid UTF-8 at byte {valid.start()}: corrupted or mixed "
            "encodings; --encoding forces one)"
        )
    return _checked(_legacy(data, first_bad))


def _reject_binary(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 holds NUL bytes; its text is checked once decoded
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DecodeError(f"binary file (NUL byte at byte {nul}), not text")
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        raise DecodeError("binary file (control characters), not text")


def _checked(decoded: Decoded) -> Decoded:
    nul = decoded.text.find("\x00")
    if nul >= 0:
        raise DecodeError(f"binary file (NUL character at character {nul} of the {decoded.encoding} text), not text")
    return decoded


def _strict(data: bytes, encoding: str, *, offset: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise DecodeError(f"invalid {encoding} at byte {err.start + offset}") from None


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _forced(data: bytes, encoding: str) -> Decoded:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r} (--encoding)") from None
    if name == "utf-8" and data.startswith(UTF8_BOM):
        return _checked(Decoded(_strict(data[3:], "utf-8", offset=3), "utf-8-sig", "option"))
    try:
        text = data.decode(name)
    except UnicodeDecodeError as err:
        raise DecodeError(f"not {name} (--encoding) at byte {err.start}") from None
    return _checked(Decoded(text, name, "option"))


def is_western(text: str) -> bool:
    """Every non-ASCII character a Western accented letter or common punctuation, letters inside mostly-ASCII words.

    Cyrillic or Greek bytes read as cp1252 give words made of accented letters only ("Ìèíèñòð");
    Central European ones give digits and symbols inside words ("powiedzia³", "¿e").
    """
    for ch in set(text):
        if ch >= "\x80" and ch not in _WESTERN_LETTERS and ch not in _WESTERN_PUNCT:
            return False
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if any(ch in _WESTERN_PUNCT for ch in word):
            return False  # a symbol inside a word: "powiedzia³", "50¼"
        accented = sum(1 for ch in word if ch >= "\x80")
        if accented >= 3 and accented * 2 > len(word):
            return False
    return True


def _legacy(data: bytes, first_bad: int) -> Decoded:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and is_western(text):
        western = "cp1252" if re.search(rb"[\x80-\x9f]", data) else "iso-8859-1"
        return Decoded(text, western, "detected")
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if text is None or str(m) != text]
    if not matches:
        raise DecodeError(f"invalid UTF-8 at byte {first_bad} and no other encoding fits (--encoding forces one)")
    best = min(matches, key=lambda m: m.chaos)
    near = [m for m in matches if m.chaos <= best.chaos + _NEAR_CHAOS]
    if best.chaos > _CONFIDENT_CHAOS or len({str(m) for m in near}) > 1:
        names = " or ".join(sorted({m.encoding for m in near})[:3])
        raise DecodeError(
            f"invalid UTF-8 at byte {first_bad}; not confident which legacy encoding ({names}?): --encoding forces one"
        )
    return Decoded(str(best), codecs.lookup(best.encoding).name, "detected")


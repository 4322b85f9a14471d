"""Issue 16 item 3: decoding that never guesses silently (pipeline/decode.py)."""
from __future__ import annotations

import pytest

from pipeline.decode import DecodeError, decode

SHORT = "Café in Zürich with François."
LONG_FR = ("Le président François Hollande a rencontré à Zürich les ministres. Le café était très fort. "
           "Où allaient-ils? Größe, Straße, Ærø. ") * 40
CP1252_QUOTES = "“Café” in Zürich – François’ view… for €5."


@pytest.mark.parametrize(
    "text, codec, name",
    [
        (SHORT, "latin-1", "iso-8859-1"),  # before: cp1250 / cp775 ("Cafķ in Z³rich")
        ("Café", "latin-1", "iso-8859-1"),
        (LONG_FR, "latin-1", "iso-8859-1"),  # before: cp1250 ("rencontré ŕ Zürich")
        (SHORT, "cp1252", "iso-8859-1"),  # no byte 0x80-0x9f: both codecs read it alike
        (CP1252_QUOTES, "cp1252", "cp1252"),
        (LONG_FR + CP1252_QUOTES, "cp1252", "cp1252"),
    ],
)
def test_western_legacy_text_comes_out_right(text, codec, name):
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.how) == (text, name, "detected")


@pytest.mark.parametrize(
    "text, codec",
    [
        ("Prezident Miloš Zeman řekl, že Česká republika příští rok zvýší výdaje na obranu. " * 10, "cp1250"),
        ("Minister spraw zagranicznych powiedział, że Łódź i Gdańsk będą gospodarzami szczytu. " * 10, "cp1250"),
        ("Министр иностранных дел России заявил, что переговоры продолжатся. " * 10, "cp1251"),
    ],
)
def test_other_legacy_text_is_not_read_as_western(text, codec):
    decoded = decode(text.encode(codec))
    assert decoded.text == text and decoded.encoding == codec


@pytest.mark.parametrize(
    "data, message",
    [
        # before: decoded as cp1250 ("FranĂ§ois ... ZĂĽrich") because the first bad byte came first
        (b"Fran\xe7ois met in " + "Zürich".encode(), "invalid UTF-8 at byte 4 (valid UTF-8 at byte 17: corrupted or mixed encodings"),
        ("Zürich ".encode() + b"Fran\xe7ois", "invalid UTF-8 at byte 12 (valid UTF-8 at byte 1:"),
        (("Zürich talks. " * 1000).encode() + b"\xff", "invalid UTF-8 at byte 15000 (valid UTF-8 at byte 1:"),
    ],
)
def test_invalid_utf8_in_a_utf8_file_is_rejected_with_offset(data, message):
    with pytest.raises(DecodeError) as err:
        decode(data)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("where", [0, 100, 9000, 100_000])
def test_nul_bytes_are_rejected_wherever_they_are(where):
    """Before: a NUL byte was a rejection in the first 8 KB and accepted after it."""
    data = bytearray(b"Plain text. " * 10_000)
    data[where] = 0
    with pytest.raises(DecodeError, match=rf"^binary file \(NUL byte at byte {where}\), not text$"):
        decode(bytes(data))


def test_utf16_with_bom_and_nul_character():
    assert decode("Café in Zürich".encode("utf-16")) == ("Café in Zürich", "utf-16", "bom")
    with pytest.raises(DecodeError, match="NUL character at character 4"):
        decode("Café\x00".encode("utf-16"))


def test_how_each_encoding_was_decided():
    assert decode("‘Tokyo’".encode()) == ("‘Tokyo’", "utf-8", "valid-utf-8")
    assert decode(b"\xef\xbb\xbfplain") == ("plain", "utf-8-sig", "bom")
    assert decode(SHORT.encode("latin-1"), "cp1252") == (SHORT, "cp1252", "option")
    assert decode(SHORT.encode("latin-1"), declared="windows-1252") == (SHORT, "cp1252", "declared")
    assert decode("Zürich".encode(), declared="windows-1252").how == "valid-utf-8"  # valid UTF-8 wins


def test_forced_encoding_errors_name_the_byte_and_the_option():
    with pytest.raises(DecodeError, match=r"^not utf-8 \(--encoding\) at byte 3$"):
        decode(SHORT.encode("latin-1"), "utf-8")
    with pytest.raises(DecodeError, match="unknown encoding 'nope'"):
        decode(b"text", "nope")


def test_unsure_legacy_text_is_rejected_not_guessed():
    with pytest.raises(DecodeError, match="--encoding forces one"):
        decode(bytes(range(0x80, 0x100)) * 3)

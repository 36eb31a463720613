"""Uploaded bytes as text: byte-order marks, UTF-16 without one, UTF-8, then Windows-1252 and Latin-1.

The bytes are only ever decoded as text; spreadsheets and binary files are refused with a
message (never handed to a reader that guesses formats).
"""

from __future__ import annotations

import codecs
import unicodedata

from emlab.your_data.problems import file_problem

_CONTROL_SHARE = 0.01
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def decode_text(raw: bytes, *, lang: str = "en") -> tuple[str, str]:
    """The file as text and the name of its encoding; binary content raises ``UploadError``.

    Byte-order marks decide first (UTF-32, UTF-8, UTF-16); UTF-16 without one is recognised by
    its pattern of zero bytes. Then strict UTF-8, then Windows-1252 and Latin-1, which decode
    almost anything, so a last check refuses text full of control characters.
    """
    if raw.startswith(_SPREADSHEET_MAGIC):
        raise file_problem("spreadsheet", lang=lang)
    for bom, codec, label in (
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if raw.startswith(bom):
            return _checked(_decode(raw, codec, lang=lang), label, lang=lang)
    if b"\x00" in raw:
        codec = _bomless_utf16(raw)
        if codec is None:
            raise file_problem("not_text", lang=lang)
        return _checked(_decode(raw, codec, lang=lang), "UTF-16", lang=lang)
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            return _checked(raw.decode(codec), label, lang=lang)
        except UnicodeDecodeError:
            continue
    raise file_problem("not_text", lang=lang)  # unreachable: Latin-1 decodes every byte


def _decode(raw: bytes, codec: str, *, lang: str = "en") -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise file_problem("not_text", lang=lang) from None


def _bomless_utf16(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when zero bytes sit at every other position (ASCII-ish UTF-16)."""
    sample = raw[: 4096 - 4096 % 2]
    if len(sample) < 2:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.9 * half and even_zeros == 0:
        return "utf-16-le"
    if even_zeros > 0.9 * half and odd_zeros == 0:
        return "utf-16-be"
    return None


def _checked(text: str, label: str, *, lang: str = "en") -> tuple[str, str]:
    """Refuse decoded 'text' that is mostly control characters (a binary file in disguise)."""
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise file_problem("not_text", lang=lang)
    sample = text[:65536]
    controls = sum(1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v")
    if sample and controls > _CONTROL_SHARE * len(sample):
        raise file_problem("not_text", lang=lang)
    return text, label

"""Which text encoding an events file is written in (issue 12).

UTF-8 comes first: a UTF-8 byte-order mark gives ``utf-8-sig``, a UTF-16 one ``utf-16``; a file
whose bytes are all valid UTF-8 is ``utf-8`` (the whole file is checked, a chunk at a time: a
Windows-1252 file may be plain ASCII for its first megabytes). UTF-16 without a byte-order mark
is told by the NUL bytes of its ASCII characters. Anything else goes to charset-normalizer, limited
to the code pages spreadsheets write (``CODE_PAGES``). The name returned is a Python codec name,
the one ``--encoding`` takes to force it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import IO

from ceasefire.errors import InputError

__all__ = ["CODE_PAGES", "check_encoding", "detect_encoding"]

# The single-byte code pages spreadsheets and old exports use: Western, Central European,
# Cyrillic, Greek, Turkish, Arabic, Baltic Windows pages and their ISO counterparts.
CODE_PAGES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1256",
    "cp1257",
    "iso8859_1",
    "iso8859_2",
    "iso8859_5",
    "iso8859_15",
    "mac_roman",
)
_OTHER_SCRIPTS = frozenset({"cp1251", "cp1253", "cp1256", "iso8859-5"})  # codecs.lookup names
_WORD = re.compile(r"[^\W\d_]+")
_STUCK = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f\w]|[^\x00-\x7f\w](?=[^\W\d_])")
CHUNK = 1 << 20
SAMPLE = 1 << 16  # bytes of non-UTF-8 lines handed to the detector
Opener = Callable[[], IO[bytes]]


def check_encoding(name: str, encoding: str) -> str:
    """``encoding`` as a known codec name, else ``InputError`` (``--encoding`` takes any)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"{name}: --encoding: '{encoding}' is not a known encoding (e.g. cp1252, utf-16)") from None


def detect_encoding(name: str, head: bytes, opener: Opener) -> str:
    """The encoding of the file whose first bytes are ``head`` (``opener`` reopens it whole), or
    "" when it holds binary data (NUL bytes that are not UTF-16 text)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if b"\x00" in head:
        return ""
    sample = _not_utf8(opener)
    if sample is None:
        return "utf-8"
    return _code_page(name, sample)


def _utf16_without_bom(head: bytes) -> str:
    """UTF-16 text of mostly ASCII characters has a NUL in every other byte."""
    pairs = head[: len(head) // 2 * 2][:4096]
    if len(pairs) < 4:
        return ""
    even, odd = pairs[0::2], pairs[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return ""


def _not_utf8(opener: Opener) -> bytes | None:
    """None when the whole file is UTF-8, else lines holding the bytes that are not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    sample = b""
    with opener() as raw:
        while chunk := raw.read(CHUNK):
            if chunk.isascii() and not decoder.getstate()[0]:  # the common case, at memory speed
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                start = chunk.rfind(b"\n", 0, error.start) + 1
                sample += chunk[start : start + SAMPLE]
                if len(sample) >= SAMPLE:
                    break
                decoder.reset()
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a character
            sample = sample or b"?"
    return sample or None


def _code_page(name: str, sample: bytes) -> str:
    """The code page of a sample that is not UTF-8. Unless the detector finds another script
    (Cyrillic, Greek, Arabic), Windows-1252 wins whenever it decodes the sample: it is what
    spreadsheets in Western locales write, and a few accented letters cannot tell it from the
    other Latin pages (issue 12)."""
    from charset_normalizer import from_bytes

    matches = from_bytes(sample, cp_isolation=list(CODE_PAGES))
    best = matches.best()
    latin = best is None or codecs.lookup(best.encoding).name not in _OTHER_SCRIPTS or _mixed(str(best))
    if latin and _decodes(sample, "cp1252") and (best is None or _odd(sample.decode("cp1252")) <= _odd(str(best))):
        return "cp1252"
    if best is None:
        raise InputError(
            f"{name}: not UTF-8 text, nor one of the code pages tried ({', '.join(CODE_PAGES)}): "
            "save it as UTF-8, or name its encoding with --encoding"
        )
    return _preferred(sample, codecs.lookup(best.encoding).name)


def _mixed(text: str) -> bool:
    """Whether a word mixes ASCII letters with letters of another script ("Aзз"): a Latin text
    misread, since real Cyrillic, Greek or Arabic words are written in one script."""
    return any(not word.isascii() and any(c.isascii() for c in word) for word in _WORD.findall(text))


def _odd(text: str) -> int:
    """Symbols stuck to letters ("£ód" is Łód read in the wrong Latin page)."""
    return len(_STUCK.findall(text))


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _preferred(sample: bytes, found: str) -> str:
    """The first of ``CODE_PAGES`` that reads the sample exactly as ``found`` does."""
    text = sample.decode(found, errors="replace")
    for page in CODE_PAGES:
        if sample.decode(page, errors="replace") == text:
            return codecs.lookup(page).name
    return found

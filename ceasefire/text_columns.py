"""Text columns built with Arrow's vectorized string kernels, byte for byte as Python prints them.

Columnar outputs (issue 16) must write exactly what the per-finding Python path writes. Each
function here formats a whole column the way one Python expression formats one value, and falls
back to that expression only for the rare values where the vectorized form could differ (near
rounding ties, exponents, non-finite numbers), so the result is identical for every input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "csv_cells",
    "dictionary",
    "escaped_rows",
    "fixed",
    "float_cells",
    "iso_dates",
    "join",
    "json_bodies",
    "json_floats",
    "json_strings",
    "patch",
    "per_value",
    "pick",
    "put",
    "safe_texts",
    "when",
]

_UNIX_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals (null in, null out)."""
    return pc.binary_join_element_wise(*parts, "")


def when(mask: npt.NDArray[np.bool_] | pa.Array, yes: pa.Array | str, no: pa.Array | str) -> pa.Array:
    """``yes`` where ``mask``, else ``no`` (literals broadcast)."""
    return pc.if_else(pa.array(mask) if isinstance(mask, np.ndarray) else mask, _scalar(yes), _scalar(no))


def _scalar(value: pa.Array | str) -> Any:
    return pa.scalar(value, pa.string()) if isinstance(value, str) else value


def pick(texts: Sequence[str], codes: npt.NDArray[Any]) -> pa.Array:
    """``texts[code]`` for each code: a lookup in a small table (obligations, statuses, places)."""
    return pa.array(list(texts), pa.string()).take(pa.array(np.asarray(codes, np.int64)))


def put(size: int, groups: Sequence[tuple[npt.NDArray[np.intp], pa.Array]]) -> pa.Array:
    """One column from disjoint groups of rows: each (rows, values) fills its rows."""
    rows = np.concatenate([r for r, _ in groups]) if groups else np.zeros(0, np.intp)
    values = pa.concat_arrays([v.cast(pa.string()) for _, v in groups]) if groups else pa.array([], pa.string())
    inverse = np.empty(size, np.int64)
    inverse[rows] = np.arange(len(rows))
    return values.take(pa.array(inverse))


def _python(
    values: npt.NDArray[Any], strings: pa.Array, bad: npt.NDArray[np.bool_], fmt: Callable[[Any], str]
) -> pa.Array:
    """``strings`` with the ``bad`` rows replaced by ``fmt`` of their value (a take over the
    strings followed by the few replacements, so the good rows never become Python objects)."""
    if not bad.any():
        return strings
    index = np.flatnonzero(bad)
    return patch(strings, index, pa.array([fmt(v) for v in values[index].tolist()], pa.string()))


def patch(strings: pa.Array, index: npt.NDArray[np.intp], fixes: pa.Array) -> pa.Array:
    """``strings`` with row ``index[k]`` replaced by ``fixes[k]``: the texts that differ in a
    few rows are built for those rows only, then put in place with one take."""
    if not len(index):
        return strings
    where = np.arange(len(strings), dtype=np.int64)
    where[index] = len(strings) + np.arange(len(index))
    return pa.concat_arrays([strings.cast(pa.string()), fixes.cast(pa.string())]).take(pa.array(where))


def per_value(build: Callable[..., pa.Array], *columns: pa.Array | npt.NDArray[Any]) -> pa.Array:
    """``build(*columns)`` computed once per distinct combination of the columns' values, then
    taken back to every row. A column is a dictionary-encoded Arrow array (its codes are used as
    they are) or a numpy array; ``build`` receives each column's values at the distinct
    combinations, in the same kind (Arrow or numpy). Texts drawn from a few actors, event
    types or limits thus cost a lookup per row, not the string kernels' work per row."""
    codes, values = zip(*(_codes(column) for column in columns), strict=True)
    key = np.zeros(len(codes[0]), np.int64)
    for code, value in zip(codes, values, strict=True):
        key = key * len(value) + code
    space = int(np.prod([len(v) for v in values], dtype=np.float64))
    distinct, rows = _distinct(key, space)
    args: list[pa.Array | npt.NDArray[Any]] = []
    for value in reversed(values):
        code = distinct % len(value)
        distinct = distinct // len(value)
        args.insert(0, value.take(pa.array(code)) if isinstance(value, pa.Array) else value[code])
    return build(*args).take(pa.array(rows))


def _codes(column: pa.Array | npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], Any]:
    if isinstance(column, pa.DictionaryArray):
        return np.asarray(column.indices.to_numpy(zero_copy_only=False), np.int64), column.dictionary
    if isinstance(column, pa.Array):
        return _codes(pc.dictionary_encode(column))
    codes, values = pd.factorize(column, use_na_sentinel=False)  # a hash: no sort of the rows
    return np.asarray(codes, np.int64), np.asarray(values)


def _distinct(key: npt.NDArray[np.int64], space: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(the distinct keys, each row's position among them); a table lookup when the key space
    is small, a sort otherwise."""
    if space > 4 * len(key) + 4096:
        distinct, rows = np.unique(key, return_inverse=True)
        return distinct, np.asarray(rows, np.int64).reshape(-1)
    seen = np.zeros(space, bool)
    seen[key] = True
    distinct = np.flatnonzero(seen)
    position = np.zeros(space, np.int64)
    position[distinct] = np.arange(len(distinct))
    return distinct.astype(np.int64), position[key]


def _two_product(a: npt.NDArray[np.float64], b: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(p, e) with p = fl(a * b) and p + e = a * b exactly (Dekker's product, no FMA needed)."""
    p = a * b
    split = 134217729.0  # 2**27 + 1
    c = split * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    d = split * b
    b_hi = d - (d - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def fixed(values: npt.NDArray[np.float64], digits: int) -> pa.Array:
    """``f"{v:.{digits}f}"`` for each value: the exact binary value times 10**digits rounded half
    to even, as Python rounds it. The product is kept exactly (``_two_product``), so a value
    just below or above a decimal tie rounds the way Python's correctly rounded formatting does;
    values too large for that, and non-finite ones, are formatted by Python itself."""
    x = np.asarray(values, np.float64)
    a = np.abs(x)
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~np.isfinite(a) | (a * 10.0**digits > 1e15)
        a = np.where(bad, 0.0, a)
        p, e = _two_product(a, 2.0 * 10.0**digits)  # 2·10**d: ties are odd integers
    k = np.rint(p / 2)
    k = k + ((p == 2 * k + 1) & (e > 0)) - ((p == 2 * k - 1) & (e < 0))
    k = k.astype(np.int64)
    whole = pa.array(k // 10**digits).cast(pa.string())
    sign = when(np.signbit(x), "-", "")
    if digits:
        part = pc.utf8_lpad(pa.array(k % 10**digits).cast(pa.string()), digits, padding="0")
        text = join(sign, whole, ".", part)
    else:
        text = join(sign, whole)
    return _python(x, text, bad, lambda v: f"{v:.{digits}f}")


def json_floats(values: npt.NDArray[np.float64], python: Callable[[float], str] | None = None) -> pa.Array:
    """``json.dumps(v)`` (``repr`` for finite values) of each float, or ``python(v)`` where
    Arrow's text could differ: Arrow prints the same shortest digits but writes ``1`` for
    ``1.0`` (mended here, for those rows only) and uses exponents in other ranges than Python
    (values printed with one, or that Python prints with one, and non-finite ones are left to
    Python)."""
    x = np.asarray(values, np.float64)
    text = pa.array(x).cast(pa.string())
    exponent = np.asarray(pc.match_substring_regex(text, "[ena]").to_numpy(zero_copy_only=False), bool)
    with np.errstate(invalid="ignore"):
        a = np.abs(x)
        odd = exponent | ~np.isfinite(x) | (a >= 1e16) | ((x != 0) & (a < 1e-4))
        whole = np.flatnonzero((x == np.trunc(x)) & ~odd)
    text = patch(text, whole, pc.binary_join_element_wise(text.take(pa.array(whole)), ".0", ""))
    return _python(x, text, odd, python or _json_float)


def float_cells(column: pa.Array, null: str, python: Callable[[float], str] | None = None) -> pa.Array:
    """``json_floats`` of a float64 Arrow column, ``null`` where it holds a null; of a
    dictionary-encoded one (``dictionary``: a confidence, a radius), once per distinct value
    (Arrow hashes a float's bits: ``-0.0`` and ``0.0`` stay apart)."""
    if pa.types.is_dictionary(column.type):
        taken = float_cells(column.dictionary, null, python).take(column.indices)
        return taken.fill_null(null) if column.null_count else taken
    values = column.fill_null(0.0).to_numpy(zero_copy_only=False)
    text = json_floats(values, python)
    return pc.if_else(pc.is_null(column), pa.scalar(null, pa.string()), text) if column.null_count else text


def _json_float(value: float) -> str:
    import json

    return json.dumps(value)


def escaped_rows(text: pa.Array) -> npt.NDArray[np.bool_]:
    """Rows holding a quote, a backslash or a control character: what JSON escapes. Compared
    byte by byte over the whole data buffer with numpy (a UTF-8 continuation byte is never
    below 0x80), about twice as fast as a regular expression per row."""
    if text.null_count:
        return np.asarray(pc.match_substring_regex(text, _ESCAPED).fill_null(False).to_numpy(), bool)
    text = text.cast(pa.large_string()) if not pa.types.is_large_string(text.type) else text
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset : text.offset + len(text) + 1]
    if text.buffers()[2] is None or not len(text):
        return np.zeros(len(text), bool)
    data = np.frombuffer(text.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    hit = data < 0x20
    hit |= data == 0x22
    hit |= data == 0x5C
    rows = np.zeros(len(text), bool)
    rows[np.searchsorted(offsets, np.flatnonzero(hit) + offsets[0], side="right") - 1] = True
    return rows


_ESCAPED = r'["\\\x00-\x1f]'  # a quote, a backslash or a control character (RE2 syntax)


def json_strings(values: pa.Array) -> pa.Array:
    """``json.dumps(s, ensure_ascii=False)`` of each string (``json_bodies`` in quotes)."""
    if pa.types.is_dictionary(values.type):
        return json_strings(values.dictionary).take(values.indices)
    return join('"', json_bodies(values), '"')


def json_bodies(values: pa.Array) -> pa.Array:
    """``json.dumps(s, ensure_ascii=False)[1:-1]`` of each string: its JSON text without the
    quotes. A dictionary-encoded column is encoded once per distinct value; otherwise only the
    rows holding a quote, a backslash or a control character (rare in event data) are escaped,
    by Python, and the rest are the strings themselves."""
    if pa.types.is_dictionary(values.type):
        return json_bodies(values.dictionary).take(values.indices)
    text = values.cast(pa.string())
    bad = escaped_rows(text)
    import json

    index = np.flatnonzero(bad)
    raw = np.empty(len(text), dtype=object)
    raw[index] = text.take(pa.array(index)).to_pylist()
    return _python(raw, text, bad, lambda s: json.dumps(s, ensure_ascii=False)[1:-1])


def dictionary(values: pa.Array, most: int = 5_000) -> pa.Array:
    """``values`` dictionary-encoded when they repeat (at most ``most`` distinct in the first
    rows), so per-value work runs once per distinct value."""
    head = values.slice(0, 20_000)
    if len(head) and pc.count_distinct(head).as_py() <= most and not pa.types.is_dictionary(values.type):
        return pc.dictionary_encode(values)
    return values


def iso_dates(ordinals: npt.NDArray[np.int64]) -> pa.Array:
    """``date.fromordinal(d).isoformat()`` for each proleptic ordinal (years 1000 to 9999;
    others are formatted by Python)."""
    days = np.asarray(ordinals, np.int64)
    text = pa.array((days - _UNIX_ORDINAL).astype(np.int32)).cast(pa.date32()).cast(pa.string())
    bad = (days < 364878) | (days > 3652059)  # date(1000, 1, 1) .. date(9999, 12, 31)
    import datetime as dt

    return _python(days, text, bad, lambda d: dt.date.fromordinal(int(d)).isoformat())


# exports.spreadsheet_safe: a formula start (_FORMULA_STARTS), unless the whole text is a number,
# here in RE2 (\p{Nd} is what Python's \d matches: any decimal digit).
_NUMBER = r"^[+-]?(?:\p{Nd}+(?:\.\p{Nd}*)?|\.\p{Nd}+)(?:[eE][+-]?\p{Nd}+)?$"


def safe_texts(column: pa.Array) -> pa.Array:
    """``exports.spreadsheet_safe`` of each text (issue 11): a quote before a formula start.
    The first bytes are compared with numpy; only the rows starting like a formula are matched
    against ``_NUMBER`` (a number is left as it is)."""
    if pa.types.is_dictionary(column.type):
        return safe_texts(column.dictionary).take(column.indices)
    text = column.cast(pa.string())
    offsets, data = _text_bytes(text)
    filled = offsets[1:] > offsets[:-1]
    first = np.zeros(len(text), np.uint8)
    first[filled] = data[offsets[:-1][filled]]  # offsets index the whole buffer, a slice's too
    rows = np.flatnonzero(np.isin(first, _FORMULA_STARTS))
    if not len(rows):
        return text
    number = pc.match_substring_regex(text.take(pa.array(rows)), _NUMBER).to_numpy(zero_copy_only=False)
    rows = rows[~np.asarray(number, bool)]
    return patch(text, rows, join("'", text.take(pa.array(rows))))


_FORMULA_STARTS = np.frombuffer(b"=+-@\t\r", np.uint8)  # exports.spreadsheet_safe's, one byte each in UTF-8


def _text_bytes(text: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """(the offsets of a string array's rows, len + 1 of them, and its data buffer's bytes)."""
    wide = np.int64 if pa.types.is_large_string(text.type) else np.int32
    buffers = text.buffers()
    if buffers[1] is None:
        return np.zeros(len(text) + 1, np.int64), np.zeros(0, np.uint8)
    offsets = np.frombuffer(buffers[1], wide)[text.offset : text.offset + len(text) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _rows_holding(text: pa.Array, characters: bytes) -> npt.NDArray[np.bool_]:
    """Rows of a string array holding any of ``characters`` (ASCII: a UTF-8 byte below 0x80 is
    always that character), compared byte by byte over the data buffer."""
    offsets, data = _text_bytes(text)
    data = data[offsets[0] : offsets[-1]]
    hit = np.zeros(len(data), bool)
    for byte in characters:
        hit |= data == byte
    rows = np.zeros(len(text), bool)
    rows[np.searchsorted(offsets, np.flatnonzero(hit) + offsets[0], side="right") - 1] = True
    return rows


def csv_cells(column: pa.Array) -> pa.Array:
    """A text cell as ``csv.writer`` writes ``exports.spreadsheet_safe`` of it (QUOTE_MINIMAL,
    ``\\n`` line ends: quoted when it holds ``,``, ``"`` or a newline, quotes doubled)."""
    if pa.types.is_dictionary(column.type):
        return csv_cells(column.dictionary).take(column.indices)
    text = safe_texts(column)
    quote = _rows_holding(text, b',"\n')
    count = int(np.count_nonzero(quote))
    if not count:
        return text
    if count * 4 < len(text):
        # a few rows to quote (a place with a comma in its name): quoting every row costs more
        rows = np.flatnonzero(quote)
        return patch(text, rows, _quoted(text.take(pa.array(rows))))
    # most rows (an explanation has commas): every row quoted, the rest kept by a select, which
    # costs a fifth of putting the quoted rows back in place one by one (issue 14)
    quoted = _quoted(text)
    return quoted if count == len(text) else pc.if_else(pa.array(quote), quoted, text)


def _quoted(text: pa.Array) -> pa.Array:
    """Each text in quotes, its quotes doubled (no replace when no text holds a quote: most)."""
    _, data = _text_bytes(text)  # a slice's whole buffer: a quote outside it costs a replace, no more
    inner = pc.replace_substring(text, '"', '""') if np.any(data == 0x22) else text
    return join('"', inner, '"')

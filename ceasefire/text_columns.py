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
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["fixed", "iso_dates", "join", "json_floats", "json_strings", "pick", "put", "when"]

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
    """``strings`` with the ``bad`` rows replaced by ``fmt`` of their value."""
    if not bad.any():
        return strings
    out = np.asarray(strings.to_numpy(zero_copy_only=False), dtype=object)
    index = np.flatnonzero(bad)
    out[index] = [fmt(v) for v in values[index].tolist()]
    return pa.array(out, pa.string())


def fixed(values: npt.NDArray[np.float64], digits: int) -> pa.Array:
    """``f"{v:.{digits}f}"`` for each value. The scaled value is rounded half-to-even as Python
    rounds the exact binary value; rows within 1e-6 of a tie, or too large to scale exactly,
    are formatted by Python itself."""
    x = np.asarray(values, np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 10.0**digits
        frac = np.abs(scaled - np.floor(scaled) - 0.5)
        bad = ~np.isfinite(scaled) | (np.abs(scaled) > 1e15) | (frac < 1e-6)
    k = np.abs(np.rint(np.where(bad, 0, scaled))).astype(np.int64)
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
    Arrow's text could differ: Arrow prints the same shortest digits but writes ``1`` for ``1.0``
    and other exponents, so those cases are mended or left to Python."""
    x = np.asarray(values, np.float64)
    text = pa.array(x).cast(pa.string())
    plain = pc.invert(pc.match_substring_regex(text, "[.en]"))
    text = pc.if_else(plain, pc.binary_join_element_wise(text, ".0", ""), text)
    with np.errstate(invalid="ignore"):
        small = (x != 0) & (np.abs(x) < 1e-4)
    odd = np.asarray(pc.match_substring_regex(text, "[ena]").to_numpy(zero_copy_only=False), bool)
    return _python(x, text, small | odd | ~np.isfinite(x), python or _json_float)


def _json_float(value: float) -> str:
    import json

    return json.dumps(value)


_CONTROL = "[\x00-\x1f]"


def json_strings(values: pa.Array) -> pa.Array:
    """``json.dumps(s, ensure_ascii=False)`` of each string: quotes and backslashes escaped
    with Arrow; strings with control characters (rare in event data) are encoded by Python."""
    text = values.cast(pa.string())
    escaped = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
    quoted = join('"', escaped, '"')
    bad = np.asarray(pc.match_substring_regex(text, _CONTROL).to_numpy(zero_copy_only=False), bool)
    if not bad.any():
        return quoted
    import json

    raw = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
    return _python(raw, quoted, bad, lambda s: json.dumps(s, ensure_ascii=False))


def iso_dates(ordinals: npt.NDArray[np.int64]) -> pa.Array:
    """``date.fromordinal(d).isoformat()`` for each proleptic ordinal (years 1000 to 9999;
    others are formatted by Python)."""
    days = np.asarray(ordinals, np.int64)
    text = pa.array((days - _UNIX_ORDINAL).astype(np.int32)).cast(pa.date32()).cast(pa.string())
    bad = (days < 364878) | (days > 3652059)  # date(1000, 1, 1) .. date(9999, 12, 31)
    import datetime as dt

    return _python(days, text, bad, lambda d: dt.date.fromordinal(int(d)).isoformat())

"""``text_columns.csv_cells`` and ``safe_texts`` (numpy over the data buffer, issue 14) write what
``csv.writer`` writes of ``exports.spreadsheet_safe`` of each text, for any text, in any slice;
``float_cells`` writes the same of a column and of its dictionary encoding."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.exports import spreadsheet_safe
from ceasefire.text_columns import csv_cells, float_cells, safe_texts

TEXT = st.text(alphabet=st.sampled_from(list('=+-@\t\r\n",.e5 aḤح\\x')), max_size=8)


def _python_cell(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([spreadsheet_safe(text), "x"])  # a lone "" is quoted
    return out.getvalue()[: -len(",x\n")]


@given(st.lists(TEXT, max_size=30), st.integers(0, 5))
def test_csv_cells_are_the_csv_writers(texts: list[str], skip: int) -> None:
    column = pa.array(["pad"] * skip + texts, pa.string()).slice(skip)  # an offset into the buffers
    assert csv_cells(column).to_pylist() == [_python_cell(t) for t in texts]
    assert safe_texts(column).to_pylist() == [spreadsheet_safe(t) for t in texts]


def test_nulls_stay_null() -> None:
    assert csv_cells(pa.array([None, "=1+1", None, "a,b"], pa.string())).to_pylist() == [None, "'=1+1", None, '"a,b"']


FLOAT = st.one_of(st.none(), st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 1.0, 25000.0, 0.46, 1e16, 1e-5]))


@given(st.lists(FLOAT, max_size=30), st.integers(0, 3))
def test_float_cells_of_a_dictionary_are_those_of_its_values(values: list[float | None], skip: int) -> None:
    """Once per distinct value (``-0.0`` and ``0.0`` apart, as Python prints them) and taken back."""
    column = pa.array([1.5] * skip + values, pa.float64()).slice(skip)
    for python, null in ((repr, ""), (None, "null")):
        plain = float_cells(column, null, python).to_pylist()
        assert float_cells(pc.dictionary_encode(column), null, python).to_pylist() == plain
        assert plain == [null if v is None else (python or json.dumps)(v) for v in values]

"""Events in: ACLED CSV, UCDP GED CSV, GDELT event rows and GeoJSON points, as ``Incident``s.

::

    read_events(path, bad_rows, today=None)
                                     one file, its format told from its content (detect_format);
                                     .zip, .gz and .xlsx opened, the encoding detected
                                     (``encoding=`` forces it, ``sheet=`` picks a sheet)
    iter_files(paths, bad_rows, today=None)
                                     several files, one after the other
    detect(path)                     every events file a path holds: format, version, encoding
    inspect.inspect_files(paths)     what ``ceasefire inspect`` shows
    read_acled / read_ucdp / read_gdelt / read_geojson (fp, name, bad_rows, today=None)
                                     one format, from a text file object; ``name`` is for messages
    columnar.read_files(paths, bad_rows, today=None)
                                     the same incidents as ``iter_files``, as the columns
                                     ``IncidentTable.from_columns`` takes: ACLED, UCDP and GDELT
                                     text files parsed by pyarrow and checked column by column
                                     (what ``verify`` runs; needs pyarrow, issue 16)
    parquet.parquet_parts / part_columns
                                     Parquet files and hive folders, partition by partition, as
                                     columns (``columns`` normalizes them; ``ceasefire.scale``
                                     verifies them)

A date after the day after ``today`` is a bad row; None (the default) reads any date, so that a
file's findings never depend on the day it is read.

Readers stream: one row in memory at a time (GeoJSON: one document). A row that cannot become an
incident goes to the ``BadRows`` policy as ``FILE:LINE: column: problem``: it raises
``InputError`` by default, or is counted and skipped with ``BadRows(skip=True)``. Events without
a place and rows that are not incidents are counted, never errors; ``BadRows.files`` holds each
file's counts by class, encoding and date order (``FileCounts``). docs/inputs.md describes every
format, the normalization and the precision table.
"""

from ceasefire.sources.acled import read_acled
from ceasefire.sources.formats import EVENT_FORMATS, Detected, detect, detect_format, iter_files, read_events
from ceasefire.sources.gdelt import read_gdelt
from ceasefire.sources.geojson import read_geojson
from ceasefire.sources.rows import BadRows, FileCounts
from ceasefire.sources.ucdp import read_ucdp

__all__ = [
    "EVENT_FORMATS",
    "BadRows",
    "Detected",
    "FileCounts",
    "detect",
    "detect_format",
    "iter_files",
    "read_acled",
    "read_events",
    "read_gdelt",
    "read_geojson",
    "read_ucdp",
]

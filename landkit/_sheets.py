"""The one spreadsheet writer: every .xlsx and .csv landkit writes goes through this module.

What leaves the bureau as a table must read back as what was written and carry nothing a
spreadsheet program would execute:

- **.xlsx** (:func:`write_workbook`): every text cell is stored as a text cell, never as a
  formula, so ``=HYPERLINK(…)``, ``+1``, ``-1+2`` or ``@SUM(…)`` arrive as the text they are.
  Control characters (U+0000–U+001F except tab, line feed and carriage return, and U+007F)
  cannot be stored in an .xlsx cell at all; they are written as their visible Unicode
  *control pictures* (``\\x0b`` → ``␋``) with a :class:`~landkit.errors.LandkitWarning`
  that counts them, so one bad cell never stops a report. Text longer than Excel's 32,767
  characters per cell and more than 1,048,576 rows are refused (Excel would cut them).
- **.csv** (:func:`write_csv`, :func:`csv_text`): a text cell that begins with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return — or with an apostrophe, so the rule is reversible —
  is written with one leading apostrophe (``'=1+1``), which spreadsheet programs show as text.
  landkit's CSV readers (:func:`read_csv`, :func:`restore_cells`) remove exactly that
  apostrophe again, so a landkit CSV reads back equal to what was written. Numbers are not
  text cells and are written unchanged (``-3.5`` stays a number).

Both writers are atomic (:mod:`landkit._atomic`) and refuse to replace a file unless asked.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ._atomic import atomic_path
from .errors import DataFormatError, LandkitWarning

__all__ = [
    "CSV_TRIGGERS",
    "EXCEL_MAX_CHARS",
    "EXCEL_MAX_ROWS",
    "csv_text",
    "neutralise_cell",
    "read_csv",
    "restore_cell",
    "restore_cells",
    "write_csv",
    "write_workbook",
]

#: First characters that make a spreadsheet program evaluate a CSV cell (plus the escape itself).
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
#: Most characters Excel keeps in one cell.
EXCEL_MAX_CHARS = 32_767
#: Most rows of an Excel sheet (header included).
EXCEL_MAX_ROWS = 1_048_576

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def _map_text(frame: pd.DataFrame, fn: Any) -> pd.DataFrame:
    """Apply ``fn`` to every text cell, header and index label of ``frame`` (a copy)."""
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_string_dtype(col.dtype):  # object or str columns
            out.isetitem(i, col.map(lambda v: fn(v) if isinstance(v, str) else v).to_numpy())
    out.columns = pd.Index([fn(c) if isinstance(c, str) else c for c in out.columns])
    if pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(lambda v: fn(v) if isinstance(v, str) else v)
    return out


def _excel_ready(frame: pd.DataFrame, *, sheet: str) -> tuple[pd.DataFrame, int]:
    """Control characters shown as control pictures; over-long cells and sheets refused."""
    if len(frame) + 1 > EXCEL_MAX_ROWS:
        raise DataFormatError(
            f"sheet {sheet}: {len(frame)} rows do not fit in an Excel sheet; write a .csv instead"
        )
    found = 0

    def clean(text: str) -> str:
        nonlocal found
        if len(text) > EXCEL_MAX_CHARS:
            raise DataFormatError(
                f"sheet {sheet}: a cell holds {len(text)} characters, more than Excel keeps "
                f"({EXCEL_MAX_CHARS}); write a .csv or .gpkg instead"
            )
        new, n = _CONTROL.subn(_picture, text)
        found += n
        return new

    return _map_text(frame, clean), found


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Mapping[str, pd.DataFrame],
    /,
    *,
    overwrite: bool = False,
    index: bool = False,
    fit_columns: bool = False,
) -> Path:
    """Write DataFrames to one .xlsx file atomically, one sheet each, every text cell inert.

    Parameters
    ----------
    path : str or PathLike
        The workbook to write.
    sheets : mapping of str to DataFrame
        Sheet name → table, in order.
    overwrite : bool, default False
        Replace an existing file; otherwise :class:`~landkit.errors.OutputExistsError`.
    index : bool, default False
        Write each frame's index as its first column(s).
    fit_columns : bool, default False
        Widen columns to their content (up to 60 characters) and freeze the header row.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    DataFormatError
        If a sheet has more rows, or a cell more characters, than Excel keeps (nothing is written).

    Warns
    -----
    LandkitWarning
        When control characters were written as control pictures (see the module docstring).

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> out = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> _ = write_workbook(out, {"表": pd.DataFrame({"备注": ["=1+1", "ok"]})})
    >>> cell = openpyxl.load_workbook(out)["表"]["A2"]
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    ready: dict[str, pd.DataFrame] = {}
    replaced = 0
    for name, frame in sheets.items():
        ready[name], n = _excel_ready(frame, sheet=name)
        replaced += n
    with (
        atomic_path(path, overwrite=overwrite, suffix=".xlsx") as tmp,
        pd.ExcelWriter(tmp, engine="openpyxl") as writer,
    ):
        for name, frame in ready.items():
            frame.to_excel(writer, sheet_name=name, index=index)
            sheet = writer.sheets[name]
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text that openpyxl took for a formula
                        cell.data_type = "s"
            if fit_columns:
                _fit(sheet, frame)
    if replaced:
        warnings.warn(
            f"{Path(path).name}: {replaced} control character(s) written as visible symbols (␋ …); "
            "Excel cannot store them",
            LandkitWarning,
            stacklevel=2,
        )
    return Path(path)


def _fit(sheet: Any, frame: pd.DataFrame) -> None:
    for i, col in enumerate(frame.columns, start=1):
        width = max([len(str(col)) * 2, *(len(str(v)) for v in frame[col].head(200))]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"


def neutralise_cell(text: str, /) -> str:
    """The CSV form of a text cell: one apostrophe before a leading formula trigger.

    Examples
    --------
    >>> neutralise_cell("=1+1"), neutralise_cell("-3"), neutralise_cell("'a"), neutralise_cell("洪江")
    ("'=1+1", "'-3", "''a", '洪江')
    """
    return "'" + text if text.startswith(CSV_TRIGGERS) else text


def restore_cell(text: str, /) -> str:
    """Undo :func:`neutralise_cell` (text without the escape is returned unchanged).

    Examples
    --------
    >>> restore_cell("'=1+1"), restore_cell("''a"), restore_cell("'a")
    ('=1+1', "'a", "'a")
    """
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(CSV_TRIGGERS):
        return text[1:]
    return text


def restore_cells(frame: pd.DataFrame, /) -> pd.DataFrame:
    """Undo :func:`neutralise_cell` in every text cell and header of a table read from CSV."""
    return _map_text(frame, restore_cell)


def csv_text(table: pd.DataFrame, /, *, index: bool = False) -> str:
    """The CSV text of ``table`` with every text cell neutralised (for stdout).

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"a": ["=1+1"], "b": [-2.5]})), end="")
    a,b
    '=1+1,-2.5
    """
    return _map_text(table, neutralise_cell).to_csv(index=index)


def write_csv(
    path: str | os.PathLike[str],
    table: pd.DataFrame,
    /,
    *,
    overwrite: bool = False,
    index: bool = False,
    encoding: str = "utf-8-sig",
) -> Path:
    """Write ``table`` as CSV atomically (UTF-8 with BOM by default, for Excel), text cells neutralised.

    Parameters
    ----------
    path : str or PathLike
        The file to write.
    table : DataFrame
        The table.
    overwrite : bool, default False
        Replace an existing file; otherwise :class:`~landkit.errors.OutputExistsError`.
    index : bool, default False
        Write the index as the first column(s).
    encoding : str, default "utf-8-sig"
        Text encoding (``"GBK"`` on request).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.csv"
    >>> t = pd.DataFrame({"备注": ["=HYPERLINK(1)", "'quoted", "ok"], "数": [-1.5, 2.0, 3.0]})
    >>> _ = write_csv(out, t)
    >>> out.read_text(encoding="utf-8-sig").splitlines()[1]
    "'=HYPERLINK(1),-1.5"
    >>> read_csv(out).equals(t)
    True
    """
    with atomic_path(path, overwrite=overwrite, suffix=".csv") as tmp:
        _map_text(table, neutralise_cell).to_csv(tmp, index=index, encoding=encoding)
    return Path(path)


def read_csv(source: Any, /, **kwargs: Any) -> pd.DataFrame:
    """:func:`pandas.read_csv` followed by :func:`restore_cells` (``utf-8-sig`` unless told)."""
    kwargs.setdefault("encoding", "utf-8-sig")
    return restore_cells(pd.read_csv(source, **kwargs))

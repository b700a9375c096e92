"""The one spreadsheet writer: every .xlsx landkit writes goes through :func:`write_workbook`.

Text that a spreadsheet program would run as a formula (``=``, ``+``, ``-``, ``@`` …) is written as plain
text, so data never becomes executable content in a report that leaves the bureau.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ._atomic import atomic_path

__all__ = ["write_workbook"]


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Mapping[str, pd.DataFrame],
    /,
    *,
    overwrite: bool = False,
    index: bool = False,
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

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> out = Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> _ = write_workbook(out, {"表": pd.DataFrame({"备注": ["=1+1", "ok"]})})
    >>> cell = openpyxl.load_workbook(out)["表"]["A2"]
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    with (
        atomic_path(path, overwrite=overwrite, suffix=".xlsx") as tmp,
        pd.ExcelWriter(tmp, engine="openpyxl") as writer,
    ):
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=index)
            for row in writer.sheets[name].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text that openpyxl took for a formula
                        cell.data_type = "s"
    return Path(path)

"""The read-problems channel: what the reader met, carried to :func:`landkit.validate`.

Every problem is a dict with ``row`` (index label, None for the whole file), ``field``,
``problem`` (a code of :data:`landkit.validate.PROBLEMS`), ``severity``, ``detail``,
``suggestion`` and ``value`` (the raw cell, when there is one).

How they travel (documented in the README, tested in ``tests/test_read_problems.py``):

- :func:`landkit.read_parcels` attaches them to the table it returns; ``.copy()``, slicing,
  ``.loc``/``.iloc`` and column selection keep them (problems of rows sliced away are
  dropped by :func:`landkit.validate`); :func:`landkit.combine_parcels` carries them,
  relabelled to its rows.
- ``pd.concat`` and ``merge`` drop them (pandas keeps ``attrs`` only when every input has the
  same). Take them first with :func:`read_problems` and hand them to
  ``validate(..., problems=...)``; a table that lost them is reported by ``validate``
  (``read_problems_lost``) rather than passing as clean.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["PROBLEM_KEYS", "add_problem", "problems_of", "read_problems", "set_problems"]

KEY = "landkit"
#: the keys of one problem record
PROBLEM_KEYS = ["row", "field", "value", "problem", "severity", "detail", "suggestion"]


def add_problem(
    problems: list[dict[str, Any]],
    row: Any,
    field: str,
    problem: str,
    severity: str,
    detail: str,
    suggestion: str = "",
    *,
    value: Any = None,
) -> None:
    """Append one problem record."""
    problems.append(
        {
            "row": row,
            "field": field,
            "problem": problem,
            "severity": severity,
            "detail": detail,
            "suggestion": suggestion,
            "value": None if value is None else str(value),
        }
    )


def problems_of(frame: pd.DataFrame, /) -> list[dict[str, Any]]:
    """The (mutable) list of read problems a frame carries, created empty when it has none."""
    meta = frame.attrs.setdefault(KEY, {})
    return meta.setdefault("problems", [])


def set_problems(frame: pd.DataFrame, problems: list[dict[str, Any]], /) -> Any:
    """Attach ``problems`` to ``frame`` (returned)."""
    frame.attrs.setdefault(KEY, {})["problems"] = problems
    return frame


def read_problems(frame: pd.DataFrame, /) -> pd.DataFrame:
    """The problems met while reading ``frame``, as a table (one row per problem).

    Take them before ``pd.concat`` or ``merge`` (which drop them) and pass them to
    ``landkit.validate(..., problems=...)``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> import landkit
    >>> raw = gpd.GeoDataFrame({"约定动工日期": ["2023.10"]}, geometry=[box(0, 0, 1, 1)], crs=4546)
    >>> read_problems(landkit.canonicalise(raw))[["row", "problem", "value"]].to_dict("records")
    [{'row': 0, 'problem': 'imprecise_date', 'value': '2023.10'}]
    """
    records = frame.attrs.get(KEY, {}).get("problems", [])
    present = set(frame.index)
    kept = [p for p in records if p.get("row") is None or p.get("row") in present]
    return pd.DataFrame(kept, columns=PROBLEM_KEYS)

"""The read-problems channel: what the reader met, carried to :func:`landkit.validate`.

Every problem is a dict with ``row`` (index label, None for the whole file), ``field``,
``problem`` (a code of :data:`landkit.validate.PROBLEMS`), ``severity``, ``detail``,
``suggestion`` and ``value`` (the raw cell, when there is one).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["add_problem", "problems_of", "set_problems"]

KEY = "landkit"


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

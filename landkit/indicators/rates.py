"""供地率 per approval-year cohort, the rolling window average, and disposal rates per cohort."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..units import MU_M2
from ._config import load_settings
from ._dates import as_day
from ._labels import to_chinese
from .unsupplied import unsupplied

__all__ = ["RATE_LABELS", "SupplyRate", "supply_rate", "window_years_of"]

#: Output columns of :func:`supply_rate` → Chinese labels.
RATE_LABELS = {
    "approval_year": "批准年度",
    "n_batches": "批次数",
    "approved_mu": "批准面积(亩)",
    "supplied_mu": "已供面积(亩)",
    "unsupplied_mu": "批而未供面积(亩)",
    "supply_rate": "供地率",
    "in_window": "计入考核期",
}


def window_years_of(day: dt.date, /, *, window_years: int) -> list[int]:
    """The approval years in the rolling window ending at ``day``.

    The window is the ``window_years`` complete calendar years before ``day``'s year, or up to and
    including that year when ``day`` is 31 December (the year is then complete).

    Examples
    --------
    >>> window_years_of(dt.date(2024, 12, 31), window_years=5)
    [2020, 2021, 2022, 2023, 2024]
    >>> window_years_of(dt.date(2024, 9, 30), window_years=5)
    [2019, 2020, 2021, 2022, 2023]
    """
    last = day.year if (day.month, day.day) == (12, 31) else day.year - 1
    return list(range(last - window_years + 1, last + 1))


@dataclass(frozen=True)
class SupplyRate:
    """The answer of :func:`supply_rate`: the cohort table and the window's rate against the floor."""

    table: pd.DataFrame
    window: list[int]
    rate: float
    threshold: float
    threshold_basis: str
    below: bool | None

    def _repr_html_(self) -> str:
        verdict = {True: "低于", False: "不低于", None: "无法判断"}[self.below]
        head = (
            f"<p>近{len(self.window)}年（{self.window[0]}–{self.window[-1]}年批准）平均供地率 "
            f"<b>{self.rate:.1%}</b>，{verdict}{self.threshold:.0%}（{self.threshold_basis}）</p>"
        )
        table = self.table.astype({"approval_year": object})
        table["approval_year"] = table["approval_year"].where(table["approval_year"].notna(), "考核期合计")
        return head + to_chinese(table, RATE_LABELS).to_html(index=False, na_rep="")


def supply_rate(
    batches: gpd.GeoDataFrame,
    supplies: gpd.GeoDataFrame,
    /,
    *,
    as_of: object,
    window_years: int | None = None,
    config: str | Path | None = None,
) -> SupplyRate:
    """供地率 per approval-year cohort and the rolling window average, against the configured floor.

    The rate of a cohort is the area of its batches covered by supplies signed by ``as_of``
    divided by the area approved (both geodesic, from :func:`unsupplied`). The window average is
    area-weighted: the window's supplied area over its approved area (not a mean of yearly rates).

    Parameters
    ----------
    batches, supplies : GeoDataFrame
        As for :func:`unsupplied`.
    as_of : date or str
        The reporting day.
    window_years : int, optional
        Cohorts in the window (default from the settings: 5).
    config : path, optional
        Indicator settings overriding the packaged ``indicators.toml`` (threshold: local policy).

    Returns
    -------
    SupplyRate
        ``table``: one row per approval year (:data:`RATE_LABELS`) plus a last row
        ``approval_year`` = ``<NA>`` holding the window total; ``window`` (years), ``rate`` (the
        window average), ``threshold``, ``threshold_basis`` and ``below`` (None when no area).

    Examples
    --------
    >>> from landkit.indicators import read_batches, read_supplies
    >>> b = read_batches("sample_data/indicators/batches.gpkg")
    >>> s = read_supplies("sample_data/indicators/supplies.xlsx", parcels="sample_data/parcels.gpkg")
    >>> r = supply_rate(b, s, as_of="2024-12-31")
    >>> r.window, r.threshold
    ([2020, 2021, 2022, 2023, 2024], 0.6)
    """
    day = as_day(as_of)
    settings = load_settings(config)["supply_rate"]
    years = window_years_of(day, window_years=int(window_years or settings["window_years"]))
    per = unsupplied(batches, supplies, as_of=day, geometry=False)
    table = (
        per.groupby("approval_year")
        .agg(
            n_batches=("approved_m2", "size"),
            approved_m2=("approved_m2", "sum"),
            supplied_m2=("supplied_m2", "sum"),
        )
        .reset_index()
    )
    table["in_window"] = table["approval_year"].isin(years)
    window = table[table["in_window"]]
    total = pd.DataFrame(
        {
            "approval_year": [pd.NA],
            "n_batches": [int(window["n_batches"].sum())],
            "approved_m2": [float(window["approved_m2"].sum())],
            "supplied_m2": [float(window["supplied_m2"].sum())],
            "in_window": [True],
        }
    )
    table = pd.concat([table, total], ignore_index=True)
    table["approval_year"] = table["approval_year"].astype("Int64")
    table["unsupplied_m2"] = table["approved_m2"] - table["supplied_m2"]
    for c in ("approved", "supplied", "unsupplied"):
        table[f"{c}_mu"] = table[f"{c}_m2"] / MU_M2
    approved = table["approved_m2"].to_numpy(float)
    table["supply_rate"] = np.where(
        approved > 0, table["supplied_m2"] / np.where(approved > 0, approved, 1), np.nan
    )
    rate = float(table["supply_rate"].iloc[-1])
    threshold = float(settings["threshold"])
    return SupplyRate(
        table=table,
        window=years,
        rate=rate,
        threshold=threshold,
        threshold_basis=str(settings["threshold_basis"]),
        below=bool(rate < threshold) if np.isfinite(rate) else None,
    )

"""Check a register before it is recorded and turn it into ledger rows.

Nothing is written by this module: :func:`prepare_snapshot` either returns the rows to
store or raises :class:`~landkit.errors.ValidationError` listing every problem, so a bad
register is refused before the ledger is touched.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..area import geodesic_area
from ..errors import CRSError, ValidationError
from ..schema import CATEGORIES, STATUSES, join_categories, split_categories

__all__ = [
    "CORE_COLUMNS",
    "REQUIRED_FIELDS",
    "PreparedSnapshot",
    "parse_date",
    "prepare_snapshot",
    "rows_to_frame",
    "split_ids",
]

#: Fields a register must carry to be recorded.
REQUIRED_FIELDS: tuple[str, ...] = ("parcel_id", "status", "categories", "geometry")

#: Text fields stored as their own columns (the rest of the register goes to ``attrs`` as JSON).
CORE_TEXT: tuple[str, ...] = (
    "parcel_id",
    "status",
    "categories",
    "responsible_unit",
    "township",
    "disposal_method",
    "previous_ids",
    "name",
)
#: Every stored parcel column except the snapshot id and the geometry, in table order.
CORE_COLUMNS: tuple[str, ...] = (*CORE_TEXT, "area_m2", "rep_x", "rep_y", "attrs")

_STATUS_BY_LABEL = {v: k for k, v in STATUSES.items()}
_ID_SEPARATORS = (",", "，", ";", "；", "、", "|", " ")
# Columns recomputed by the ledger from the geometry; never stored from the input.
_DERIVED = ("area_m2", "area_mu", "area_ha")


@dataclass(frozen=True)
class PreparedSnapshot:
    """Rows ready to store: core columns, WKB geometries and the column layout of ``attrs``."""

    rows: pd.DataFrame
    wkb: list[bytes]
    crs: pyproj.CRS
    extra_kinds: dict[str, str]


def parse_date(value: object, /, *, what: str = "date") -> dt.date:
    """Parse ``YYYY-MM-DD`` text, a :class:`datetime.date` or a pandas Timestamp into a date.

    Examples
    --------
    >>> parse_date("2024-03-31")
    datetime.date(2024, 3, 31)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what} {value!r} is not a date; write it as YYYY-MM-DD")


def split_ids(value: object, /) -> list[str]:
    """Split a ``previous_ids`` cell (``;`` / ``,`` / ``、`` separated) into parcel ids.

    Examples
    --------
    >>> split_ids("431281003002GB00017;431281003002GB00018")
    ['431281003002GB00017', '431281003002GB00018']
    >>> split_ids(None)
    []
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    text = str(value)
    for sep in _ID_SEPARATORS[1:]:
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def _text(series: pd.Series) -> pd.Series:
    out = series.astype(object).where(series.notna(), None)
    return out.map(lambda v: None if v is None else str(v).strip() or None)


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    sample = series.dropna()
    if len(sample) and sample.map(lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)).all():
        return "date"
    return "str"


def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, int | bool | str):
        return value
    return str(value)


def _problems(gdf: gpd.GeoDataFrame) -> list[str]:
    problems: list[str] = []
    missing = [f for f in REQUIRED_FIELDS if f != "geometry" and f not in gdf.columns]
    if missing:
        problems.append(f"missing required field(s): {', '.join(missing)}")
    if gdf.crs is None:
        problems.append("the register has no CRS; set one with .set_crs(...)")
    geoms = np.asarray(gdf.geometry.values)
    n_missing = int((pd.isna(geoms) | shapely.is_empty(geoms)).sum())
    if n_missing:
        problems.append(f"{n_missing} parcel(s) without geometry")
    if "parcel_id" in gdf.columns:
        ids = _text(gdf["parcel_id"])
        if ids.isna().any():
            problems.append(f"{int(ids.isna().sum())} parcel(s) without parcel_id")
        dup = ids[ids.notna() & ids.duplicated(keep=False)].unique()
        if len(dup):
            problems.append(
                f"duplicate parcel_id: {', '.join(map(str, dup[:5]))}{' …' if len(dup) > 5 else ''}"
            )
    if "status" in gdf.columns:
        status = _text(gdf["status"]).map(lambda v: _STATUS_BY_LABEL.get(v, v) if v else v)
        bad = sorted({str(v) for v in status if v not in STATUSES})
        if bad:
            problems.append(
                f"unknown status value(s): {', '.join(bad[:5])}; use one of {', '.join(STATUSES)}"
            )
    if "categories" in gdf.columns:
        tags = {t for v in gdf["categories"] for t in split_categories(v)}
        bad = sorted(tags - set(CATEGORIES))
        if bad:
            problems.append(f"unknown categories: {', '.join(bad[:5])}; use one of {', '.join(CATEGORIES)}")
    return problems


def prepare_snapshot(gdf: gpd.GeoDataFrame, /, *, crs: pyproj.CRS | None) -> PreparedSnapshot:
    """Validate a register and return the rows to store.

    Parameters
    ----------
    gdf : GeoDataFrame
        The register in canonical fields (``parcel_id``, ``status``, ``categories``, geometry …).
    crs : pyproj.CRS or None
        The ledger CRS; the register is reprojected to it when it differs. ``None`` (an empty
        ledger) keeps the register's CRS.

    Raises
    ------
    ValidationError
        If the register is refused; the message lists every problem.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise ValidationError("the register must be a GeoDataFrame (read it with landkit.io.read_parcels)")
    problems = _problems(gdf)
    if problems:
        raise ValidationError("register refused: " + "; ".join(problems), report=problems)
    if gdf.crs is None:  # pragma: no cover - caught above
        raise CRSError("the register has no CRS")
    target = pyproj.CRS.from_user_input(crs) if crs is not None else pyproj.CRS.from_user_input(gdf.crs)
    data = gdf if gdf.crs.equals(target) else gdf.to_crs(target)
    geoms = np.asarray(data.geometry.values)

    rows = pd.DataFrame(index=range(len(data)))
    for name in CORE_TEXT:
        rows[name] = _text(data[name]).to_numpy() if name in data.columns else None
    rows["status"] = rows["status"].map(lambda v: _STATUS_BY_LABEL.get(v, v))
    rows["categories"] = data["categories"].map(lambda v: join_categories(split_categories(v))).to_numpy()
    rows["previous_ids"] = rows["previous_ids"].map(lambda v: ";".join(split_ids(v)) or None)
    rows["area_m2"] = geodesic_area(data.geometry).to_numpy()
    reps = shapely.point_on_surface(geoms)
    rows["rep_x"] = shapely.get_x(reps)
    rows["rep_y"] = shapely.get_y(reps)

    geom_col = data.geometry.name
    extras = [c for c in data.columns if c not in CORE_TEXT and c != geom_col and c not in _DERIVED]
    kinds = {c: _kind(data[c]) for c in extras}
    if extras:
        values = data[extras].astype(object).to_numpy()
        rows["attrs"] = [json.dumps([_jsonable(v) for v in row], ensure_ascii=False) for row in values]
    else:
        rows["attrs"] = None
    wkb = list(shapely.to_wkb(geoms, byte_order=1, flavor="iso"))
    return PreparedSnapshot(rows=rows[list(CORE_COLUMNS)], wkb=wkb, crs=target, extra_kinds=kinds)


def _restore(values: list[Any], kind: str) -> pd.Series:
    s = pd.Series(values, dtype=object)
    if kind == "float":
        return pd.to_numeric(s, errors="coerce").astype(float)
    if kind == "int":
        return s.astype("Int64") if s.isna().any() else s.astype("int64")
    if kind == "bool":
        return s.astype("boolean") if s.isna().any() else s.astype(bool)
    if kind == "datetime":
        return pd.to_datetime(s)
    if kind == "date":
        return s.map(lambda v: None if v is None else dt.date.fromisoformat(v))
    return s


def rows_to_frame(
    rows: pd.DataFrame, geoms: np.ndarray, /, *, crs: pyproj.CRS, extra_kinds: dict[str, str]
) -> gpd.GeoDataFrame:
    """Rebuild a register GeoDataFrame from stored rows (inverse of :func:`prepare_snapshot`)."""
    out = pd.DataFrame({c: rows[c].to_numpy() for c in CORE_TEXT})
    if extra_kinds:
        parsed = [json.loads(v) if v else [None] * len(extra_kinds) for v in rows["attrs"]]
        for i, (name, kind) in enumerate(extra_kinds.items()):
            out[name] = _restore([p[i] for p in parsed], kind).to_numpy()
    out["area_m2"] = rows["area_m2"].to_numpy(dtype=float)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=crs).to_numpy(), crs=crs)

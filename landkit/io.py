"""Read the files bureaus really have into one canonical parcel table, and write it back.

:func:`read_layer` reads any supported file as it is (encoding detected, bare GeoJSON
Feature arrays accepted, Excel/CSV ledgers turned into geometries, CRS inferred when
missing). :func:`read_parcels` goes on to map headers to the canonical vocabulary
(:mod:`landkit.schema`), parse dates, numbers and units, tag categories and compute
geodesic areas. Nothing is dropped: every problem met while reading is kept in
``gdf.attrs["landkit"]["problems"]`` and reported by :func:`landkit.validate`.

Supported: Shapefile (.shp), GeoPackage (.gpkg), File Geodatabase (.gdb folder), GeoJSON
(.geojson/.json, including a bare array of Features), Excel (.xlsx/.xls) and CSV ledgers.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import _tabular
from ._atomic import atomic_path
from ._shapefile import restore_field_names, write_shapefile
from ._sheets import write_csv, write_workbook
from .area import geodesic_area
from .crs import HONGJIANG_EXTENT, check_datum, infer_crs
from .encoding import detect_dbf_encoding
from .errors import CRSMismatchError, DataFormatError, OutputExistsError
from .headers import map_headers
from .schema import (
    CONSTRUCTION_STATUSES,
    FIELDS,
    STATUSES,
    join_categories,
    split_categories,
    to_chinese_labels,
)
from .units import HA_M2, MU_M2, UNIT_ALIASES
from .values import parse_dates, parse_numbers

__all__ = ["canonicalise", "combine_parcels", "read_layer", "read_parcels", "write_parcels"]

log = logging.getLogger(__name__)

_VECTOR = {
    ".shp": "ESRI Shapefile",
    ".dbf": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gdb": "OpenFileGDB",
    ".fgb": "FlatGeobuf",
}
_TABULAR = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}
_AREA_FIELDS = (
    "declared_area_m2",
    "approved_area_m2",
    "built_area_m2",
    "floor_area_m2",
    "tall_storey_floor_area_m2",
    "farmland_m2",
    "cropland_m2",
    "unused_land_m2",
)
_MONEY_FIELDS = tuple(n for n, f in FIELDS.items() if f.unit == "万元")
_STATUS_BY_LABEL = {v: k for k, v in STATUSES.items()} | {
    "已盘活利用": "revitalized",
    "在售": "for_sale",
    "招商": "for_sale",
    "处置完成": "disposed",
}
_CONSTRUCTION_BY_LABEL = {v: k for k, v in CONSTRUCTION_STATUSES.items()} | {
    "未开工": "not_started",
    "停工": "stalled",
    "停建": "stalled",
    "已开工未竣工": "under_construction",
    "已建成": "completed",
    "竣工": "completed",
}


def _problem(
    problems: list[dict[str, Any]],
    row: Any,
    field: str,
    problem: str,
    severity: str,
    detail: str,
    suggestion: str = "",
) -> None:
    problems.append(
        {
            "row": row,
            "field": field,
            "problem": problem,
            "severity": severity,
            "detail": detail,
            "suggestion": suggestion,
        }
    )


def _meta(gdf: pd.DataFrame) -> dict[str, Any]:
    meta = gdf.attrs.setdefault("landkit", {})
    meta.setdefault("problems", [])
    return meta


def read_layer(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    encoding: str | None = None,
    crs: Any = None,
    region: Sequence[float] = HONGJIANG_EXTENT,
    geometry_from: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer of a vector file or ledger as stored (no header mapping).

    Parameters
    ----------
    path : str or Path
        .shp, .gpkg, .gdb, .geojson/.json, .xlsx/.xls or .csv.
    layer : str or int, optional
        Layer (GeoPackage, FileGDB) or sheet (Excel). Required when there are several layers.
    encoding : str, optional
        Text encoding; detected when omitted (.cpg → DBF code-page byte → UTF-8 → GB18030).
    crs : CRS, optional
        CRS of data that carries none (a shapefile without .prj, a ledger's X/Y). A file that
        states a different CRS is refused rather than silently overridden.
    region : (min lon, min lat, max lon, max lat)
        Where the data should lie; used to infer a missing CRS (default 洪江市).
    geometry_from : path or GeoDataFrame, optional
        For a ledger without coordinates: a layer whose geometries are joined on 宗地代码.

    Returns
    -------
    GeoDataFrame
        With ``attrs["landkit"]`` holding the source, encoding and any problems met.

    Raises
    ------
    DataFormatError
        Missing file, unsupported format, several layers and none chosen, no geometry.
    CRSInferenceError
        No CRS in the file, none given and none inferable.

    Examples
    --------
    >>> gdf = read_layer("sample_data/hongjiang_base.gpkg", layer="townships")
    >>> len(gdf), gdf.crs.to_epsg()
    (20, 4490)
    """
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"no such file: {p}")
    suffix = p.suffix.lower()
    problems: list[dict[str, Any]] = []
    meta: dict[str, Any] = {"source": str(p), "problems": problems}
    if suffix in _TABULAR:
        gdf = _tabular.read_table(p, layer=layer, encoding=encoding, geometry_from=geometry_from, meta=meta)
    elif suffix in _VECTOR or p.is_dir():
        gdf = _read_vector(p, layer=layer, encoding=encoding, meta=meta)
    else:
        raise DataFormatError(
            f"{p.name}: unsupported format {suffix or '(none)'}; use .shp, .gpkg, .gdb, .geojson, .xlsx "
            "or .csv (MapGIS and CAD files must be converted first)"
        )
    gdf = _resolve_crs(gdf, crs=crs, region=region, meta=meta, name=p.name)
    gdf.attrs["landkit"] = meta
    return gdf


def _read_vector(
    p: Path, *, layer: str | int | None, encoding: str | None, meta: dict[str, Any]
) -> gpd.GeoDataFrame:
    import pyogrio

    suffix = p.suffix.lower()
    if suffix in (".json", ".geojson"):
        head = p.read_bytes()[:4096].lstrip()
        if head.startswith(b"["):
            return _read_feature_array(p, meta)
    kwargs: dict[str, Any] = {}
    if suffix in (".shp", ".dbf"):
        if encoding is None:
            encoding, how = detect_dbf_encoding(p)
            meta["encoding"] = encoding
            meta["encoding_detected_by"] = how
            _problem(
                meta["problems"],
                None,
                "",
                "encoding_detected",
                "info",
                f"DBF text decoded as {encoding} (decided by {how})",
                "pass encoding='...' if the text looks wrong",
            )
        else:
            meta["encoding"] = encoding
        kwargs["encoding"] = _gdal_encoding(encoding)
    elif encoding is not None:
        kwargs["encoding"] = _gdal_encoding(encoding)
    try:
        layers = pyogrio.list_layers(p)
    except _GDAL_ERRORS as exc:
        raise DataFormatError(f"{p.name}: cannot open ({_gdal_message(exc)})") from None
    if layer is None and len(layers) > 1:
        names = ", ".join(str(n) for n in layers[:, 0])
        raise DataFormatError(f"{p.name} has {len(layers)} layers ({names}); pass layer='...'")
    if layer is not None:
        kwargs["layer"] = layer
        meta["layer"] = layer
    try:
        gdf = pyogrio.read_dataframe(p, use_arrow=True, **kwargs)
    except _GDAL_ERRORS as exc:
        raise DataFormatError(f"{p.name}: cannot read ({_gdal_message(exc)})") from None
    return restore_field_names(p, gdf) if suffix == ".shp" else gdf


def _gdal_errors() -> tuple[type[BaseException], ...]:
    import pyogrio.errors as pe

    return (
        pe.DataSourceError,
        pe.DataLayerError,
        pe.FieldError,
        pe.GeometryError,
        pe.CRSError,
        pe.FeatureError,
        RuntimeError,
        OSError,
    )


_GDAL_ERRORS = _gdal_errors()


def _gdal_encoding(name: str) -> str:
    """The iconv spelling GDAL understands for a Python codec name."""
    import codecs

    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise DataFormatError(f"unknown encoding {name!r}; use e.g. 'gbk', 'gb18030' or 'utf-8'") from None
    return {
        "iso8859-1": "ISO-8859-1",
        "utf-8": "UTF-8",
        "gbk": "GBK",
        "gb18030": "GB18030",
        "gb2312": "GB2312",
        "big5": "BIG5",
        "cp950": "CP950",
        "cp1252": "CP1252",
        "cp437": "CP437",
    }.get(canonical, canonical.upper())


def _gdal_message(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _read_feature_array(p: Path, meta: dict[str, Any]) -> gpd.GeoDataFrame:
    try:
        features = json.loads(p.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{p.name}: not valid JSON ({exc})") from None
    if not all(isinstance(f, dict) and f.get("type") == "Feature" for f in features):
        raise DataFormatError(f"{p.name}: a JSON array, but not of GeoJSON Features")
    _problem(
        meta["problems"],
        None,
        "",
        "bare_feature_array",
        "info",
        f"{len(features)} features in a bare JSON array (not a FeatureCollection); read as GeoJSON",
    )
    gdf = gpd.GeoDataFrame.from_features(features, crs=4326)
    return gdf


def _resolve_crs(
    gdf: gpd.GeoDataFrame, *, crs: Any, region: Sequence[float], meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    if gdf.crs is not None:
        if crs is not None and not pyproj.CRS.from_user_input(crs).equals(gdf.crs):
            raise CRSMismatchError(
                f"{name} states {gdf.crs.name} but crs={crs!r} was given; "
                "read without crs= and call .to_crs(...)"
            )
        check_datum(gdf.crs)
        return gdf
    if crs is not None:
        check_datum(crs)
        return gdf.set_crs(crs)
    geoms = gdf.geometry
    bounds = geoms[~(geoms.isna() | geoms.is_empty)].total_bounds if len(gdf) else [np.nan] * 4
    inferred = infer_crs(bounds, region=region)
    meta["crs_inferred"] = inferred.to_epsg()
    _problem(
        meta["problems"],
        None,
        "geometry",
        "crs_inferred",
        "info",
        f"no CRS in the file; inferred EPSG:{inferred.to_epsg()} ({inferred.name}) from coordinates",
        "pass crs='EPSG:xxxx' to override",
    )
    return gdf.set_crs(inferred)


def read_parcels(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    category: str | Sequence[str] | None = None,
    encoding: str | None = None,
    crs: Any = None,
    field_map: Mapping[str, str] | None = None,
    area_unit: str | None = None,
    landuse_system: str | None = None,
    geometry_from: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    region: Sequence[float] = HONGJIANG_EXTENT,
    strict: bool = False,
) -> gpd.GeoDataFrame:
    """Read a parcel layer into the canonical parcel table.

    Parameters
    ----------
    path : str or Path
        Any file :func:`read_layer` reads.
    layer : str or int, optional
        Layer or sheet name.
    category : str or sequence of str, optional
        Category tag(s) every parcel of this layer carries (``idle``, ``low_efficiency``,
        ``stalled``, ``mortgaged``, ``reserve`` or their Chinese names), added to any
        tags in a 类别 column.
    encoding : str, optional
        Text encoding (detected when omitted).
    crs : CRS, optional
        CRS for data without one (inferred with a warning when omitted).
    field_map : mapping, optional
        Extra header matches, source header → canonical field.
    area_unit : str, optional
        Unit of area columns whose header states none (``m2``/``亩``/``公顷``). When omitted
        the unit of the declared area is inferred from the geometry and reported.
    landuse_system : str, optional
        Classification system of ``landuse_code`` where the data does not state it
        (``guide2023``, ``gbt21010_2017``, ``sandiao``, ``gb50137``).
    geometry_from : path or GeoDataFrame, optional
        Geometry layer to join on 宗地代码 for a ledger without coordinates.
    region : (min lon, min lat, max lon, max lat)
        Expected extent (CRS inference and the outside-extent check).
    strict : bool
        Raise :class:`ValidationError` when validation finds errors.

    Returns
    -------
    GeoDataFrame
        Canonical columns (see :data:`landkit.schema.FIELDS`) plus unmapped columns kept
        under their own names, ``area_m2``/``area_mu``/``area_ha`` computed geodesically.
        The input CRS is kept. Problems are in ``attrs["landkit"]["problems"]``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     idle = read_parcels("sample_data/delivered/idle_xianzhi.shp", category="idle")
    >>> idle.crs.to_epsg(), idle["township"].iloc[0]
    (4525, '黔城镇')
    >>> bool(idle["categories"].str.contains("idle").all())
    True
    """
    raw = read_layer(
        path, layer=layer, encoding=encoding, crs=crs, region=region, geometry_from=geometry_from
    )
    meta = _meta(raw)
    gdf = canonicalise(
        raw, category=category, field_map=field_map, area_unit=area_unit, landuse_system=landuse_system
    )
    gdf.attrs["landkit"] = meta | {"region": tuple(region)}
    if strict:
        from .validate import raise_on_errors, validate

        raise_on_errors(validate(gdf, region=region), what=Path(path).name)
    return gdf


def canonicalise(
    raw: gpd.GeoDataFrame,
    /,
    *,
    category: str | Sequence[str] | None = None,
    field_map: Mapping[str, str] | None = None,
    area_unit: str | None = None,
    landuse_system: str | None = None,
) -> gpd.GeoDataFrame:
    """Map headers and parse values of a raw layer into the canonical vocabulary.

    Used by :func:`read_parcels`; public for data already in memory.
    """
    meta = _meta(raw)
    problems: list[dict[str, Any]] = meta["problems"]
    hm = map_headers([c for c in raw.columns if c != raw.geometry.name], field_map=field_map)
    meta["header_map"] = dict(hm.mapping)
    for src, dst in hm.duplicates.items():
        _problem(
            problems,
            None,
            src,
            "duplicate_header",
            "warning",
            f"column {src!r} also matches {dst!r}, which another column already fills; kept as {src!r}",
            "pass field_map= to choose",
        )
    geom = raw.geometry
    gdf = gpd.GeoDataFrame(
        raw.drop(columns=[raw.geometry.name]).rename(columns=hm.mapping), geometry=geom.values, crs=raw.crs
    )
    gdf.index = raw.index
    geo_area = geodesic_area(gdf)
    for name in [c for c in gdf.columns if c in FIELDS and c != "geometry"]:
        kind = FIELDS[name].kind
        src = next((s for s, d in hm.mapping.items() if d == name), name)
        col = gdf[name]
        if kind == "date":
            parsed = parse_dates(col)
            _report_unparsed(problems, col, parsed, name=name, src=src, what="date")
            gdf[name] = parsed
        elif kind == "float":
            parsed = parse_numbers(col)
            _report_unparsed(problems, col, parsed, name=name, src=src, what="number")
            unit = hm.units.get(src) or ("m2" if src == name else None)
            if name in _AREA_FIELDS:
                parsed = _area_to_m2(
                    parsed, name=name, src=src, unit=unit or area_unit, geo_area=geo_area, problems=problems
                )
            elif name in _MONEY_FIELDS and unit in ("元", "yuan"):
                parsed = parsed / 1e4
            gdf[name] = parsed
        elif kind == "tags":
            gdf[name] = _map_unique(col, lambda v: join_categories(split_categories(v)) or None)
        else:
            text = (col if col.dtype == "str" else col.astype("str")).str.strip()
            gdf[name] = text.where(text != "")
    if "status" in gdf:
        gdf["status"] = _map_unique(
            gdf["status"], lambda v: _STATUS_BY_LABEL.get(v, v) if isinstance(v, str) else v
        )
    if "construction_status" in gdf:
        gdf["construction_status"] = _map_unique(
            gdf["construction_status"],
            lambda v: _CONSTRUCTION_BY_LABEL.get(v, v) if isinstance(v, str) else v,
        )
    if "landuse_code" in gdf:
        gdf["landuse_code"] = _map_unique(
            gdf["landuse_code"],
            lambda v: v[:-2] if isinstance(v, str) and v.endswith(".0") and v[:-2].isdigit() else v,
        )
        if landuse_system is not None:
            from .landuse import normalise_system

            system = normalise_system(landuse_system)
            if "landuse_system" not in gdf:
                gdf["landuse_system"] = system
            else:
                gdf["landuse_system"] = gdf["landuse_system"].fillna(system)
        if "landuse_system" in gdf:
            from .landuse import normalise_system

            gdf["landuse_system"] = _map_unique(
                gdf["landuse_system"],
                lambda v: _safe_system(v, normalise_system) if isinstance(v, str) else v,
            )
    tags = split_categories(",".join([category] if isinstance(category, str) else list(category or [])))
    if tags:
        existing = (
            gdf["categories"] if "categories" in gdf else pd.Series(None, index=gdf.index, dtype=object)
        )
        gdf["categories"] = _map_unique(
            existing, lambda v: join_categories(set(split_categories(v)) | set(tags))
        )
    gdf["area_m2"] = geo_area
    gdf["area_mu"] = geo_area / MU_M2
    gdf["area_ha"] = geo_area / HA_M2
    ordered = [c for c in FIELDS if c in gdf.columns and c != "geometry"]
    extra = [c for c in gdf.columns if c not in FIELDS]
    out = gpd.GeoDataFrame(gdf[ordered + extra], geometry=gdf.geometry, crs=gdf.crs)
    out.attrs["landkit"] = meta
    return out


def _report_unparsed(
    problems: list[dict[str, Any]], raw: pd.Series, parsed: pd.Series, *, name: str, src: str, what: str
) -> None:
    """One ``unparseable_<what>`` warning per non-empty value that did not parse (the row is kept)."""
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return  # already typed: nothing can have failed
    failed = raw[raw.notna() & parsed.isna()]
    failed = failed[failed.astype(str).str.strip() != ""]
    hint = "write dates as 2023-05-01 or 2023年5月1日" if what == "date" else ""
    for idx in failed.index:
        _problem(
            problems, idx, name, f"unparseable_{what}", "warning", f"{src}={raw[idx]!r} is not a {what}", hint
        )


def _map_unique(col: pd.Series, fn: Any) -> pd.Series:
    """Apply ``fn`` once per distinct value (registers repeat the same few values many times)."""
    obj = col.astype(object)
    isna = obj.isna().to_numpy()
    table = {v: fn(v) for v in pd.unique(obj[~isna])}
    out = obj.map(table).astype(object)
    out[isna] = fn(None)
    return out


def _safe_system(value: str, fn: Any) -> str:
    try:
        return str(fn(value))
    except ValueError:
        return value


def _area_to_m2(
    values: pd.Series,
    *,
    name: str,
    src: str,
    unit: str | None,
    geo_area: pd.Series,
    problems: list[dict[str, Any]],
) -> pd.Series:
    if unit is not None:
        key = UNIT_ALIASES.get(str(unit).strip().lower())
        if key is None:
            _problem(
                problems,
                None,
                name,
                "unknown_unit",
                "warning",
                f"{src}: unit {unit!r} not understood; taken as m²",
            )
            return values
        return values * {"m2": 1.0, "mu": MU_M2, "ha": HA_M2}[key]
    if name in ("declared_area_m2", "approved_area_m2"):
        ok = values.notna() & (geo_area > 0) & (values > 0)
        if ok.sum() >= 1:
            ratio = float(np.median(values[ok] / geo_area[ok]))
            for key, factor, label in (("m2", 1.0, "平方米"), ("mu", MU_M2, "亩"), ("ha", HA_M2, "公顷")):
                if 0.7 < ratio * factor < 1.4:
                    if key != "m2":
                        _problem(
                            problems,
                            None,
                            name,
                            "area_unit_inferred",
                            "info",
                            f"{src}: no unit stated; values match the geometry in {label}",
                            "state the unit in the header, e.g. 面积(亩), or pass area_unit=",
                        )
                    return values * factor
    _problem(
        problems,
        None,
        name,
        "area_unit_assumed",
        "info",
        f"{src}: no unit stated; taken as m²",
        "state the unit in the header or pass area_unit=",
    )
    return values


def combine_parcels(*frames: gpd.GeoDataFrame, to_crs: Any = None) -> gpd.GeoDataFrame:
    """Combine parcel layers of different categories into one table, keeping every tag.

    Parcels with the same ``parcel_id`` in several layers become one row whose categories
    are the union (a parcel can be idle **and** mortgaged); other fields take the first
    non-empty value in argument order. Rows without a parcel id are kept as they are.

    Parameters
    ----------
    *frames : GeoDataFrame
        Canonical parcel tables (from :func:`read_parcels`).
    to_crs : CRS, optional
        CRS of the result (default: the first frame's); others are reprojected to it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"parcel_id": ["431281101001GB00001"], "categories": ["idle"]},
    ...                      geometry=[box(0, 0, 1, 1)], crs=4546)
    >>> b = a.assign(categories="mortgaged")
    >>> combine_parcels(a, b)["categories"].tolist()
    ['idle,mortgaged']
    """
    if not frames:
        raise ValueError("combine_parcels needs at least one frame")
    target = pyproj.CRS.from_user_input(to_crs) if to_crs is not None else frames[0].crs
    parts = []
    problems: list[dict[str, Any]] = []
    for f in frames:
        g = f.to_crs(target) if (f.crs is not None and target is not None and not f.crs.equals(target)) else f
        parts.append(pd.DataFrame(g).rename(columns={g.geometry.name: "geometry"}))
        problems.extend(f.attrs.get("landkit", {}).get("problems", []))
    allp = pd.concat(parts, ignore_index=True)
    for col in ("parcel_id", "categories"):
        if col not in allp:
            allp[col] = None
    keyed = allp[allp["parcel_id"].notna()]
    loose = allp[allp["parcel_id"].isna()]
    first = keyed.groupby("parcel_id", sort=False).first()  # first non-empty value of every column
    repeated = keyed[keyed["parcel_id"].duplicated(keep=False)]  # only these need their tags merged
    if len(repeated):
        tags = repeated.groupby("parcel_id", sort=False)["categories"].agg(
            lambda s: join_categories(set().union(*[split_categories(v) for v in s]))
        )
        first.loc[tags.index, "categories"] = tags
    out = pd.concat([first.reset_index(), loose], ignore_index=True)
    combined = gpd.GeoDataFrame(out, geometry="geometry", crs=target)
    combined.attrs["landkit"] = {"problems": problems, "source": "combined"}
    return combined


def write_parcels(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | None = None,
    encoding: str = "UTF-8",
    labels: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write a parcel table to .gpkg, .shp, .geojson, .xlsx or .csv, atomically.

    Parameters
    ----------
    gdf : GeoDataFrame
        Canonical parcel table.
    path : str or Path
        Output; the format follows the suffix.
    layer : str, optional
        Layer name (GeoPackage) or sheet name (Excel).
    encoding : str
        Shapefile/CSV text encoding (UTF-8 by default, ``"GBK"`` on request); a .cpg is
        written beside shapefiles.
    labels : bool
        Write Chinese labels as headers (Excel/CSV/GeoPackage). Shapefiles always use ≤10-byte
        pinyin-initial names (ZDDM, TDSYQR …), which :func:`read_parcels` maps back.
    overwrite : bool
        Replace an existing output.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"parcel_id": ["431281101001GB00001"], "holder": ["洪江市某公司"]},
    ...                      geometry=[box(400000, 3000000, 400100, 3000100)], crs=4546)
    >>> out = write_parcels(g, tempfile.mkdtemp() + "/p.shp")
    >>> sorted(p.suffix for p in out.parent.iterdir())
    ['.cpg', '.dbf', '.prj', '.shp', '.shx']
    """
    out = Path(path)
    if out.exists() and not overwrite:
        raise OutputExistsError(f"{out} exists; pass overwrite=True to replace it")
    suffix = out.suffix.lower()
    frame = gdf.copy()
    frame.attrs = {}
    for c in frame.columns:
        if c != frame.geometry.name and frame[c].dtype == object:
            frame[c] = frame[c].map(lambda v: v if v is None or isinstance(v, str | float | int) else str(v))
    if suffix == ".shp":
        return write_shapefile(frame, out, encoding=encoding, overwrite=overwrite)
    if labels:
        frame = gpd.GeoDataFrame(to_chinese_labels(frame), geometry="geometry", crs=frame.crs)
    if suffix in (".xlsx", ".csv"):
        table = pd.DataFrame(frame.drop(columns="geometry"))
        # full precision: the shortest text that reads back to the same doubles
        table["WKT"] = shapely.to_wkt(np.asarray(frame.geometry.values), rounding_precision=-1)
        if frame.crs is not None:
            table["CRS"] = f"EPSG:{frame.crs.to_epsg()}" if frame.crs.to_epsg() else frame.crs.to_wkt()
        if suffix == ".xlsx":
            return write_workbook(out, {layer or "parcels": table}, overwrite=True)
        return write_csv(
            out, table, overwrite=True, encoding="utf-8-sig" if encoding.upper() == "UTF-8" else encoding
        )
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}.get(suffix)
    if driver is None:
        raise DataFormatError(f"cannot write {suffix!r}; use .gpkg, .shp, .geojson, .xlsx or .csv")
    with atomic_path(out) as tmp:
        frame.to_file(tmp, driver=driver, layer=layer or (out.stem if driver == "GPKG" else None))
    return out

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
import shapely

from . import _tabular
from ._atomic import atomic_path
from ._canonical import canonicalise
from ._combine import combine_parcels
from ._problems import add_problem
from ._readcrs import resolve_crs
from ._shapefile import check_shapefile
from ._shapefile_write import restore_field_names, write_shapefile
from ._sheets import write_csv, write_workbook
from .encoding import MIXED, decode_mixed, detect_dbf_encoding
from .errors import DataFormatError, OutputExistsError
from .schema import to_chinese_labels

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


def read_layer(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    encoding: str | None = None,
    crs: Any = None,
    region: Sequence[float] | None = None,
    geometry_from: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    header_row: int | None = None,
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
        states a different CRS is refused rather than silently overridden. ``"GCJ-02"`` or
        ``"BD-09"`` (lon/lat from web maps: DataV, 高德, 百度) converts the coordinates to
        CGCS2000 (EPSG:4490) and reports it.
    region : (min lon, min lat, max lon, max lat), optional
        Where the data should lie; used to infer a missing CRS (default: the current county
        profile's extent, see :mod:`landkit.profile`).
    geometry_from : path or GeoDataFrame, optional
        For a ledger without coordinates: a layer whose geometries are joined on 宗地代码.
    header_row : int, optional
        Excel/CSV: the row (numbered from 1, as Excel shows it) that holds the headers. By
        default the first row with at least two known headers; title rows above it are skipped.

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
        geo = read_layer(geometry_from) if isinstance(geometry_from, str | os.PathLike) else geometry_from
        gdf = _tabular.read_table(
            p, layer=layer, encoding=encoding, geometry_from=geo, meta=meta, header_row=header_row
        )
    elif header_row is not None:
        raise DataFormatError(f"{p.name}: header_row= applies to Excel/CSV ledgers only")
    elif suffix in _VECTOR or p.is_dir():
        gdf = _read_vector(p, layer=layer, encoding=encoding, meta=meta)
    else:
        raise DataFormatError(
            f"{p.name}: unsupported format {suffix or '(none)'}; use .shp, .gpkg, .gdb, .geojson, .xlsx "
            "or .csv (MapGIS and CAD files must be converted first)"
        )
    gdf = resolve_crs(gdf, crs=crs, region=region, meta=meta, name=p.name)
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
        encoding = _dbf_encoding(p, encoding, meta=meta)
        kwargs["encoding"] = "ISO-8859-1" if encoding == MIXED else _gdal_encoding(encoding)
    elif encoding is not None:
        kwargs["encoding"] = _gdal_encoding(encoding)
    expected = check_shapefile(p) if suffix in (".shp", ".dbf") else None
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
    if expected is not None and len(gdf) != expected:
        raise DataFormatError(
            f"{p.name}: read {len(gdf)} rows but the .dbf header says {expected}; the file is damaged or "
            "truncated — copy or export it again"
        )
    if encoding == MIXED:
        gdf = _decode_per_value(gdf, meta=meta)
    return restore_field_names(p, gdf) if suffix == ".shp" else gdf


#: how the DBF encoding was decided (:func:`landkit.encoding.detect_dbf_encoding`) → Chinese
_HOW = {
    "cpg": ".cpg 文件",
    "cpg contradicted": "文件内容（.cpg 与之矛盾）",
    "ldid": "DBF 文件头的语言标识",
    "ascii": "全部为 ASCII 字符",
    "utf-8": "内容是合法的 UTF-8",
    "gb18030": "内容不是 UTF-8，按 GB18030",
    "values": "逐个值判断",
}
_CODEC_NAMES = {"utf-8": "UTF-8", "gb18030": "GBK"}


def _dbf_encoding(p: Path, encoding: str | None, *, meta: dict[str, Any]) -> str:
    """The encoding to read a DBF with (given, or detected and reported)."""
    if encoding is not None:
        meta["encoding"] = encoding
        return encoding
    encoding, how = detect_dbf_encoding(p)
    meta["encoding"], meta["encoding_detected_by"] = encoding, how
    contradicted = how == "cpg contradicted"
    add_problem(
        meta["problems"], None, "", "encoding_detected", "warning" if contradicted else "info",
        f"DBF 属性文字按 {encoding} 编码读取（判断依据：{_HOW.get(how, how)}）"
        + ("；.cpg 文件写的是另一种编码，但文件内容排除了它" if contradicted else ""),
        "请修正 .cpg 文件" if contradicted else "如文字显示不对，读取时传入 encoding='gbk' 或 'utf-8'",
    )  # fmt: skip
    return encoding


def _decode_per_value(gdf: gpd.GeoDataFrame, *, meta: dict[str, Any]) -> gpd.GeoDataFrame:
    """Text read as Latin-1 (bytes kept) decoded value by value: UTF-8 where valid, else GB18030."""
    rows: dict[str, list[Any]] = {"utf-8": [], "gb18030": []}
    for c in gdf.columns:
        if c == gdf.geometry.name or not pd.api.types.is_string_dtype(gdf[c].dtype):
            continue
        out = []
        for idx, v in zip(gdf.index, gdf[c].astype(object), strict=True):
            if not isinstance(v, str) or v.isascii():
                out.append(v)
                continue
            text, codec = decode_mixed(v.encode("latin-1"))
            rows[codec].append(idx)
            out.append(text)
        gdf[c] = pd.Series(out, index=gdf.index, dtype=object)
    minority = min(rows, key=lambda k: len(rows[k]))
    named = sorted(set(rows[minority]))
    add_problem(
        meta["problems"], None, "", "mixed_encoding", "warning",
        f"各行编码不一致：{len(set(rows['utf-8']))} 行为 UTF-8，{len(set(rows['gb18030']))} 行为 GBK；"
        f"已逐个值分别解码（{_CODEC_NAMES[minority]} 的行：{'、'.join(map(str, named[:20]))}）",
        "请把整张表另存为同一种编码（UTF-8）",
    )  # fmt: skip
    return gdf


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
    add_problem(
        meta["problems"],
        None,
        "",
        "bare_feature_array",
        "info",
        f"文件是 {len(features)} 个要素组成的 JSON 数组（不是 FeatureCollection）；已按 GeoJSON 读取",
        "无需处理；如需标准格式，请另存为 FeatureCollection",
    )
    gdf = gpd.GeoDataFrame.from_features(features, crs=4326)
    return gdf


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
    region: Sequence[float] | None = None,
    strict: bool = False,
    header_row: int | None = None,
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
    region : (min lon, min lat, max lon, max lat), optional
        Expected extent (CRS inference and the outside-extent check); default: the current
        county profile (:func:`landkit.profile.current`), its boundary for the extent check.
    strict : bool
        Raise :class:`ValidationError` when validation finds errors.
    header_row : int, optional
        Excel/CSV header row, numbered from 1 (see :func:`read_layer`).

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
        path,
        layer=layer,
        encoding=encoding,
        crs=crs,
        region=region,
        geometry_from=geometry_from,
        header_row=header_row,
    )
    meta = raw.attrs["landkit"]
    gdf = canonicalise(
        raw, category=category, field_map=field_map, area_unit=area_unit, landuse_system=landuse_system
    )
    gdf.attrs["landkit"] = meta | ({"region": tuple(region)} if region is not None else {})
    if strict:
        from .validate import raise_on_errors, validate

        raise_on_errors(validate(gdf, region=region), what=Path(path).name)
    return gdf


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

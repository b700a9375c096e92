"""Write a shapefile that reads back as written, and replace an old one as a whole file set.

A shapefile cannot hold everything a GeoDataFrame can; :func:`write_shapefile` never lets the
format alter data silently:

- **Text over 254 bytes** (in the chosen encoding) cannot be stored in a DBF field: the write
  is refused, naming the column, so the user writes a .gpkg or shortens the text. Text the
  encoding cannot represent (e.g. rare characters in GBK) is refused the same way.
- **Field names** are ≤10 bytes: canonical fields get their pinyin-initial names
  (ZDDM, TDSYQR …), which :func:`landkit.io.read_parcels` maps back. Any other name that does
  not fit is shortened, a :class:`~landkit.errors.LandkitWarning` names every change, and a
  sidecar ``<name>.landkit-fields.json`` records short → full name; :func:`restore_field_names`
  (used by :func:`landkit.io.read_layer`) puts the full names back.
- **GDAL warnings** raised while writing are passed on as :class:`~landkit.errors.LandkitWarning`.
- **Overwrite** replaces the file set as a set: every sibling of the old shapefile
  (``.shp .shx .dbf .prj .cpg .qix .sbn .sbx .shp.xml`` … and the sidecar) that the new write
  does not produce is removed, so an old ``.prj`` or spatial index never sits beside new data.
  Each file is replaced atomically (:mod:`landkit._atomic`); the old extras go first.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ._atomic import replace_file, staging_dir
from .errors import DataFormatError, LandkitWarning, OutputExistsError
from .headers import short_name
from .schema import FIELDS

__all__ = ["FIELD_SIDECAR", "SHAPEFILE_PARTS", "restore_field_names", "shapefile_set", "write_shapefile"]

#: Suffix of the sidecar holding full field names (``<stem>.landkit-fields.json``).
FIELD_SIDECAR = ".landkit-fields.json"
#: Suffixes of the files that make up one shapefile (lower case).
SHAPEFILE_PARTS = (
    ".shp",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
    ".qix",
    ".sbn",
    ".sbx",
    ".fbn",
    ".fbx",
    ".ain",
    ".aih",
    ".atx",
    ".ixs",
    ".mxs",
    ".qpj",
    ".qmd",
    ".shp.xml",
    FIELD_SIDECAR,
)
_DBF_TEXT_BYTES = 254


def shapefile_set(shp: str | os.PathLike[str], /) -> list[Path]:
    """The existing files of the shapefile ``shp`` (its stem with any known part suffix, any case)."""
    p = Path(shp)
    if not p.parent.is_dir():
        return []
    out = []
    for f in p.parent.iterdir():
        rest = f.name[len(p.stem) :].lower()
        if f.name.startswith(p.stem) and rest in SHAPEFILE_PARTS and f.is_file():
            out.append(f)
    return sorted(out)


def _field_names(frame: gpd.GeoDataFrame, encoding: str) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for c in frame.columns:
        if c == frame.geometry.name:
            continue
        short = short_name(c) if c in FIELDS else str(c)
        base, k = short, 1
        while len(short.encode(encoding, errors="replace")) > 10 or short.upper() in used:
            k += 1
            short = f"{base.encode(encoding, errors='replace')[:8].decode(encoding, errors='ignore')}_{k}"
        used.add(short.upper())
        names[c] = short
    return names


def _check_text(frame: gpd.GeoDataFrame, encoding: str, name: str) -> None:
    for c in frame.columns:
        if c == frame.geometry.name or not pd.api.types.is_string_dtype(frame[c].dtype):
            continue
        for i, v in frame[c].items():
            if not isinstance(v, str):
                continue
            try:
                size = len(v.encode(encoding))
            except UnicodeEncodeError:
                raise DataFormatError(
                    f"{name}: column {c!r} row {i} holds text {encoding} cannot store ({v[:20]!r}…); "
                    "write encoding='UTF-8' or a .gpkg"
                ) from None
            if size > _DBF_TEXT_BYTES:
                raise DataFormatError(
                    f"{name}: column {c!r} row {i} holds {size} bytes of text, a shapefile keeps "
                    f"{_DBF_TEXT_BYTES}; write a .gpkg (or shorten the text)"
                )


def write_shapefile(
    frame: gpd.GeoDataFrame,
    out: str | os.PathLike[str],
    /,
    *,
    encoding: str = "UTF-8",
    overwrite: bool = False,
) -> Path:
    """Write ``frame`` as the shapefile ``out`` (see the module docstring for what is refused).

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"土地用途说明": ["工业"]}, geometry=[box(0, 0, 1, 1)], crs=4546)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     out = write_shapefile(g, Path(tempfile.mkdtemp()) / "p.shp")
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    p.shp: field names shortened to fit a shapefile: 土地用途说明 → 土地_2 (full names kept in ...)
    >>> import pyogrio
    >>> list(restore_field_names(out, pyogrio.read_dataframe(out)).columns)
    ['土地用途说明', 'geometry']
    """
    import pyogrio

    out = Path(out)
    if out.exists() and not overwrite:
        raise OutputExistsError(f"{out} exists; pass overwrite=True to replace it")
    _check_text(frame, encoding, out.name)
    names = _field_names(frame, encoding)
    renamed = {c: s for c, s in names.items() if s != c and c not in FIELDS}
    frame = frame.rename(columns=names)
    for c in frame.columns:
        if c != frame.geometry.name and pd.api.types.is_datetime64_any_dtype(frame[c]):
            frame[c] = frame[c].dt.strftime("%Y-%m-%d")
    with staging_dir(out.parent) as folder:
        tmp = folder / out.name
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pyogrio.write_dataframe(frame, tmp, encoding=encoding)
        for w in caught:
            warnings.warn(f"{out.name}: GDAL: {w.message}", LandkitWarning, stacklevel=2)
        tmp.with_suffix(".cpg").write_text(encoding.upper(), encoding="ascii")
        if renamed:
            side = folder / (out.stem + FIELD_SIDECAR)
            side.write_text(
                json.dumps({v: k for k, v in renamed.items()}, ensure_ascii=False), encoding="utf-8"
            )
            warnings.warn(
                f"{out.name}: field names shortened to fit a shapefile: "
                + ", ".join(f"{k} → {v}" for k, v in renamed.items())
                + f" (full names kept in {side.name})",
                LandkitWarning,
                stacklevel=2,
            )
        _swap_in(sorted(folder.iterdir()), out)
    return out


def _swap_in(new: list[Path], out: Path) -> None:
    """Remove the old set's extras, then move the new files in (.shp last)."""
    fresh = {f.name[len(out.stem) :] for f in new}
    for old in shapefile_set(out):
        if old.name[len(out.stem) :] not in fresh:  # also an old ".PRJ" beside a new ".prj"
            old.unlink()
    for f in sorted(new, key=lambda f: f.suffix.lower() == ".shp"):
        replace_file(f, out.parent / (out.stem + f.name[len(out.stem) :]))


def restore_field_names(shp: str | os.PathLike[str], gdf: Any, /) -> Any:
    """Rename shortened columns back to the full names kept in the sidecar (if it matches)."""
    side = Path(shp).with_name(Path(shp).stem + FIELD_SIDECAR)
    if not side.is_file():
        return gdf
    try:
        mapping = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return gdf
    if not isinstance(mapping, dict) or not set(mapping) <= set(gdf.columns):
        return gdf  # the sidecar belongs to another version of the file: leave names as stored
    return gdf.rename(columns=mapping)

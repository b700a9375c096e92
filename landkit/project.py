"""Start a landkit project for a county: a starter profile and the folder layout (``landkit init``).

:func:`init_project` takes the bureau's own 行政区 layer, keeps the features of the county
(matched on a code column when the layer holds several counties or the county's townships),
writes that boundary into ``data/``, and a ``landkit.toml`` with Chinese comments: name, code,
boundary, extent, the CGCS2000 3° Gauss-Krüger zone of the county as preferred CRS, and
placeholders for holiday calendars, criteria, zones and the public page. Folders ``data/``,
``zones/``, ``criteria/`` and ``out/`` are created.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from string import Template
from typing import Any

from .errors import ConfigError, OutputExistsError
from .profile import PROFILE_FILE, read_profile

__all__ = ["FOLDERS", "init_project"]

#: Folders of a project (created by :func:`init_project`).
FOLDERS = ("data", "zones", "criteria", "out")
_BOUNDARY = "data/行政区边界.gpkg"
_CODE_COLUMNS = ("XZQDM", "行政区代码", "行政区划代码", "ADCODE", "PAC", "CODE", "XZQHDM")
_NAME_COLUMNS = ("XZQMC", "行政区名称", "名称", "NAME", "XZQHMC")


def init_project(
    folder: str | os.PathLike[str],
    /,
    *,
    code: str,
    boundary: str | os.PathLike[str],
    name: str | None = None,
    layer: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a starter county profile (``landkit.toml``) and the project folders into ``folder``.

    Parameters
    ----------
    folder : str or Path
        Project folder (created).
    code : str
        The county's six-digit 行政区划代码.
    boundary : str or Path
        The bureau's 行政区 layer (any vector file with a CRS): the county, its townships, or
        several counties with a code column (XZQDM, 行政区代码, ADCODE …) to pick from.
    name : str, optional
        County name; default: the layer's name column (XZQMC, 名称, NAME …) when it names one county.
    layer : str, optional
        Layer of ``boundary`` to read.
    overwrite : bool
        Replace an existing ``landkit.toml`` and boundary file.

    Returns
    -------
    Path
        The profile written.

    Raises
    ------
    ConfigError
        Bad code, a boundary without CRS or polygons, no feature matching ``code``, no name found.
    OutputExistsError
        ``landkit.toml`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import box
    >>> tmp = Path(tempfile.mkdtemp())
    >>> gpd.GeoDataFrame({"XZQDM": ["431202"], "XZQMC": ["鹤城区"]}, geometry=[box(109.8, 27.4, 110.2, 27.7)],
    ...                  crs=4490).to_file(tmp / "xzq.gpkg")
    >>> p = init_project(tmp / "proj", code="431202", boundary=tmp / "xzq.gpkg")
    >>> profile = read_profile(p)
    >>> profile.name, profile.crs, sorted(d.name for d in p.parent.iterdir() if d.is_dir())
    ('鹤城区', 'EPSG:4546', ['criteria', 'data', 'out', 'zones'])
    """
    if not re.fullmatch(r"\d{6}", str(code)):
        raise ConfigError(f"--code must be the six-digit 行政区划代码, not {code!r}")
    root = Path(folder)
    target = root / PROFILE_FILE
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target} exists; pass --overwrite to replace it")
    county, found_name = _county_boundary(Path(boundary), code=str(code), layer=layer)
    name = name or found_name
    if not name:
        raise ConfigError(f"{Path(boundary).name} has no name column for {code}; pass --name")
    for sub in FOLDERS:
        (root / sub).mkdir(parents=True, exist_ok=True)
    _write_boundary(county, root / _BOUNDARY, overwrite=overwrite)
    text = _starter_text(county, name=name, code=str(code), source=Path(boundary).name)
    from ._atomic import write_text_atomic

    write_text_atomic(target, text, overwrite=overwrite)
    read_profile(target)  # the file just written must load
    return target


def _county_boundary(path: Path, *, code: str, layer: str | None) -> tuple[Any, str | None]:
    """The county's features (CGCS2000 lon/lat) and its name from the layer, if one."""
    import geopandas as gpd

    if not path.exists():
        raise ConfigError(f"boundary layer {path} does not exist")
    frame = gpd.read_file(path, **({"layer": layer} if layer else {}))
    if frame.crs is None:
        raise ConfigError(f"{path.name} has no CRS (.prj); set it in GIS or convert it first")
    frame = frame[frame.geometry.notna() & frame.geom_type.isin(["Polygon", "MultiPolygon"])]
    if frame.empty:
        raise ConfigError(f"{path.name} holds no polygons")
    upper = {str(c).upper(): c for c in frame.columns}
    code_col = next((upper[c] for c in _CODE_COLUMNS if c in upper), None)
    if code_col is not None:
        codes = frame[code_col].astype(str).str.strip()
        mine = codes.str.startswith(code)
        if not mine.any():
            sample = ", ".join(sorted(set(codes))[:5])
            raise ConfigError(f"{path.name}: no feature with {code_col} starting {code} (found {sample})")
        frame = frame[mine.to_numpy()]
    name_col = next((upper[c] for c in _NAME_COLUMNS if c in upper), None)
    name = None
    if name_col is not None and len(frame) == 1:
        name = str(frame[name_col].iloc[0]).strip() or None
    return frame.to_crs(4490), name


def _write_boundary(county: Any, path: Path, *, overwrite: bool) -> None:
    import geopandas as gpd

    from ._atomic import atomic_path

    union = gpd.GeoDataFrame(geometry=[county.geometry.union_all()], crs=4490)
    with atomic_path(path, overwrite=overwrite, suffix=".gpkg") as tmp:
        union.to_file(tmp, layer="boundary", driver="GPKG")


def _starter_text(county: Any, *, name: str, code: str, source: str) -> str:
    from importlib import resources

    from .crs import gk_epsg

    x0, y0, x1, y1 = (float(v) for v in county.total_bounds)
    cm = round((x0 + x1) / 2 / 3) * 3
    template = resources.files("landkit.profiles").joinpath("_starter.toml").read_text("utf-8")
    return Template(template).substitute(
        name=name.replace('"', ""),
        code=code,
        source=source,
        boundary=_BOUNDARY,
        extent=", ".join(f"{v:.4f}" for v in (x0 - 1e-4, y0 - 1e-4, x1 + 1e-4, y1 + 1e-4)),
        cm=cm,
        epsg=gk_epsg(zone_width=3, central_meridian=cm, prefixed=False),
    )

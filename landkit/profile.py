"""County profiles: which county a project is about, chosen once, used as every default.

A profile is a small TOML file (``landkit init`` writes a starter one): the county's name and
行政区划代码, its extent or its own 行政区 boundary layer, the preferred CRS, holiday calendars,
zone config, criteria files, and the title and contact line of public pages. Readers, ``validate``,
CRS inference, the browse page and the reports take their defaults from :func:`current`; an
explicit argument (``region=``, ``crs=``, ``title=`` …) always wins.

Which profile is current, first match wins:

1. ``landkit.use_profile(...)`` (a notebook, a script);
2. the ``LANDKIT_PROFILE`` environment variable (a path, or a packaged code such as ``431281``);
3. ``landkit.toml`` in the working folder or the nearest folder above it (a project);
4. the packaged profile of 洪江市 (431281), the sample's county.

Paths inside a profile are relative to the profile file's folder (packaged profiles: to the
working folder, where the sample lives in ``sample_data/``).

Examples
--------
>>> p = current()
>>> p.name, p.code, p.crs
('洪江市', '431281', 'EPSG:4546')
>>> p.contains_lonlat(109.83, 27.19), p.contains_lonlat(120.38, 31.52)
(True, False)
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from ._toml import load_config, required
from .errors import ConfigError

__all__ = ["PROFILE_FILE", "PROFILE_SCHEMA", "Profile", "current", "read_profile", "use_profile"]

log = logging.getLogger(__name__)

#: The project file looked for in the working folder and its parents.
PROFILE_FILE = "landkit.toml"
_PACKAGE = "landkit.profiles"
_DEFAULT_CODE = "431281"

#: Keys of a profile file (see :mod:`landkit._toml` for the notation).
PROFILE_SCHEMA: dict[str, Any] = {
    "county": required({"name": required(str), "code": required(str)}),
    "area": required({"extent": [float], "boundary": str, "boundary_layer": str, "tolerance_m": float}),
    "crs": {"preferred": str},
    "rules": {"holidays": [str], "criteria": [str]},
    "zones": {"config": str},
    "page": {"title": str, "contact": str},
}


@dataclass(frozen=True)
class Profile:
    """One county's settings (read with :func:`read_profile`; see the module docstring)."""

    name: str
    code: str
    extent: tuple[float, float, float, float]
    boundary: Path | None = None
    boundary_layer: str | None = None
    tolerance_m: float = 1000.0
    crs: str | None = None
    holidays: tuple[Path, ...] = ()
    criteria: tuple[str, ...] = ()
    zones: Path | None = None
    page_title: str = ""
    contact: str = ""
    source: str = field(default="", compare=False)

    def area(self) -> Any:
        """The county in CGCS2000 lon/lat (shapely): the boundary layer's union, else the extent box."""
        if self.boundary is None:
            import shapely

            return shapely.box(*self.extent)
        stamp = self.boundary.stat().st_mtime_ns if self.boundary.exists() else 0
        return _boundary_union(self.boundary, self.boundary_layer, stamp)

    def contains_lonlat(self, lon: Any, lat: Any, /, *, tolerance_m: float | None = None) -> Any:
        """Whether points (CGCS2000 lon/lat, scalars or arrays) lie in the county, within ``tolerance_m``.

        The default tolerance is the profile's ``tolerance_m`` (1 km unless set).
        """
        import numpy as np
        import shapely

        tol = self.tolerance_m if tolerance_m is None else tolerance_m
        laea = _laea(self.extent)
        from pyproj import Transformer

        to_m = Transformer.from_crs(4490, laea, always_xy=True)
        dense = shapely.segmentize(self.area(), 0.01)  # edges stay true to the boundary once projected
        zone = shapely.transform(dense, lambda xy: np.column_stack(to_m.transform(xy[:, 0], xy[:, 1])))
        zone = zone.buffer(tol) if tol > 0 else zone
        shapely.prepare(zone)
        x, y = to_m.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        inside = shapely.intersects_xy(zone, x, y)
        return bool(inside) if np.ndim(inside) == 0 else inside

    def elsewhere(self, lon: float, lat: float, /, *, n: int) -> str:
        """One report line for a layer of ``n`` parcels around ``lon``, ``lat``, wholly outside the county.

        Names the county it lies in when another known profile (packaged, ``LANDKIT_PROFILE``,
        the project's ``landkit.toml``) contains it, else its position and distance.

        Examples
        --------
        >>> read_profile("431281").elsewhere(120.38, 31.52, n=2033)
        '整层位于东经120.38°、北纬31.52°附近（相距1,110公里），不在洪江市（431281）范围内——县域配置选错了？（全部2033宗都在外）'
        """
        other = next(
            (p for p in _known_profiles() if p.code != self.code and p.contains_lonlat(lon, lat)), None
        )
        if other is not None:
            place = f"位于{other.name}（{other.code}）"
        else:
            place = f"位于东经{lon:.2f}°、北纬{lat:.2f}°附近（相距{self.distance_km(lon, lat):,.0f}公里）"
        here = f"{self.name}（{self.code}）"
        return f"整层{place}，不在{here}范围内——县域配置选错了？（全部{n}宗都在外）"

    def distance_km(self, lon: float, lat: float, /) -> float:
        """Great-circle distance (km) from the extent's centre to a lon/lat point."""
        lon0, lat0 = (self.extent[0] + self.extent[2]) / 2, (self.extent[1] + self.extent[3]) / 2
        p1, p2, dl = math.radians(lat0), math.radians(lat), math.radians(lon - lon0)
        c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
        return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def _laea(extent: Sequence[float]) -> str:
    lon0, lat0 = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    return f"+proj=laea +lat_0={lat0} +lon_0={lon0} +ellps=GRS80 +units=m +no_defs"


@functools.cache
def _boundary_union(path: Path, layer: str | None, stamp: int) -> Any:
    """Union of a boundary layer in CGCS2000 lon/lat (cached per file version)."""
    import geopandas as gpd

    if not path.exists():
        raise ConfigError(f"profile boundary {path} does not exist; fix [area] boundary in the profile")
    frame = gpd.read_file(path, **({"layer": layer} if layer else {}))
    if frame.crs is None:
        raise ConfigError(f"profile boundary {path.name} has no CRS; save it with a .prj (e.g. EPSG:4490)")
    return frame.to_crs(4490).geometry.union_all()


def read_profile(source: str | os.PathLike[str], /) -> Profile:
    """Read a county profile: a TOML path, or the code of a packaged profile (``"431281"``).

    Parameters
    ----------
    source : str or path
        A profile file (``landkit.toml``) or a six-digit 行政区划代码 of a packaged profile.

    Returns
    -------
    Profile

    Raises
    ------
    ConfigError
        Missing file, unknown key (the closest valid key is named), a code that is not six digits,
        an extent outside China, a boundary that cannot be read, an unknown CRS.

    Examples
    --------
    >>> read_profile("431281").page_title
    '洪江市招商用地 淘宝式选地'
    >>> read_profile("999999")
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: no packaged profile 999999 (packaged: 431281); write one with ...
    """
    text = os.fspath(source)
    if re.fullmatch(r"\d{6}", text):
        return _packaged(text)
    path = Path(text)
    doc = load_config(path, what="county profile", schema=PROFILE_SCHEMA)
    return _profile_from(doc, base=path.resolve().parent, source=str(path))


@functools.cache
def _packaged(code: str) -> Profile:

    names = _packaged_codes()
    if code not in names:
        raise ConfigError(
            f"no packaged profile {code} (packaged: {', '.join(names)}); "
            f"write one with `landkit init --code {code}`"
        )
    doc = load_config(f"{code}.toml", package=_PACKAGE, what="county profile", schema=PROFILE_SCHEMA)
    return _profile_from(doc, base=None, source=f"packaged {code}")


def _packaged_codes() -> list[str]:
    from importlib import resources

    files = resources.files(_PACKAGE).iterdir()
    return sorted(p.name[:-5] for p in files if re.fullmatch(r"\d{6}\.toml", p.name))


def _profile_from(doc: dict[str, Any], *, base: Path | None, source: str) -> Profile:
    county, area = doc["county"], doc["area"]
    where = f"county profile {source}"
    code = county["code"].strip()
    if not re.fullmatch(r"\d{6}", code):
        raise ConfigError(f"{where}: [county] code must be the six-digit 行政区划代码, not {code!r}")

    def resolve(p: str) -> Path:
        return (base / p) if base is not None and not Path(p).is_absolute() else Path(p)

    boundary = resolve(area["boundary"]) if "boundary" in area else None
    layer = area.get("boundary_layer")
    if "extent" in area:
        extent = _check_extent(area["extent"], where=where)
    elif boundary is not None:
        stamp = boundary.stat().st_mtime_ns if boundary.exists() else 0
        extent = _check_extent(list(_boundary_union(boundary, layer, stamp).bounds), where=where)
    else:
        raise ConfigError(
            f"{where}: [area] needs extent = [min lon, min lat, max lon, max lat] or boundary = '…'"
        )
    crs = doc.get("crs", {}).get("preferred")
    if crs is not None:
        _check_crs(crs, where=where)
    rules, page = doc.get("rules", {}), doc.get("page", {})
    return Profile(
        name=county["name"].strip(),
        code=code,
        extent=extent,
        boundary=boundary,
        boundary_layer=layer,
        tolerance_m=float(area.get("tolerance_m", 1000.0)),
        crs=crs,
        holidays=tuple(resolve(p) for p in rules.get("holidays", [])),
        criteria=tuple(
            c if "/" not in c and not c.endswith(".toml") else str(resolve(c))
            for c in rules.get("criteria", [])
        ),
        zones=resolve(doc["zones"]["config"]) if "config" in doc.get("zones", {}) else None,
        page_title=page.get("title", f"{county['name']}闲置低效用地"),
        contact=page.get("contact", ""),
        source=source,
    )


def _check_extent(values: list[float], *, where: str) -> tuple[float, float, float, float]:
    if len(values) != 4:
        raise ConfigError(f"{where}: [area] extent needs four numbers [min lon, min lat, max lon, max lat]")
    x0, y0, x1, y1 = (float(v) for v in values)
    if not (73 <= x0 < x1 <= 136 and 3 <= y0 < y1 <= 54):
        raise ConfigError(
            f"{where}: [area] extent {values} is not a lon/lat box in China "
            "(min lon < max lon within 73–136, min lat < max lat within 3–54)"
        )
    return x0, y0, x1, y1


def _check_crs(crs: str, *, where: str) -> None:
    import pyproj

    try:
        pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise ConfigError(f"{where}: [crs] preferred {crs!r} is not a CRS (write e.g. 'EPSG:4546')") from exc


_chosen: Profile | None = None


@overload
def use_profile(profile: Profile | str | os.PathLike[str], /) -> Profile: ...
@overload
def use_profile(profile: None, /) -> None: ...


def use_profile(profile: Profile | str | os.PathLike[str] | None, /) -> Profile | None:
    """Make ``profile`` the current one for this process (``None``: back to the automatic choice).

    Parameters
    ----------
    profile : Profile, path, packaged code or None
        A :class:`Profile`, a profile file, a packaged code (``"431281"``), or ``None``.

    Returns
    -------
    Profile or None
        The profile now current (``None`` after ``use_profile(None)``: see :func:`current`).

    Examples
    --------
    >>> use_profile("431281").name
    '洪江市'
    >>> use_profile(None)  # automatic again
    >>> current().code  # here: the packaged default
    '431281'
    """
    global _chosen
    _chosen = profile if isinstance(profile, Profile) or profile is None else read_profile(profile)
    return _chosen


def current() -> Profile:
    """The profile in force (see the module docstring for the order).

    Examples
    --------
    >>> current().code
    '431281'
    """
    if _chosen is not None:
        return _chosen
    env = os.environ.get("LANDKIT_PROFILE", "").strip()
    if env:
        return _cached_file(env)
    found = project_file()
    if found is not None:
        return _cached_file(str(found))
    return _packaged(_DEFAULT_CODE)


def project_file(start: str | os.PathLike[str] | None = None, /) -> Path | None:
    """The nearest ``landkit.toml`` in ``start`` (default: the working folder) or a folder above it."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROFILE_FILE
        if candidate.is_file():
            return candidate
    return None


def _known_profiles() -> list[Profile]:
    """Packaged profiles, then the ``LANDKIT_PROFILE`` and project ones (unreadable ones skipped)."""

    out = [_packaged(c) for c in _packaged_codes()]
    for source in (os.environ.get("LANDKIT_PROFILE", "").strip(), str(project_file() or "")):
        if source:
            try:
                out.append(_cached_file(source))
            except ConfigError:  # the current profile's own errors are raised by current()
                continue
    return out


def _cached_file(source: str) -> Profile:
    if re.fullmatch(r"\d{6}", source):
        return _packaged(source)
    p = Path(source)
    if not p.is_file():
        raise ConfigError(f"LANDKIT_PROFILE={source}: no such profile file (or packaged code)")
    return _read_versioned(str(p.resolve()), p.stat().st_mtime_ns)


@functools.cache
def _read_versioned(path: str, stamp: int) -> Profile:
    profile = read_profile(path)
    log.info("county profile: %s (%s) from %s", profile.name, profile.code, path)
    return profile

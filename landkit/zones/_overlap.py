"""The overlap engine: parcel × zone areas, geodesic, with the contains-properly shortcut.

Most parcels lie wholly inside a zone. A coarse grid per zone (built once with the payload) settles
most parcel × zone pairs with array lookups; the rest are tested with the zone prepared once
(``contains_properly`` → share 1, overlap = the parcel's area; else ``intersects``), and only
boundary parcels are intersected. The parcels' STRtree gives the candidates. Areas are measured in
a Lambert azimuthal equal-area projection on GRS80 centred on the zones (≈1e-7 relative to
:class:`pyproj.Geod`); intersections are computed in the parcels' own projected CRS (or in that
equal-area CRS for lon/lat parcels). Invalid parcels (only those) are repaired first.

The :class:`Payload` is plain data (WKB, WKT, numpy arrays) so it can be shipped to dask workers;
every call of :func:`overlaps` rebuilds and prepares its own zone geometries, since prepared GEOS
geometries must not be shared between threads.
"""

from __future__ import annotations

import logging
import pickle
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .._transformers import transform_geoms, transformer
from ..errors import CRSError, LandkitWarning
from ..units import MU_M2
from .zoneset import ZoneSet, densify

__all__ = [
    "GRID_MIN_PARCELS_PER_ZONE",
    "LONG_COLUMNS",
    "OUTSIDE_NAME",
    "Overlaps",
    "Payload",
    "ZoneJoinWarning",
    "long_table",
    "make_payload",
    "overlaps",
    "polygon_payload",
    "report",
]

log = logging.getLogger(__name__)

#: ``zone_name`` of the rows that hold the part of a parcel outside every zone of a kind.
OUTSIDE_NAME = "区外"
#: Columns of the long parcel × zone table.
LONG_COLUMNS = ("parcel", "zone_id", "zone_name", "kind", "overlap_m2", "overlap_mu", "share")
#: A parcel's part outside a kind smaller than this share of it is rounding noise, not a row.
_OUTSIDE_TOL = 1e-9
#: Cells per side of the coarse grid that pre-classifies parcels per zone (0: no grid).
_GRID_CELLS = 64
#: The grid costs ~4,000 box tests per zone to build; below this many parcels per zone (e.g. approval
#: batches as zones) it costs more than it saves and is skipped. Results do not depend on it.
GRID_MIN_PARCELS_PER_ZONE = 1000


class ZoneJoinWarning(LandkitWarning):
    """The join changed its inputs: CRS reconciled, invalid parcels repaired, empty parcels left out."""


@dataclass(frozen=True, eq=False)
class Payload:
    """Zones ready for the join, as plain picklable data (see the module docstring)."""

    parcels_crs: str
    work_crs: str
    area_crs: str
    zone_wkb: tuple[bytes, ...]
    zone_ids: tuple[str, ...]
    zone_names: tuple[str, ...]
    zone_kinds: tuple[str, ...]
    kinds: tuple[str, ...]
    outside_kinds: tuple[str, ...]  # kinds whose union is in kind_union_wkb (empty: no outside rows)
    kind_union_wkb: tuple[bytes, ...]
    grid_params: np.ndarray  # per zone and union: x0, y0, cell size, nx, ny, offset (see _zone_grids)
    grid_states: np.ndarray  # flat int8 cell states: 0 outside, 1 boundary, 2 inside

    def dumps(self) -> bytes:
        """Serialise for shipping to workers."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)


def _laea(lon0: float, lat0: float) -> pyproj.CRS:
    return pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +ellps=GRS80 +units=m +no_defs"
    )


def make_payload(
    zones: ZoneSet,
    parcels_crs: pyproj.CRS | None,
    *,
    kinds: tuple[str, ...],
    densify_m: float,
    outside: bool = True,
    grid: bool = True,
) -> Payload:
    """Prepare ``zones`` (of ``kinds``) for a join with parcels in ``parcels_crs``.

    With ``outside=False`` the per-kind unions are not built and no outside rows are produced;
    with ``grid=False`` no coarse grid is built (results are the same).
    """
    if parcels_crs is None:
        raise CRSError("parcels have no CRS; set one with .set_crs(...) or read them with landkit.io")
    if zones.crs is None:
        raise CRSError("zones have no CRS")
    src = pyproj.CRS.from_user_input(parcels_crs)
    table = zones.zones[zones.zones["kind"].isin(kinds)]
    zcrs = pyproj.CRS.from_user_input(zones.crs)
    work, area_crs = _work_crs(table.total_bounds, zcrs, src)
    geoms = table.geometry
    if not zcrs.equals(src):
        warnings.warn(
            f"parcels are in {src.name} but zones in {zones.crs.name}: the zones are reprojected to "
            f"{'an equal-area CRS' if src.is_geographic else src.name} for the join (edges densified to "
            f"{densify_m:g} m first); read the zones with crs= the parcels' CRS to avoid this",
            ZoneJoinWarning,
            stacklevel=3,
        )
    if not zcrs.equals(work):
        geoms = densify(geoms, densify_m).to_crs(work)
    zone_kinds = tuple(table["kind"].astype(object).tolist())
    kinds_present = tuple(k for k in kinds if k in set(zone_kinds))
    return _payload(
        np.asarray(geoms.values),
        crs=(src, work, area_crs),
        ids=tuple(table["zone_id"].astype(object).tolist()),
        names=tuple(table["name"].astype(object).tolist()),
        zone_kinds=zone_kinds,
        kinds=kinds_present,
        outside_kinds=kinds_present if outside else (),
        grid=grid,
    )


def polygon_payload(zones: np.ndarray, crs: pyproj.CRS, /, *, kind: str) -> Payload:
    """Prepare plain polygons in the parcels' own ``crs`` as zones of one ``kind`` (no outside rows, no
    grid): the engine for callers that pair two layers by position, without building a zone table.
    Zone ids and names are the positions. Every zone must have an areal geometry."""
    src = pyproj.CRS.from_user_input(crs)
    if (shapely.is_missing(zones) | shapely.is_empty(zones)).any():
        raise ValueError("every zone needs a geometry; leave out the ones without before pairing")
    work, area_crs = _work_crs(shapely.total_bounds(zones), src, src)
    ids = tuple(str(k) for k in range(len(zones)))
    return _payload(
        np.asarray(zones, dtype=object),
        crs=(src, work, area_crs),
        ids=ids,
        names=ids,
        zone_kinds=(kind,) * len(zones),
        kinds=(kind,),
        outside_kinds=(),
        grid=False,
    )


def _work_crs(bounds: np.ndarray, zcrs: pyproj.CRS, src: pyproj.CRS) -> tuple[pyproj.CRS, pyproj.CRS]:
    """The CRS intersections are computed in (the parcels' own, or the equal-area one for lon/lat
    parcels) and the equal-area CRS centred on the zones' box (edges sampled: exactness does not matter
    here)."""
    x0, y0, x1, y1 = bounds
    t = np.linspace(0.0, 1.0, 9)
    edge_x = np.concatenate([x0 + (x1 - x0) * t, np.full(9, x1), x0 + (x1 - x0) * t, np.full(9, x0)])
    edge_y = np.concatenate([np.full(9, y0), y0 + (y1 - y0) * t, np.full(9, y1), y0 + (y1 - y0) * t])
    lon, lat = transformer(zcrs, pyproj.CRS(4490))(edge_x, edge_y)
    area_crs = _laea((np.min(lon) + np.max(lon)) / 2, (np.min(lat) + np.max(lat)) / 2)
    if src.is_geographic:
        log.info("parcels are in lon/lat (%s): intersections are computed in %s", src.name, area_crs.srs)
    return (area_crs if src.is_geographic else src), area_crs


def _payload(
    geoms: np.ndarray,
    *,
    crs: tuple[pyproj.CRS, pyproj.CRS, pyproj.CRS],
    ids: tuple[str, ...],
    names: tuple[str, ...],
    zone_kinds: tuple[str, ...],
    kinds: tuple[str, ...],
    outside_kinds: tuple[str, ...],
    grid: bool,
) -> Payload:
    """The payload of zone geometries already in the work CRS: invalid ones repaired, per-kind unions
    for the outside rows, the coarse grid."""
    arr = geoms.copy()
    bad = ~shapely.is_valid(arr)
    arr[bad] = shapely.make_valid(arr[bad])
    kinds_arr = np.asarray(zone_kinds, dtype=object)
    unions = [shapely.union_all(arr[kinds_arr == k]) for k in outside_kinds]
    zone_wkb = tuple(shapely.to_wkb(arr))
    union_wkb = tuple(shapely.to_wkb(np.asarray(unions, dtype=object))) if unions else ()
    grid_params, grid_states = _zone_grids(np.zeros(len(zone_wkb) + len(union_wkb), dtype=object), 0)
    if grid:  # private copies: preparing is in place, and the caller's geometries may be in use elsewhere
        everything = shapely.from_wkb(np.asarray(zone_wkb + union_wkb, dtype=object))
        shapely.prepare(everything)
        grid_params, grid_states = _zone_grids(everything, _GRID_CELLS)
    src, work, area_crs = crs
    return Payload(
        parcels_crs=src.to_wkt(),
        work_crs=work.to_wkt(),
        area_crs=area_crs.to_wkt(),
        zone_wkb=zone_wkb,
        zone_ids=ids,
        zone_names=names,
        zone_kinds=zone_kinds,
        kinds=kinds,
        outside_kinds=outside_kinds,
        kind_union_wkb=union_wkb,
        grid_params=grid_params,
        grid_states=grid_states,
    )


def _areas(geoms: np.ndarray, work: pyproj.CRS, area_crs: pyproj.CRS) -> np.ndarray:
    """Ellipsoidal areas (m²). In a Gauss-Krüger/UTM CRS, planar area over the areal scale factor wherever
    the error bound of :mod:`landkit.area` allows (about 3× faster than reprojecting every vertex), and
    the payload's equal-area ``area_crs`` elsewhere."""
    from ..area import area_m2_array

    # the fixed equal-area CRS of the payload as fallback: the same answer in every partition
    return area_m2_array(geoms, work, fallback=lambda g: shapely.area(transform_geoms(g, work, area_crs)))


@dataclass(frozen=True)
class Overlaps:
    """Result of :func:`overlaps` for one chunk of parcels (positions are chunk-local)."""

    parcel_pos: np.ndarray
    zone_pos: np.ndarray  # < n_zones: a zone; n_zones + k: outside every zone of kind k
    area_m2: np.ndarray
    parcel_area_m2: np.ndarray
    repaired: np.ndarray  # positions of invalid parcels that were repaired
    empty: np.ndarray  # positions of parcels without (areal) geometry
    inside: np.ndarray  # per row: the zone contains the parcel properly (its boundary not touched)


def overlaps(geoms: gpd.GeoSeries | np.ndarray, payload: Payload, *, valid: bool = False) -> Overlaps:
    """Overlap areas (m², geodesic) of each parcel with each zone and with the outside of each kind.

    ``valid=True`` is the caller's word that every geometry is valid (e.g. just repaired), which
    skips the validity check.
    """
    arr = np.asarray(geoms.values if isinstance(geoms, gpd.GeoSeries) else geoms, dtype=object)
    src = pyproj.CRS.from_wkt(payload.parcels_crs)
    work = pyproj.CRS.from_wkt(payload.work_crs)
    area_crs = pyproj.CRS.from_wkt(payload.area_crs)
    missing = shapely.get_num_coordinates(arr) == 0  # missing or empty, in one pass
    invalid = np.zeros(len(arr), dtype=bool) if valid else ~missing & ~shapely.is_valid(arr)
    repaired = np.flatnonzero(invalid)
    if len(repaired):
        arr = arr.copy()
        arr[invalid] = shapely.make_valid(arr[invalid], method="structure", keep_collapsed=False)
    work_geoms = transform_geoms(arr, src, work)
    parcel_area = _areas(work_geoms, work, area_crs)
    parcel_area[missing] = np.nan
    empty = np.flatnonzero(missing | ~(parcel_area > 0))

    n_zones = len(payload.zone_wkb)
    # own copies, prepared here: prepared geometries must not be shared between threads
    zones = shapely.from_wkb(np.asarray(payload.zone_wkb + payload.kind_union_wkb, dtype=object))
    shapely.prepare(zones)
    zone_idx, parcel_idx, inside = _classify(zones, work_geoms, payload.grid_params, payload.grid_states)
    area = np.where(inside, parcel_area[parcel_idx], 0.0)
    edge = np.flatnonzero(~inside)
    if len(edge):
        pieces = shapely.intersection(work_geoms[parcel_idx[edge]], zones[zone_idx[edge]])
        area[edge] = _areas(pieces, work, area_crs)
    keep = area > 0
    zone_idx, parcel_idx, area, inside = zone_idx[keep], parcel_idx[keep], area[keep], inside[keep]

    # the part of each parcel outside every zone of a kind = parcel − (parcel ∩ union of the kind)
    is_union = zone_idx >= n_zones
    covered = np.zeros((len(payload.outside_kinds), len(arr)))
    covered[zone_idx[is_union] - n_zones, parcel_idx[is_union]] = area[is_union]
    outside = parcel_area[None, :] - covered
    outside_k, outside_p = np.nonzero(np.nan_to_num(outside) > _OUTSIDE_TOL * np.nan_to_num(parcel_area))
    zone_pos = np.concatenate([zone_idx[~is_union], n_zones + outside_k])
    parcel_pos = np.concatenate([parcel_idx[~is_union], outside_p])
    areas = np.concatenate([area[~is_union], outside[outside_k, outside_p]])
    within = np.concatenate([inside[~is_union], np.zeros(len(outside_k), dtype=bool)])
    order = np.lexsort((zone_pos, parcel_pos))
    return Overlaps(
        parcel_pos[order], zone_pos[order], areas[order], parcel_area, repaired, empty, within[order]
    )


def _zone_grids(zones: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Per zone a ``cells`` × ``cells`` grid over its bounds, each cell 0 outside, 1 boundary, 2 inside.

    Returns the grid parameters per zone (x0, y0, cell size, nx, ny, offset) and the flat states.
    """
    params = np.zeros((len(zones), 6))
    states = []
    offset = 0
    if not cells:
        return params, np.zeros(0, dtype=np.int8)
    for k, zone in enumerate(zones):
        x0, y0, x1, y1 = shapely.bounds(zone)
        size = max(x1 - x0, y1 - y0) / cells or 1.0
        nx, ny = int(np.ceil((x1 - x0) / size)) or 1, int(np.ceil((y1 - y0) / size)) or 1
        gx, gy = np.meshgrid(x0 + size * np.arange(nx), y0 + size * np.arange(ny))
        boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + size, gy.ravel() + size)
        state = np.where(shapely.contains_properly(zone, boxes), 2, 0).astype(np.int8)
        maybe = state == 0
        state[maybe] = shapely.intersects(zone, boxes[maybe])
        states.append(state)
        params[k] = (x0, y0, size, nx, ny, offset)
        offset += len(state)
    return params, np.concatenate(states) if states else np.zeros(0, dtype=np.int8)


def _classify(
    zones: np.ndarray, parcels: np.ndarray, params: np.ndarray, states: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zone and parcel positions of intersecting pairs, and whether the zone contains the parcel properly.

    A coarse grid per zone settles most pairs without GEOS: a parcel whose bounding box is covered by
    grid cells that all lie inside the zone (``contains_properly``) is inside it, one whose covering
    cells are all disjoint from the zone is not; only the rest are tested with the prepared zone
    (``contains_properly``, then ``intersects``).
    The answer is exact: the grid only decides what the predicates would.
    """
    # bounding boxes only, with the tree on the smaller side
    if len(zones) < len(parcels):
        parcel_idx, zone_idx = shapely.STRtree(zones).query(parcels)
    else:
        zone_idx, parcel_idx = shapely.STRtree(parcels).query(zones)
    inside = np.zeros(len(zone_idx), dtype=bool)
    undecided = np.ones(len(zone_idx), dtype=bool)
    if len(states) and len(zone_idx):
        pb = shapely.bounds(parcels)[parcel_idx]
        x0, y0, size, nx, ny, off = params[zone_idx].T
        ix0, iy0 = np.floor((pb[:, 0] - x0) / size), np.floor((pb[:, 1] - y0) / size)
        ix1, iy1 = np.floor((pb[:, 2] - x0) / size), np.floor((pb[:, 3] - y0) / size)
        # a bounding box over at most 2 × 2 cells of the grid is covered by its four corner cells
        small = (ix1 - ix0 <= 1) & (iy1 - iy0 <= 1) & (ix0 >= 0) & (iy0 >= 0) & (ix1 < nx) & (iy1 < ny)
        lo, hi = np.full(len(zone_idx), 1, dtype=np.int8), np.full(len(zone_idx), 1, dtype=np.int8)
        if small.any():
            corners = [(ix0, iy0), (ix1, iy0), (ix0, iy1), (ix1, iy1)]
            cs = np.stack([states[(off + cy * nx + cx)[small].astype(np.int64)] for cx, cy in corners])
            lo[small], hi[small] = cs.min(axis=0), cs.max(axis=0)
        inside = lo == 2  # every covering cell inside the zone's interior
        undecided = ~inside & (hi > 0)  # all covering cells disjoint from the zone: no pair
    rest = np.flatnonzero(undecided)
    inside[rest] = shapely.contains_properly(zones[zone_idx[rest]], parcels[parcel_idx[rest]])
    edge = rest[~inside[rest]]
    touching = np.zeros(len(zone_idx), dtype=bool)
    touching[edge] = shapely.intersects(zones[zone_idx[edge]], parcels[parcel_idx[edge]])
    keep = inside | touching
    return zone_idx[keep], parcel_idx[keep], inside[keep]


def long_table(result: Overlaps, labels: pd.Index, payload: Payload) -> pd.DataFrame:
    """The long parcel × zone table (columns :data:`LONG_COLUMNS`) of one chunk."""
    n_out = len(payload.outside_kinds)
    ids = np.asarray([*payload.zone_ids, *([None] * n_out)], dtype=object)
    names = np.asarray([*payload.zone_names, *([OUTSIDE_NAME] * n_out)], dtype=object)
    kinds = np.asarray([*payload.zone_kinds, *payload.outside_kinds], dtype=object)
    zp = result.zone_pos
    return pd.DataFrame(
        {
            "parcel": labels.take(result.parcel_pos),
            "zone_id": pd.array(ids[zp], dtype="string"),
            "zone_name": pd.array(names[zp], dtype="string"),
            "kind": pd.array(kinds[zp], dtype="string"),
            "overlap_m2": result.area_m2,
            "overlap_mu": result.area_m2 / MU_M2,
            "share": result.area_m2 / result.parcel_area_m2[result.parcel_pos],
        }
    )


def report(result: Overlaps, labels: pd.Index, *, warn: bool = True) -> None:
    """Warn (or log, on workers) about repaired and left-out parcels of one chunk."""
    messages = []
    if len(result.repaired):
        shown = ", ".join(map(str, labels.take(result.repaired[:5])))
        messages.append(
            f"{len(result.repaired)} invalid parcel geometr{'y' if len(result.repaired) == 1 else 'ies'} "
            f"repaired with shapely.make_valid before the join (e.g. {shown}); fix them at the source"
        )
    if len(result.empty):
        shown = ", ".join(map(str, labels.take(result.empty[:5])))
        messages.append(
            f"{len(result.empty)} parcel(s) have no areal geometry and are in no zone (e.g. {shown})"
        )
    for message in messages:
        if warn:
            warnings.warn(message, ZoneJoinWarning, stacklevel=3)
        else:
            log.warning(message)

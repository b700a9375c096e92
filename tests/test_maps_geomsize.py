"""The page's geometry size hint (``geomSize``: vertices and rings), checked against the decoded text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
from maps_support import synthetic_parcels
from shapely.geometry import MultiPolygon, Polygon, box

from landkit.maps import write_browse_map
from landkit.maps._encode import decode_geometry, encode_geometries, geometry_size

_DATA_RE = re.compile(r'<script type="application/json" id="landkit-data">(.*?)</script>', re.DOTALL)


def _counted(encoded: list[str], origin: tuple[float, float]) -> list[int]:
    """Vertices and rings by decoding every string with the Python twin of the page's decoder."""
    rings = [
        ring
        for text in encoded
        for poly in decode_geometry(text, origin=origin, precision=1e-5)
        for ring in poly
    ]
    return [sum(len(r) for r in rings), len(rings)]


def test_size_counts_vertices_and_rings_of_holes_multipolygons_and_missing_geometries() -> None:
    rng = np.random.default_rng(3)
    shapes: list[object] = []
    for k in range(200):
        x, y = 109.5 + rng.random(), 27.0 + rng.random() * 0.5
        outer = box(x, y, x + 1e-3, y + 1e-3)
        hole = Polygon(box(x + 2e-4, y + 2e-4, x + 5e-4, y + 5e-4).exterior.coords[::-1])
        shapes.append(
            [
                outer,
                Polygon(outer.exterior, [hole.exterior]),
                MultiPolygon([outer, box(x + 2e-3, y, x + 3e-3, y + 1e-3)]),
                None,
            ][k % 4]
        )
    geoms = gpd.GeoSeries(shapes, crs=4326)
    enc = encode_geometries(geoms, origin=(109.0, 27.0), precision=1e-5)
    assert geometry_size(enc) == _counted(enc, (109.0, 27.0))
    assert geometry_size([]) == [0, 0]


def test_written_page_carries_the_size_of_its_parcels(tmp_path: Path) -> None:
    gdf = synthetic_parcels(120, seed=4)
    out = write_browse_map(gdf, tmp_path / "p.html", basemap="none")
    data = json.loads(_DATA_RE.findall(out.read_text("utf-8"))[0])
    assert data["geomSize"] == _counted(data["geom"], tuple(data["origin"]))
    assert data["geomSize"][0] >= 3 * len(gdf)  # at least a triangle per parcel

"""Helpers shared by the ledger tests: synthetic registers, backends, an independent area."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from landkit.ledger import Ledger

__all__ = ["PG_ENV", "LedgerSpot", "geod_area_m2", "ledger_spot", "register", "squares"]

PG_ENV = "LANDKIT_TEST_PG_URL"
X0, Y0 = 380_000.0, 3_010_000.0  # EPSG:4546, near 黔城


@dataclass
class LedgerSpot:
    """Where a test ledger lives; ``open()`` gives a fresh Ledger object on it (a 'reopen')."""

    backend: str
    location: str
    schema: str = "public"

    def open(self) -> Ledger:
        return Ledger(self.location, schema=self.schema)


def _drop_schema(url: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def ledger_spot(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerSpot]:
    """A fresh, empty ledger location on each backend (PostGIS skipped without LANDKIT_TEST_PG_URL)."""
    if request.param == "gpkg":
        yield LedgerSpot("gpkg", str(tmp_path / "ledger.gpkg"))
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set (run .ci/start-postgis.sh)")
    schema = f"lk_test_{uuid.uuid4().hex[:12]}"
    yield LedgerSpot("postgis", url, schema)
    _drop_schema(url, schema)


def squares(sizes: list[float], *, row: int = 0) -> list[shapely.Polygon]:
    """Squares of the given side (m) spaced 1 km apart along x (row shifts them 1 km in y)."""
    return [
        shapely.box(X0 + i * 1000, Y0 + row * 1000, X0 + i * 1000 + s, Y0 + row * 1000 + s)
        for i, s in enumerate(sizes)
    ]


def register(records: list[dict[str, object]], *, crs: int = 4546) -> gpd.GeoDataFrame:
    """A register from dicts with parcel_id, status, categories, geometry and any other field."""
    cols = sorted({k for r in records for k in r} - {"geometry"})
    data = {c: [r.get(c) for r in records] for c in cols}
    return gpd.GeoDataFrame(data, geometry=[r["geometry"] for r in records], crs=crs)


def geod_area_m2(geoms: gpd.GeoSeries) -> np.ndarray:
    """Independent reference: ellipsoidal area on GRS80 with pyproj.Geod."""
    geod = pyproj.Geod(ellps="GRS80")
    lonlat = geoms.to_crs(4490)
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in lonlat])


def race(spawn: Callable[[int, str, str], subprocess.Popen], tmp_path: Path, k: int) -> list[str]:
    """Start ``k`` worker processes (``spawn(i, go_file, ready_file)``), release them together once all
    are ready, and return their stripped stdout (each must exit 0)."""
    go = tmp_path / "go"
    procs = [spawn(i, str(go), str(tmp_path / f"ready{i}")) for i in range(k)]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready{i}").exists() for i in range(k)):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        outs.append(out.strip())
    return outs

"""Offline context on the browse page: base layers, their simplification and budget, distances.

Distances are checked against a brute-force geodesic search with ``pyproj.Geod`` over every
feature; simplified lines against their source (Hausdorff distance within the tolerance) and the
township borders against the townships (they still enclose one face per township).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from click.testing import CliRunner
from maps_support import SECRET_BANK, SECRET_NOTE, synthetic_parcels
from shapely.geometry import LineString, Point, box

from landkit.cli.main import cli
from landkit.errors import CRSError, DataFormatError, LandkitWarning
from landkit.maps import write_browse_map
from landkit.maps._encode import decode_geometry
from landkit.maps.baselayers import base_payload, distance_columns, read_base_layers
from landkit.proximity import nearest_features

BASE = Path(__file__).resolve().parents[1] / "sample_data" / "hongjiang_base.gpkg"
GEOD = pyproj.Geod(ellps="GRS80")
ORIGIN, PREC = (109.0, 26.0), 1e-5


def _brute_force(parcels: gpd.GeoDataFrame, features: gpd.GeoDataFrame) -> tuple[np.ndarray, list[str]]:
    """Nearest feature per parcel centre by measuring to every feature on the ellipsoid."""
    centres = parcels.geometry.to_crs(4490).representative_point()
    feats = features.to_crs(4490)
    best_d, best_n = [], []
    for c in centres:
        _, _, d = GEOD.inv(
            np.full(len(feats), c.x), np.full(len(feats), c.y), feats.geometry.x.to_numpy(), feats.geometry.y
        )
        i = int(np.argmin(d))
        best_d.append(d[i] / 1000)
        best_n.append(str(feats["name"].iloc[i]))
    return np.array(best_d), best_n


@pytest.mark.parametrize("span_deg", [0.8, 12.0], ids=["county", "province-and-beyond"])
def test_nearest_features_match_a_brute_force_geodesic_search(span_deg: float) -> None:
    rng = np.random.default_rng(7)
    lon = 109.5 + rng.uniform(0, span_deg, 400)
    lat = 26.5 + rng.uniform(0, span_deg / 2, 400)
    parcels = gpd.GeoDataFrame(
        geometry=[box(x, y, x + 0.002, y + 0.0015) for x, y in zip(lon, lat, strict=True)], crs=4490
    ).to_crs(3857)  # any CRS: the centre is taken in CGCS2000
    flon = 109.5 + rng.uniform(0, span_deg, 60)
    flat = 26.5 + rng.uniform(0, span_deg / 2, 60)
    feats = gpd.GeoDataFrame(
        {"name": [f"点{i}" for i in range(60)]}, geometry=gpd.points_from_xy(flon, flat), crs=4490
    )
    got = nearest_features(parcels, feats)
    want_d, want_n = _brute_force(parcels, feats)
    assert got["name"].tolist() == want_n
    np.testing.assert_allclose(got["distance_km"].to_numpy(), want_d, rtol=0, atol=1e-9)
    assert got.index.equals(parcels.index)


def test_nearest_features_refuses_bad_input_and_keeps_missing_parcels_missing() -> None:
    feats = gpd.GeoDataFrame({"name": ["甲"]}, geometry=[Point(110.0, 27.0)], crs=4490)
    parcels = gpd.GeoDataFrame(geometry=[box(110.01, 27.0, 110.02, 27.01), None], crs=4490, index=[5, 9])
    got = nearest_features(parcels, feats)
    assert got.loc[5, "name"] == "甲"
    assert got.loc[5, "distance_km"] > 0
    assert np.isnan(got.loc[9, "distance_km"])
    assert pd.isna(got.loc[9, "name"])
    with pytest.raises(CRSError):
        nearest_features(parcels.set_crs(None, allow_override=True), feats)
    with pytest.raises(DataFormatError, match="points"):
        nearest_features(parcels, feats.assign(geometry=[LineString([(110, 27), (110.1, 27)])]))
    with pytest.raises(DataFormatError, match="name"):
        nearest_features(parcels, feats.drop(columns="name"))


def test_sample_base_has_exits_stations_and_one_town_centre_per_township() -> None:
    layers = read_base_layers(BASE)
    assert {"exits", "stations", "towns", "roads", "river", "townships", "county"} <= set(layers)
    towns, centres = layers["townships"], layers["towns"]
    assert len(centres) == len(towns) == 20
    joined = gpd.sjoin(centres[["code", "geometry"]], towns[["code", "geometry"]], predicate="within")
    assert (joined["code_left"] == joined["code_right"]).all()
    assert len(joined) == 20
    assert set(layers["stations"]["kind"]) <= {"高铁站", "火车站"}
    expressway = layers["roads"].set_index("name").geometry["沪昆高速"]
    assert (
        shapely.distance(layers["exits"].geometry.to_numpy(), expressway) < 1e-9
    ).all()  # on the expressway


def test_distance_columns_on_the_sample_are_the_brute_force_answer_to_one_decimal() -> None:
    layers = read_base_layers(BASE)
    parcels = gpd.read_file(BASE.parent / "parcels.gpkg").iloc[::40]
    cols = distance_columns(parcels, layers)
    for role, km, name in (
        ("exits", "dist_exit_km", "nearest_exit"),
        ("stations", "dist_station_km", "nearest_station"),
        ("towns", "dist_town_km", "nearest_town"),
    ):
        want_d, want_n = _brute_force(parcels, layers[role])
        assert cols[name].tolist() == want_n
        np.testing.assert_allclose(cols[km].to_numpy(), np.round(want_d, 1), atol=1e-9)


def _decoded_lines(payload: dict, kind: str) -> list[LineString]:
    out = []
    for spec in payload["lines"]:
        if spec["k"] == kind:
            for poly in decode_geometry(spec["g"], origin=ORIGIN, precision=PREC):
                out.extend(LineString(part) for part in poly)
    return out


def test_simplified_layers_stay_valid_close_to_the_source_and_keep_the_township_faces() -> None:
    layers = read_base_layers(BASE)
    data = base_payload(layers, origin=ORIGIN, precision=PREC, view_bounds=(109.5, 27.0, 110.5, 27.5))
    tol = data["tolerance_deg"]
    assert tol == pytest.approx(1.0 / 1024 / 4)  # one pixel two zoom levels beyond the opening view
    river = shapely.union_all(_decoded_lines(data, "river"))
    assert river.is_valid
    assert not river.is_empty
    source = layers["river"].to_crs(4326).geometry.iloc[0]
    assert shapely.hausdorff_distance(river, source) <= tol + 2 * PREC
    borders = _decoded_lines(data, "townships")
    assert all(line.is_valid for line in borders)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(borders))))
    assert len(faces) == 20  # every township still closed by its (shared) borders
    for seat in layers["towns"].to_crs(4326).geometry:
        assert sum(f.contains(seat) for f in faces) == 1
    assert len(json.dumps(data, ensure_ascii=False).encode("utf-8")) < 20_000


def _dense_river(n: int = 60_000) -> gpd.GeoDataFrame:
    t = np.linspace(0, 1, n)
    line = LineString(
        np.column_stack([109.6 + 0.8 * t, 27.2 + 0.05 * np.sin(t * 400) + 0.01 * np.sin(t * 9000)])
    )
    return gpd.GeoDataFrame({"name": ["密河"]}, geometry=[line], crs=4490)


def test_dense_layers_are_simplified_until_they_fit_the_budget() -> None:
    layers = {"river": _dense_river()}
    view = (109.5, 27.0, 110.5, 27.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fits: no warning
        data = base_payload(layers, origin=ORIGIN, precision=PREC, view_bounds=view, max_bytes=6_000)
    assert data["bytes"] <= 6_000
    encoded = sum(len(s["g"]) for s in data["lines"])
    assert 0 < encoded <= 6_000
    assert data["tolerance_deg"] > 1.0 / 1024 / 4  # it had to be coarser than the page's scale
    river = shapely.union_all(_decoded_lines(data, "river"))
    assert river.is_valid
    assert (
        shapely.hausdorff_distance(river, layers["river"].geometry.iloc[0])
        <= data["tolerance_deg"] + 2 * PREC
    )


def test_a_budget_that_cannot_be_met_is_named_in_a_warning() -> None:
    with pytest.warns(LandkitWarning, match=r"over the 0 kB base-layer budget \(baselayers.toml \[budget\]"):
        base_payload(
            {"river": _dense_river(5_000)},
            origin=ORIGIN,
            precision=PREC,
            view_bounds=(109.5, 27, 110.5, 27.5),
            max_bytes=50,
        )


def test_unknown_layers_are_named_and_skipped() -> None:
    odd = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(110, 27)], crs=4490)
    with pytest.warns(LandkitWarning, match="'wells' has no role"):
        layers = read_base_layers({"wells": odd, "expressway_exits": odd})
    assert list(layers) == ["exits"]


def test_public_page_with_base_layers_carries_context_but_no_internal_field(tmp_path: Path) -> None:
    gdf = synthetic_parcels(200, seed=5)
    out = write_browse_map(gdf, tmp_path / "p.html", basemap="none", base_layers=BASE)
    text = out.read_text("utf-8")
    for secret in (SECRET_BANK, SECRET_NOTE, "holder_phone", "mortgagee", "1390745"):
        assert secret not in text
    data = json.loads(re.search(r'id="landkit-data">(.*?)</script>', text, re.S).group(1))
    assert {"dist_exit_km", "nearest_exit", "dist_town_km", "nearest_station"} <= set(data["cols"])
    assert data["labels"]["dist_exit_km"] == "距高速出口(km)"
    labels = {lb["t"] for lb in data["base"]["labels"]}
    assert {"黔城镇", "沅水", "沪昆高速", "洪江出口", "洪江南站"} <= labels
    assert next(g[0] for g in data["base"]["groups"]) == "底图：道路与交通"
    assert not re.search(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?https?://", text)


def test_cli_base_option_writes_the_context_and_refuses_a_bad_base(tmp_path: Path) -> None:
    runner = CliRunner()
    parcels = BASE.parent / "parcels.gpkg"
    out = tmp_path / "land.html"
    res = runner.invoke(
        cli, ["map", "browse", str(parcels), "-o", str(out), "--basemap", "none", "--base", str(BASE)]
    )
    assert res.exit_code == 0, res.output
    assert "沪昆高速" in out.read_text("utf-8")
    assert "nearest_exit" in out.read_text("utf-8")
    bad = tmp_path / "base.gpkg"
    bad.write_text("not a geopackage", encoding="utf-8")
    res = runner.invoke(
        cli,
        [
            "map",
            "browse",
            str(parcels),
            "-o",
            str(tmp_path / "b.html"),
            "--basemap",
            "none",
            "--base",
            str(bad),
        ],
    )
    assert res.exit_code == 2
    assert "base.gpkg" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "b.html").exists()


def test_offer_sheet_facts_carry_the_distances() -> None:
    from landkit.maps.sheets import _facts

    layers = read_base_layers(BASE)
    parcels = gpd.read_file(BASE.parent / "parcels.gpkg").iloc[:3]
    rows = parcels.join(distance_columns(parcels, layers))
    want_d, want_n = _brute_force(parcels.iloc[[0]], layers["exits"])
    facts = dict(_facts(rows.iloc[0], 1000.0))
    assert facts["距高速出口"] == f"{round(want_d[0], 1):.1f} km（{want_n[0]}）"
    assert facts["距镇区"].endswith("）")
    assert "距火车站" in facts


def test_base_layers_shift_to_gcj02_with_the_parcels() -> None:
    from landkit.gcj02 import wgs84_to_gcj02

    layers = read_base_layers(BASE)
    view = (109.5, 27.0, 110.5, 27.5)
    plain = base_payload(layers, origin=ORIGIN, precision=PREC, view_bounds=view)
    shifted = base_payload(layers, origin=ORIGIN, precision=PREC, view_bounds=view, datum="gcj02")
    a = next(lb for lb in plain["labels"] if lb["t"] == "洪江出口")
    b = next(lb for lb in shifted["labels"] if lb["t"] == "洪江出口")
    lon, lat = ORIGIN[0] + a["x"] * PREC, ORIGIN[1] + a["y"] * PREC
    glon, glat = wgs84_to_gcj02(np.array([lon]), np.array([lat]))
    assert abs(ORIGIN[0] + b["x"] * PREC - glon[0]) <= 1.5 * PREC
    assert abs(ORIGIN[1] + b["y"] * PREC - glat[0]) <= 1.5 * PREC
    assert abs(b["x"] - a["x"]) > 100  # the GCJ-02 offset here is hundreds of metres

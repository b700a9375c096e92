"""The parcel–zone join against independent answers: hand-worked cases, geopandas.overlay + pyproj.Geod."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from landkit.area import geodesic_area
from landkit.errors import ConfigError, CRSError
from landkit.units import MU_M2
from landkit.zones import (
    OUTSIDE_NAME,
    ZoneJoinWarning,
    assign_zones,
    join_zones,
    outside_parcels,
    read_zones,
    zone_summary,
    zones_from_frame,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TOML = ROOT / "sample_data" / "zones" / "hongjiang.toml"
SAMPLE_PARCELS = ROOT / "sample_data" / "parcels.gpkg"
GEOD = pyproj.Geod(ellps="GRS80")


def geod_areas(geoms: gpd.GeoSeries) -> np.ndarray:
    lonlat = geoms.to_crs(4490)
    return np.array([abs(GEOD.geometry_area_perimeter(g)[0]) for g in lonlat])


def reference(parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Overlap areas by geopandas.overlay (in the parcels' CRS) and pyproj.Geod on GRS80."""
    left = gpd.GeoDataFrame({"parcel": parcels.index}, geometry=parcels.geometry.values, crs=parcels.crs)
    ov = gpd.overlay(left, zones[["zone_id", "geometry"]], how="intersection", keep_geom_type=True)
    ov["ref_m2"] = geod_areas(ov.geometry)
    out = ov.groupby(["parcel", "zone_id"], as_index=False)["ref_m2"].sum()
    return out


def assert_matches_reference(joined: pd.DataFrame, ref: pd.DataFrame, parcels: gpd.GeoDataFrame) -> None:
    mine = joined[joined["zone_id"].notna()].astype({"zone_id": object})
    both = mine.merge(ref, on=["parcel", "zone_id"], how="outer", indicator=True)
    # pairs found by one method only must be slivers (< 1 cm²)
    only = both[both["_merge"] != "both"]
    assert (only["overlap_m2"].fillna(0) < 1e-4).all()
    assert (only["ref_m2"].fillna(0) < 1e-4).all()
    common = both[both["_merge"] == "both"]
    assert len(common) > 0.99 * len(mine)
    np.testing.assert_allclose(common["overlap_m2"], common["ref_m2"], rtol=1e-6, atol=1e-4)
    # shares: same tolerance, an absolute floor of 1e-4 m² expressed as a share of the parcel
    parcel_geod = (
        pd.Series(geod_areas(parcels.geometry), index=parcels.index).loc[common["parcel"]].to_numpy()
    )
    expected = common["ref_m2"].to_numpy() / parcel_geod
    assert (np.abs(common["share"].to_numpy() - expected) <= 1e-6 * expected + 1e-4 / parcel_geod).all()


# -- hand-worked -------------------------------------------------------------------------------
@pytest.fixture
def squares() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["w", "e", "n"], "name": ["西镇", "东镇", "北带"], "kind": ["乡镇", "乡镇", "带"]},
        geometry=[
            box(400_000, 3e6, 400_100, 3_000_200),
            box(400_100, 3e6, 400_200, 3_000_200),
            box(400_000, 3_000_100, 400_200, 3_000_200),
        ],
        crs=4546,
    )
    parcels = gpd.GeoDataFrame(
        {
            "categories": ["idle,mortgaged", "low_efficiency", "idle"],
            "status": ["identified", "for_sale", "identified"],
        },
        geometry=[
            box(400_040, 3_000_050, 400_140, 3_000_100),  # 60% 西, 40% 东; outside 北带
            box(400_110, 3_000_110, 400_120, 3_000_190),  # inside 东 and 北带
            box(400_150, 3_000_150, 400_250, 3_000_160),  # half in 东 / 北带, half outside everything
        ],
        index=pd.Index(["P1", "P2", "P3"], name="宗地"),
        crs=4546,
    )
    return parcels, zones


def test_hand_worked_join(squares: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    parcels, zones = squares
    j = join_zones(parcels, zones)
    assert list(j.columns) == ["parcel", "zone_id", "zone_name", "kind", "overlap_m2", "overlap_mu", "share"]
    # GK scale varies with easting, so equal planar parts are equal on the ground only to ~1e-7
    got = {(r.parcel, r.zone_name): round(r.share, 6) for r in j.itertuples()}
    assert got == {
        ("P1", "西镇"): 0.6, ("P1", "东镇"): 0.4, ("P1", OUTSIDE_NAME): 1.0,
        ("P2", "东镇"): 1.0, ("P2", "北带"): 1.0,
        ("P3", "东镇"): 0.5, ("P3", OUTSIDE_NAME): 0.5, ("P3", "北带"): 0.5,
    }  # fmt: skip
    # overlap areas: the geodesic area of the hand-cut pieces
    west_half = gpd.GeoSeries([box(400_040, 3_000_050, 400_100, 3_000_100)], crs=4546)
    row = j[(j["parcel"] == "P1") & (j["zone_id"] == "w")].iloc[0]
    assert row["overlap_m2"] == pytest.approx(geod_areas(west_half)[0], rel=1e-7)
    assert row["overlap_mu"] == pytest.approx(row["overlap_m2"] / MU_M2)
    assert outside_parcels(j, kind="带").tolist() == ["P1"]
    assert outside_parcels(j, kind="乡镇", wholly=False).tolist() == ["P3"]
    assert len(join_zones(parcels, zones, outside=False)) == 6


def test_hand_worked_assign_and_summary(squares: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    parcels, zones = squares
    a = assign_zones(parcels, zones)
    assert a.index.equals(parcels.index)
    assert a["zone_township"].tolist() == ["西镇", "东镇", "东镇"]
    assert a["zone_township_share"].round(6).tolist() == [0.6, 1.0, 0.5]
    assert a["zone_township_split"].tolist() == [True, False, True]
    assert a["zone_belt"].isna().tolist() == [True, False, False]
    assert a["zone_belt_share"].round(6).tolist() == [0.0, 1.0, 0.5]
    only_belt = assign_zones(parcels, zones, kinds="带")
    assert "zone_township" not in only_belt.columns

    s = zone_summary(parcels, zones, by="categories")
    total = geod_areas(parcels.geometry)
    t = s[s["kind"] == "乡镇"]
    east_idle = t[(t["zone_id"] == "e") & (t["categories"] == "idle")].iloc[0]
    assert east_idle["parcels"] == 2  # P1 and P3 touch 东镇 and are idle
    assert east_idle["parcels_share"] == pytest.approx(0.4 + 0.5, rel=1e-6)
    assert east_idle["area_m2"] == pytest.approx(total[0] * 0.4 + total[2] / 2, rel=1e-6)
    # each category tiles the parcels carrying it, 区外 included
    idle = t[t["categories"] == "idle"]
    assert idle["area_m2"].sum() == pytest.approx(total[0] + total[2], rel=1e-9)
    assert s["area_ha"].to_numpy() == pytest.approx(s["area_m2"].to_numpy() / 10_000)
    assert s["area_mu"].to_numpy() == pytest.approx(s["area_m2"].to_numpy() * 15 / 10_000)
    assert s.groupby("kind", sort=False).head(100)["zone_name"].tolist()[-1] == OUTSIDE_NAME


def test_crs_reconciled_with_a_warning_and_geographic_parcels(
    squares: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    parcels, zones = squares

    def table(j: pd.DataFrame) -> pd.Series:  # overlap by (parcel, zone), slivers < 0.1 m² dropped
        j = j[j["overlap_m2"] > 0.1]
        return j.set_index(["parcel", j["zone_id"].fillna("-"), "kind"])["overlap_m2"].sort_index()

    plain = table(join_zones(parcels, zones))
    with pytest.warns(ZoneJoinWarning, match="zones are reprojected"):
        moved = table(join_zones(parcels, zones.to_crs(4490)))
    # zone edges bend slightly when reprojected: equal to 1e-6 relative or 0.1 m² on the cut lines
    pd.testing.assert_series_equal(moved, plain, rtol=1e-6, atol=0.1)
    # lon/lat parcels: measured in an equal-area CRS, never on degrees
    with pytest.warns(ZoneJoinWarning, match="parcels are in China Geodetic"):
        geo = table(join_zones(parcels.to_crs(4490), zones))
    pd.testing.assert_series_equal(geo, plain, rtol=1e-6, atol=0.1)
    same = table(join_zones(parcels.to_crs(4490), zones_from_frame(zones.to_crs(4490))))
    pd.testing.assert_series_equal(same, plain, rtol=1e-6, atol=0.1)


def test_invalid_and_empty_parcels_are_reported(squares: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    parcels, zones = squares
    bowtie = Polygon([(400_010, 3_000_010), (400_090, 3_000_090), (400_090, 3_000_010), (400_010, 3_000_090)])
    bad = pd.concat([parcels, gpd.GeoDataFrame(geometry=[bowtie, Polygon()], index=["B", "E"], crs=4546)])
    with pytest.warns(ZoneJoinWarning) as record:
        j = join_zones(bad, zones)
    text = " ".join(str(w.message) for w in record)
    assert "1 invalid parcel geometry repaired" in text
    assert "1 parcel(s) have no areal geometry" in text
    fixed = shapely.make_valid(bowtie)
    row = j[(j["parcel"] == "B") & (j["zone_id"] == "w")].iloc[0]
    assert row["overlap_m2"] == pytest.approx(geod_areas(gpd.GeoSeries([fixed], crs=4546))[0], rel=1e-7)
    assert (j["parcel"] != "E").all()


def test_bad_inputs(squares: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    parcels, zones = squares
    with pytest.raises(CRSError, match="parcels have no CRS"):
        join_zones(parcels.set_crs(None, allow_override=True), zones)
    with pytest.raises(ValueError, match="unique index"):
        join_zones(pd.concat([parcels, parcels]), zones)
    with pytest.raises(ConfigError, match="no zones of kind"):
        join_zones(parcels, zones, kinds="村")
    with pytest.raises(TypeError):
        join_zones(parcels, 42)  # type: ignore[arg-type]


# -- sample data -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample() -> tuple[gpd.GeoDataFrame, object]:
    parcels = gpd.read_file(SAMPLE_PARCELS).set_index("parcel_id", drop=False)
    return parcels, read_zones(SAMPLE_TOML, crs=parcels.crs)


def test_sample_overlaps_equal_overlay_and_geod(sample: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zs = sample
    j = join_zones(parcels, zs)
    assert_matches_reference(j, reference(parcels, zs.zones), parcels)  # type: ignore[attr-defined]


def test_sample_reprojected_zones_equal_overlay(sample: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, _ = sample
    zs = read_zones(SAMPLE_TOML)  # EPSG:4490, as stored
    sub = parcels.iloc[::4]
    with pytest.warns(ZoneJoinWarning, match="densified to 20 m"):
        j = join_zones(sub, zs, kinds=["城", "带", "板块"])
    # the same zone curves in the parcels' CRS: densify in degrees (20 m), then reproject
    z = zs.zones[zs.zones["kind"].isin(["城", "带", "板块"])].copy()
    z["geometry"] = z.geometry.segmentize(20 / 111_320.0)
    assert_matches_reference(j, reference(sub, z.to_crs(sub.crs)), sub)


def test_sample_summary_totals_over_a_tiling_kind(sample: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zs = sample
    s = zone_summary(parcels, zs, by="status")
    total_geod = geod_areas(parcels.geometry).sum()
    for kind, part in s.groupby("kind"):
        assert part["area_m2"].sum() == pytest.approx(total_geod, rel=1e-6), kind
        assert part["parcels_share"].sum() == pytest.approx(len(parcels), rel=1e-9), kind
    towns = s[s["kind"] == "乡镇"]
    outside = towns[towns["zone_id"].isna()]["area_m2"].sum()
    assert outside < 1e-6 * total_geod  # every sample parcel lies within the 20 townships
    assert towns["area_m2"].sum() == pytest.approx(geodesic_area(parcels).sum(), rel=1e-7)
    # a status total equals the parcels of that status
    idle = parcels["status"] == "identified"
    got = towns[towns["status"] == "identified"]["area_m2"].sum()
    assert got == pytest.approx(geod_areas(parcels[idle].geometry).sum(), rel=1e-6)
    # primary township agrees with the township the sample generator wrote
    a = assign_zones(parcels, zs, kinds="乡镇")
    assert (a["zone_township"] == parcels["township"]).mean() > 0.98


# -- real land-use polygons (EULUC-China, 新吴区) ------------------------------------------------
def test_real_landuse_overlaps_equal_overlay_and_geod(realdata: Path) -> None:
    parcels = gpd.read_file(realdata / "xinwu_land_use.gpkg")
    x0, y0, x1, y1 = parcels.total_bounds
    xs, ys = np.linspace(x0 - 10, x1 + 10, 4), np.linspace(y0 - 10, y1 + 10, 4)
    rows = [
        {
            "zone_id": f"g{i}{k}",
            "name": f"网格{i}{k}",
            "kind": "grid",
            "geometry": box(xs[i], ys[k], xs[i + 1], ys[k + 1]),
        }
        for i in range(3)
        for k in range(3)
    ]
    diag = LineString([(x0, y0), (x1, y1)])
    cross = LineString([(x0, y1), (x1, y0)])
    rows += [
        {"zone_id": "b1", "name": "对角带", "kind": "带", "geometry": diag.buffer(800)},
        {"zone_id": "b2", "name": "交叉带", "kind": "带", "geometry": cross.buffer(500)},
        {"zone_id": "c", "name": "中心板块", "kind": "板块",
         "geometry": Point((x0 + x1) / 2, (y0 + y1) / 2).buffer(4000).difference(diag.buffer(300))},
    ]  # fmt: skip
    zs = zones_from_frame(gpd.GeoDataFrame(rows, crs=parcels.crs), plan="test")
    j = join_zones(parcels, zs)
    assert_matches_reference(j, reference(parcels, zs.zones), parcels)
    grid = j[j["kind"] == "grid"]
    assert grid["overlap_m2"].sum() == pytest.approx(geod_areas(parcels.geometry).sum(), rel=1e-6)
    assert grid["zone_id"].notna().all()  # the grid covers every parcel


def test_chunked_with_progress_equals_one_pass(sample: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zs = sample
    whole = join_zones(parcels, zs)
    chunked = join_zones(parcels, zs, chunk_size=300, progress=True)
    pd.testing.assert_frame_equal(chunked, whole)
    threaded = join_zones(parcels, zs, chunk_size=250, threads=2)
    pd.testing.assert_frame_equal(threaded, join_zones(parcels, zs, threads=1))
    with pytest.raises(ValueError, match="threads"):
        join_zones(parcels, zs, threads=0)


def test_import_stays_light() -> None:
    import subprocess
    import sys

    heavy = "('dask', 'distributed', 'tqdm')"
    code = f"import sys, landkit.zones; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_grid_prefilter_changes_nothing(
    sample: tuple[gpd.GeoDataFrame, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import landkit.zones._overlap as engine

    parcels, zs = sample
    with_grid = join_zones(parcels, zs)
    monkeypatch.setattr(engine, "_GRID_CELLS", 0)
    pd.testing.assert_frame_equal(join_zones(parcels, zs), with_grid)
    monkeypatch.setattr(engine, "_GRID_CELLS", 7)
    pd.testing.assert_frame_equal(join_zones(parcels, zs), with_grid)

"""`landkit map browse --fields` publishes exactly the chosen fields (a custom profile from the CLI)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from click.testing import CliRunner

from landkit.cli.main import cli


def test_fields_option_is_a_custom_profile(sample_dir: Path, tmp_path: Path) -> None:
    src = sample_dir / "parcels.gpkg"
    parcels = gpd.read_file(src)
    landuse = "城镇住宅用地"  # a land-use class name; parcel names drop the word 用地
    assert (parcels["landuse_name"] == landuse).any()
    assert not parcels["name"].str.contains(landuse).any()
    public, custom = tmp_path / "public.html", tmp_path / "custom.html"
    runner = CliRunner()
    for out, extra in ((public, []), (custom, ["--fields", "parcel_id,name,area_mu"])):
        res = runner.invoke(cli, ["map", "browse", str(src), "-o", str(out), "--basemap", "none", *extra])
        assert res.exit_code == 0, res.output
    public_html, custom_html = public.read_text(encoding="utf-8"), custom.read_text(encoding="utf-8")
    assert landuse in public_html
    assert landuse not in custom_html
    assert parcels["parcel_id"].iloc[0] in custom_html
    holder = parcels["holder"].dropna().iloc[0]
    assert holder not in public_html
    assert holder not in custom_html

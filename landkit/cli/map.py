"""``landkit map``: publish maps. ``landkit map browse`` writes the 淘宝式选地 page.

Examples
--------
::

    landkit map browse sample_data/parcels.gpkg -o land.html --basemap none \\
        --zones sample_data/zones/hongjiang.toml --base sample_data/hongjiang_base.gpkg
    landkit map browse sample_data/parcels.gpkg -o land.html --basemap none --panoramas \\
        --thumbnails sample_data/dem/hongjiang_dem_4546.tif
    landkit map browse sample_data/parcels.gpkg -o land_internal.html --profile internal \\
        --basemap tianditu --tianditu-token $TIANDITU_TOKEN
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
import geopandas as gpd

from ..errors import ConfigError
from .options import check_output, layer_option, overwrite_option, read_parcel_input

__all__ = ["command", "read_zone_layer"]

log = logging.getLogger(__name__)


def read_zone_layer(path: Path) -> gpd.GeoDataFrame:
    """Read zones from a zone-set config (``.toml``, via ``landkit.zones``) or a vector file.

    A vector file must have the columns ``name`` and ``kind`` (``zone_id`` is optional).
    """
    if path.suffix.lower() == ".toml":
        try:
            from ..zones import read_zones
        except ImportError as exc:
            raise ConfigError(f"{path.name}: zone configs need landkit.zones; pass a vector file") from exc
        zones: gpd.GeoDataFrame = read_zones(path).zones
        return zones
    frame = gpd.read_file(path)
    missing = [c for c in ("name", "kind") if c not in frame.columns]
    if missing:
        raise ConfigError(f"{path.name} lacks column(s) {', '.join(missing)}; zones need name and kind")
    return frame


@click.group(name="map")
def command() -> None:
    """Publish maps (淘宝式选地 browse pages)."""


@command.command(name="browse")
@click.argument("parcels", type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file.",
)
@layer_option
@click.option(
    "--profile",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="public: allow-listed fields only; internal: every field.",
)
@click.option(
    "--fields",
    default=None,
    help="Custom profile: comma-separated fields to publish (replaces --profile), e.g. parcel_id,name.",
)
@click.option(
    "--basemap",
    type=click.Choice(["tianditu", "gaode", "osm", "none"]),
    default="tianditu",
    show_default=True,
    help="Tile preset; none = no network request at all.",
)
@click.option(
    "--tianditu-token", envvar="TIANDITU_TOKEN", default=None, help="Tianditu key ($TIANDITU_TOKEN)."
)
@click.option(
    "--zones",
    "zones_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Zone config (.toml) or vector file with name, kind.",
)
@click.option(
    "--base",
    "base_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Base GeoPackage (roads, rivers, townships, exits, stations, town centres) drawn under the "
    "parcels; also gives each parcel its distances to the nearest exit, station and town centre.",
)
@click.option("--title", default=None, help="Page title.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--photo-root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for relative photo and panorama paths (default: the folder of PARCELS).",
)
@click.option(
    "--panoramas",
    is_flag=True,
    default=False,
    help="全景式看地: embed each parcel's 360° panorama (column panorama) with the bundled viewer.",
)
@click.option(
    "--thumbnails",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="DEM GeoTIFF (hillshade) or 8-bit RGB orthophoto GeoTIFF (clip): a thumbnail of each parcel's "
    "surroundings in its card. Repeat it: each parcel gets the first raster's thumbnail that covers it.",
)
@click.option(
    "--thumbnail-kind",
    type=click.Choice(["auto", "hillshade", "ortho"]),
    default="auto",
    show_default=True,
    help="Read the --thumbnails rasters by their bands (auto), as DEMs or as orthophotos.",
)
@click.option(
    "--units",
    "units_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Standard-factory unit register (Excel/CSV/GeoPackage, read_units): adds the 厂房 tab.",
)
@click.option("--units-as-of", default=None, help="Day the units' 招租状态 is taken on (default: today).")
@overwrite_option
def browse(
    parcels: Path,
    output: Path,
    layer: str | None,
    profile: str,
    fields: str | None,
    basemap: str,
    tianditu_token: str | None,
    zones_path: Path | None,
    base_path: Path | None,
    title: str | None,
    lang: str,
    photo_root: Path | None,
    panoramas: bool,
    thumbnails: tuple[Path, ...],
    thumbnail_kind: str,
    units_path: Path | None,
    units_as_of: str | None,
    overwrite: bool,
) -> None:
    """Write the 淘宝式选地 page for PARCELS to -o FILE.html (one self-contained file)."""
    from ..maps import write_browse_map

    check_output(output, overwrite=overwrite)
    frame = read_parcel_input(parcels, layer=layer)
    zones = read_zone_layer(zones_path) if zones_path is not None else None
    chosen: str | list[str] = [f.strip() for f in fields.split(",") if f.strip()] if fields else profile
    units = None
    if units_path is not None:
        from ..supply import read_units

        units = read_units(units_path)
    out = write_browse_map(
        frame,
        output,
        zones=zones,
        base_layers=base_path,
        profile=chosen,
        basemap=basemap,
        tianditu_token=tianditu_token,
        title=title,
        lang=lang,
        photo_root=photo_root if photo_root is not None else parcels.parent,
        panoramas=panoramas,
        thumbnails=list(thumbnails) or None,
        thumbnail_kind=thumbnail_kind,
        units=units,
        units_as_of=units_as_of,
        overwrite=overwrite,
    )
    log.info("wrote %s (%d parcels, profile %s)", out, len(frame), profile)
    click.echo(str(out))

"""``landkit raster``: per-parcel raster statistics, terrain facts and slope rasters.

Examples
--------
::

    landkit raster stats sample_data/parcels.gpkg sample_data/dem/hongjiang_dem_4546.tif -o dem_stats.csv
    landkit raster terrain sample_data/parcels.gpkg sample_data/dem/hongjiang_dem_4546.tif -o terrain.csv
    landkit raster slope sample_data/dem/hongjiang_dem_4546.tif -o slope.tif
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from .._atomic import atomic_path
from .._sheets import csv_text, write_csv, write_workbook
from ..errors import DataFormatError
from ..raster import STAT_LABELS, STATS, TERRAIN_COLUMNS, slope, terrain_stats, zonal_stats
from .options import check_output, layer_option, overwrite_option, read_parcel_input

__all__ = ["PROGRESS_THRESHOLD", "command", "write_results"]

log = logging.getLogger(__name__)

#: Inputs with more parcels than this get a progress bar on stderr.
PROGRESS_THRESHOLD = 20_000
_ID = "parcel_id"


@contextmanager
def _progress(n: int) -> Iterator[Callable[[int, int], None] | None]:
    if n <= PROGRESS_THRESHOLD:
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=n, unit="parcel", file=sys.stderr, desc="栅格统计") as bar:

        def update(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield update


def _labels(columns: pd.Index) -> dict[str, str]:
    out = {**STAT_LABELS, **TERRAIN_COLUMNS, _ID: "宗地代码"}
    for c in columns:
        if c.startswith("share_"):
            out[c] = f"类别{c.removeprefix('share_')}占比"
    return out


def write_results(
    parcels: gpd.GeoDataFrame, table: pd.DataFrame, path: Path | None, *, overwrite: bool
) -> None:
    """Write results: .gpkg (parcels plus result columns), .csv (UTF-8 BOM) / .xlsx with Chinese
    headers, or CSV on stdout when ``path`` is None."""
    ids = parcels[[_ID]] if _ID in parcels.columns else pd.DataFrame(index=parcels.index)
    if path is None:
        click.echo(csv_text(ids.join(table), index=_ID not in parcels.columns), nl=False)
        return
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".gpkg"):
        raise DataFormatError(f"cannot write {path.name}: use a .csv, .xlsx or .gpkg output")
    if suffix == ".gpkg":
        clash = [c for c in table.columns if c in parcels.columns]
        with atomic_path(path, overwrite=overwrite) as tmp:
            parcels.drop(columns=clash).join(table).to_file(tmp, layer="parcels", driver="GPKG")
    else:
        out = ids.join(table)
        out = out.rename(columns=_labels(out.columns))
        if suffix == ".csv":
            write_csv(path, out, overwrite=overwrite, index=_ID not in parcels.columns)
        else:
            write_workbook(path, {"栅格统计": out}, overwrite=overwrite, index=_ID not in parcels.columns)
    log.info("wrote %d rows to %s", len(table), path)


@click.group("raster")
def command() -> None:
    """栅格: elevation, slope and other grids summarised per parcel."""


_parcels_arg = click.argument("parcels", type=click.Path(exists=True, path_type=Path))
_threads_opt = click.option(
    "--threads", default=1, show_default=True, type=click.IntRange(min=1), help="Worker threads."
)
_out_opt = click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .csv, .xlsx or .gpkg (parcels with the new columns); CSV on stdout if omitted.",
)


def _stats_list(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(s.strip() for s in value.split(",") if s.strip())
    bad = [s for s in names if s not in STATS]
    if bad:
        raise click.BadParameter(f"unknown {bad}; choose from {', '.join(STATS)}")
    return names


@command.command("stats")
@_parcels_arg
@click.argument("raster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stats", callback=_stats_list, help="Comma-separated statistics (default mean,min,max).")
@click.option("--band", default=1, show_default=True, type=click.IntRange(min=1), help="Band number.")
@click.option("--categorical", is_flag=True, help="Classes: add the share of each class (share_<value>).")
@_threads_opt
@layer_option
@_out_opt
@overwrite_option
def stats_cmd(
    parcels: Path,
    raster: Path,
    stats: tuple[str, ...] | None,
    band: int,
    categorical: bool,
    threads: int,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Coverage-weighted statistics of RASTER for each parcel of PARCELS."""
    check_output(output, overwrite=overwrite)
    gdf = read_parcel_input(parcels, layer=layer)
    with _progress(len(gdf)) as progress:
        table = zonal_stats(
            gdf, raster, stats=stats, band=band, categorical=categorical, threads=threads, progress=progress
        )
    write_results(gdf, table, output, overwrite=overwrite)
    if output is not None:
        click.echo(f"{len(table)} parcels → {output}")


@command.command("terrain")
@_parcels_arg
@click.argument("dem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--steep-deg", type=float, default=None, help="Steep-slope limit in degrees (default 25).")
@_threads_opt
@layer_option
@_out_opt
@overwrite_option
def terrain_cmd(
    parcels: Path,
    dem: Path,
    steep_deg: float | None,
    threads: int,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Elevation, slope and steep share (地形) of each parcel of PARCELS from DEM."""
    check_output(output, overwrite=overwrite)
    gdf = read_parcel_input(parcels, layer=layer)
    with _progress(len(gdf)) as progress:
        table = terrain_stats(gdf, dem, steep_deg=steep_deg, threads=threads, progress=progress)
    write_results(gdf, table, output, overwrite=overwrite)
    if output is not None:
        click.echo(f"{len(table)} parcels → {output}")


@command.command("slope")
@click.argument("dem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--band", default=1, show_default=True, type=click.IntRange(min=1), help="Band number.")
@overwrite_option
def slope_cmd(dem: Path, output: Path, band: int, overwrite: bool) -> None:
    """Write the slope (degrees, float32 GeoTIFF) of DEM to OUTPUT."""
    check_output(output, overwrite=overwrite)
    slope(dem, out=output, band=band)
    click.echo(f"slope → {output}")

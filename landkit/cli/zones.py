"""``landkit zones``: join parcels to planning zones and summarise by zone.

Examples
--------
::

    landkit zones join sample_data/parcels.gpkg --zones sample_data/zones/hongjiang.toml -o join.csv
    landkit zones summary sample_data/parcels.gpkg --zones sample_data/zones/hongjiang.toml \\
        --by status -o summary.xlsx
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
import pandas as pd

from .._sheets import write_csv, write_workbook
from ..errors import DataFormatError
from ..schema import label
from ..zones import JOIN_LABELS, SUMMARY_LABELS, join_zones, read_zones, zone_summary
from .options import check_output, from_profile, layer_option, overwrite_option, read_parcel_input

__all__ = ["command", "write_table"]

log = logging.getLogger(__name__)

#: Inputs with more parcels than this get a progress bar on stderr.
PROGRESS_THRESHOLD = 50_000
_EXCEL_MAX_ROWS = 1_048_575


def write_table(table: pd.DataFrame, path: Path, *, labels: dict[str, str], overwrite: bool) -> None:
    """Write ``table`` with Chinese headers to .csv (UTF-8 with BOM) or .xlsx, atomically."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DataFormatError(f"cannot write {path.name}: use a .csv or .xlsx output")
    if suffix == ".xlsx" and len(table) > _EXCEL_MAX_ROWS:
        raise DataFormatError(f"{len(table)} rows do not fit in an Excel sheet; write a .csv instead")
    out = table.rename(columns={c: labels.get(c, label(c)) for c in table.columns})
    if suffix == ".csv":
        write_csv(path, out, overwrite=overwrite)
    else:
        write_workbook(path, {"分区统计": out}, overwrite=overwrite)
    log.info("wrote %d rows to %s", len(table), path)


@click.group("zones")
def command() -> None:
    """分区: join parcels to planning zones (两城两带四板块, 乡镇, 园区) and summarise by zone."""


_parcels_arg = click.argument("parcels", type=click.Path(exists=True, dir_okay=True, path_type=Path))
_zones_opt = click.option(
    "--zones",
    "zones_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Zone config (TOML); default: the county profile's [zones] config.",
)
_kind_opt = click.option("--kind", "kinds", multiple=True, help="Only this zone kind (repeatable).")
_out_opt = click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .csv or .xlsx.",
)


@command.command("join")
@_parcels_arg
@_zones_opt
@layer_option
@_kind_opt
@_out_opt
@overwrite_option
def join_cmd(
    parcels: Path,
    zones_path: Path | None,
    layer: str | None,
    kinds: tuple[str, ...],
    output: Path,
    overwrite: bool,
) -> None:
    """Write the long parcel × zone table (overlap 平方米/亩 and share) of PARCELS."""
    check_output(output, overwrite=overwrite)
    gdf = read_parcel_input(parcels, layer=layer, index_by_id=True)
    zones = read_zones(from_profile(zones_path, setting="zones", option="--zones"), crs=gdf.crs)
    table = join_zones(gdf, zones, kinds=kinds or None, progress=len(gdf) > PROGRESS_THRESHOLD)
    write_table(table, output, labels=JOIN_LABELS, overwrite=overwrite)
    click.echo(f"{len(table)} rows ({len(gdf)} parcels × {len(zones)} zones) → {output}")


@command.command("summary")
@_parcels_arg
@_zones_opt
@layer_option
@_kind_opt
@click.option("--by", "by", multiple=True, help="Also break down by this parcel column (e.g. status).")
@_out_opt
@overwrite_option
def summary_cmd(
    parcels: Path,
    zones_path: Path | None,
    layer: str | None,
    kinds: tuple[str, ...],
    by: tuple[str, ...],
    output: Path,
    overwrite: bool,
) -> None:
    """Write parcel count and area (亩, 公顷) per zone of PARCELS, apportioned by overlap share."""
    check_output(output, overwrite=overwrite)
    gdf = read_parcel_input(parcels, layer=layer, index_by_id=True)
    missing = [c for c in by if c not in gdf.columns]
    if missing:
        raise DataFormatError(f"{parcels.name} has no column(s) {', '.join(missing)} for --by")
    zones = read_zones(from_profile(zones_path, setting="zones", option="--zones"), crs=gdf.crs)
    table = zone_summary(
        gdf, zones, by=list(by) or None, kinds=kinds or None, progress=len(gdf) > PROGRESS_THRESHOLD
    )
    write_table(table, output, labels=SUMMARY_LABELS, overwrite=overwrite)
    click.echo(f"{len(table)} rows → {output}")

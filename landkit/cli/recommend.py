"""``landkit recommend``: 智能式推地 — rank parcels against an investor's demand.

Examples
--------
::

    landkit recommend sample_data/parcels.gpkg --demand sample_data/demand/new_materials_30_60mu.toml \\
        --zones sample_data/zones/hongjiang.toml -o shortlist.csv
    landkit recommend sample_data/parcels.gpkg --demand need.toml -o shortlist.gpkg   # feeds landkit map
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import click

from .._atomic import atomic_path
from .._sheets import csv_text, write_csv, write_workbook
from ..errors import DataFormatError
from ..recommend import RECOMMEND_COLUMNS, read_demand, recommend
from ..schema import STATUSES, label
from .options import check_output, layer_option, overwrite_option, read_table_input

__all__ = ["command"]

log = logging.getLogger(__name__)
_SHOWN = ("parcel_id", "name", "township", "landuse_name", "area_mu", "asking_price", "status", "contact")


@click.command("recommend")
@click.argument("parcels", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--demand",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Demand TOML (see sample_data/demand/).",
)
@click.option(
    "--zones",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Zone config TOML, used when the parcels carry no zone_* columns.",
)
@click.option("--top", type=click.IntRange(min=1), help="How many parcels (default: the demand's top).")
@click.option("--all", "keep_all", is_flag=True, help="Every parcel with pass/fail and the reason it failed.")
@layer_option
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Shortlist .csv, .xlsx or .gpkg (a .gpkg can feed `landkit map`); CSV on stdout if omitted.",
)
@overwrite_option
def command(
    parcels: Path,
    demand: Path,
    zones: Path | None,
    top: int | None,
    keep_all: bool,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """智能式推地: filter parcels on the demand's hard constraints, score preferences, explain."""
    check_output(output, overwrite=overwrite)
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx", ".gpkg"):
        raise DataFormatError(f"cannot write {output.name}: use a .csv, .xlsx or .gpkg output")
    need = read_demand(demand)
    if top is not None:
        need = dataclasses.replace(need, top=top)
    frame = read_table_input(parcels, layer=layer)
    shortlist = recommend(frame, need, zones=zones, keep_all=keep_all)
    log.info("%d parcel(s) on the shortlist for %s", len(shortlist), need.name)
    rec_cols = [c for c in RECOMMEND_COLUMNS if c in shortlist.columns]
    cols = [
        "rec_rank",
        *[c for c in _SHOWN if c in shortlist.columns],
        *[c for c in rec_cols if c != "rec_rank"],
    ]
    table = shortlist[cols]
    if output is None:
        click.echo(csv_text(table), nl=False)
        return
    suffix = output.suffix.lower()
    if suffix == ".gpkg":
        with atomic_path(output, overwrite=overwrite) as tmp:
            shortlist.to_file(tmp, layer="shortlist", driver="GPKG")
    else:
        shown = table.copy()
        shown.attrs = {}  # match() keeps its unjudged-criteria table there; pandas compares attrs on astype
        if "status" in shown:
            shown["status"] = shown["status"].map(lambda v: STATUSES.get(v, v))
        named = shown.rename(columns={c: RECOMMEND_COLUMNS.get(c, label(c)) for c in table.columns})
        if suffix == ".csv":
            write_csv(output, named, overwrite=overwrite)
        else:
            write_workbook(
                output,
                {
                    "推荐地块": named.astype(
                        {c: object for c in named.columns if str(named[c].dtype) in ("Int64", "boolean")}
                    )
                },
                overwrite=overwrite,
            )
    log.info("wrote %s", output)

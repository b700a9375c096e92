"""``landkit supply``: vacancy of factory units, demands matched to offers, the 二次招商 pipeline.

Examples
--------
::

    landkit supply vacancy sample_data/supply/units.xlsx --as-of 2024-12-31 -o vacancy.xlsx
    landkit supply match sample_data/supply/demands --parcels sample_data/parcels.gpkg \\
        --units sample_data/supply/units.xlsx --zones sample_data/zones/hongjiang.toml -o push.xlsx
    landkit supply pipeline out/ledger.gpkg --load sample_data/supply/events.csv --as-of 2024-12-31 -o funnel
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
import pandas as pd

from ..errors import DataFormatError
from .options import check_output, overwrite_option

__all__ = ["command"]

log = logging.getLogger(__name__)
_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("supply")
def command() -> None:
    """供需平台: 厂房空置, 需求匹配 (智能式推地), 二次招商进展."""


def _xlsx(output: Path, overwrite: bool) -> None:
    check_output(output, overwrite=overwrite)
    if output.suffix.lower() != ".xlsx":
        raise DataFormatError(f"cannot write {output.name}: use an .xlsx output")


@command.command("vacancy")
@click.argument("units", type=click.Path(exists=True, path_type=Path))
@click.option("--as-of", required=True, type=_DATE, help="Day the vacancy is taken on (YYYY-MM-DD).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=".xlsx")
@click.option(
    "--record", "ledger", help="Also append the units' state to this ledger (.gpkg or postgresql://)."
)
@click.option("--schema", default="public", show_default=True, help="PostGIS schema of --record.")
@overwrite_option
def vacancy_cmd(
    units: Path, as_of: object, output: Path, ledger: str | None, schema: str, overwrite: bool
) -> None:
    """空置厂房: vacant floor area and rate per building and park."""
    from .._sheets import write_workbook
    from ..supply import UNIT_STATES, VACANCY_COLUMNS, read_units, unit_state, vacancy

    _xlsx(output, overwrite)
    u = read_units(units)
    day = pd.Timestamp(as_of).date()  # type: ignore[arg-type]
    table = vacancy(u, as_of=day)
    table["level"] = table["level"].map({"building": "楼栋", "park": "园区"})
    state = unit_state(u, as_of=day).assign(state=lambda f: f["state"].map(UNIT_STATES))
    per_unit = pd.concat(
        [u[["unit_id", "park", "building", "floor", "unit_no", "floor_area_m2", "tenant"]], state], axis=1
    )
    write_workbook(
        output, {"空置汇总": table.rename(columns=VACANCY_COLUMNS), "单元状态": per_unit}, overwrite=overwrite
    )
    if ledger is not None:
        from ..supply import SpaceLedger

        n = SpaceLedger(ledger, schema=schema).record(u, as_of=day)
        log.info("recorded %d unit(s) on %s", n, day)
    park = table[table["level"] == "园区"]
    for row in park.itertuples(index=False):
        click.echo(f"{row.park}: 空置 {row.vacant_area_m2:,.0f} m², 空置率 {row.vacancy_rate:.1%}")


@command.command("match")
@click.argument("demands", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--parcels", type=click.Path(exists=True, path_type=Path), help="Parcels (any format landkit reads)."
)
@click.option("--units", type=click.Path(exists=True, path_type=Path), help="Unit register (.xlsx/.gpkg).")
@click.option(
    "--zones", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Zone config TOML."
)
@click.option("--as-of", type=_DATE, help="Day availability is judged on (default today).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Offers per demand.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=".xlsx")
@overwrite_option
def match_cmd(
    demands: Path,
    parcels: Path | None,
    units: Path | None,
    zones: Path | None,
    as_of: object,
    top: int,
    output: Path,
    overwrite: bool,
) -> None:
    """智能式推地: push lists per demand (为您推荐) and per offer, with reasons."""
    from ..supply import match, read_demands, read_units
    from ..supply.lists import write_match_workbook
    from .options import read_parcel_input

    _xlsx(output, overwrite)
    if parcels is None and units is None:
        raise click.UsageError("give --parcels and/or --units")
    ds = read_demands(demands)
    m = match(
        ds,
        parcels=read_parcel_input(parcels) if parcels else None,
        units=read_units(units) if units else None,
        zones=zones,
        as_of=pd.Timestamp(as_of).date() if as_of else None,  # type: ignore[arg-type]
        top=top,
    )
    for row in m.attrs["unjudged"].itertuples(index=False):
        log.warning(
            "需求 %s: 条件「%s」无法判断 %d 个供给", row.demand_id, row.criterion, row.offers_not_judged
        )
    write_match_workbook(m, output, overwrite=overwrite)
    click.echo(f"{len(ds)} 个需求, {len(m)} 条推荐")


@command.command("pipeline")
@click.argument("store")
@click.option(
    "--load", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Events CSV to append."
)
@click.option("--schema", default="public", show_default=True, help="PostGIS schema.")
@click.option("--as-of", required=True, type=_DATE, help="Day of the report.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report base name: writes <name>.xlsx and <name>.html.",
)
@overwrite_option
def pipeline_cmd(
    store: str, load: Path | None, schema: str, as_of: object, output: Path, overwrite: bool
) -> None:
    """二次招商: append events (optional) and write the funnel report (Excel + HTML)."""
    from ..supply.funnel import pipeline_report, write_pipeline_report
    from ..supply.pipeline import Pipeline

    for f in (output.with_suffix(".xlsx"), output.with_suffix(".html")):
        check_output(f, overwrite=overwrite)
    p = Pipeline(store, schema=schema)
    if load is not None:
        events = pd.read_csv(load, dtype=str, keep_default_na=False)
        for row in events.itertuples(index=False):
            p.add(
                row.offer_id,  # type: ignore
                row.lead,  # type: ignore
                row.stage,  # type: ignore
                row.date,  # type: ignore
                note=row.note or None,  # type: ignore
                industry=getattr(row, "industry", "") or None,
                source_firm=row.source_firm or None,  # type: ignore
            )
        log.info("appended %d event(s)", len(events))
    rep = pipeline_report(p, as_of=pd.Timestamp(as_of).date())  # type: ignore[arg-type]
    xlsx, page = write_pipeline_report(rep, output, overwrite=overwrite)
    click.echo(f"wrote {xlsx} and {page}")

"""``landkit indicators``: 批而未供, 供地率, the post-supply watchlist and the quarter's indicator report.

Examples
--------
::

    landkit indicators unsupplied sample_data/indicators/batches.gpkg sample_data/indicators/supplies.xlsx \\
        --parcels sample_data/parcels.gpkg --as-of 2024-12-31 -o out/批而未供.gpkg
    landkit indicators supply-rate BATCHES SUPPLIES --parcels PARCELS --as-of 2024-12-31 --fail-if-below
    landkit indicators watch SUPPLIES --parcels PARCELS --as-of 2024-12-31 --holidays H.toml -o watch.xlsx
    landkit indicators report BATCHES SUPPLIES --parcels PARCELS --as-of 2024-12-31 -o out/indicators
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pandas as pd

from .._atomic import atomic_path
from .._sheets import write_csv, write_workbook
from ..errors import DataFormatError
from .options import check_output, overwrite_option

__all__ = ["command"]

_inputs = [
    click.argument("batches", type=click.Path(exists=True, path_type=Path)),
    click.argument("supplies", type=click.Path(exists=True, path_type=Path)),
]
_as_of = click.option("--as-of", "as_of", required=True, help="Reporting day, YYYY-MM-DD.")
_parcels = click.option(
    "--parcels",
    type=click.Path(exists=True, path_type=Path),
    help="Parcel register: polygons for supply records (joined on 宗地代码) and 闲置/低效 status.",
)
_config = click.option(
    "--config",
    type=click.Path(exists=True, path_type=Path),
    help="Indicator settings TOML (threshold, window).",
)
_holidays = click.option(
    "--holidays", type=click.Path(exists=True, path_type=Path), help="Holiday calendar TOML for deadlines."
)
_fail = click.option(
    "--fail-if-below", "fail_if_below", is_flag=True, help="Exit 1 when the window 供地率 is below the floor."
)


def _apply(options: list[Any]) -> Any:
    def deco(fn: Any) -> Any:
        for opt in reversed(options):
            fn = opt(fn)
        return fn

    return deco


def _read(batches: Path | None, supplies: Path, parcels: Path | None) -> tuple[Any, Any, Any]:
    from ..indicators import read_batches, read_supplies
    from ..io import read_parcels

    register = read_parcels(parcels) if parcels is not None else None
    s = read_supplies(supplies, parcels=register)
    return (read_batches(batches) if batches is not None else None), s, register


def _write(table: pd.DataFrame, path: Path, *, sheet: str, overwrite: bool) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(path, {sheet: table}, overwrite=overwrite)
    elif suffix == ".csv":
        write_csv(path, table, overwrite=overwrite)
    elif suffix == ".gpkg" and isinstance(table, gpd.GeoDataFrame):
        with atomic_path(path, overwrite=overwrite) as tmp:
            table.to_file(tmp, layer=sheet, driver="GPKG")
    else:
        raise DataFormatError(f"cannot write {path.name}: use .xlsx or .csv (or .gpkg for 批而未供)")
    click.echo(f"wrote {path}")


def _check_rate(rate: Any, fail_if_below: bool) -> None:
    years = f"{rate.window[0]}–{rate.window[-1]}"
    line = f"近{len(rate.window)}年（{years}）平均供地率 {rate.rate:.1%}，考核线 {rate.threshold:.0%}"
    click.echo(line)
    if fail_if_below and rate.below:
        click.echo(f"landkit: 供地率低于考核线: {rate.rate:.1%} < {rate.threshold:.0%}", err=True)
        sys.exit(1)


@click.group("indicators")
def command() -> None:
    """批供用补查: 批而未供, 供地率, 供后监管 and the indicator report."""


@command.command("unsupplied")
@_apply([*_inputs, _as_of, _parcels])
@click.option("-o", "--output", type=click.Path(path_type=Path), help=".gpkg (with geometry), .xlsx or .csv")
@overwrite_option
def unsupplied_cmd(
    batches: Path, supplies: Path, as_of: str, parcels: Path | None, output: Path | None, overwrite: bool
) -> None:
    """批而未供 per approval batch: approved, supplied, unsupplied 亩 and the unsupplied geometry."""
    from ..indicators import UNSUPPLIED_LABELS, unsupplied
    from ..indicators._labels import to_chinese

    check_output(output, overwrite=overwrite)
    b, s, _ = _read(batches, supplies, parcels)
    result = unsupplied(b, s, as_of=as_of)
    click.echo(
        f"{len(result)} 个批次: 批准 {result['approved_mu'].sum():,.2f} 亩, "
        f"已供 {result['supplied_mu'].sum():,.2f} 亩, 批而未供 {result['unsupplied_mu'].sum():,.2f} 亩"
    )
    if output is not None:
        if output.suffix.lower() == ".gpkg":
            _write(result, output, sheet="unsupplied", overwrite=overwrite)
        else:
            _write(to_chinese(result, UNSUPPLIED_LABELS), output, sheet="批而未供", overwrite=overwrite)


@command.command("supply-rate")
@_apply([*_inputs, _as_of, _parcels, _config, _fail])
@click.option("--window", type=int, help="Approval-year cohorts in the window (default 5).")
def supply_rate_cmd(
    batches: Path,
    supplies: Path,
    as_of: str,
    parcels: Path | None,
    config: Path | None,
    fail_if_below: bool,
    window: int | None,
) -> None:
    """供地率 per approval-year cohort and the rolling window average against the floor."""
    from ..indicators import RATE_LABELS, supply_rate
    from ..indicators._labels import to_chinese

    b, s, _ = _read(batches, supplies, parcels)
    rate = supply_rate(b, s, as_of=as_of, window_years=window, config=config)
    click.echo(to_chinese(rate.table, RATE_LABELS).to_string(index=False, na_rep="合计"))
    _check_rate(rate, fail_if_below)


@command.command("watch")
@click.argument("supplies", type=click.Path(exists=True, path_type=Path))
@_apply([_as_of, _parcels, _holidays, _config])
@click.option("-o", "--output", type=click.Path(path_type=Path), help=".xlsx or .csv")
@overwrite_option
def watch_cmd(
    supplies: Path,
    as_of: str,
    parcels: Path | None,
    holidays: Path | None,
    config: Path | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """供后监管: one row per supply with its status and days overdue per milestone."""
    from ..indicators import WATCH_LABELS, post_supply_watch
    from ..indicators._labels import to_chinese

    check_output(output, overwrite=overwrite)
    _, s, register = _read(None, supplies, parcels)
    watch = post_supply_watch(s, as_of=as_of, holidays=holidays, parcels=register, config=config)
    click.echo(watch["watch_status"].value_counts().rename_axis("监管状态").rename("宗数").to_string())
    if output is not None:
        _write(to_chinese(watch, WATCH_LABELS), output, sheet="供后监管", overwrite=overwrite)


@command.command("report")
@_apply([*_inputs, _as_of, _parcels, _holidays, _config, _fail])
@click.option("--ledger", help="Clear-down ledger (.gpkg or postgresql://…) for the 闲置 disposal rate.")
@click.option(
    "-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder."
)
@overwrite_option
def report_cmd(
    batches: Path,
    supplies: Path,
    as_of: str,
    parcels: Path | None,
    holidays: Path | None,
    config: Path | None,
    fail_if_below: bool,
    ledger: str | None,
    output: Path,
    overwrite: bool,
) -> None:
    """Write 批供用指标.xlsx (cover + one sheet per indicator) and 批供用指标.html into OUTPUT."""
    from ..indicators import indicator_report, write_indicator_report
    from ..ledger import Ledger

    for name in ("批供用指标.xlsx", "批供用指标.html"):
        check_output(output / name, overwrite=overwrite)
    b, s, register = _read(batches, supplies, parcels)
    sources = {"审批批次": str(batches), "供地记录": str(supplies)}
    if parcels is not None:
        sources["宗地台账"] = str(parcels)
    rep = indicator_report(
        b,
        s,
        as_of=as_of,
        ledger=Ledger(ledger) if ledger else None,
        parcels=register,
        holidays=holidays,
        sources=sources,
        config=config,
    )
    xlsx, page = write_indicator_report(rep, output, overwrite=overwrite)
    click.echo(f"批而未供 {rep.unsupplied['unsupplied_mu'].sum():,.2f} 亩; wrote {xlsx} and {page}")
    _check_rate(rep.supply_rate, fail_if_below)

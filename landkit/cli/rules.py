"""``landkit rules``: idle land (53号令), procedure deadlines, low efficiency, per-mu grades.

Examples
--------
::

    landkit rules idle sample_data/parcels.gpkg --as-of 2024-12-31 -o idle.csv
    landkit rules deadlines events.csv --holidays sample_data/holidays/china_2024.toml -o deadlines.csv
    landkit rules efficiency sample_data/parcels.gpkg \\
        --criteria sample_data/criteria/hongjiang_2024_example.toml -o low_eff.gpkg
    landkit rules grade firms.csv --scheme sample_data/criteria/per_mu_2024_example.toml -o grades.xlsx
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path

import click
import pandas as pd

from .._atomic import atomic_path
from .._sheets import csv_text, write_csv, write_workbook
from ..errors import DataFormatError
from ..rules.efficiency import EFFICIENCY_COLUMNS, assess_efficiency
from ..rules.grading import GRADE_COLUMNS, grade_per_mu
from ..rules.idle import IDLE_COLUMNS, assess_idle
from ..rules.procedure import PROCEDURE_COLUMNS, procedure_deadlines
from ..schema import label
from .options import check_output, from_profile, layer_option, overwrite_option, read_table_input

__all__ = ["command", "write_table"]

log = logging.getLogger(__name__)
_ID_COLUMNS = ("parcel_id", "name")


def write_table(
    source: pd.DataFrame,
    result: pd.DataFrame,
    path: Path | None,
    *,
    labels: Mapping[str, str],
    overwrite: bool,
    sheet: str = "结果",
    keep: tuple[str, ...] = _ID_COLUMNS,
) -> None:
    """Write ``result`` beside the identifying columns of ``source``.

    ``.gpkg`` writes every source column plus the result (a GeoDataFrame source); ``.csv`` (UTF-8
    with BOM, for Excel) and ``.xlsx`` write identifiers plus results under Chinese headers; no
    path prints CSV on stdout.
    """
    ids = source[[c for c in keep if c in source.columns and c not in result.columns]]
    table = ids.join(result)
    if path is None:
        click.echo(csv_text(table), nl=False)
        return
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".gpkg"):
        raise DataFormatError(f"cannot write {path.name}: use a .csv, .xlsx or .gpkg output")
    if suffix == ".gpkg" and not hasattr(source, "geometry"):
        raise DataFormatError(f"cannot write {path.name}: the input has no geometry; use .csv or .xlsx")
    if suffix == ".gpkg":
        clash = [c for c in result.columns if c in source.columns]
        with atomic_path(path, overwrite=overwrite) as tmp:
            source.drop(columns=clash).join(result).to_file(tmp, layer="result", driver="GPKG")  # type: ignore[operator]
    else:
        named = table.rename(columns={c: labels.get(c, label(c)) for c in table.columns})
        if suffix == ".csv":
            write_csv(path, named, overwrite=overwrite)
        else:
            for c in named.columns:  # Excel cannot hold timezone-aware or nullable-extension oddities
                if isinstance(named[c].dtype, pd.BooleanDtype):
                    named[c] = named[c].astype(object)
            write_workbook(path, {sheet: named}, overwrite=overwrite)
    log.info("wrote %d rows to %s", len(table), path)


_out_opt = click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .csv, .xlsx or .gpkg; CSV on stdout if omitted.",
)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


@click.group("rules")
def command() -> None:
    """规则: idle land (53号令), deadlines, low efficiency, per-mu grades."""


@command.command("idle")
@click.argument("parcels", type=click.Path(exists=True, path_type=Path))
@click.option("--as-of", "as_of", required=True, callback=_date, help="Assessment date, YYYY-MM-DD.")
@click.option(
    "--holidays",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Holiday calendar TOML: period ends on rest days move to the next working day.",
)
@layer_option
@_out_opt
@overwrite_option
def idle_command(
    parcels: Path,
    as_of: dt.date,
    holidays: Path | None,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """闲置土地认定: which parcels are idle under 53号令, since when, fee or recovery, next step."""
    check_output(output, overwrite=overwrite)
    frame = read_table_input(parcels, layer=layer)
    result = assess_idle(frame, as_of=as_of, holidays=holidays)
    counts = result["idle_basis"].value_counts()
    log.info("idle: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    write_table(frame, result, output, labels=IDLE_COLUMNS, overwrite=overwrite, sheet="闲置土地认定")


@command.command("deadlines")
@click.argument("events", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--holidays",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Holiday calendar TOML (e.g. sample_data/holidays/china_2024.toml); default: the county profile's.",
)
@click.option("--event-column", default="event", show_default=True, help="Column naming the procedure event.")
@click.option("--date-column", default="date", show_default=True, help="Column with the date served.")
@_out_opt
@overwrite_option
def deadlines_command(
    events: Path,
    holidays: Path | None,
    event_column: str,
    date_column: str,
    output: Path | None,
    overwrite: bool,
) -> None:
    """程序期限: the 30-day windows of the idle-land procedure, moved past statutory holidays."""
    check_output(output, overwrite=overwrite)
    holidays = from_profile(holidays, setting="holidays", option="--holidays")
    frame = read_table_input(events)
    for col in (event_column, date_column):
        if col not in frame.columns:
            raise DataFormatError(
                f"{events.name} has no column {col!r}; name it with --event-column/--date-column"
            )
    result = procedure_deadlines(frame, holidays=holidays, event_column=event_column, date_column=date_column)
    keep = tuple(c for c in ("parcel_id", event_column, date_column) if c not in result.columns)
    write_table(
        frame, result, output, labels=PROCEDURE_COLUMNS, overwrite=overwrite, sheet="程序期限", keep=keep
    )


@command.command("efficiency")
@click.argument("parcels", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--criteria",
    default="national-2008",
    show_default=True,
    help="Criteria TOML (e.g. sample_data/criteria/hongjiang_2024_example.toml) or a bundled version name.",
)
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    help="Assessment date YYYY-MM-DD (default today); 烂尾 needs a year-long stop by then.",
)
@layer_option
@_out_opt
@overwrite_option
def efficiency_command(
    parcels: Path,
    criteria: str,
    as_of: dt.date | None,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """低效用地认定: low-efficiency industrial land with reasons and the criteria version."""
    check_output(output, overwrite=overwrite)
    frame = read_table_input(parcels, layer=layer)
    result = assess_efficiency(frame, criteria=criteria, as_of=as_of)
    log.info("low efficiency: %d of %d", int(result["low_efficiency"].fillna(False).sum()), len(result))
    write_table(frame, result, output, labels=EFFICIENCY_COLUMNS, overwrite=overwrite, sheet="低效用地认定")


@command.command("grade")
@click.argument("firms", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--scheme",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Grading scheme TOML (e.g. sample_data/criteria/per_mu_2024_example.toml).",
)
@click.option(
    "--firm-column",
    help="Column naming each row's firm (e.g. user_unit): rows are parcels, aggregated per firm first.",
)
@layer_option
@_out_opt
@overwrite_option
def grade_command(
    firms: Path,
    scheme: Path,
    firm_column: str | None,
    layer: str | None,
    output: Path | None,
    overwrite: bool,
) -> None:
    """亩均效益评价: A/B/C/D grades from a weighted per-mu score (one grade per firm)."""
    check_output(output, overwrite=overwrite)
    frame = read_table_input(firms, layer=layer)
    result = grade_per_mu(frame, scheme=scheme, firm_column=firm_column)
    keep: tuple[str, ...] = ("parcel_id", "user_unit", "name")
    if firm_column:
        frame = result.reset_index()[[firm_column]]
        result = result.reset_index(drop=True).assign(area_mu=lambda t: t["area_mu"].round(2))
        keep = (firm_column,)
    labels = {**GRADE_COLUMNS, "area_mu": "用地面积(亩)", "n_rows": "宗地数"}
    write_table(frame, result, output, labels=labels, overwrite=overwrite, sheet="亩均效益评价", keep=keep)

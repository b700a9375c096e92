"""``landkit case``: revitalisation routes and the case book of stalled (烂尾) and mortgaged (抵押) land.

Examples
--------
::

    landkit case options sample_data/cases/parcels_cases.gpkg \\
        --encumbrances sample_data/cases/encumbrances.xlsx --as-of 2024-06-30 -o out/route_options.xlsx
    landkit case open 431281101002GB00001 transfer_with_mortgage --book out/ledger.gpkg \\
        --lead 不动产登记中心 --opened 2024-02-04 --parcels sample_data/cases/parcels_cases.gpkg \\
        --encumbrances sample_data/cases/encumbrances.xlsx
    landkit case event 1 notify_mortgagee --date 2024-02-12 --book out/ledger.gpkg \\
        --doc-no 洪自然资〔2024〕185号
    landkit case report --book out/ledger.gpkg --as-of 2024-12-31 -o out/cases
    landkit case overdue --book out/ledger.gpkg --as-of 2024-12-31 --fail-if-overdue

``overdue --fail-if-overdue`` exits with :data:`EXIT_OVERDUE` (4) when any step is past its deadline,
so a scheduled run can alert; bad input exits with 2 and a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from ..errors import CaseError, DataFormatError
from .options import check_output, echo_table, overwrite_option

__all__ = ["EXIT_OVERDUE", "command"]

#: Exit code of ``case overdue --fail-if-overdue`` when a step is overdue.
EXIT_OVERDUE = 4


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _book(location: str, schema: str, routes: Path | None, holidays: Path | None, *, must_exist: bool) -> Any:
    from ..cases import CaseBook

    is_url = location.lower().startswith(("postgresql://", "postgres://", "postgis"))
    if must_exist and not is_url and not Path(location).exists():
        raise CaseError(f"case book {location} does not exist; open a case into it first")
    return CaseBook(location, schema=schema, routes=routes, holidays=holidays)


def _parcels(path: Path | None) -> Any:
    if path is None:
        return None
    from ..io import read_parcels

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading notes are in the validation report (landkit validate)
        return read_parcels(path)


def _encumbrances(path: Path | None) -> Any:
    if path is None:
        return None
    from ..cases import read_encumbrances

    return read_encumbrances(path)


_book_option = click.option(
    "--book", "book", required=True, help="Ledger .gpkg or postgresql:// URL holding the case book."
)
_schema_option = click.option("--schema", default="public", show_default=True, help="PostGIS schema.")
_routes_option = click.option(
    "--routes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Route catalogue TOML (default: packaged).",
)
_holidays_option = click.option(
    "--holidays", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Holiday calendar TOML."
)
_enc_option = click.option(
    "--encumbrances",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Encumbrance export (.xlsx/.csv/.gpkg).",
)


@click.group("case")
def command() -> None:
    """盘活案件: routes open for 烂尾/抵押 parcels, cases, events, reports."""


@command.command("options")
@click.argument("parcels", type=click.Path(exists=True, path_type=Path))
@_enc_option
@click.option(
    "--as-of", "as_of", required=True, callback=_date, help="Day the options are judged on (YYYY-MM-DD)."
)
@_routes_option
@_holidays_option
@click.option("--open-only", is_flag=True, help="Only the routes that are open.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=".xlsx or .csv (Chinese headers)."
)
@overwrite_option
def options_cmd(
    parcels: Path,
    encumbrances: Path | None,
    as_of: dt.date,
    routes: Path | None,
    holidays: Path | None,
    open_only: bool,
    output: Path | None,
    overwrite: bool,
) -> None:
    """List the revitalisation routes of each stalled/mortgaged parcel and what each still needs."""
    from ..cases import options_to_chinese, route_options

    check_output(output, overwrite=overwrite)
    if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
        raise DataFormatError(f"{output}: write .xlsx or .csv")
    opts = route_options(
        _parcels(parcels),
        encumbrances=_encumbrances(encumbrances),
        as_of=as_of,
        routes=routes,
        holidays=holidays,
    )
    if open_only:
        opts = opts[opts["open"]]
    table = options_to_chinese(opts)
    if output is None:
        echo_table(table)
    elif output.suffix.lower() == ".csv":
        from .._atomic import atomic_path

        with atomic_path(output, overwrite=overwrite, suffix=".csv") as tmp:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    else:
        from .._sheets import write_workbook

        write_workbook(output, {"盘活路径": table}, overwrite=overwrite)
    n_open = int(opts["open"].sum())
    click.echo(
        f"{opts['parcel_id'].nunique()} parcels, {len(opts)} parcel×route rows, {n_open} open", err=True
    )


@command.command("open")
@click.argument("parcel_id")
@click.argument("route")
@_book_option
@_schema_option
@click.option("--lead", required=True, help="Lead department (牵头部门).")
@click.option("--opened", required=True, callback=_date, help="Opening day (YYYY-MM-DD).")
@click.option(
    "--parcels",
    type=click.Path(exists=True, path_type=Path),
    help="Check the route's preconditions against this parcel layer.",
)
@_enc_option
@click.option("--note")
@_routes_option
def open_cmd(
    parcel_id: str,
    route: str,
    book: str,
    schema: str,
    lead: str,
    opened: dt.date,
    parcels: Path | None,
    encumbrances: Path | None,
    note: str | None,
    routes: Path | None,
) -> None:
    """Open a case: PARCEL_ID on ROUTE (prints the new case id)."""
    cb = _book(book, schema, routes, None, must_exist=False)
    cid = cb.open_case(
        parcel_id,
        route,
        lead=lead,
        opened=opened,
        note=note,
        parcels=_parcels(parcels),
        encumbrances=_encumbrances(encumbrances),
    )
    click.echo(cid)


@command.command("event")
@click.argument("case_id", type=int)
@click.argument("event")
@_book_option
@_schema_option
@click.option("--date", "date", required=True, callback=_date, help="Day the step was done (YYYY-MM-DD).")
@click.option("--doc-no", help="Document number (文号).")
@click.option("--department", help="Department that acted.")
@click.option("--note")
@click.option("--supersedes", type=int, help="event_id this event corrects (both are kept).")
def event_cmd(
    case_id: int,
    event: str,
    book: str,
    schema: str,
    date: dt.date,
    doc_no: str | None,
    department: str | None,
    note: str | None,
    supersedes: int | None,
) -> None:
    """Record EVENT (a step of the case, or withdrawn/void/note) for CASE_ID (prints the event id)."""
    cb = _book(book, schema, None, None, must_exist=True)
    click.echo(
        cb.add_event(
            case_id, event, date, doc_no=doc_no, department=department, note=note, supersedes=supersedes
        )
    )


@command.command("report")
@_book_option
@_schema_option
@click.option("--as-of", "as_of", required=True, callback=_date, help="Reporting day (YYYY-MM-DD).")
@click.option(
    "--stuck-days",
    type=int,
    default=90,
    show_default=True,
    help="Days in one step after which a case is stuck.",
)
@_holidays_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for case_report.xlsx and .html.",
)
@overwrite_option
def report_cmd(
    book: str,
    schema: str,
    as_of: dt.date,
    stuck_days: int,
    holidays: Path | None,
    output: Path,
    overwrite: bool,
) -> None:
    """Write the case report (Excel + HTML) and print the summary."""
    from ..cases import case_report, write_case_report
    from ..cases.report import to_chinese_table

    cb = _book(book, schema, None, holidays, must_exist=True)
    rep = case_report(cb, as_of=as_of, stuck_days=stuck_days)
    xlsx, page = write_case_report(rep, output, overwrite=overwrite)
    echo_table(to_chinese_table(rep.summary))
    click.echo(f"wrote {xlsx} and {page}", err=True)


@command.command("overdue")
@_book_option
@_schema_option
@click.option("--as-of", "as_of", required=True, callback=_date, help="Day to check (YYYY-MM-DD).")
@_holidays_option
@click.option("--fail-if-overdue", is_flag=True, help=f"Exit with {EXIT_OVERDUE} when any step is overdue.")
def overdue_cmd(book: str, schema: str, as_of: dt.date, holidays: Path | None, fail_if_overdue: bool) -> None:
    """List the cases whose current step is past its deadline."""
    from ..cases.report import to_chinese_table

    cb = _book(book, schema, None, holidays, must_exist=True)
    late = cb.overdue(as_of)
    cols = ["case_id", "parcel_id", "route_label", "current_label", "step_lead", "deadline", "days_overdue"]
    if late.empty:
        click.echo(f"no overdue step on {as_of}")
    else:
        echo_table(to_chinese_table(late[cols]))
    if fail_if_overdue and len(late):
        click.echo(f"landkit: {len(late)} overdue case(s) on {as_of}", err=True)
        sys.exit(EXIT_OVERDUE)

"""``landkit track``: record register snapshots and follow the clear-down (清零) from a script.

Examples
--------
::

    landkit track record sample_data/snapshots/register_2024-03-31.gpkg --as-of 2024-03-31 \\
        --ledger out/ledger.gpkg --source "县局季度台账"
    landkit track progress --ledger out/ledger.gpkg --baseline 2023-12-31 --target-date 2024-12-31 \\
        --zones sample_data/zones/hongjiang.toml --scope 洪江高新区 --fail-if-behind
    landkit track report --ledger out/ledger.gpkg -o out/report --zones sample_data/zones/hongjiang.toml \\
        --scope 洪江高新区

``progress --fail-if-behind`` exits with :data:`EXIT_BEHIND` (3) when the latest snapshot is
behind the plan line, so a cron job can alert; bad input exits with 2 and a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

import click
import geopandas as gpd

from ..errors import DataFormatError, LedgerError
from ..schema import CLEARED_STATUSES
from .options import check_output, layer_option, overwrite_option, read_parcel_input

__all__ = ["EXIT_BEHIND", "command"]

log = logging.getLogger(__name__)

#: Exit code of ``track progress --fail-if-behind`` when the clear-down is behind schedule.
EXIT_BEHIND = 3

_SUMMARY = {
    "baseline_mu": "基期(亩)",
    "new_mu": "新增(亩)",
    "cleared_mu": "已清零(亩)",
    "remaining_mu": "未清零(亩)",
    "disappeared_mu": "消失待核实(亩)",
    "outstanding_mu": "待清零(亩)",
    "plan_mu": "计划(亩)",
    "pct_cleared": "清零率%",
    "monthly_rate_needed_mu": "每月需清零(亩)",
    "reclassified_mu": "移出范围(亩)",
    "reconcile_mu": "核对差额(亩)",
    "on_track": "进度",
}


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _ledger(location: str) -> Any:
    from ..ledger import Ledger
    from ..ledger._dsn import is_database_location, redact_dsn

    if not is_database_location(location) and not Path(location).exists():
        shown = redact_dsn(location) if "@" in location or "=" in location else location
        raise LedgerError(f"ledger {shown} does not exist; record a snapshot into it first")
    return Ledger(location)


def _read_zones(path: Path | None, layer: str | None) -> Any:
    if path is None:
        return None
    if path.suffix.lower() == ".toml":
        from ..zones import read_zones

        return read_zones(path).zones
    try:
        return gpd.read_file(path, **({"layer": layer} if layer else {}))
    except Exception as exc:  # noqa: BLE001 - GDAL raises many types; report in one line
        raise DataFormatError(f"cannot read zones from {path}: {str(exc).splitlines()[0]}") from None


def _categories(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


ledger_option = click.option(
    "--ledger",
    "ledger",
    required=True,
    help=(
        "Ledger GeoPackage (.gpkg), or 'postgis' to read the database URL from $LANDKIT_PG_URL "
        "(a URL given here is visible in ps; put the password in PGPASSWORD or ~/.pgpass)."
    ),
)


def _progress_options(f: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--target",
                type=float,
                default=0.0,
                show_default=True,
                help="Area (亩) allowed at the deadline.",
            ),
            click.option(
                "--scope", help="Zone name (looked up in --zones) limiting the stock, e.g. 洪江高新区."
            ),
            click.option(
                "--zones",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="Zone set: a landkit zones .toml or a vector file (with --zones-layer).",
            ),
            click.option("--zones-layer", help="Layer of --zones when it is a vector file."),
            click.option("--zone-field", default="name", show_default=True, help="Zone name column."),
            click.option(
                "--categories",
                default="idle,low_efficiency",
                show_default=True,
                help="Categories making up the stock.",
            ),
            click.option(
                "--cleared-statuses",
                default=",".join(sorted(CLEARED_STATUSES)),
                show_default=True,
                help="Statuses counted as cleared.",
            ),
        ]
    ):
        f = option(f)
    return f


def _compute(ledger: Any, *, baseline: dt.date | None, target_date: dt.date | None, **kw: Any) -> Any:
    dates = ledger.dates()
    if not dates:
        raise LedgerError("the ledger holds no snapshot yet; run `landkit track record` first")
    baseline = baseline or dates[0]
    target_date = target_date or dt.date(dates[-1].year, 12, 31)
    zones = _read_zones(kw.pop("zones"), kw.pop("zones_layer"))
    if kw["scope"] is not None and zones is None:
        raise LedgerError("--scope names a zone: give the zone set with --zones")
    return ledger.progress(
        baseline=baseline,
        target_date=target_date,
        target=kw["target"],
        scope=kw["scope"],
        zones=zones,
        zone_field=kw["zone_field"],
        categories=_categories(kw["categories"]),
        cleared_statuses=_categories(kw["cleared_statuses"]),
    )


@click.group("track")
def command() -> None:
    """清零台账: record register snapshots, follow the clear-down, write reports."""


@command.command("record")
@click.argument("file", type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option(
    "--as-of", "as_of", required=True, callback=_date, help="Date the register describes (YYYY-MM-DD)."
)
@ledger_option
@click.option("--source", required=True, help="Where the register came from (office, letter number, file).")
@click.option("--note", help="Free text stored with the snapshot.")
@layer_option
@click.option("--revise", is_flag=True, help="Store a new version of an existing date (the old one is kept).")
@click.option("--allow-empty", is_flag=True, help="Record a register with no parcels (refused otherwise).")
def record(
    file: Path,
    as_of: dt.date,
    ledger: str,
    source: str,
    note: str | None,
    layer: str | None,
    revise: bool,
    allow_empty: bool,
) -> None:
    """Validate FILE and record it as the register of --as-of (nothing is written if refused)."""
    from ..ledger import Ledger

    parcels = read_parcel_input(file, layer=layer)
    rec = Ledger(ledger).record(
        parcels, as_of=as_of, source=source, note=note, revise=revise, allow_empty=allow_empty
    )
    click.echo(f"recorded {rec.as_of} version {rec.version}: {rec.n_parcels} parcels, {rec.area_mu:.2f} 亩")


@command.command("list")
@ledger_option
def list_snapshots(ledger: str) -> None:
    """List recorded snapshots (every version)."""
    cat = _ledger(ledger).snapshots()
    cat = cat.rename(
        columns={
            "as_of": "台账日期",
            "version": "版本",
            "source": "来源",
            "note": "备注",
            "recorded_at": "入账时间",
            "n_parcels": "宗数",
            "area_mu": "面积(亩)",
            "current": "现行",
        }
    )
    click.echo(cat.to_string(index=False))


@command.command("progress")
@ledger_option
@click.option("--baseline", callback=_date, help="Baseline date (default: the first snapshot).")
@click.option(
    "--target-date", "target_date", callback=_date, help="Deadline (default: 31 Dec of the last snapshot)."
)
@_progress_options
@click.option("--fail-if-behind", is_flag=True, help=f"Exit with code {EXIT_BEHIND} when behind schedule.")
def progress(
    ledger: str, baseline: dt.date | None, target_date: dt.date | None, fail_if_behind: bool, **kw: Any
) -> None:
    """Print clear-down progress per snapshot date; --fail-if-behind turns 'behind' into exit code 3."""
    result = _compute(_ledger(ledger), baseline=baseline, target_date=target_date, **kw)
    table = result.summary[list(_SUMMARY)].copy()
    table["on_track"] = table["on_track"].map({True: "正常", False: "滞后"})
    table = table.round(2).astype(object).where(table.notna(), "—")
    table = table.rename(columns=_SUMMARY).rename_axis("台账日期")
    s = result.settings
    click.echo(
        f"范围 {s['scope']} | 基期 {s['baseline']} | 目标 {s['target_date']} 剩余 {s['target_mu']:g} 亩 | "
        f"计为清零: {','.join(s['cleared_statuses'])}"
    )
    click.echo("核对: 基期 + 新增 = 已清零 + 未清零 + 移出范围 + 消失待核实（差额应为0；分割合并按沿革计）")
    click.echo(table.to_string())
    latest = result.latest
    if len(result.disappeared):
        click.echo(f"消失待核实 {len(result.disappeared)} 宗 (not counted as cleared)")
    if result.behind:
        msg = (
            f"behind schedule at {latest.name}: {latest['outstanding_mu']:.2f} 亩 outstanding, "
            f"plan {latest['plan_mu']:.2f} 亩"
        )
        if fail_if_behind:
            click.echo(f"landkit: {msg}", err=True)
            sys.exit(EXIT_BEHIND)
        log.warning(msg)


@command.command("changes")
@ledger_option
@click.argument("from_date", callback=_date)
@click.argument("to_date", callback=_date)
def changes(ledger: str, from_date: dt.date, to_date: dt.date) -> None:
    """Print what changed between two snapshot dates."""
    table = _ledger(ledger).changes(from_date, to_date)
    click.echo(table.to_string(index=False) if len(table) else "no change")


@command.command("report")
@ledger_option
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder.",
)
@click.option("--baseline", callback=_date, help="Baseline date (default: the first snapshot).")
@click.option(
    "--target-date", "target_date", callback=_date, help="Deadline (default: 31 Dec of the last snapshot)."
)
@_progress_options
@click.option("--title", default=None, help="Report title (default: <county>闲置低效用地清零进度).")
@overwrite_option
def report(
    ledger: str,
    output: Path,
    baseline: dt.date | None,
    target_date: dt.date | None,
    title: str | None,
    overwrite: bool,
    **kw: Any,
) -> None:
    """Write 清零进度.xlsx (one sheet per view) and 清零进度.html (burn-down chart) into OUTPUT."""
    from ..ledger import write_progress_excel, write_progress_html

    xlsx, page = output / "清零进度.xlsx", output / "清零进度.html"
    for path in (xlsx, page):
        check_output(path, overwrite=overwrite)
    lg = _ledger(ledger)
    result = _compute(lg, baseline=baseline, target_date=target_date, **kw)
    dates = lg.dates()
    diff = lg.changes(dates[-2], dates[-1]) if len(dates) > 1 else None
    write_progress_excel(result, xlsx, changes=diff, overwrite=overwrite)
    write_progress_html(result, page, title=title, overwrite=overwrite)
    click.echo(f"wrote {xlsx} and {page}")

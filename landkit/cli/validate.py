"""``landkit validate``: read parcel layers, validate them and write the report."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ..io import read_parcels
from ..validate import PROBLEMS, summarise, validate
from .options import check_output, layer_option, output_option, overwrite_option

__all__ = ["command", "write_report"]

_LABELS = {
    "source": "文件",
    "row": "行号",
    "parcel_id": "宗地代码",
    "field": "字段",
    "value": "原值",
    "problem": "问题代码",
    "problem_zh": "问题",
    "severity": "严重程度",
    "detail": "说明",
    "suggestion": "建议",
}


def write_report(report: pd.DataFrame, path: Path, /) -> Path:
    """Write a validation report (.xlsx with Chinese headers and a summary sheet, or .csv) atomically."""
    from .._sheets import write_csv, write_workbook

    table = report.copy()
    table.insert(
        list(table.columns).index("problem") + 1, "problem_zh", table["problem"].map(PROBLEMS).fillna("")
    )
    table["severity"] = table["severity"].map({"error": "错误", "warning": "警告", "info": "提示"})
    table = table.rename(columns=_LABELS)
    if path.suffix.lower() == ".csv":
        return write_csv(path, table, overwrite=True)
    summary = summarise(report).rename(
        columns={"severity": "严重程度", "problem": "问题代码", "count": "数量"}
    )
    return write_workbook(path, {"汇总": summary, "问题清单": table}, overwrite=True)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@layer_option
@click.option("--category", default=None, help="Category tag for every parcel: idle, low_efficiency, …")
@click.option("--crs", default=None, help="CRS of inputs that carry none, e.g. EPSG:4546.")
@click.option("--strict", is_flag=True, help="Exit non-zero (1) when any error is found.")
@output_option
@overwrite_option
def command(
    paths: tuple[Path, ...],
    layer: str | None,
    category: str | None,
    crs: str | None,
    strict: bool,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Read and validate parcel files; print a summary and write the full report (-o .xlsx/.csv)."""
    check_output(output, overwrite=overwrite)
    reports = []
    for p in paths:
        gdf = read_parcels(p, layer=layer, category=category, crs=crs)
        rep = validate(gdf)
        rep.insert(0, "source", p.name)
        reports.append(rep)
        n_err = int((rep["severity"] == "error").sum())
        n_warn = int((rep["severity"] == "warning").sum())
        click.echo(f"{p.name}: {len(gdf)} 宗, {gdf['area_mu'].sum():,.2f} 亩; 错误 {n_err}, 警告 {n_warn}")
    report = pd.concat(reports, ignore_index=True)
    summary = summarise(report)
    if len(summary):
        click.echo(summary.to_string(index=False))
    if output is not None:
        write_report(report, output)
        click.echo(f"report written to {output}")
    if strict and (report["severity"] == "error").any():
        raise SystemExit(1)

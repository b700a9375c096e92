"""``landkit init``: start a project for a county (starter ``landkit.toml`` and folders).

Example::

    landkit init 鹤城区项目 --code 431202 --boundary path/to/行政区.shp
"""

from __future__ import annotations

from pathlib import Path

import click

from ..project import FOLDERS, init_project
from .options import layer_option, overwrite_option

__all__ = ["command"]


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--code", required=True, help="The county's six-digit 行政区划代码, e.g. 431202.")
@click.option(
    "--boundary",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The bureau's 行政区 layer (county, its townships, or several counties with a code column).",
)
@click.option("--name", default=None, help="County name (default: from the layer's name column).")
@layer_option
@overwrite_option
def command(
    folder: Path, code: str, boundary: Path, name: str | None, layer: str | None, overwrite: bool
) -> None:
    """Write FOLDER/landkit.toml (county profile, Chinese comments) and data/, zones/, criteria/, out/."""
    path = init_project(folder, code=code, boundary=boundary, name=name, layer=layer, overwrite=overwrite)
    click.echo(f"县域配置已写入 {path}；文件夹：{'、'.join(f'{f}/' for f in FOLDERS)}")

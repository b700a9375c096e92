"""Options and helpers shared by the CLI subcommands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import OutputExistsError

__all__ = ["check_output", "echo_table", "output_option", "overwrite_option"]

output_option = click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=True, path_type=Path), help="Output path."
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace an existing output.")


def check_output(path: Path | None, *, overwrite: bool) -> None:
    """Refuse to replace an existing output unless ``--overwrite`` was given."""
    if path is not None and Path(path).exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass --overwrite to replace it")


def echo_table(rows: Any) -> None:
    """Print a DataFrame as plain text on stdout."""
    click.echo(rows.to_string())

"""``landkit sample``: (re)build the synthetic 洪江市 sample data set."""

from __future__ import annotations

from pathlib import Path

import click

from ..sample import build_sample

__all__ = ["command"]


@click.command("sample")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--parcels", "n_parcels", default=2000, show_default=True, help="Number of parcels.")
@click.option("--seed", default=431281, show_default=True, help="Random seed.")
@click.option("--overwrite", is_flag=True, help="Replace generated files.")
def command(folder: Path, n_parcels: int, seed: int, overwrite: bool) -> None:
    """Write the synthetic sample data set (deterministic) into FOLDER."""
    build_sample(folder, n_parcels=n_parcels, seed=seed, overwrite=overwrite)
    click.echo(f"sample data written to {folder}")

"""Options and helpers shared by the CLI subcommands.

Parcel input is declared and read the same way everywhere: decorate with :data:`layer_option`
and read with :func:`read_parcel_input` (a parcel layer) or :func:`read_table_input` (a plain
table such as firm figures or procedure events, or parcels when the file has geometry).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ConfigError, OutputExistsError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "check_output",
    "echo_table",
    "from_profile",
    "layer_option",
    "output_option",
    "overwrite_option",
    "read_parcel_input",
    "read_table_input",
]

output_option = click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=True, path_type=Path), help="Output path."
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace an existing output.")
#: ``--layer``: the layer (GeoPackage, File Geodatabase) or sheet (Excel) of the input to read.
layer_option = click.option("--layer", default=None, help="Layer or sheet of the input to read.")


def check_output(path: Path | None, *, overwrite: bool) -> None:
    """Refuse to replace an existing output unless ``--overwrite`` was given."""
    if path is not None and Path(path).exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass --overwrite to replace it")


def echo_table(rows: Any) -> None:
    """Print a DataFrame as plain text on stdout."""
    click.echo(rows.to_string())


def from_profile(value: Path | None, /, *, setting: str, option: str) -> Path:
    """``value`` if the option was given, else the county profile's ``setting`` (``zones``, ``holidays``).

    A one-line error names the option and the profile when neither gives a file.
    """
    if value is not None:
        return value
    from ..profile import current

    profile = current()
    found = getattr(profile, setting)
    paths = found if isinstance(found, tuple) else (found,) if found is not None else ()
    if len(paths) != 1 or not Path(paths[0]).exists():
        where = f"{profile.name} profile ({profile.source})"
        state = (
            "names several" if len(paths) > 1 else "has none" if not paths else f"names {paths[0]}, missing"
        )
        raise ConfigError(f"pass {option}: the {where} {state}")
    return Path(paths[0])


def read_parcel_input(
    path: Path, /, *, layer: str | None = None, index_by_id: bool = False
) -> gpd.GeoDataFrame:
    """Read parcels with :func:`landkit.io.read_parcels` (the current county profile's defaults).

    With ``index_by_id``, the result is indexed by ``parcel_id`` when every row has a unique one.
    """
    from ..io import read_parcels

    parcels = read_parcels(path, layer=layer)
    ids = parcels["parcel_id"] if "parcel_id" in parcels.columns else None
    if index_by_id and ids is not None and ids.notna().all() and ids.is_unique:
        parcels = parcels.set_index("parcel_id", drop=False)
        parcels.index.name = "parcel"
    return parcels


def read_table_input(path: Path, /, *, layer: str | None = None) -> pd.DataFrame:
    """A CSV (UTF-8 or GBK) or the first Excel sheet as a plain table; any other file as parcels.

    An Excel file with ``layer`` is read as a parcel ledger (geometry from WKT or X/Y columns).
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt") or (suffix in (".xlsx", ".xls") and layer is None):
        from .._tabular import read_plain_table

        return read_plain_table(path)
    return read_parcel_input(path, layer=layer)

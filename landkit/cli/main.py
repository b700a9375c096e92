"""Entry point of the ``landkit`` command.

Each subcommand lives in its own module of this package and exposes ``command`` (a click
command or group); :data:`SUBCOMMANDS` lists them. Commands parse arguments, call library
functions and print results or write ``-o PATH``; on bad input they exit non-zero with a
one-line reason.
"""

from __future__ import annotations

import importlib
import logging
import sys
import warnings
from typing import Any

import click

from .._version import __version__
from ..errors import LandkitError

__all__ = ["SUBCOMMANDS", "cli"]

#: Subcommand modules (``landkit.cli.<name>``), each exposing ``command``.
SUBCOMMANDS = ("validate", "sample", "zones", "map", "track", "rules", "recommend", "raster", "indicators")


class _Group(click.Group):
    """A click group that turns landkit errors into one-line messages and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LandkitError as exc:
            click.echo(f"landkit: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landkit")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """landkit: 闲置低效用地 — read, check, join, track and publish land parcels."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="landkit: %(levelname)s: %(message)s", stream=sys.stderr)

    def _show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not quiet:
            click.echo(f"landkit: warning: {message}", err=True)

    warnings.showwarning = _show


for _name in SUBCOMMANDS:
    try:
        _module = importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as _exc:  # a subcommand module not written yet
        if _exc.name != f"{__package__}.{_name}":
            raise
        continue
    cli.add_command(_module.command)

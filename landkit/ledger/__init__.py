"""The clear-down ledger (清零台账): snapshots of the register, history, progress, changes, reports.

``Ledger("ledger.gpkg")`` keeps every recorded version of the bureau's register in one
GeoPackage file; ``Ledger("postgresql://…")`` does the same in a PostGIS database for a team.
:meth:`Ledger.progress` tells how far the clear-down has come against a deadline and
:func:`write_progress_excel` / :func:`write_progress_html` turn the answer into a 台账 and a
report with a burn-down chart.
"""

from .changes import CHANGE_LABELS
from .core import Ledger, RecordedSnapshot
from .progress import STATE_LABELS, Progress
from .report import burndown_figure, write_progress_excel, write_progress_html

__all__ = [
    "CHANGE_LABELS",
    "STATE_LABELS",
    "Ledger",
    "Progress",
    "RecordedSnapshot",
    "burndown_figure",
    "write_progress_excel",
    "write_progress_html",
]

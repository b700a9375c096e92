"""批供用补查: the bureau's supply indicators along approval → supply → use.

* :func:`read_batches` / :func:`read_supplies` read approval batches and supply records with the
  parcel machinery (Chinese or pinyin headers, units, CRS).
* :func:`unsupplied` gives 批而未供 per batch (area and geometry), :func:`supply_rate` the 供地率
  per approval-year cohort and the rolling window average against the configured floor,
  :func:`post_supply_watch` the 供而未用 watchlist, :func:`disposal_rates` cohort disposal rates.
* :func:`indicator_report` computes all of them for one date; :func:`write_indicator_report`
  writes the workbook for the provincial return and an HTML summary.
"""

from ._config import load_settings
from .disposal import BASE_COHORT, DISPOSAL_LABELS, Disposal, disposal_rates
from .rates import RATE_LABELS, SupplyRate, supply_rate, window_years_of
from .read import BATCH_FIELDS, SUPPLY_FIELDS, SUPPLY_METHODS, read_batches, read_supplies
from .report import FORMULAS, IndicatorReport, indicator_report, write_indicator_report
from .unsupplied import UNSUPPLIED_LABELS, supply_pieces, unsupplied
from .watch import MILESTONES, WATCH_LABELS, WATCH_STATUSES, post_supply_watch

__all__ = [
    "BASE_COHORT",
    "BATCH_FIELDS",
    "DISPOSAL_LABELS",
    "FORMULAS",
    "MILESTONES",
    "RATE_LABELS",
    "SUPPLY_FIELDS",
    "SUPPLY_METHODS",
    "UNSUPPLIED_LABELS",
    "WATCH_LABELS",
    "WATCH_STATUSES",
    "Disposal",
    "IndicatorReport",
    "SupplyRate",
    "disposal_rates",
    "indicator_report",
    "load_settings",
    "post_supply_watch",
    "read_batches",
    "read_supplies",
    "supply_pieces",
    "supply_rate",
    "unsupplied",
    "window_years_of",
    "write_indicator_report",
]

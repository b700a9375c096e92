"""Case work: carry each stalled (烂尾) and mortgaged (抵押) parcel to revitalisation.

- :func:`read_encumbrances` — mortgages, seizures and leases from a registry export, validated;
- :func:`encumbrance_facts` — what encumbers each parcel on a day (active mortgages, secured debt,
  seizures, whether a transfer is blocked);
- :func:`read_routes` / :func:`route_options` — the route catalogue (data, with statutory basis) and
  which routes are open for each parcel, what is missing for the others;
- :class:`CaseBook` — cases and their events, append-only in the ledger's store, with step deadlines
  from the 民法典 period arithmetic and the holiday calendar;
- :func:`case_report` / :func:`write_case_report` — cases by route and department, stuck and overdue
  steps, cleared 亩 per month, as Excel and a self-contained HTML page.
"""

from .book import CaseBook
from .encumbrances import ENCUMBRANCE_PROBLEMS, encumbrance_report, match_encumbrances, read_encumbrances
from .facts import FACT_COLUMNS, encumbrance_facts
from .history import import_history
from .options import FACTS, OPTION_COLUMNS, route_options
from .report import (
    CaseReport,
    case_report,
    case_report_html,
    options_to_chinese,
    to_chinese_table,
    write_case_report,
)
from .routes import DEFAULT_ROUTES, RouteCatalogue, read_routes
from .state import CASE_STATE_COLUMNS, CASE_STATES, SPECIAL_EVENTS, case_states

__all__ = [
    "CASE_STATES",
    "CASE_STATE_COLUMNS",
    "DEFAULT_ROUTES",
    "ENCUMBRANCE_PROBLEMS",
    "FACTS",
    "FACT_COLUMNS",
    "OPTION_COLUMNS",
    "SPECIAL_EVENTS",
    "CaseBook",
    "CaseReport",
    "RouteCatalogue",
    "case_report",
    "case_report_html",
    "case_states",
    "encumbrance_facts",
    "encumbrance_report",
    "import_history",
    "match_encumbrances",
    "options_to_chinese",
    "read_encumbrances",
    "read_routes",
    "route_options",
    "to_chinese_table",
    "write_case_report",
]

"""The rules of the land: idle land (53号令), low efficiency, per-mu grading, period arithmetic.

- :func:`assess_idle` — is each parcel idle under 《闲置土地处置办法》 (国土资源部令第53号), since when,
  by whose cause, what fee or recovery applies and what comes next;
- :func:`procedure_deadlines` — the 30-day windows of the idle-land procedure, moved past holidays;
- :func:`enforcement_gate` — Art. 18: enforcement only after no 复议/诉讼 in time *and* non-performance;
- :func:`classify_cause` / :mod:`landkit.rules.causes` — Art. 8 causes from codes or free text;
- :func:`assess_efficiency` — low-efficiency industrial land under versioned criteria, with reasons;
- :func:`grade_per_mu` — 亩均效益评价 A/B/C/D grades from a scheme file;
- :mod:`landkit.rules.dates` — 民法典 arts. 201–203 period arithmetic and holiday calendars.

Statutory numbers and local criteria live in TOML files (``landkit/rules/statute_53.toml``,
``landkit/rules/criteria/``, ``sample_data/criteria/``), never in code.
"""

from .dates import HolidayCalendar, add_years, day_after_period, full_years, period_end, read_holidays
from .efficiency import EFFICIENCY_COLUMNS, REASONS, assess_efficiency, read_criteria
from .enforcement import ENFORCEMENT_COLUMNS, enforcement_gate
from .grading import GRADE_COLUMNS, grade_per_mu, read_scheme
from .idle import BASES, CAUSE_STATUSES, CAUSES, IDLE_COLUMNS, TRACKS, assess_idle, classify_cause
from .procedure import PROCEDURE_COLUMNS, procedure_deadlines, procedure_steps

__all__ = [
    "BASES",
    "CAUSES",
    "CAUSE_STATUSES",
    "EFFICIENCY_COLUMNS",
    "ENFORCEMENT_COLUMNS",
    "GRADE_COLUMNS",
    "IDLE_COLUMNS",
    "PROCEDURE_COLUMNS",
    "REASONS",
    "TRACKS",
    "HolidayCalendar",
    "add_years",
    "assess_efficiency",
    "assess_idle",
    "classify_cause",
    "day_after_period",
    "enforcement_gate",
    "full_years",
    "grade_per_mu",
    "period_end",
    "procedure_deadlines",
    "procedure_steps",
    "read_criteria",
    "read_holidays",
    "read_scheme",
]

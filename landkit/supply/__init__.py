"""供需平台: factory-unit supply, vacancy, 腾笼换鸟, investor demands matched many-to-many, 二次招商 pipeline.

Examples
--------
>>> from landkit.supply import read_units, vacancy
>>> v = vacancy(read_units("sample_data/supply/units.xlsx"), as_of="2024-12-31")
>>> bool((v["vacancy_rate"].between(0, 1)).all())
True
"""

from __future__ import annotations

from .demands import DEMAND_COLUMNS, Demand, check_zone_names, read_demand, read_demands
from .exits import EXIT_COLUMNS, exit_candidates, grade_tenants, supply_units
from .funnel import pipeline_report, write_pipeline_report
from .lists import offer_lists, push_lists, write_match_workbook
from .match import MATCH_COLUMNS, match
from .pipeline import STAGES, Pipeline
from .space_ledger import SpaceLedger
from .units import UNIT_COLUMNS, read_units
from .vacancy import UNIT_STATES, VACANCY_COLUMNS, unit_state, vacancy

__all__ = [
    "DEMAND_COLUMNS",
    "EXIT_COLUMNS",
    "MATCH_COLUMNS",
    "STAGES",
    "UNIT_COLUMNS",
    "UNIT_STATES",
    "VACANCY_COLUMNS",
    "Demand",
    "Pipeline",
    "SpaceLedger",
    "check_zone_names",
    "exit_candidates",
    "grade_tenants",
    "match",
    "offer_lists",
    "pipeline_report",
    "push_lists",
    "read_demand",
    "read_demands",
    "read_units",
    "supply_units",
    "unit_state",
    "vacancy",
    "write_match_workbook",
    "write_pipeline_report",
]

"""Subprocess worker for the case-book concurrency and crash tests (run as a script, not collected).

Usage::

    python case_worker.py LOCATION SCHEMA MODE N [GO_FILE READY_FILE]

MODE ``events:<case_id>``: record N ``note`` events on the case in one batch (logs "writing … case
event(s)" inside the transaction). MODE ``open:<parcel_id>``: open a case on that parcel and route
``judicial``. Prints ``ok`` or ``refused``.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pandas as pd

from landkit.cases import CaseBook
from landkit.errors import CaseError


def main() -> None:
    location, schema, mode, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    book = CaseBook(location, schema=schema)
    if len(sys.argv) > 6:
        go, ready = Path(sys.argv[5]), Path(sys.argv[6])
        ready.touch()
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.002)
    kind, arg = mode.split(":", 1)
    try:
        if kind == "events":
            frame = pd.DataFrame(
                {
                    "case_id": int(arg),
                    "event": "note",
                    "date": "2024-05-01",
                    "note": [f"n{k}" for k in range(n)],
                }
            )
            book.add_events(frame)
        else:
            book.open_case(arg, "judicial", lead="法院", opened="2024-03-01")
    except CaseError:
        sys.stdout.write("refused\n")
        return
    sys.stdout.write("ok\n")


if __name__ == "__main__":
    main()

"""Subprocess worker for the ledger concurrency and crash tests (run as a script, not collected).

Usage::

    python ledger_worker.py LOCATION SCHEMA AS_OF N_PARCELS [GO_FILE READY_FILE]

Builds a register of N_PARCELS squares, optionally signals READY_FILE and waits for GO_FILE
(so two workers start writing together), records it and prints ``ok`` or ``exists``.
Logging goes to stderr at INFO level (the crash test waits for "writing snapshot").
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landkit.errors import SnapshotExistsError
from landkit.ledger import Ledger


def main() -> None:
    location, schema, as_of, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    i = np.arange(n)
    x = 380_000 + (i % 300) * 200.0
    y = 3_000_000 + (i // 300) * 200.0
    reg = gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{k:07d}" for k in i],
            "status": np.where(i % 3 == 0, "revitalized", "identified"),
            "categories": np.where(i % 2 == 0, "idle", "low_efficiency"),
            "responsible_unit": "U",
        },
        geometry=shapely.box(x, y, x + 100, y + 100),
        crs=4546,
    )
    ledger = Ledger(location, schema=schema)
    if len(sys.argv) > 6:
        go, ready = Path(sys.argv[5]), Path(sys.argv[6])
        ready.touch()
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.002)
    try:
        ledger.record(reg, as_of=as_of, source=f"worker {as_of}")
    except SnapshotExistsError:
        sys.stdout.write("exists\n")
        return
    sys.stdout.write("ok\n")


if __name__ == "__main__":
    main()

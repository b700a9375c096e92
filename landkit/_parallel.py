"""Run a vectorised shapely function over large arrays in threads.

shapely's vectorised functions release the GIL, so splitting a large array into one slice per core
makes them scale with the cores. Small arrays run in the calling thread. Results are the same as
one call on the whole array.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import shapely

__all__ = ["PARALLEL_MIN", "WORKER_PREFIX", "box_pairs", "in_worker", "threaded"]

#: Below this many elements the threads cost more than they save.
PARALLEL_MIN = 20_000
#: Name prefix of landkit's worker threads: work started inside one runs in it, not in more threads
#: (the cores are already busy, and nested pools only add switching).
WORKER_PREFIX = "landkit-worker"


def in_worker() -> bool:
    """Whether the calling thread is one of landkit's workers."""
    return threading.current_thread().name.startswith(WORKER_PREFIX)


def threaded(
    fn: Callable[..., Any],
    /,
    *arrays: np.ndarray,
    threads: int | None = None,
    min_size: int = PARALLEL_MIN,
    **kwargs: Any,
) -> Any:
    """``fn(*arrays, **kwargs)`` computed slice by slice in threads, concatenated.

    ``fn`` must work element-wise along the first axis (shapely predicates, set operations,
    measurements). The arrays must have the same length. Below ``min_size`` elements (lower it for
    costly operations such as unions) it runs in the calling thread.

    Examples
    --------
    >>> import shapely
    >>> pts = shapely.points(np.arange(50_000.0), np.zeros(50_000))
    >>> bool((threaded(shapely.get_x, pts, threads=2) == np.arange(50_000.0)).all())
    True
    """
    n = len(arrays[0])
    workers = min(4, os.cpu_count() or 1) if threads is None else threads
    if workers < 2 or n < max(min_size, 2) or in_worker():
        return fn(*arrays, **kwargs)
    edges = np.linspace(0, n, workers + 1).astype(int)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=WORKER_PREFIX) as pool:
        parts = list(
            pool.map(lambda k: fn(*(a[edges[k] : edges[k + 1]] for a in arrays), **kwargs), range(workers))
        )
    return np.concatenate(parts)


def box_pairs(geoms: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``i < j`` of the geometries whose bounding boxes meet (an STRtree queried in threads).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> i, j = box_pairs(np.array([box(0, 0, 1, 1), box(1, 1, 2, 2), box(5, 5, 6, 6)]))
    >>> i.tolist(), j.tolist()
    ([0], [1])
    """
    tree = shapely.STRtree(geoms)

    def pairs(part: np.ndarray) -> np.ndarray:
        q, t = tree.query(geoms[part])
        return np.column_stack([part[q], t])

    found = threaded(pairs, np.arange(len(geoms)))
    found = found[found[:, 0] < found[:, 1]]
    return found[:, 0], found[:, 1]

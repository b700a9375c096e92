"""The :class:`Ledger`: an append-only store of register snapshots (GeoPackage or PostGIS)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from ..errors import LedgerError
from ..schema import CATEGORIES, CLEARED_STATUSES, STATUSES
from ..units import MU_M2
from ._columns import decode, stack
from ._dsn import database_label, is_database_location
from ._prepare import parse_date, prepare_snapshot, rows_to_frame
from ._store import CRSChangedError, Store, redact_url
from .changes import compute_changes
from .history import lineage_frame, parcel_history, parents_map
from .progress import Progress, compute_progress
from .scope import points_in, resolve_scope, zone_pairs

__all__ = ["Ledger", "RecordedSnapshot"]

log = logging.getLogger(__name__)

_PROGRESS_COLUMNS = [
    "parcel_id",
    "status",
    "categories",
    "area_m2",
    "previous_ids",
    "responsible_unit",
    "township",
]


@dataclass(frozen=True)
class RecordedSnapshot:
    """What :meth:`Ledger.record` stored."""

    as_of: dt.date
    version: int
    n_parcels: int
    area_mu: float


def _refuse_future_or_empty(day: dt.date, parcels: pd.DataFrame, /, *, allow_empty: bool) -> None:
    """A snapshot is permanent: refuse a date after today and an unintended empty register."""
    today = dt.date.today()
    if day > today:
        raise LedgerError(
            f"as_of {day} is after today ({today}); a register can only describe a day that has come"
            " — check the date"
        )
    if len(parcels) == 0 and not allow_empty:
        raise LedgerError(
            "the register has no parcels; check the file, layer and filter, or pass allow_empty=True "
            "(--allow-empty) if an empty snapshot is meant"
        )


class Ledger:
    """An append-only ledger of register snapshots (台账快照) with history and progress.

    Parameters
    ----------
    location : str or path
        A GeoPackage file (created when missing) or a PostgreSQL connection string in any
        form libpq accepts (``postgresql://user@host:port/db``, ``host=… dbname=…``,
        ``service=name``). ``"postgis"`` takes it from the ``LANDKIT_PG_URL`` environment
        variable. Pass the password through ``PGPASSWORD``, ``~/.pgpass`` or a service file
        rather than in the string; it is redacted everywhere landkit shows the location
        (:attr:`label`, the name used in reports, shows the database only).
    schema : str
        PostGIS only: the database schema holding the ledger tables (created when missing).

    Attributes
    ----------
    backend : {"gpkg", "postgis"}
        Where the snapshots are stored.
    label : str
        How reports name the ledger: the file path, or ``PostgreSQL 数据库 <db>`` (no host, user
        or password) and the schema when it is not ``public``.

    Notes
    -----
    Snapshots are only ever added: :meth:`record` refuses an existing date unless
    ``revise=True``, which stores a new *version* and keeps the old one as history. Reading
    methods use the latest version of each date unless told otherwise.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> reg = gpd.GeoDataFrame(
    ...     {"parcel_id": ["A"], "status": ["identified"], "categories": ["idle"]},
    ...     geometry=[box(400000, 3000000, 400100, 3000100)], crs=4546)
    >>> import tempfile, pathlib
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> ledger.record(reg, as_of="2024-03-31", source="县局台账").version
    1
    >>> [d.isoformat() for d in ledger.dates()]
    ['2024-03-31']
    """

    def __init__(self, location: str | os.PathLike[str], /, *, schema: str = "public") -> None:
        self._store: Store
        if isinstance(location, str) and is_database_location(location):
            from ._postgis import PostgisStore, resolve_url

            self.backend: Literal["gpkg", "postgis"] = "postgis"
            url = resolve_url(location)
            self._location = redact_url(url)
            self.label = database_label(url) + (f" (schema {schema})" if schema != "public" else "")
            self._store = PostgisStore(url, schema=schema)
        else:
            from ._gpkg import GpkgStore

            path = Path(location)
            if path.suffix.lower() != ".gpkg":
                shown = redact_url(str(location)) if "=" in str(location) or "@" in str(location) else path
                raise LedgerError(f"{shown}: a ledger file must end in .gpkg (or give a postgresql:// URL)")
            self.backend = "gpkg"
            self._location = str(path)
            self.label = str(path)
            self._store = GpkgStore(path)

    def __repr__(self) -> str:
        return f"Ledger({self._location!r}, backend={self.backend!r})"

    # -- catalogue -------------------------------------------------------------------------
    @property
    def crs(self) -> pyproj.CRS | None:
        """CRS of the stored geometries (that of the first snapshot), or None when empty."""
        return self._store.crs()

    def snapshots(self) -> pd.DataFrame:
        """Every recorded version: ``as_of``, ``version``, ``source``, ``note``, ``recorded_at``,
        ``n_parcels``, ``area_mu`` and ``current`` (the latest version of its date).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> Ledger(pathlib.Path(tempfile.mkdtemp()) / "l.gpkg").snapshots().empty
        True
        """
        cat = self._store.snapshots()
        cat["as_of"] = cat["as_of"].map(lambda v: parse_date(str(v)))
        cat["area_mu"] = cat["area_m2"].astype(float) / MU_M2
        cat["current"] = cat["version"] == cat.groupby("as_of")["version"].transform("max")
        return cat[["as_of", "version", "source", "note", "recorded_at", "n_parcels", "area_mu", "current"]]

    def dates(self) -> list[dt.date]:
        """Snapshot dates, oldest first."""
        return sorted(set(self.snapshots()["as_of"]))

    def _current(self) -> pd.DataFrame:
        cat = self._store.snapshots()
        if cat.empty:
            return cat
        cat["as_of"] = cat["as_of"].map(lambda v: parse_date(str(v)))
        return cat.sort_values("version").groupby("as_of").tail(1).sort_values("as_of")

    def _pick(self, as_of: object | None, version: int | None) -> pd.Series:
        cat = self._store.snapshots()
        if cat.empty:
            raise LedgerError(f"{self._location} holds no snapshot yet; record one first")
        cat["as_of"] = cat["as_of"].map(lambda v: parse_date(str(v)))
        day = cat["as_of"].max() if as_of is None else parse_date(as_of, what="as_of")
        sub = cat[cat["as_of"] == day]
        if version is not None:
            sub = sub[sub["version"] == version]
        if sub.empty:
            what = f"{day}" + (f" version {version}" if version is not None else "")
            raise LedgerError(
                f"no snapshot as of {what}; recorded dates: {', '.join(map(str, sorted(set(cat['as_of']))))}"
            )
        return sub.sort_values("version").iloc[-1]

    # -- writing ---------------------------------------------------------------------------
    def record(
        self,
        parcels: gpd.GeoDataFrame,
        /,
        *,
        as_of: str | dt.date,
        source: str,
        note: str | None = None,
        revise: bool = False,
        validate: bool = True,
        allow_empty: bool = False,
    ) -> RecordedSnapshot:
        """Validate a register and store it as the snapshot of ``as_of``, atomically.

        Parameters
        ----------
        parcels : GeoDataFrame
            The register in canonical fields; ``parcel_id``, ``status``, ``categories`` and a
            geometry are required, every other column is kept.
        as_of : str or date
            The date the register describes (``YYYY-MM-DD``); a date after today is refused,
            since a snapshot is recorded for good.
        source : str
            Where it came from (file name, office, letter number).
        note : str, optional
            Free text stored beside the snapshot.
        revise : bool
            Store a new version of an existing date; the old version stays as history.
        validate : bool
            Run :func:`landkit.validate` as well and refuse the register on any error it
            finds (warnings are logged). The ledger's own checks (required fields, unique
            ids, known statuses and categories, geometry, CRS) always run.
        allow_empty : bool
            Record a register with no parcels. Refused by default: an empty register is far more
            often a wrong file or filter than a county with nothing left to track.

        Returns
        -------
        RecordedSnapshot

        Raises
        ------
        ValidationError
            If the register is refused (nothing is written).
        LedgerError
            If ``as_of`` is after today, or the register is empty and ``allow_empty`` is False.
        SnapshotExistsError
            If ``as_of`` is recorded and ``revise`` is False.
        """
        day = parse_date(as_of, what="as_of")
        _refuse_future_or_empty(day, parcels, allow_empty=allow_empty)
        if not str(source).strip():
            raise LedgerError("a snapshot needs a source (file name, office or letter number)")
        for _ in range(3):
            prepared = prepare_snapshot(parcels, crs=self._store.crs(), full_validation=validate)
            validate = False  # checked once; a retry only re-projects
            try:
                self._store.insert(prepared, as_of=day, source=str(source), note=note, revise=revise)
            except CRSChangedError:
                continue
            row = self._pick(day, None)
            log.info("recorded %s version %d: %d parcels", day, row["version"], len(prepared.rows))
            return RecordedSnapshot(
                as_of=day,
                version=int(row["version"]),
                n_parcels=len(prepared.rows),
                area_mu=float(np.nansum(prepared.rows["area_m2"])) / MU_M2,
            )
        raise LedgerError("the ledger CRS kept changing while recording; try again")

    # -- reading ---------------------------------------------------------------------------
    def snapshot(
        self, as_of: str | dt.date | None = None, /, *, version: int | None = None
    ) -> gpd.GeoDataFrame:
        """The register as recorded for ``as_of`` (latest date and version by default).

        Columns are the stored canonical fields, the other columns of the register and
        ``area_m2`` (geodesic, computed when recorded); geometries are in :attr:`crs`.
        """
        row = self._pick(as_of, version)
        frame, geoms = self._store.read_snapshot(int(row["snapshot_id"]))
        kinds = json.loads(row["extra_kinds"]) if row["extra_kinds"] else {}
        crs = self._store.crs()
        assert crs is not None
        return rows_to_frame(frame, geoms, crs=crs, extra_kinds=kinds)

    def _rows(
        self, columns: list[str], *, since: dt.date | None = None, until: dt.date | None = None
    ) -> pd.DataFrame:
        cur = self._current()
        if cur.empty:
            raise LedgerError(f"{self._location} holds no snapshot yet; record one first")
        if since is not None:
            cur = cur[cur["as_of"] >= since]
        if until is not None:
            cur = cur[cur["as_of"] <= until]
        rows = self._store.read_rows(cur["snapshot_id"].tolist(), columns=columns)
        day_of = dict(zip(cur["snapshot_id"].astype(int), cur["as_of"], strict=True))
        rows.insert(0, "as_of", rows["snapshot_id"].astype(int).map(day_of))
        return rows

    def history(self, parcel_id: str, /) -> pd.DataFrame:
        """One parcel through every snapshot (status, categories, disposal, area changes).

        See :func:`landkit.ledger.history.parcel_history`; ancestors and descendants are in
        :meth:`lineage`.
        """
        rows = self._rows(
            [
                "parcel_id",
                "status",
                "categories",
                "disposal_method",
                "responsible_unit",
                "previous_ids",
                "area_m2",
                "rep_x",
                "rep_y",
            ]
        )
        return parcel_history(rows, parcel_id)

    def lineage(self, parcel_id: str, /) -> pd.DataFrame:
        """Ancestors and descendants of a parcel through splits and merges (``previous_ids``)."""
        return lineage_frame(parcel_id, parents_map(self._rows(["parcel_id", "previous_ids"])))

    def progress(
        self,
        *,
        baseline: str | dt.date,
        target_date: str | dt.date,
        target: float = 0.0,
        scope: Any = None,
        categories: Iterable[str] = ("idle", "low_efficiency"),
        cleared_statuses: Iterable[str] = CLEARED_STATUSES,
        zones: Any = None,
        zone_field: str = "name",
    ) -> Progress:
        """Clear-down progress per snapshot date since ``baseline`` (清零进度).

        Parameters
        ----------
        baseline : str or date
            Baseline date; the latest snapshot on or before it is the baseline snapshot.
        target_date : str or date
            Deadline (e.g. ``2024-12-31``).
        target : float
            Outstanding area in 亩 allowed at the deadline (0 = 清零).
        scope : None, str, shapely geometry, GeoSeries or GeoDataFrame
            Only parcels whose representative point lies inside: a polygon (in the ledger CRS,
            or a GeoSeries/GeoDataFrame with a CRS) or a zone name looked up in ``zones``.
        categories : iterable of str
            Category tags that make up the stock (see :data:`landkit.schema.CATEGORIES`).
        cleared_statuses : iterable of str
            Statuses that count as cleared (default :data:`landkit.schema.CLEARED_STATUSES`).
        zones : GeoDataFrame, ZoneSet or str, optional
            Breakdown by zone: a zone GeoDataFrame or :class:`landkit.zones.ZoneSet` (named by
            ``zone_field``; zones may overlap,
            a parcel counts in each zone holding its representative point) or a stored column
            name (``"township"``).
        zone_field : str
            Name column of ``zones``.

        Returns
        -------
        Progress
            Summary per date, by zone, by responsible unit, parcel states, disappeared parcels.

        Raises
        ------
        LedgerError
            If no snapshot exists on or before ``baseline`` or ``target_date`` is not after it.
        """
        if not isinstance(zones, str | gpd.GeoDataFrame | None) and isinstance(
            getattr(zones, "zones", None), gpd.GeoDataFrame
        ):
            zones = zones.zones  # a landkit.zones.ZoneSet
        base_day = parse_date(baseline, what="baseline")
        deadline = parse_date(target_date, what="target_date")
        cats = tuple(categories)
        bad = [c for c in cats if c not in CATEGORIES]
        if bad:
            raise LedgerError(f"unknown categories: {', '.join(bad)}")
        cleared = frozenset(cleared_statuses)
        unknown = sorted(cleared - set(STATUSES))
        if unknown:
            raise LedgerError(
                f"unknown cleared statuses: {', '.join(unknown)}; use keys of landkit.schema.STATUSES"
            )
        cur = self._current()
        if cur.empty:
            raise LedgerError(f"{self._location} holds no snapshot yet; record one first")
        before = cur[cur["as_of"] <= base_day]
        if before.empty:
            raise LedgerError(
                f"no snapshot on or before the baseline {base_day}; the first is {cur['as_of'].min()}"
            )
        base_snap = before["as_of"].max()
        if deadline <= base_snap:
            raise LedgerError(f"target date {deadline} must be after the baseline {base_snap}")
        cur = cur[cur["as_of"] >= base_snap]
        dates = list(cur["as_of"])
        cols = stack([decode(b) for b in self._store.read_columns(cur["snapshot_id"].astype(int).tolist())])
        crs = self._store.crs()
        x, y = cols.floats["rep_x"], cols.floats["rep_y"]
        in_scope = None
        scope_label = "全部"
        zone_frame = zones if isinstance(zones, gpd.GeoDataFrame) else None
        if scope is not None:
            geom, scope_label = resolve_scope(scope, zones=zone_frame, zone_field=zone_field, crs=crs)
            in_scope = points_in(geom, x, y)
        pairs = None
        if zone_frame is not None:
            pairs = zone_pairs(x, y, zone_frame, zone_field=zone_field, crs=crs)
        elif isinstance(zones, str):
            if zones not in ("township", "responsible_unit"):
                raise LedgerError(
                    f"zones={zones!r}: give a zone GeoDataFrame or one of township, responsible_unit"
                )
            codes = cols.codes[zones]
            rows_with = np.flatnonzero(codes >= 0)
            pairs = (rows_with, codes[rows_with], [str(v) for v in cols.uniques[zones]])
        summary, by_zone, by_unit, parcels = compute_progress(
            cols,
            dates,
            target_date=deadline,
            target_mu=float(target),
            stock_categories=cats,
            cleared_statuses=cleared,
            in_scope=in_scope,
            zone_pairs=pairs,
        )
        settings = {
            "ledger": self.label,
            "baseline": base_snap,
            "target_date": deadline,
            "target_mu": float(target),
            "categories": cats,
            "cleared_statuses": tuple(sorted(cleared)),
            "scope": scope_label,
        }
        disappeared = parcels[parcels["state"] == "disappeared"].reset_index(drop=True)
        return Progress(summary, by_zone, by_unit, parcels, disappeared, settings)

    def changes(
        self,
        from_date: str | dt.date,
        to_date: str | dt.date,
        /,
        *,
        categories: Iterable[str] = ("idle", "low_efficiency"),
        cleared_statuses: Iterable[str] = CLEARED_STATUSES,
        area_tolerance_m2: float = 1.0,
    ) -> pd.DataFrame:
        """What changed between two snapshots, one row per parcel and change.

        Changes: ``listed`` (entered the categories), ``cleared``, ``status``, ``categories``,
        ``disposal``, ``area`` (more than ``area_tolerance_m2``), ``geometry``, ``added``,
        ``successor`` (new parcel from a split/merge), ``superseded``, ``removed_closed``
        (left the register after a cleared status) and ``disappeared`` (left it otherwise).

        Returns
        -------
        DataFrame
            ``parcel_id``, ``change``, ``change_label`` (Chinese), ``from_*`` / ``to_*`` values.
        """
        a = self.snapshot(from_date)
        b = self.snapshot(to_date)
        return compute_changes(
            a,
            b,
            categories=tuple(categories),
            cleared_statuses=frozenset(cleared_statuses),
            area_tolerance_m2=area_tolerance_m2,
        )

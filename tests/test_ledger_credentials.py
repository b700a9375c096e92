"""A database password never leaves landkit: not in reports, logs, reprs or error messages.

Issue 11: redaction only matched ``user:pw@``; with ``?password=…`` or ``:pw@…?user=…`` the
password reached the report's 台账 row (HTML and Excel), the ``-v`` log line, ``repr(Ledger)``
and error messages, and a malformed URL raised a raw psycopg error echoing the whole URL.
The parser is checked against libpq's own (``psycopg.conninfo.conninfo_to_dict``).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import openpyxl
import pytest
from click.testing import CliRunner
from ledger_support import PG_ENV, _drop_schema
from shapely.geometry import box

from landkit.cli.main import cli
from landkit.errors import LedgerError
from landkit.ledger import Ledger, write_progress_excel, write_progress_html
from landkit.ledger._dsn import database_label, is_database_location, parse_dsn, redact_dsn

SECRET = "Zq7s3cr3tQ"
FORMS = [
    "postgresql://bureau:s3cret@db.local:5432/land",
    "postgresql://bureau@db.local/land?password=s3cret",
    "postgresql://:s3cret@db.local/land?user=bureau",
    "postgres://bureau:p%40ss%3Aw0rd%2F@db.local/land",
    "postgresql://bureau:s3cret@[::1]:5432/land?sslmode=require&sslpassword=keypw",
    "postgresql://bureau:s3cret@h1:5432,h2:5433/land",
    "postgresql:///land?host=/var/run/postgresql&password=s3cret&user=bureau",
    "host=db.local dbname=land user=bureau password=s3cret",
    "host=db.local password='s3 cr\\'et' dbname = land user=bureau",
    "service=bureau password=s3cret",
]


@pytest.mark.parametrize("dsn", FORMS)
def test_parser_agrees_with_libpq(dsn: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    assert parse_dsn(dsn) == conninfo_to_dict(dsn)
    assert is_database_location(dsn)


@pytest.mark.parametrize("dsn", FORMS)
def test_every_form_is_redacted(dsn: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(dsn)
    shown = redact_dsn(dsn)
    for key in ("password", "sslpassword"):
        if key in parts:
            assert parts[key] not in shown
            assert "***" in shown
    # the redacted form still names where it points (for the engineer), minus the secrets
    assert {k: v for k, v in conninfo_to_dict(shown).items() if "password" not in k} == {
        k: v for k, v in parts.items() if "password" not in k
    }
    label = database_label(dsn)
    assert "bureau" not in label or parts.get("service") == "bureau"
    assert "db.local" not in label
    assert "s3cret" not in label


def test_unreadable_strings_are_never_echoed() -> None:
    for bad in ("postgresql://u:s3cret@h/d?nokey", "host=h password='s3cret"):
        assert "s3cret" not in redact_dsn(bad)
        assert "s3cret" not in database_label(bad)
    assert not is_database_location("ledger.gpkg")
    assert not is_database_location("notakey=1")


# -- against the running PostGIS -----------------------------------------------------------------


@pytest.fixture
def pg() -> Iterator[tuple[str, str]]:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set (run .ci/start-postgis.sh)")
    schema = f"lk_cred_{uuid.uuid4().hex[:10]}"
    yield url, schema
    _drop_schema(url, schema)


def _variants(url: str, password: str | None = None) -> dict[str, str]:
    u = urlsplit(url)
    user, host, port, db = u.username, u.hostname, u.port, u.path.lstrip("/")
    pw = u.password if password is None else password
    return {
        "userinfo": f"postgresql://{user}:{pw}@{host}:{port}/{db}",
        "query_password": f"postgresql://{user}@{host}:{port}/{db}?password={pw}",
        "query_user": f"postgresql://:{pw}@{host}:{port}/{db}?user={user}",
        "keyvalue": f"host={host} port={port} dbname={db} user={user} password='{pw}'",
    }


def _register() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["431281101001GB00001", "431281101001GB00002"], "status": ["identified"] * 2},
        geometry=[box(400000, 3010000, 400100, 3010100), box(400200, 3010000, 400300, 3010100)],
        crs=4546,
    ).assign(categories="idle")


@pytest.mark.postgis
@pytest.mark.parametrize("form", ["userinfo", "query_password", "query_user", "keyvalue"])
def test_reports_logs_and_repr_never_show_the_password(
    pg: tuple[str, str], form: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, schema = pg
    dsn = _variants(url)[form]
    u = urlsplit(url)
    pw = u.password
    assert pw
    leaks = [
        f":{pw}@",
        f"password={pw}",
        f"password='{pw}'",
        dsn,
    ]  # the test server's password is its user's name
    with caplog.at_level(logging.DEBUG):
        ledger = Ledger(dsn, schema=schema)
        ledger.record(_register(), as_of="2024-03-31", source="季度", validate=False)
        ledger.record(
            _register().assign(status="revitalized"), as_of="2024-06-30", source="季度", validate=False
        )
    p = ledger.progress(baseline="2024-03-31", target_date="2024-12-31")
    xlsx = write_progress_excel(p, tmp_path / "r.xlsx")
    page = write_progress_html(p, tmp_path / "r.html").read_text(encoding="utf-8")
    cells = [
        str(c.value) for ws in openpyxl.load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row
    ]
    row = cells[cells.index("台账") + 1]
    assert row == f"PostgreSQL 数据库 {u.path.lstrip('/')} (schema {schema})"  # no host, no user
    assert str(u.hostname) not in row
    assert f"<dd>{row}</dd>" in page
    texts = {"log": caplog.text, "repr": repr(ledger), "html": page, "xlsx": "\n".join(cells)}
    assert "***" in texts["repr"]
    for where, text in texts.items():
        assert not [leak for leak in leaks if leak in text], where
    assert any("writing snapshot" in r.getMessage() and "***" in r.getMessage() for r in caplog.records)


@pytest.mark.postgis
@pytest.mark.parametrize("form", ["userinfo", "query_password", "query_user", "keyvalue"])
def test_connection_errors_never_show_the_password(pg: tuple[str, str], form: str) -> None:
    url, schema = pg
    wrong = _variants(url, password=SECRET)[form]
    with pytest.raises(LedgerError) as info:
        Ledger(wrong, schema=schema)
    message = str(info.value)
    assert SECRET not in message
    assert "password authentication failed" in message  # the reason is kept
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__  # the psycopg error (and its text) is not chained
    res = CliRunner().invoke(cli, ["-vv", "track", "list", "--ledger", wrong])
    assert res.exit_code == 2
    assert SECRET not in res.output
    assert "password authentication failed" in res.output


@pytest.mark.postgis
def test_malformed_url_is_refused_without_echo(pg: tuple[str, str]) -> None:
    url, schema = pg
    bad = _variants(url, password=SECRET)["query_password"] + "&bogus=1"  # libpq: invalid URI query parameter
    with pytest.raises(LedgerError, match="cannot read the database location") as info:
        Ledger(bad, schema=schema)
    assert SECRET not in str(info.value)
    res = CliRunner().invoke(cli, ["track", "list", "--ledger", bad])
    assert res.exit_code == 2
    assert SECRET not in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.postgis
@pytest.mark.parametrize("how", ["PGPASSWORD", "pgpass", "service"])
def test_documented_ways_to_pass_the_password_work(
    pg: tuple[str, str], how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, schema = pg
    u = urlsplit(url)
    db = u.path.lstrip("/")
    for var in ("PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE"):
        monkeypatch.delenv(var, raising=False)
    location = f"postgresql://{u.username}@{u.hostname}:{u.port}/{db}"  # no password in it
    if how == "PGPASSWORD":
        monkeypatch.setenv("PGPASSWORD", u.password or "")
    elif how == "pgpass":
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"{u.hostname}:{u.port}:{db}:{u.username}:{u.password}\n")
        passfile.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))
    else:
        service = tmp_path / "pg_service.conf"
        service.write_text(
            f"[landkit]\nhost={u.hostname}\nport={u.port}\ndbname={db}\nuser={u.username}\n"
            f"password={u.password}\n"
        )
        service.chmod(0o600)
        monkeypatch.setenv("PGSERVICEFILE", str(service))
        location = "service=landkit"
    ledger = Ledger(location, schema=schema)
    assert ledger.record(_register(), as_of="2024-03-31", source="x", validate=False).n_parcels == 2
    assert ledger.label.startswith("PostgreSQL")
    assert u.hostname not in ledger.label

"""PostgreSQL connection strings: recognise, parse and redact every form libpq accepts.

libpq takes a URL (``postgresql://user:pw@host:port/db?param=value``, where the password or
the user may also sit in the query: ``?password=…``, ``?user=…``) or ``key=value`` pairs
(``host=db dbname=land password='s3 cret'``). A password can hide in any of these places, so
landkit never prints a connection string it was given: logs, ``repr``, error messages and
the 台账 row of reports use the forms built here from the *parsed* parts, with every secret
(``password``, ``sslpassword``) replaced by ``***``. Reports go further and name only the
database (:func:`database_label`): no host, no user.

Passing secrets: prefer ``PGPASSWORD``, a ``~/.pgpass`` file or a service file
(``service=name``) over a password in the URL; a URL on the command line is visible to every
user of the machine in ``ps``.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, unquote

from ..errors import LedgerError

__all__ = [
    "SECRET_KEYS",
    "database_label",
    "is_database_location",
    "parse_dsn",
    "redact_dsn",
    "scrub",
]

#: Connection parameters whose values are secrets.
SECRET_KEYS = frozenset({"password", "sslpassword"})
#: The connection parameters libpq knows (a ``key=value`` string must start with one of them).
_KEYWORDS = frozenset(
    re.split(
        r"\s+",
        "host hostaddr port dbname user password passfile require_auth channel_binding connect_timeout "
        "client_encoding options application_name fallback_application_name keepalives keepalives_idle "
        "keepalives_interval keepalives_count tcp_user_timeout replication gssencmode sslmode sslnegotiation "
        "requiressl sslcompression sslcert sslkey sslpassword sslcertmode sslrootcert sslcrl sslcrldir "
        "sslsni requirepeer ssl_min_protocol_version ssl_max_protocol_version krbsrvname gsslib "
        "gssdelegation service target_session_attrs load_balance_hosts",
    )
)
_SCHEMES = ("postgresql://", "postgres://")
_ALIASES = frozenset({"postgis", "postgis:", "postgresql:", "pg"})
_KV_START = re.compile(r"^\s*([A-Za-z_]+)\s*=")


def is_database_location(text: str, /) -> bool:
    """True for a PostgreSQL URL, a libpq ``key=value`` string or an alias of ``$LANDKIT_PG_URL``.

    Examples
    --------
    >>> tries = ("postgresql://db/land", "host=db dbname=land", "postgis", "a.gpkg")
    >>> [is_database_location(t) for t in tries]
    [True, True, True, False]
    """
    low = text.strip().lower()
    if low.startswith(_SCHEMES) or low in _ALIASES:
        return True
    m = _KV_START.match(text)
    return bool(m and m.group(1).lower() in _KEYWORDS)


def _parse_url(text: str) -> dict[str, str]:
    rest = text.strip().split("://", 1)[1]
    rest, _, query = rest.partition("?")
    netloc, _, dbname = rest.partition("/")
    out: dict[str, str] = {}
    if "@" in netloc:  # the last "@": a password holding "@" is still all credentials
        cred, _, netloc = netloc.rpartition("@")
        user, colon, password = cred.partition(":")
        if user:
            out["user"] = unquote(user)
        if colon:
            out["password"] = unquote(password)
    if netloc:
        hosts, ports = [], []
        for part in netloc.split(","):
            m = re.match(r"^(\[[^\]]*\]|[^:]*)(?::(.*))?$", part)
            host, port = (m.group(1), m.group(2)) if m else (part, None)
            hosts.append(unquote(host.strip("[]")))
            ports.append(port or "")
        if any(hosts):
            out["host"] = ",".join(hosts)
        if any(ports):
            out["port"] = ",".join(ports)
    if dbname:
        out["dbname"] = unquote(dbname)
    for pair in filter(None, query.split("&")):
        key, eq, value = pair.partition("=")
        if not eq:
            raise LedgerError("the database URL has a query parameter without '='")
        out[unquote(key)] = unquote(value)
    return out


def _parse_pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        m = re.compile(r"([A-Za-z_]+)\s*=\s*").match(text, i)
        if not m:
            raise LedgerError("the connection string is not a list of key=value pairs")
        key, i = m.group(1), m.end()
        value: list[str] = []
        quoted = i < n and text[i] == "'"
        i += quoted
        while i < n and (text[i] != "'" if quoted else not text[i].isspace()):
            if text[i] == "\\" and i + 1 < n:
                i += 1
            value.append(text[i])
            i += 1
        if quoted:
            if i >= n:
                raise LedgerError("the connection string has an unterminated quoted value")
            i += 1
        out[key] = "".join(value)


def parse_dsn(text: str, /) -> dict[str, str]:
    """Split a URL or ``key=value`` connection string into libpq parameters.

    Raises
    ------
    LedgerError
        If the string cannot be read; the message never repeats it.

    Examples
    --------
    >>> parse_dsn("postgresql://:s3cret@db.local/land?user=bureau")
    {'password': 's3cret', 'host': 'db.local', 'dbname': 'land', 'user': 'bureau'}
    >>> parse_dsn("host=db.local dbname=land password='a b\\\\'c'")
    {'host': 'db.local', 'dbname': 'land', 'password': "a b'c"}
    """
    if text.strip().lower().startswith(_SCHEMES):
        return _parse_url(text)
    return _parse_pairs(text)


def _quote(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def redact_dsn(text: str, /) -> str:
    """The connection string with every secret replaced by ``***`` (for logs, reprs and errors).

    Built from the parsed parts, so nothing unparsed is ever echoed; never raises.

    Examples
    --------
    >>> redact_dsn("postgresql://bureau:s3cret@db.local:5432/land")
    'postgresql://bureau:***@db.local:5432/land'
    >>> redact_dsn("postgresql://bureau@db.local/land?password=s3cret&sslmode=require")
    'postgresql://bureau@db.local/land?password=***&sslmode=require'
    >>> redact_dsn("host=db.local password=s3cret dbname=land")
    'host=db.local password=*** dbname=land'
    """
    try:
        parts = parse_dsn(text)
    except LedgerError:
        return "postgresql://(unreadable connection string)"
    shown = {k: ("***" if k in SECRET_KEYS else v) for k, v in parts.items()}
    if not text.strip().lower().startswith(_SCHEMES):
        return " ".join(f"{k}={_quote(v)}" for k, v in shown.items())
    head = text.strip().split("://", 1)[1].partition("?")[0].partition("/")[0]
    in_userinfo = "password" in parts and ":" in head.rpartition("@")[0]
    user = shown.pop("user", "")
    if in_userinfo:
        shown.pop("password")
    if shown.get("host", "").startswith("/"):  # a socket folder cannot sit in the authority part
        hosts, ports = [""], [shown.pop("port", "")]
    else:
        hosts, ports = shown.pop("host", "").split(","), shown.pop("port", "").split(",")
    ports += [""] * (len(hosts) - len(ports))
    netloc = ",".join(
        (f"[{h}]" if ":" in h else quote(h, safe="")) + (f":{p}" if p else "")
        for h, p in zip(hosts, ports, strict=True)
    )
    db = quote(shown.pop("dbname", ""), safe="")
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='*/:')}" for k, v in shown.items())
    user = quote(user, safe="")
    return (
        "postgresql://"
        + (f"{user}{':***' if in_userinfo else ''}@" if user or in_userinfo else "")
        + netloc
        + (f"/{db}" if db else "")
        + (f"?{query}" if query else "")
    )


def database_label(text: str, /) -> str:
    """How reports name a PostgreSQL ledger: the database (or service) only, no host or user.

    Examples
    --------
    >>> database_label("postgresql://bureau:s3cret@db.local:5432/land")
    'PostgreSQL 数据库 land'
    >>> database_label("service=bureau")
    'PostgreSQL 服务 bureau'
    """
    try:
        parts = parse_dsn(text)
    except LedgerError:
        return "PostgreSQL 数据库"
    if parts.get("dbname"):
        return f"PostgreSQL 数据库 {parts['dbname']}"
    if parts.get("service") or os.environ.get("PGSERVICE"):
        return f"PostgreSQL 服务 {parts.get('service') or os.environ['PGSERVICE']}"
    name = os.environ.get("PGDATABASE") or parts.get("user") or os.environ.get("PGUSER")
    return f"PostgreSQL 数据库 {name}" if name else "PostgreSQL 数据库"


def scrub(message: str, text: str, /) -> str:
    """Remove the connection string and every secret in it from ``message`` (an error text).

    Examples
    --------
    >>> scrub('password authentication failed for "s3cret"', "postgresql://u:s3cret@h/d")
    'password authentication failed for "***"'
    """
    out = message.replace(text, redact_dsn(text)) if text else message
    try:
        parts = parse_dsn(text)
    except LedgerError:
        return out
    for key in SECRET_KEYS:
        secret = parts.get(key)
        if secret:
            for form in {secret, unquote(secret), secret.replace("'", "\\'")}:
                out = out.replace(form, "***")
    return out

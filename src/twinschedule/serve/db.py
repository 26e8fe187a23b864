"""The service's database: the tables (SQLAlchemy Core), the engine for a URL (SQLite by
default, PostgreSQL by URL) and the migrations that create and upgrade the schema
(Alembic, scripts shipped in ``serve/migrations/``).

No token is stored in clear: links hold the SHA-256 of their token. Every saved version
of a section is kept (``versions``), every plan the service published (``issues``), and
every agreement made (``agreements``). The tables here are what the code reads and
writes; the migrations create the same tables (a test compares them).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

#: One row: the service's own secret (the key of the CSRF fields of its forms).
service = sa.Table(
    "service", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),
)

#: A partnership: its ``[partnership]`` table (``settings``) and counters. ``state``
#: counts every write (a plan records the state it was computed from).
partnerships = sa.Table(
    "partnerships", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("public_id", sa.String(32), nullable=False, unique=True),
    sa.Column("feed_token", sa.String(64), nullable=False, unique=True),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("state", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: A school of a partnership: its section (``data``, the file's ``[[schools]]`` table).
schools = sa.Table(
    "schools", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False, index=True),
    sa.Column("school_id", sa.String(64), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("filled", sa.Boolean, nullable=False),
    sa.Column("agreed", sa.Text, nullable=True),
    sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("partnership_pk", "school_id"),
)

#: Capability links: the SHA-256 (hex) of each token, never the token.
links = sa.Table(
    "links", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("school_pk", sa.Integer, sa.ForeignKey("schools.pk"), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: Every saved version of every section (``section``: ``partnership`` or a school id).
versions = sa.Table(
    "versions", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False),
    sa.Column("section", sa.String(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("saved_by", sa.String(80), nullable=False),
    sa.UniqueConstraint("partnership_pk", "section", "revision"),
)

#: Uploaded calendars (the ``file`` names of ``closures_ics``), kept for old versions.
calendars = sa.Table(
    "calendars", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False),
    sa.Column("school_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("partnership_pk", "name"),
)

#: Every agreement made (the latest is in force): its rule(s) and ``since``.
agreements = sa.Table(
    "agreements", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False, index=True),
    sa.Column("rules", sa.Text, nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
)

#: Every plan the service published: the JSON plan, the option its feeds follow, its HTML
#: reports (``{language: html}``, "" the partnership's; ``sections``: the same reports'
#: sections, which the partnership page includes) and the partnership state it was
#: computed from.
issues = sa.Table(
    "issues", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("state", sa.Integer, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("option", sa.Integer, nullable=True),
    sa.Column("reports", sa.Text, nullable=False),
    sa.Column("feed_option", sa.Text, nullable=True),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sections", sa.Text, nullable=True),
    sa.UniqueConstraint("partnership_pk", "number"),
)

#: The current feeds: their bytes, strong ETag and the time they last changed.
feeds = sa.Table(
    "feeds", metadata,
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("etag", sa.String(80), nullable=False),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
)

#: The current invitations (agreement.md): each contact's iMIP email of the whole of the
#: last plan's option 1, under the name ``twinschedule invite`` gives it.
invitations = sa.Table(
    "invitations", metadata,
    sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
              primary_key=True),
    sa.Column("school_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(400), primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

#: Tables in the order their rows are deleted with a partnership.
PARTNERSHIP_TABLES = (invitations, feeds, issues, agreements, calendars, versions, links, schools)

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_url(path: str | Path) -> str:
    """The URL of a SQLite database file."""
    return f"sqlite:///{Path(path)}"


def engine_for(url: str) -> Engine:
    """An engine for ``url``: SQLite (WAL journal, foreign keys, writers wait for each
    other instead of failing, a write transaction takes the lock at its start) or
    PostgreSQL through psycopg 3 (``postgresql://`` is read as ``postgresql+psycopg://``).
    """
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url and url != "sqlite://":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent; safe for several
    workers starting at once on PostgreSQL: the upgrade holds an advisory lock)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_lock(2023122301)")
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_unlock(2023122301)")
                conn.commit()
    with write(engine) as conn:
        if conn.execute(sa.select(service.c.id)).first() is None:
            conn.execute(service.insert().values(id=1, secret=secrets.token_hex(32)))


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (``with write(engine) as conn:``): committed at the end of
    the block, rolled back on an exception; on SQLite it holds the write lock from its
    start, so a read-check-write inside it cannot interleave with another."""
    with engine.connect() as conn:
        conn.execution_options(write=True)
        with conn.begin():
            yield conn


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot of the database."""
    with engine.connect() as conn, conn.begin():
        yield conn


def now() -> dt.datetime:
    """The current time, aware, in whole seconds (the service's only clock)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite returns them naive)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def secret(engine: Engine) -> str:
    """The service's secret (made by ``migrate``)."""
    with read(engine) as conn:
        value: str = conn.execute(sa.select(service.c.secret)).scalar_one()
    return value

"""Shared parts of the service's tests: a fresh database per test (SQLite in a temporary
folder, and PostgreSQL when ``TWINSCHEDULE_TEST_POSTGRES_URL`` names a server the tests
may create databases on), the application in-process, and a small partnership.

Test modules import the fixtures they use: ``from servekit import app_url, client``.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="needs the serve extra: pip install -e '.[serve]'")

from starlette.testclient import TestClient

from twinschedule.serve import app as serve_app

POSTGRES = os.environ.get("TWINSCHEDULE_TEST_POSTGRES_URL")
NO_POSTGRES = ("no PostgreSQL: set TWINSCHEDULE_TEST_POSTGRES_URL to a server's URL "
               "(.ci/run starts one)")

#: A small partnership that plans in well under a second (London and Nairobi, one term).
PARTNERSHIP: dict[str, Any] = {
    "partnership": {"id": "rugby-nairobi", "name": "Rugby and Nairobi", "start": "2026-09-01",
                    "end": "2026-12-31", "duration": 45},
    "schools": [
        {"id": "rugby", "name": "Lawrence Sheriff School", "timezone": "Europe/London",
         "hours": ["09:00-15:00"]},
        {"id": "nairobi", "name": "Moi Forces Academy", "timezone": "Africa/Nairobi",
         "hours": ["09:00-15:00"]},
    ],
}


def partnership() -> dict[str, Any]:
    return copy.deepcopy(PARTNERSHIP)


@pytest.fixture(params=["sqlite", "postgresql"])
def app_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database's URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'serve.db'}"
        return
    if not POSTGRES:
        pytest.skip(NO_POSTGRES)
    yield from postgres_database()


def postgres_database() -> Iterator[str]:
    import psycopg

    assert POSTGRES is not None
    name = "twinschedule_test_" + secrets.token_hex(6)
    admin = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        from twinschedule.serve import db

        db.engine_for(admin).dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Clock:
    """The service's clock in the tests: a fixed time, moved on by the test (never by
    sleeping). It starts on 1 August 2026, before the horizons of the tests'
    partnerships, so nothing is history until a test says so."""

    def __init__(self, now: dt.datetime = dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(app_url: str, clock: Clock) -> Iterator[TestClient]:
    """The application in-process on ``clock`` (background planning runs before a call
    returns)."""
    app = serve_app.create_app(app_url, clock=clock)
    with TestClient(app) as c:
        yield c


def token(url: str) -> str:
    """The token of a link URL."""
    return url.rsplit("/p/", 1)[1]


def path(url: str) -> str:
    """An absolute URL of the service as a path for the test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class Made:
    """A partnership created through the API: its links' tokens and feed paths."""

    def __init__(self, c: TestClient, data: dict[str, Any] | None = None) -> None:
        r = c.post("/api/v1/partnerships", json=data or partnership())
        assert r.status_code == 201, r.text
        self.answer = r.json()
        self.organizer = token(self.answer["organizer_url"])
        self.schools = {k: token(v) for k, v in self.answer["school_urls"].items()}
        self.feeds = {k: path(v) for k, v in self.answer["feed_urls"]["schools"].items()}
        self.feed = path(self.answer["feed_urls"]["partnership"])
        self.c = c

    def view(self, who: str = "organizer") -> dict[str, Any]:
        t = self.organizer if who == "organizer" else self.schools[who]
        r = self.c.get(f"/api/v1/p/{t}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    def section(self, sid: str) -> tuple[dict[str, Any], int]:
        v = self.view()
        s = next(s for s in v["partnership"]["schools"] if s["id"] == sid)
        return s, v["revisions"]["schools"][sid]

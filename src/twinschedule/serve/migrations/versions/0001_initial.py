"""The first schema of the service: partnerships, schools, links (token hashes),
versions of sections, uploaded calendars, agreements, issues (published plans), feeds.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owner() -> sa.Column[object]:
    return sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
                     nullable=False)


def upgrade() -> None:
    _partnerships()
    _history()


def _partnerships() -> None:
    """The service's secret, partnerships, their schools and their links."""
    op.create_table("service", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("secret", sa.String(64), nullable=False))
    op.create_table(
        "partnerships",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(32), nullable=False, unique=True),
        sa.Column("feed_token", sa.String(64), nullable=False, unique=True),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("state", sa.Integer, nullable=False),
        _when("created_at"))
    op.create_table(
        "schools",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _owner(),
        sa.Column("school_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("filled", sa.Boolean, nullable=False),
        sa.Column("agreed", sa.Text, nullable=True),
        _when("agreed_at", nullable=True),
        sa.UniqueConstraint("partnership_pk", "school_id"))
    op.create_index("ix_schools_partnership_pk", "schools", ["partnership_pk"])
    op.create_table(
        "links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        _owner(),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("school_pk", sa.Integer, sa.ForeignKey("schools.pk"), nullable=True),
        _when("created_at"))
    op.create_index("ix_links_partnership_pk", "links", ["partnership_pk"])


def _history() -> None:
    """Versions of sections, uploaded calendars, agreements, issues and feeds."""
    op.create_table(
        "versions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _owner(),
        sa.Column("section", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        _when("saved_at"),
        sa.Column("saved_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("partnership_pk", "section", "revision"))
    op.create_table(
        "calendars",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _owner(),
        sa.Column("school_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _when("uploaded_at"),
        sa.UniqueConstraint("partnership_pk", "name"))
    op.create_table(
        "agreements",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _owner(),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        _when("made_at"))
    op.create_index("ix_agreements_partnership_pk", "agreements", ["partnership_pk"])
    op.create_table(
        "issues",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _owner(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.Integer, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("option", sa.Integer, nullable=True),
        sa.Column("reports", sa.Text, nullable=False),
        sa.Column("feed_option", sa.Text, nullable=True),
        _when("made_at"),
        sa.UniqueConstraint("partnership_pk", "number"))
    op.create_table(
        "feeds",
        sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
                  primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("etag", sa.String(80), nullable=False),
        _when("modified"))


def downgrade() -> None:
    for table in ("feeds", "issues", "agreements", "calendars", "versions", "links",
                  "schools", "partnerships", "service"):
        op.drop_table(table)

"""The library's agreements: the issues keep their report's sections (the partnership
page includes them) and the current invitations are stored (.eml downloads).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("issues", sa.Column("sections", sa.Text, nullable=True))
    op.create_table(
        "invitations",
        sa.Column("partnership_pk", sa.Integer, sa.ForeignKey("partnerships.pk"),
                  primary_key=True),
        sa.Column("school_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(400), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False))


def downgrade() -> None:
    op.drop_table("invitations")
    with op.batch_alter_table("issues") as batch:
        batch.drop_column("sections")

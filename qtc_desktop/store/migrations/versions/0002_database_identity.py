"""Database identity: one row with a random id, so exports name the database they came from.

Revision ID: 0002_database_identity
Revises: 0001_initial
Create Date: 2026-11-29
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002_database_identity"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("database_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
        sa.UniqueConstraint("database_id", name=op.f("uq_database_identity_database_id")),
    )
    # Every database, new or upgraded, gets its own id at once.
    op.bulk_insert(table, [{"id": 1, "database_id": str(uuid.uuid4()),
                            "created_at": dt.datetime.now(dt.timezone.utc)}])


def downgrade() -> None:
    op.drop_table("database_identity")

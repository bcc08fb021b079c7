"""Change records name the order version their change made, so "changed since version N" is exact.

Revision ID: 0004_change_order_version
Revises: 0003_change_subject
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_change_order_version"
down_revision = "0003_change_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Records written before stay NULL: for them the versions' times still tell (see orders/history.py).
    with op.batch_alter_table("change_records") as batch:
        batch.add_column(sa.Column("order_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_records") as batch:
        batch.drop_column("order_version")

"""Change records name their subject ("line 2", "SH-000004"), so a field is just the field.

Revision ID: 0003_change_subject
Revises: 0002_database_identity
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_change_subject"
down_revision = "0002_database_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_records") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=160), nullable=True))
        batch.create_index("ix_change_records_field", ["field"])
    # Records written before: line fields were named "line 2.quantity".
    records = sa.table("change_records", sa.column("id", sa.Integer), sa.column("field", sa.String),
                       sa.column("subject", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(records.c.id, records.c.field).where(records.c.field.like("line %.%")))
    for record_id, field in rows.fetchall():
        subject, _, name = field.partition(".")
        connection.execute(records.update().where(records.c.id == record_id).values(subject=subject, field=name))


def downgrade() -> None:
    with op.batch_alter_table("change_records") as batch:
        batch.drop_index("ix_change_records_field")
        batch.drop_column("subject")

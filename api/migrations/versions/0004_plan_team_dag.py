"""plan_team_dag: team and day of each plan stop (action day, kaart plan --teams)

Both nullable: plans made before this revision, and plans without teams, have no team or
day (unknown, not team 1).

Revision ID: 0004_plan_team_dag
Revises: 0003_audit_keten
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_plan_team_dag"
down_revision = "0003_audit_keten"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_keuzes") as batch:
        batch.add_column(sa.Column("team", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dag", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("vertrek", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_keuzes") as batch:
        batch.drop_column("vertrek")
        batch.drop_column("dag")
        batch.drop_column("team")

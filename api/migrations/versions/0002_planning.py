"""planning: controle-plannen, keuzes met selectiekansen, controles met uitkomsten

Revision ID: 0002_planning
Revises: 0001_basis
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_planning"
down_revision = "0001_basis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plannen",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("gebied_id", sa.String(120), nullable=False),
        sa.Column("gebied_naam", sa.String(200), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.Column("gemeenten", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("bron", sa.String(300), nullable=False),
        sa.Column("synthetisch", sa.Boolean(), nullable=False),
        sa.Column("totaal_minuten", sa.Float(), nullable=False),
        sa.Column("map", sa.String(300), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=True),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plannen")),
    )
    op.create_index(op.f("ix_plannen_gebied_id"), "plannen", ["gebied_id"])
    op.create_table(
        "plan_keuzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(120), nullable=False),
        sa.Column("volgorde", sa.Integer(), nullable=False),
        sa.Column("thema", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(100), nullable=False),
        sa.Column("gemeentecode", sa.String(6), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("klasse", sa.Integer(), nullable=False),
        sa.Column("verwacht", sa.Float(), nullable=False),
        sa.Column("soort_keuze", sa.String(12), nullable=False),
        sa.Column("selectiekans", sa.Float(), nullable=False),
        sa.Column("aankomst", sa.DateTime(), nullable=False),
        sa.Column("duur", sa.Float(), nullable=False),
        sa.CheckConstraint("selectiekans > 0 AND selectiekans <= 1",
                           name=op.f("ck_plan_keuzes_selectiekans")),
        sa.CheckConstraint("soort_keuze IN ('exploitatie', 'exploratie')",
                           name=op.f("ck_plan_keuzes_soort_keuze")),
        sa.ForeignKeyConstraint(["plan_id"], ["plannen.id"], ondelete="CASCADE",
                                name=op.f("fk_plan_keuzes_plan_id_plannen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_keuzes")),
        sa.UniqueConstraint("plan_id", "thema", "object_id",
                            name=op.f("uq_plan_keuzes_plan_object")),
    )
    op.create_index(op.f("ix_plan_keuzes_plan_id"), "plan_keuzes", ["plan_id"])
    op.create_index(op.f("ix_plan_keuzes_object_id"), "plan_keuzes", ["object_id"])
    op.create_index(op.f("ix_plan_keuzes_gemeentecode"), "plan_keuzes", ["gemeentecode"])
    op.create_table(
        "controles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("thema", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(100), nullable=False),
        sa.Column("gemeentecode", sa.String(6), nullable=False),
        sa.Column("uitgevoerd", sa.Boolean(), nullable=False),
        sa.Column("bevindingen", sa.String(200), nullable=False),
        sa.Column("vervolg", sa.String(30), nullable=False),
        sa.Column("plan_id", sa.String(120), nullable=True),
        sa.Column("soort_keuze", sa.String(12), nullable=True),
        sa.Column("selectiekans", sa.Float(), nullable=True),
        sa.Column("bron", sa.String(10), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=True),
        sa.Column("geregistreerd", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("vervolg IN ('geen', 'waarschuwing', 'bestuurlijke_maatregel', "
                           "'strafrechtelijk')", name=op.f("ck_controles_vervolg")),
        sa.ForeignKeyConstraint(["plan_id"], ["plannen.id"], ondelete="SET NULL",
                                name=op.f("fk_controles_plan_id_plannen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controles")),
        sa.UniqueConstraint("datum", "thema", "object_id",
                            name=op.f("uq_controles_datum_object")),
    )
    op.create_index(op.f("ix_controles_datum"), "controles", ["datum"])
    op.create_index(op.f("ix_controles_object_id"), "controles", ["object_id"])
    op.create_index(op.f("ix_controles_gemeentecode"), "controles", ["gemeentecode"])
    op.create_index(op.f("ix_controles_plan_id"), "controles", ["plan_id"])


def downgrade() -> None:
    op.drop_table("controles")
    op.drop_table("plan_keuzes")
    op.drop_index(op.f("ix_plannen_gebied_id"), table_name="plannen")
    op.drop_table("plannen")

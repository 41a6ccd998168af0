"""basis: organisaties, gebruikers, tokens, audit (append-only)

Revision ID: 0001_basis
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_basis"
down_revision = None
branch_labels = None
depends_on = None

_REFUSE = "audit is alleen-toevoegen: wijzigen of verwijderen is niet toegestaan"


def upgrade() -> None:
    op.create_table(
        "organisaties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisaties")),
        sa.UniqueConstraint("naam", name=op.f("uq_organisaties_naam")),
    )
    op.create_table(
        "organisatie_gemeenten",
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("gemeentecode", sa.String(6), nullable=False),
        sa.ForeignKeyConstraint(["organisatie_id"], ["organisaties.id"], ondelete="CASCADE",
                                name=op.f("fk_organisatie_gemeenten_organisatie_id_organisaties")),
        sa.PrimaryKeyConstraint("organisatie_id", "gemeentecode",
                                name=op.f("pk_organisatie_gemeenten")),
    )
    op.create_table(
        "gebruikers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gebruikersnaam", sa.String(100), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(255), nullable=False),
        sa.Column("rol", sa.String(20), nullable=False),
        sa.Column("organisatie_id", sa.Integer(), nullable=False),
        sa.Column("vertrouwelijk", sa.Boolean(), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rol IN ('beheerder', 'analist', 'gemeente', 'planner')",
                           name=op.f("ck_gebruikers_rol")),
        sa.ForeignKeyConstraint(["organisatie_id"], ["organisaties.id"],
                                name=op.f("fk_gebruikers_organisatie_id_organisaties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gebruikers")),
        sa.UniqueConstraint("gebruikersnaam", name=op.f("uq_gebruikers_gebruikersnaam")),
    )
    op.create_index(op.f("ix_gebruikers_organisatie_id"), "gebruikers", ["organisatie_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verloopt", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["gebruiker_id"], ["gebruikers.id"], ondelete="CASCADE",
                                name=op.f("fk_tokens_gebruiker_id_gebruikers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tokens_token_hash")),
    )
    op.create_index(op.f("ix_tokens_gebruiker_id"), "tokens", ["gebruiker_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tijd", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gebruiker_id", sa.Integer(), nullable=True),
        sa.Column("gebruikersnaam", sa.String(100), nullable=False),
        sa.Column("rol", sa.String(20), nullable=False),
        sa.Column("organisatie", sa.String(200), nullable=False),
        sa.Column("actie", sa.String(30), nullable=False),
        sa.Column("kaart_id", sa.String(200), nullable=True),
        sa.Column("sessie", sa.String(64), nullable=True),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_tijd"), "audit", ["tijd"])
    op.create_index(op.f("ix_audit_gebruikersnaam"), "audit", ["gebruikersnaam"])
    op.create_index(op.f("ix_audit_actie"), "audit", ["actie"])
    op.create_index(op.f("ix_audit_kaart_id"), "audit", ["kaart_id"])
    op.create_index(op.f("ix_audit_sessie"), "audit", ["sessie"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_geen_{event.lower()} BEFORE {event} ON audit "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_alleen_toevoegen BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_alleen_toevoegen ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_alleen_toevoegen()")
    for table in ("audit", "tokens", "gebruikers", "organisatie_gemeenten", "organisaties"):
        op.drop_table(table)

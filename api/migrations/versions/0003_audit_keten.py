"""audit_keten: hash chain over audit records, client address, no REPLACE on SQLite

Existing records are numbered 1..n (PostgreSQL sequences leave gaps) and chained in id
order, so an upgraded database verifies like a new one.

Revision ID: 0003_audit_keten
Revises: 0002_planning
Create Date: 2026-12-06
"""

import hashlib

import sqlalchemy as sa
from alembic import op

from api.audit_chain import FIELDS, GENESIS, canonical

revision = "0003_audit_keten"
down_revision = "0002_planning"
branch_labels = None
depends_on = None

_REFUSE = "audit is alleen-toevoegen: een bestaande regel vervangen is niet toegestaan"


def _chain_existing(bind) -> None:
    columns = ", ".join(f for f in FIELDS if f != "vorige_hash")
    query = sa.text(f"SELECT {columns} FROM audit ORDER BY id").columns(
        tijd=sa.DateTime(timezone=True))
    rows = bind.execute(query).mappings().all()
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        values = {**row, "id": number, "vorige_hash": previous}
        digest = hashlib.sha256(canonical(values)).hexdigest()
        bind.execute(sa.text("UPDATE audit SET id = :new, vorige_hash = :prev, hash = :hash "
                             "WHERE id = :old"),
                     {"new": number, "prev": previous, "hash": digest, "old": row["id"]})
        previous = digest


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    op.add_column("audit", sa.Column("adres", sa.String(64), nullable=True))
    op.add_column("audit", sa.Column("vorige_hash", sa.String(64), nullable=True))
    op.add_column("audit", sa.Column("hash", sa.String(64), nullable=True))
    op.create_index(op.f("ix_audit_adres"), "audit", ["adres"])
    op.create_index(op.f("ix_audit_hash"), "audit", ["hash"], unique=True)
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_geen_update")
        _chain_existing(bind)
        op.execute("CREATE TRIGGER audit_geen_update BEFORE UPDATE ON audit BEGIN "
                   "SELECT RAISE(ABORT, 'audit is alleen-toevoegen: wijzigen of verwijderen "
                   "is niet toegestaan'); END")
        # INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse any
        # insert whose id exists before the conflict is resolved.
        op.execute("CREATE TRIGGER audit_geen_vervanging BEFORE INSERT ON audit "
                   "WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
                   f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE audit DISABLE TRIGGER audit_alleen_toevoegen")
        _chain_existing(bind)
        op.execute("ALTER TABLE audit ENABLE TRIGGER audit_alleen_toevoegen")
    else:
        _chain_existing(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_geen_vervanging")
    op.drop_index(op.f("ix_audit_hash"), "audit")
    op.drop_index(op.f("ix_audit_adres"), "audit")
    for column in ("hash", "vorige_hash", "adres"):
        op.drop_column("audit", column)

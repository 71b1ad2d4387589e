"""staff console: accounts, audit log, jobs, notes, imports

Audit entries and staff notes are append-only: triggers refuse UPDATE on both engines.

Revision ID: c934ee5ab611
Revises: 2e2066400f2f
Create Date: 2026-11-21 10:07:36.969179

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c934ee5ab611'
down_revision = '2e2066400f2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'staff', 'volunteer', name='staff_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_users_email'))
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convening_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=300), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_users.id'], name=op.f('fk_audit_entries_actor_id_staff_users')),
    sa.ForeignKeyConstraint(['convening_id'], ['convenings.id'], name=op.f('fk_audit_entries_convening_id_convenings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_convening_created', ['convening_id', 'created_at'], unique=False)
        batch_op.create_index('ix_audit_entries_subject', ['subject_type', 'subject_id', 'created_at'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('convening_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['convening_id'], ['convenings.id'], name=op.f('fk_jobs_convening_id_convenings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_jobs_created_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_convening_id'), ['convening_id'], unique=False)

    op.create_table('registration_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convening_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('checked', 'imported', 'discarded', name='import_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_ready', sa.Integer(), nullable=False),
    sa.Column('rows_with_errors', sa.Integer(), nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('imported_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['convening_id'], ['convenings.id'], name=op.f('fk_registration_imports_convening_id_convenings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_registration_imports_created_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_imports'))
    )
    with op.batch_alter_table('registration_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_imports_convening_id'), ['convening_id'], unique=False)

    op.create_table('staff_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_users.id'], name=op.f('fk_staff_notes_author_id_staff_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_staff_notes_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notes'))
    )
    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notes_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=700), server_default='', nullable=False))
    _backfill_search_text()
    _refuse_updates('audit_entries', 'staff_notes')


def _search_key(*parts):
    """convening.text.search_key as it stood when this migration was written."""
    joined = " ".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = stripped.replace("đ", "d").replace("ł", "l").replace("ø", "o")
    return re.sub(r"[^\S\n]+", " ", stripped).strip()[:700]


def _backfill_search_text():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, first_name, family_name, badge_name, email, organization FROM registrations"
    )).all()
    for row in rows:
        connection.execute(
            sa.text("UPDATE registrations SET search_text = :key WHERE id = :id"),
            {"key": _search_key(*row[1:]), "id": row[0]},
        )


def _refuse_updates(*tables):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION convening_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are never changed, only added', TG_TABLE_NAME; END $$"
        )
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION convening_refuse_update()"
            )
    else:
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are never changed, only added'); END"
            )


def _allow_updates(*tables):
    for table in tables:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_append_only")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION convening_refuse_update()")


def downgrade():
    _allow_updates('audit_entries', 'staff_notes')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('search_text')

    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notes_registration_id'))

    op.drop_table('staff_notes')
    with op.batch_alter_table('registration_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_imports_convening_id'))

    op.drop_table('registration_imports')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_convening_id'))

    op.drop_table('jobs')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_subject')
        batch_op.drop_index('ix_audit_entries_convening_created')

    op.drop_table('audit_entries')
    op.drop_table('staff_users')

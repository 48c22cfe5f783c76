"""A UNIQUE index on answer.submission_id (SQLite cannot add a UNIQUE column; an index works on both)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T07:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique idempotency keys"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS answer_submission ON answer (submission_id)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS answer_submission")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager

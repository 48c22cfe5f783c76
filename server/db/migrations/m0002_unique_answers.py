"""One answer per question per attempt, one result per topic per attempt.

Piccolo declares no composite unique constraint, so these are raw indexes (the same SQL on SQLite and PostgreSQL).
They are what make a repeated answer a no-op (INSERT ... ON CONFLICT DO NOTHING). A migration of its own because
Piccolo runs a migration's raw steps before its table steps."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique answer per question and result per topic"

INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS answer_attempt_question ON answer (attempt, question_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS topic_result_attempt_topic ON topic_result (attempt, topic_id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in INDEXES:
            await engine.run_ddl(statement)

    async def drop_indexes():
        engine = engine_finder()
        for name in ("answer_attempt_question", "topic_result_attempt_topic"):
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

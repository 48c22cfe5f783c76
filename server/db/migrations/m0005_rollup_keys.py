"""Unique keys of the rollups and item statistics: increments are INSERT ... ON CONFLICT DO UPDATE, the same SQL
on SQLite and PostgreSQL. A migration of its own because Piccolo runs raw steps before table steps."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T07:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique keys of rollups and item statistics"

INDEXES = {
    "month_attempts_key": "month_attempts (month, commune, age_band, mode)",
    "month_levels_key": "month_levels (month, commune, age_band, mode, topic_id, level)",
    "month_about_key": "month_about (month, commune, age_band, mode, question, answer)",
    "item_stats_key": "item_stats (question_id, age_band)",
    "about_answer_key": "about_answer (attempt, question)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager

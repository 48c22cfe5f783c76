from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T07:18:36:350233"
VERSION = "1.38.0"
DESCRIPTION = "Idempotency keys of submitted answers"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="kynangso", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Answer",
        tablename="answer",
        column_name="submission_id",
        db_column_name="submission_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager

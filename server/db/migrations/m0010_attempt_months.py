"""Every row of an attempt carries the attempt's month (202612): the key of the monthly partitions (m0011)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T02:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The attempt's month on every row of an attempt"

TABLES = (("Attempt", "attempt"), ("Answer", "answer"), ("TopicResult", "topic_result"), ("AboutAnswer", "about_answer"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)
    for class_name, tablename in TABLES:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="month",
            db_column_name="month",
            column_class_name="Integer",
            column_class=Integer,
            params={
                "default": 0,
                "null": False,
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

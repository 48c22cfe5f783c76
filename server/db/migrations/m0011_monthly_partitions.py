"""Fills in the attempt's month on rows stored before m0010, then, on PostgreSQL, rebuilds the four attempt tables
as tables partitioned by month (db/partitions.py says why). SQLite keeps plain tables.

On PostgreSQL a unique key of a partitioned table must contain the partition key, so:
- keys become (id, month), (public_id, month), (result_code, month), (attempt, question_id, month), ... Since an
  attempt's rows all carry its month, these are as strict as before, except that a result code's uniqueness
  across months is checked by the app before it hands a code out (quiz._create);
- the rows of an attempt refer to it by (attempt, month), with ON DELETE CASCADE as before;
- `attempt.previous` keeps no foreign key (it would need the earlier attempt's month): erasing an attempt clears
  the links to it itself (attempts.delete_by_code).
Ids become bigint: with answers dropped by month the sequence keeps counting, and 750 million answers a year
would exhaust a 32-bit id in under three years."""

from collections import defaultdict

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-02T02:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Monthly partitions of the attempt tables on PostgreSQL"

CHILDREN = ("answer", "topic_result", "about_answer")
CHILD_KEYS = {
    "answer": ("UNIQUE (attempt, question_id, month)", "UNIQUE (submission_id, month)"),
    "topic_result": ("UNIQUE (attempt, topic_id, month)",),
    "about_answer": ("UNIQUE (attempt, question, month)",),
}


def _month_of(moment) -> int:  # type: ignore[no-untyped-def]
    from server.domain.months import month_of

    return month_of(moment)


async def _fill_months(engine) -> list[int]:  # type: ignore[no-untyped-def]
    from server.db import tables

    by_month: dict[int, list[int]] = defaultdict(list)
    for row in await tables.Attempt.select(tables.Attempt.id, tables.Attempt.started_at):
        by_month[_month_of(row["started_at"])].append(row["id"])
    for month, ids in by_month.items():
        for start in range(0, len(ids), 500):
            chunk = ",".join(str(i) for i in ids[start : start + 500])
            await engine.run_ddl(f"UPDATE attempt SET month = {month} WHERE id IN ({chunk})")
    for child in CHILDREN:
        await engine.run_ddl(
            f"UPDATE {child} SET month = (SELECT a.month FROM attempt a WHERE a.id = {child}.attempt)"  # noqa: S608
        )
    return sorted(by_month)


async def _partition(engine, held: list[int]) -> None:  # type: ignore[no-untyped-def]
    from server.db.partitions import PARTITIONED, partition_name
    from server.domain.months import shift

    ddl = engine.run_ddl
    await ddl("CREATE TABLE attempt_p (LIKE attempt INCLUDING DEFAULTS) PARTITION BY RANGE (month)")
    await ddl("ALTER TABLE attempt_p ALTER COLUMN id TYPE bigint, ALTER COLUMN previous TYPE bigint")
    await ddl("ALTER TABLE attempt_p ADD PRIMARY KEY (id, month)")
    await ddl("ALTER TABLE attempt_p ADD UNIQUE (public_id, month)")
    await ddl("ALTER TABLE attempt_p ADD UNIQUE (result_code, month)")
    for column, parent in (("guided_by", "staff_user"), ("burst", "burst_flag")):
        await ddl(f"ALTER TABLE attempt_p ADD FOREIGN KEY ({column}) REFERENCES {parent} (id) ON DELETE SET NULL")
    for column in ("finished_at", "guided_by", "burst"):
        await ddl(f"CREATE INDEX attempt_p_{column} ON attempt_p ({column})")
    for child in CHILDREN:
        await ddl(f"CREATE TABLE {child}_p (LIKE {child} INCLUDING DEFAULTS) PARTITION BY RANGE (month)")
        await ddl(f"ALTER TABLE {child}_p ALTER COLUMN id TYPE bigint, ALTER COLUMN attempt TYPE bigint")
        await ddl(f"ALTER TABLE {child}_p ADD PRIMARY KEY (id, month)")
        for key in CHILD_KEYS[child]:
            await ddl(f"ALTER TABLE {child}_p ADD {key}")
        await ddl(
            f"ALTER TABLE {child}_p ADD FOREIGN KEY (attempt, month) REFERENCES attempt_p (id, month) "
            "ON DELETE CASCADE"
        )
    for month in held:
        for table in PARTITIONED:
            await ddl(
                f"CREATE TABLE {partition_name(table, month)} PARTITION OF {table}_p "
                f"FOR VALUES FROM ({month}) TO ({shift(month, 1)})"
            )
    for table in PARTITIONED:
        await ddl(f"INSERT INTO {table}_p SELECT * FROM {table}")  # noqa: S608 - LIKE kept the column order
        await ddl(f"ALTER SEQUENCE {table}_id_seq AS bigint OWNED BY {table}_p.id")
    for table in reversed(PARTITIONED):
        await ddl(f"DROP TABLE {table}")
    for table in PARTITIONED:
        await ddl(f"ALTER TABLE {table}_p RENAME TO {table}")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        held = await _fill_months(engine)
        if isinstance(engine, PostgresEngine):
            await _partition(engine, held)

    manager.add_raw(run)
    return manager

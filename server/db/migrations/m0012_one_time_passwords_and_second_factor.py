"""Admin-set passwords that expire and work once (password_expires_at), and a second factor for staff: a TOTP
secret, the last time step used (a code is never accepted twice), and hashed one-time recovery codes."""

import datetime as dt

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-02T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One-time passwords that expire; TOTP and recovery codes for staff"

# Accounts waiting for their first password change when this runs get the default deadline from now.
GRACE = dt.timedelta(hours=72)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="kynangso", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = isinstance(engine, PostgresEngine)
        big, key = ("BIGINT", "BIGSERIAL PRIMARY KEY") if postgres else ("INTEGER", "INTEGER PRIMARY KEY NOT NULL")
        for column, kind in (
            ("password_expires_at", "TIMESTAMPTZ"),
            ("totp_secret", "VARCHAR(64)"),
            ("totp_last_step", big),
        ):
            await engine.run_ddl(f'ALTER TABLE staff_user ADD COLUMN "{column}" {kind} DEFAULT null')
        await engine.run_ddl(
            f'CREATE TABLE recovery_code ("id" {key}, '
            '"user" INTEGER REFERENCES staff_user ("id") ON DELETE CASCADE ON UPDATE CASCADE NOT NULL, '
            '"code_hash" VARCHAR(200) NOT NULL, "used" BOOLEAN NOT NULL DEFAULT false)'
        )
        await engine.run_ddl('CREATE INDEX recovery_code_user ON recovery_code ("user")')
        from server.db import tables

        deadline = dt.datetime.now(dt.UTC) + GRACE
        await tables.StaffUser.update({tables.StaffUser.password_expires_at: deadline}).where(
            tables.StaffUser.must_change_password == True  # noqa: E712
        )

    manager.add_raw(run)
    return manager

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T20:11:08:249767"
VERSION = "1.38.0"
DESCRIPTION = "Drop the live rollups: releases replaced them"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="kynangso", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="MonthAttempts", tablename="month_attempts", schema=None
    )

    manager.drop_table(
        class_name="MonthLevels", tablename="month_levels", schema=None
    )

    manager.drop_table(
        class_name="MonthAbout", tablename="month_about", schema=None
    )

    manager.drop_table(
        class_name="ItemStats", tablename="item_stats", schema=None
    )

    return manager

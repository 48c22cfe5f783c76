import os

from piccolo.conf.apps import AppConfig

from .tables import ALL

APP_CONFIG = AppConfig(
    app_name="kynangso",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=list(ALL),
    migration_dependencies=[],
    commands=[],
)

"""For Piccolo's own command line (`piccolo migrations new kynangso --auto`): the app itself binds its engine
from settings in server/db/engine.py."""

import os

from piccolo.conf.apps import AppRegistry

from server.db.engine import engine_for

DB = engine_for(os.environ.get("DATABASE_URL", "sqlite:///var/kynangso.db"))
APP_REGISTRY = AppRegistry(apps=["server.db.piccolo_app"])

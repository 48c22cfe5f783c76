"""The bare handler benchmarks/load.py measures the app against: a Litestar app with one GET route that returns a
tiny text response (no middleware, no templates, no database). It is served by the same ASGI server with the same
settings as the app, so the ratio of the app's requests per second to this one's is what the app itself costs.

    python -m uvicorn benchmarks.bare:create --factory --port 8001
    granian --interface asgi --factory --port 8001 benchmarks.bare:create"""

from __future__ import annotations

from litestar import Litestar, get


@get("/", media_type="text/plain", sync_to_thread=False)
def hello() -> str:
    return "ok"


def create() -> Litestar:
    """The factory, like server.app:app_from_env (`--factory`)."""
    return Litestar(route_handlers=[hello], debug=False, openapi_config=None)


app = create()

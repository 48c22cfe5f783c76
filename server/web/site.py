"""What every handler may need: the loaded content, the areas, settings and the database engine."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import State
from litestar.stores.base import Store
from piccolo.engine.base import Engine

from ..domain.areas import Territory
from ..domain.content import Bank
from ..domain.dashboard import TargetBook
from ..domain.passwords import PasswordPolicy
from ..hashing import Hasher
from ..settings import Settings
from .assets import StaticFiles
from .releases import ReleaseShelf
from .staff_sessions import StaffSessions
from .throttle import Throttle


@dataclass(frozen=True, slots=True)
class Site:
    settings: Settings
    bank: Bank
    territory: Territory  # one province, or the whole country
    engine: Engine
    hasher: Hasher
    policy: PasswordPolicy
    sessions: StaffSessions
    throttle: Throttle  # password and second-factor guesses, counted atomically
    targets: TargetBook  # each province's targets
    static_hashes: dict[str, str]
    static: StaticFiles  # the static files, read and compressed once per process
    releases: ReleaseShelf  # the published releases this process has read
    store: Store  # memory, or Redis when REDIS_URL is set: short-lived counters shared by the app's processes

    def cookie_name(self, name: str) -> str:
        """Over HTTPS, `__Host-` binds a cookie to this host and path / and demands Secure."""
        return f"__Host-{name}" if self.settings.https else name


def provide_site(state: State) -> Site:
    return state.site  # type: ignore[no-any-return]

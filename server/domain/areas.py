"""Vietnam's administrative map since 1 July 2025 (34 provinces, 3,321 communes, wards and special zones; no
districts), read from server/data/vietnam.json, which server/data/update_map.py generates from a pinned release of
the `vietnam-provinces` library. A deployment serves one province of it (PROVINCE, default 37: Ninh Bình) or the
whole country (PROVINCE=all): its Territory."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .text import Text, nfc

# How a place's own name is written with its kind, in each language: "Phường Phủ Lý", "Phủ Lý ward". Names stay
# Vietnamese; only the kind's word is translated.
KINDS = {
    "tỉnh": ("Tỉnh {}", "{} province"),
    "thành phố trung ương": ("Thành phố {}", "{} city"),
    "xã": ("Xã {}", "{} commune"),
    "phường": ("Phường {}", "{} ward"),
    "đặc khu": ("Đặc khu {}", "{} special zone"),
}


def _titled(place: str, kind: str) -> Text:
    vi, en = KINDS[kind]
    return Text(vi.format(place), en.format(place))


@dataclass(frozen=True, slots=True)
class Commune:
    code: str  # five digits, as Decision 19/2025/QĐ-TTg numbers it
    place: str  # the name alone: "Phủ Lý"
    kind: str  # xã, phường or đặc khu

    @property
    def name(self) -> str:
        """The Vietnamese name as written on signs and forms: "Phường Phủ Lý"."""
        return KINDS[self.kind][0].format(self.place)

    @property
    def title(self) -> Text:
        return _titled(self.place, self.kind)


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: Text  # "Tỉnh Ninh Bình" / "Ninh Bình province"
    communes: tuple[Commune, ...]  # in the order of their codes

    _index: dict[str, Commune] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update((c.code, c) for c in self.communes)

    def commune(self, code: str) -> Commune | None:
        return self._index.get(code)

    def by_kind(self) -> list[tuple[str, list[Commune]]]:
        """The communes grouped for a select: wards, then communes, then special zones, each by name."""
        order = ("phường", "xã", "đặc khu")
        return [
            (kind, sorted((c for c in self.communes if c.kind == kind), key=lambda c: sort_key(c.place)))
            for kind in order
            if any(c.kind == kind for c in self.communes)
        ]


def sort_key(name: str) -> tuple[str, str]:
    """Vietnamese alphabetical order, near enough for a list: letters without their marks first (đ after d), then
    the marks."""
    spread = name.replace("Đ", "D\uffff").replace("đ", "d\uffff")
    base = "".join(c for c in unicodedata.normalize("NFD", spread) if not unicodedata.combining(c))
    return base.lower(), name


class AreasError(Exception):
    pass


def load_country(path: Path) -> list[Province]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        provinces = [
            Province(
                str(p["code"]),
                _titled(nfc(p["name"]), p["kind"]),
                tuple(Commune(str(code), nfc(place), kind) for code, place, kind in p["communes"]),
            )
            for p in raw["provinces"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AreasError(f"{path}: cannot read the map: {exc!r}") from None
    codes = [c.code for p in provinces for c in p.communes]
    if len(set(codes)) != len(codes):
        raise AreasError(f"{path}: two communes share a code")
    return provinces


NATION = "all"  # PROVINCE=all: the deployment serves the whole country
COUNTRY_NAME = Text("Việt Nam", "Viet Nam")


@dataclass(frozen=True, slots=True)
class Territory:
    """What a deployment serves: one province, or every province (`national`). Its officials are scoped to all
    of it, to one province (national deployments only) or to one commune."""

    provinces: tuple[Province, ...]
    national: bool

    _communes: dict[str, Commune] = field(default_factory=dict, compare=False, repr=False)
    _province_of: dict[str, Province] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for province in self.provinces:
            for commune in province.communes:
                self._communes[commune.code] = commune
                self._province_of[commune.code] = province

    @property
    def code(self) -> str:
        return NATION if self.national else self.provinces[0].code

    @property
    def name(self) -> Text:
        return COUNTRY_NAME if self.national else self.provinces[0].name

    @property
    def communes(self) -> tuple[Commune, ...]:
        return tuple(self._communes.values())

    def commune(self, code: str) -> Commune | None:
        return self._communes.get(code)

    def province(self, code: str) -> Province | None:
        """A province of the territory (a provincial deployment has one)."""
        return next((p for p in self.provinces if p.code == code), None)

    def province_of(self, commune: str) -> Province | None:
        return self._province_of.get(commune)

    def by_kind(self) -> list[tuple[str, list[Commune]]]:
        """The communes of a provincial deployment grouped for a select (a national one chooses a province first)."""
        return [] if self.national else self.provinces[0].by_kind()

    def commune_provinces(self) -> dict[str, str]:
        """Each commune's province code."""
        return {code: province.code for code, province in self._province_of.items()}

    def is_scope(self, area: str | None) -> bool:
        """Whether an official may be scoped to `area`: all of the territory (None), a commune of it, or, in a
        national deployment, a province."""
        return area is None or self.commune(area) is not None or (self.national and self.province(area) is not None)

    @property
    def top_key(self) -> str:
        """How the dashboard's area filter names all of the territory."""
        return "nation" if self.national else "province"

    def area_codes(self) -> list[str]:
        """Every area a dashboard view can show: the territory, its provinces (national), its communes."""
        provinces = [p.code for p in self.provinces] if self.national else []
        return [self.top_key, *provinces, *(c.code for c in self.communes)]

    def within(self, scope: str | None, area: str | None) -> bool:
        """Whether an official scoped to `scope` may see `area` (None: the whole territory)."""
        if scope is None or scope == area:
            return True
        if area is None or self.province(scope) is None:
            return False  # a commune official sees their commune only
        province = self.province_of(area)
        return province is not None and province.code == scope

    def place(self, code: str | None) -> Text:
        """The name of an area code: None is the whole territory, two digits a province, five a commune."""
        if code is None:
            return self.name
        if (commune := self.commune(code)) is not None:
            return commune.title
        if (province := self.province(code)) is not None:
            return province.name
        return Text(code, code)


def territory_of(country: Sequence[Province], code: str) -> Territory:
    """The province of `code` or, for NATION, the whole country; an unknown code names the ones there are."""
    if code == NATION:
        return Territory(tuple(country), national=True)
    for province in country:
        if province.code == code:
            return Territory((province,), national=False)
    known = ", ".join(f"{p.code} {p.name.vi}" for p in country)
    raise AreasError(f"PROVINCE={code!r} is not a province code of the map (or {NATION}): {known}")


def load_territory(path: Path, code: str) -> Territory:
    return territory_of(load_country(path), code)


def load_province(path: Path, code: str) -> Province:
    """One province of the map (scripts and benchmarks that work on one province)."""
    return territory_of(load_country(path), code).provinces[0]

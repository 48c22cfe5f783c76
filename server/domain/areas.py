"""The province and its communes/wards, from a configured data file (server/data/communes.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .text import Text, nfc


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: Text
    communes: tuple[Commune, ...]

    def commune(self, code: str) -> Commune | None:
        for c in self.communes:
            if c.code == code:
                return c
        return None


class AreasError(Exception):
    pass


def load_province(path: Path) -> Province:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        head = raw["province"]
        communes = tuple(Commune(str(c["code"]), nfc(c["name"])) for c in raw.get("communes", []))
        province = Province(str(head["code"]), Text(nfc(head["name"]["vi"]), nfc(head["name"]["en"])), communes)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise AreasError(f"{path}: cannot read the communes file: {exc!r}") from None
    codes = [c.code for c in communes]
    if len(set(codes)) != len(codes):
        raise AreasError(f"{path}: two communes share a code")
    return province

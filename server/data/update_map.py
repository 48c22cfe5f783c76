"""Writes server/data/vietnam.json, the administrative map the app serves, from the `vietnam-provinces` library.

Since 1 July 2025 Vietnam has 34 provinces and 3,321 commune-level units (xã, phường, đặc khu) and no districts;
codes are those of Decision 19/2025/QĐ-TTg. `vietnam-provinces` follows the statistics office's published list
(danhmuchanhchinh.nso.gov.vn). Its releases from 2026.1 are built from the official list; 2025.10.1, the last to
install on Python 3.11, was built from the draft and gives about 130 units other codes (Phường Phủ Lý 13291, which
the decision numbers 13285). The app runs on 3.11 and takes no GPL code, so the map is generated once, here, with
the pinned release on Python 3.12, and the app reads the JSON:

    python3.12 -m venv /tmp/map && /tmp/map/bin/pip install vietnam-provinces==2026.9.0
    /tmp/map/bin/python server/data/update_map.py

A new release of the library (a merger, a renamed ward) is taken by changing PINNED, running this again and
reviewing the diff; tests/unit/test_map.py holds the counts and a sample of codes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

PINNED = "2026.9.0"
OUT = Path(__file__).with_name("vietnam.json")

# The word before a place's own name, by kind: "Phường Phủ Lý" is the ward named "Phủ Lý".
PREFIXES = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố", "xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}


def bare(name: str, kind: str) -> str:
    prefix = PREFIXES[kind] + " "
    assert name.lower().startswith(prefix.lower()), (name, kind)  # one entry has "xã" in lower case
    return unicodedata.normalize("NFC", name[len(prefix) :].strip())


def main() -> None:
    import vietnam_provinces
    from vietnam_provinces import Province, Ward

    assert vietnam_provinces.__version__ == PINNED, f"install vietnam-provinces=={PINNED}"
    provinces = []
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        kind = province.division_type.value
        units = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
        provinces.append(
            {
                "code": f"{int(province.code):02d}",
                "name": bare(province.name, kind),
                "kind": kind,
                "communes": [
                    [f"{int(w.code):05d}", bare(w.name, w.division_type.value), w.division_type.value] for w in units
                ],
            }
        )
    data = {
        "source": f"vietnam-provinces {PINNED} (data of {vietnam_provinces.__data_version__}), "
        "the statistics office's list of administrative units under Decision 19/2025/QĐ-TTg",
        "provinces": provinces,
    }
    OUT.write_text(_lines(data), encoding="utf-8")
    print(f"{OUT}: {len(provinces)} provinces, {sum(len(p['communes']) for p in provinces)} units")


def _lines(data: dict) -> str:
    """JSON with one commune a line, so that a change of the map reads as a short diff."""
    dump = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    out = ["{", f'"source": {dump(data["source"])},', '"provinces": [']
    for i, province in enumerate(data["provinces"]):
        head = {k: province[k] for k in ("code", "name", "kind")}
        out.append(dump(head)[:-1] + ', "communes": [')
        out += [
            dump(c) + ("," if j < len(province["communes"]) - 1 else "") for j, c in enumerate(province["communes"])
        ]
        out.append("]}" + ("," if i < len(data["provinces"]) - 1 else ""))
    out += ["]", "}"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()

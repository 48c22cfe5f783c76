"""Releases: what they cost and how close their numbers are to the truth (issue 9, point 8: measure the utility).

    python -m benchmarks.releases [--attempts N] [--database-url URL] [--epsilon E] [--simulate-communes C]

1. Writes N synthetic attempts (default 1,000,000, spread over the last ~14 months) with the real demo writer,
   then publishes every due month through the real path (server.publishing.publish_due, now = real now), timing
   each month's release (read from the database, build with noise, store).
2. For each released month, counts the truth from the same records the release was built from
   (server.db.releases.records_for + true_counts) and compares with the published cells: the province's
   percentages by age band x topic x level, for a month, a quarter and a year; the province's working-age share at
   Basic or above per topic (the 70 % target indicator); and per commune, for a month, a quarter and a year, its
   participants and its working-age (and 65+) share at Basic or above per topic, by commune size.
3. Re-builds each month in memory with its records spread over C synthetic communes (default 129, Ninh Bình's
   count; 0 skips it), to see a commune's errors at the size a full deployment would have. Nothing is stored.
4. Times the province dashboard through the real app (benchmarks/dashboard.py).

Without --database-url it uses a throwaway SQLite file; with a postgresql:// URL to a server it creates a throwaway
database there and drops it afterwards. Errors are released minus true; "|err|" figures are of absolute errors,
"mean" is the signed mean (a bias). Prints numbers; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from benchmarks.dashboard import bench_settings, throwaway_database, time_dashboard, with_engine, write_demo
from server import publishing
from server.app import load_content, load_places
from server.db import releases as releases_db
from server.domain.areas import Province
from server.domain.attempt import AGE_BANDS
from server.domain.content import Bank
from server.domain.dashboard import LEVEL_VALUES, Period, periods_offered, tally
from server.domain.release import (
    MODES,
    NO_COMMUNE,
    WORKING_AGE,
    AttemptRecord,
    Key,
    Release,
    Universe,
    build_release,
    grains,
    true_counts,
)
from server.domain.scoring import Level
from server.noise import DiscreteLaplace
from server.settings import Settings

LEVELS_DIMS = ("age_band", "mode", "topic", "level")
COMMUNE_LEVELS_DIMS = ("commune", "age_group", "mode", "topic", "level")
COMMUNE_PEOPLE_DIMS = ("commune", "age_band", "mode")
MEASURED = ("participation", "participation_by_commune", "levels", "levels_by_commune")
BELOW = Level.NOT_YET.value
SIZES = (0, 100, 250, 500, 1000, 2500, 5000)  # buckets of a commune's working-age people in one topic
MODE_SETS = {"all modes": MODES, "self only": ("self",), "guided only": ("guided",)}


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(label: str, errors: Sequence[float], unit: str, missing: int = 0) -> None:
    if not errors:
        print(f"  {label:52} no values")
        return
    absolute = [abs(e) for e in errors]
    extra = f"   ({missing} with no released total)" if missing else ""
    print(
        f"  {label:52} n {len(errors):5}   |err| median {quantile(absolute, 0.5):6.2f}{unit}   "
        f"p95 {quantile(absolute, 0.95):6.2f}{unit}   max {max(absolute):6.2f}{unit}   "
        f"mean {statistics.fmean(errors):+6.2f}{unit}{extra}"
    )


def compare(true: Mapping[Key, float], released: Mapping[Key, float]) -> tuple[list[float], int]:
    """Released minus true, over the keys the truth defines; and how many of those the release leaves undefined."""
    errors = [released[k] - v for k, v in true.items() if k in released]
    return errors, sum(1 for k in true if k not in released)


def level_shares(releases: Sequence[Release], modes: Sequence[str], topics: Sequence[str]) -> dict[Key, float]:
    """(topic, band, level) -> percentage of the band's people in that topic at that level, as the dashboard's
    province table computes it (released counts over their row's sum)."""
    counts = tally(releases, "levels", LEVELS_DIMS, {"mode": modes}, ("topic", "age_band", "level"))
    shares = {}
    for topic in topics:
        for band in AGE_BANDS:
            total = sum(counts.get((topic, band, lv), 0) for lv in LEVEL_VALUES)
            if total:
                for lv in LEVEL_VALUES:
                    shares[(topic, band, lv)] = 100 * counts.get((topic, band, lv), 0) / total
    return shares


def basic_split(counts: Mapping[Key, int]) -> dict[Key, tuple[int, int]]:
    """Counts keyed (*group, level) -> group -> (people at Basic or above, people)."""
    totals: Counter[Key] = Counter()
    below: Counter[Key] = Counter()
    for (*group, level), n in counts.items():
        totals[tuple(group)] += n
        if level == BELOW:
            below[tuple(group)] += n
    return {g: (totals[g] - below[g], totals[g]) for g in totals if totals[g] > 0}


def basic_shares(split: Mapping[Key, tuple[int, int]]) -> dict[Key, float]:
    return {g: 100 * part / whole for g, (part, whole) in split.items()}


def province_working_age(releases: Sequence[Release]) -> dict[Key, tuple[int, int]]:
    where = {"age_band": WORKING_AGE, "mode": MODES}
    return basic_split(tally(releases, "levels", LEVELS_DIMS, where, ("topic", "level")))


def commune_basic(
    releases: Sequence[Release], communes: Sequence[str], group: str = "15-64"
) -> dict[Key, tuple[int, int]]:
    """(commune, topic) -> (people of the age group at Basic or above, people of the age group), all modes."""
    where = {"age_group": (group,), "mode": MODES, "commune": communes}
    return basic_split(tally(releases, "levels_by_commune", COMMUNE_LEVELS_DIMS, where, ("commune", "topic", "level")))


def commune_people(releases: Sequence[Release], communes: Sequence[str]) -> Counter[Key]:
    return tally(releases, "participation_by_commune", COMMUNE_PEOPLE_DIMS, {"commune": communes}, ("commune",))


def truth(period: str, records: Sequence[AttemptRecord], universe: Universe) -> Release:
    """The exact counts of the measured grains, shaped as a release so the dashboard's `tally` reads both."""
    tables = {g.name: true_counts(g, records, universe) for g in grains(len(universe.topics)) if g.name in MEASURED}
    return Release(
        period=period,
        computed_at=dt.datetime.now(dt.UTC),
        mechanism="none (true counts)",
        library="",
        epsilon=math.inf,
        tables=tables,
    )


@dataclass(frozen=True, slots=True)
class Month:
    period: str
    attempts: int
    true: Release
    released: Release


def groups(released: Iterable[str]) -> dict[str, list[Period]]:
    """The periods compared: every released month, every complete quarter, every year with 6+ released months."""
    offered = periods_offered(released)
    return {
        "month": [p for p in offered if p.kind == "month"],
        "quarter": [p for p in offered if p.kind == "quarter" and p.complete],
        "year": [p for p in offered if p.kind == "year" and len(p.months) >= 6],
    }


async def publish_timed(settings: Settings, bank: Bank, province: Province) -> tuple[dict[str, float], float]:
    """Every due month through server.publishing.publish_due, with the time of each month's db.publish (read the
    month's records and item sums, build the release with noise, store it)."""
    original = releases_db.publish
    seconds: dict[str, float] = {}

    async def timed_publish(period: str, **arguments) -> Release:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await original(period, **arguments)
        finally:
            seconds[period] = time.perf_counter() - started

    releases_db.publish = timed_publish  # type: ignore[assignment]
    started = time.perf_counter()
    try:
        done = await publishing.publish_due(settings, bank, province, dt.datetime.now(dt.UTC))
    finally:
        releases_db.publish = original  # type: ignore[assignment]
    total = time.perf_counter() - started
    return {p: seconds[p] for p in done}, total


@dataclass(frozen=True, slots=True)
class Parts:
    """Each part of a month's release timed again on its own, after publishing: reading the records, summing the
    item statistics, and building the release in memory (true counts, noise, consistency)."""

    records: float
    items: float
    build: float


async def months_compared(
    settings: Settings, bank: Bank, province: Province, universe: Universe
) -> tuple[list[Month], dict[str, list[AttemptRecord]], dict[str, Parts]]:
    arguments = publishing._arguments(settings, bank, province)  # the same arguments the real path uses
    months, records_of, parts = [], {}, {}
    for period in sorted(await releases_db.published_periods()):
        started = time.perf_counter()
        records = await releases_db.records_for(period)
        read = time.perf_counter() - started
        started = time.perf_counter()
        items = await releases_db.item_sums_for(period, arguments["topic_of"])
        summed = time.perf_counter() - started
        started = time.perf_counter()
        build_release(
            period=period,
            records=records,
            universe=universe,
            mechanism=arguments["mechanism"],
            epsilon=arguments["epsilon"],
            computed_at=dt.datetime.now(dt.UTC),
            threshold=arguments["threshold"],
            items=items,
        )
        parts[period] = Parts(read, summed, time.perf_counter() - started)
        released = await releases_db.load(period)
        assert released is not None
        months.append(Month(period, len(records), truth(period, records, universe), released))
        records_of[period] = records
    return months, records_of, parts


def print_cost(months: Sequence[Month], publish_seconds: Mapping[str, float], parts: Mapping[str, Parts]) -> None:
    print("\nrelease cost per month: db.publish (read the month and its item sums, build with noise, store);")
    print("then each part timed again on its own (the build again in memory, its noise thrown away):")
    print(f"  {'month':8} {'attempts':>9} {'release':>9} {'records_for':>12} {'item_sums_for':>14} {'build':>8}")
    for m in months:
        part = parts[m.period]
        print(
            f"  {m.period:8} {m.attempts:9,} {publish_seconds.get(m.period, math.nan):8.2f}s "
            f"{part.records:11.2f}s {part.items:13.2f}s {part.build:7.2f}s"
        )
    timed = [publish_seconds[m.period] for m in months if m.period in publish_seconds]
    if timed:
        medians = [statistics.median(getattr(parts[m.period], f) for m in months) for f in Parts.__slots__]
        print(
            f"  median release {statistics.median(timed):.2f} s (max {max(timed):.2f} s); parts "
            + ", ".join(f"{name} {v:.2f} s" for name, v in zip(Parts.__slots__, medians, strict=True))
            + f"; median attempts per month {statistics.median(m.attempts for m in months):,.0f}"
        )


def print_province(months: Mapping[str, Month], periods: Mapping[str, list[Period]], topics: Sequence[str]) -> None:
    print("\nprovince: percentage of an age band's people in a topic at each level (6 bands x topics x 4 levels)")
    for kind, chosen in periods.items():
        names = ", ".join(f"{p.key} ({len(p.months)} mo)" for p in chosen) if kind != "month" else f"{len(chosen)}"
        print(f" {kind}s: {names}")
        for label, modes in MODE_SETS.items():
            errors, missing = [], 0
            for p in chosen:
                true = level_shares([months[m].true for m in p.months], modes, topics)
                released = level_shares([months[m].released for m in p.months], modes, topics)
                e, n = compare(true, released)
                errors += e
                missing += n
            summary(f"{kind}, {label}", errors, " pts", missing)


def print_working_age(months: Sequence[Month], topics: Sequence[str], target: float | None) -> None:
    print(f"\nprovince: working-age (15-64) share at Basic or above per topic, true / released (target {target} %)")
    print("  " + f"{'month':8}" + "".join(f"{t:>26}" for t in topics))
    errors = []
    for m in months:
        true = basic_shares(province_working_age([m.true]))
        released = basic_shares(province_working_age([m.released]))
        cells = []
        for t in topics:
            tv, rv = true.get((t,), math.nan), released.get((t,), math.nan)
            cells.append(f"{tv:6.2f} / {rv:6.2f} ({rv - tv:+5.2f})")
            errors.append(rv - tv)
        print("  " + f"{m.period:8}" + "".join(f"{c:>26}" for c in cells))
    summary("month, all modes (months x topics)", errors, " pts")


def print_communes(
    title: str,
    months: Mapping[str, Month],
    periods: Mapping[str, list[Period]],
    communes: Sequence[str],
    k: int,
) -> None:
    print(f"\n{title}")
    for kind in ("month", "quarter", "year"):
        absolute, relative, sizes, old_errors = [], [], [], []
        share_errors, missing, hidden, denominators = [], 0, 0, []
        by_size: list[tuple[int, float]] = []  # (working-age people in the topic, error)
        for p in periods[kind]:
            true_people = commune_people([months[m].true for m in p.months], communes)
            released_people = commune_people([months[m].released for m in p.months], communes)
            for (c,), n in true_people.items():
                diff = released_people.get((c,), 0) - n
                absolute.append(diff)
                relative.append(100 * diff / n)
                sizes.append(n)
            true_split = commune_basic([months[m].true for m in p.months], communes)
            released_split = commune_basic([months[m].released for m in p.months], communes)
            true_shares, released_shares = basic_shares(true_split), basic_shares(released_split)
            e, n_missing = compare(true_shares, released_shares)
            share_errors += e
            by_size += [
                (true_split[g][1], released_shares[g] - v) for g, v in true_shares.items() if g in released_shares
            ]
            missing += n_missing
            hidden += sum(1 for part, whole in released_split.values() if part < k or whole < k)
            denominators += [whole for _, whole in true_split.values()]
            old_errors += compare(
                basic_shares(commune_basic([months[m].true for m in p.months], communes, "65+")),
                basic_shares(commune_basic([months[m].released for m in p.months], communes, "65+")),
            )[0]
        if not sizes:
            continue
        print(
            f" per {kind} ({len(periods[kind])} {kind}s x {len(communes)} communes): median commune "
            f"{statistics.median(sizes):,.0f} participants (smallest {min(sizes):,}); median working-age people "
            f"in one topic {statistics.median(denominators):,.0f}"
        )
        summary(f"{kind}, participants, absolute", absolute, "")
        summary(f"{kind}, participants, relative", relative, " %")
        summary(f"{kind}, working-age Basic or above per topic", share_errors, " pts", missing)
        for low, high in itertools.pairwise((*SIZES, math.inf)):
            errors = [e for n, e in by_size if low <= n < high]
            if errors:
                size = f"{low:,} or more" if high == math.inf else f"{low:,} to {high - 1:,}"
                summary(f"  ... with {size} people in the topic", errors, " pts")
        if hidden:
            print(f"  ({hidden} commune-topic shares of {len(share_errors) + missing} would be hidden as under K={k})")
        summary(f"{kind}, 65+ Basic or above per topic", old_errors, " pts")


def simulated(
    records_of: Mapping[str, Sequence[AttemptRecord]], universe: Universe, count: int, settings: Settings
) -> tuple[dict[str, Month], tuple[str, ...], float]:
    """Each month's records spread over `count` synthetic communes (weights as in server/demo.py), released in
    memory with the real builder and mechanism."""
    rng = random.Random(9)
    codes = tuple(f"sim{i:03d}" for i in range(count))
    weights = [rng.uniform(0.3, 3.0) for _ in codes]
    sim_universe = Universe(communes=codes, topics=universe.topics, guides=())
    months, seconds = {}, []
    for period, records in records_of.items():
        given = [r for r in records if r.commune != NO_COMMUNE]
        spread = iter(rng.choices(codes, weights, k=len(given)))
        moved = [replace(r, commune=next(spread)) if r.commune != NO_COMMUNE else r for r in records]
        started = time.perf_counter()
        released = build_release(
            period=period,
            records=moved,
            universe=sim_universe,
            mechanism=DiscreteLaplace(),
            epsilon=settings.release_epsilon,
            computed_at=dt.datetime.now(dt.UTC),
            threshold=settings.small_group_k,
        )
        seconds.append(time.perf_counter() - started)
        months[period] = Month(period, len(records), truth(period, moved, sim_universe), released)
    return months, codes, statistics.median(seconds)


def run(url: str, attempts: int, epsilon: float | None, simulate: int) -> None:
    settings = bench_settings(url, epsilon)
    bank, (province, targets) = load_content(settings), load_places(settings)
    target = targets.of(province.code).working_age_basic
    communes = tuple(c.code for c in province.communes)
    print(
        f"epsilon {settings.release_epsilon} per month; display threshold K={settings.small_group_k}; "
        f"{len(communes)} communes in {settings.map_file.name}; topics {', '.join(bank.topic_ids)}"
    )
    write_demo(url, bank, province, attempts)

    async def measure() -> tuple[dict[str, float], float, list[Month], dict, dict]:
        publish_seconds, total = await publish_timed(settings, bank, province)
        universe = Universe(communes=communes, topics=bank.topic_ids, guides=await releases_db.team_member_ids())
        months, records_of, parts = await months_compared(settings, bank, province, universe)
        return publish_seconds, total, months, records_of, parts

    publish_seconds, total, months, records_of, parts = asyncio.run(with_engine(url, measure))
    print(f"releases: {len(publish_seconds)} month(s) published by publish_due in {total:.1f} s")
    if not months:
        print("no release was published: nothing to compare")
        return
    print_cost(months, publish_seconds, parts)
    by_period = {m.period: m for m in months}
    periods = groups(by_period)
    print_province(by_period, periods, bank.topic_ids)
    print_working_age(months, bank.topic_ids, target)
    print_communes(
        f"communes ({len(communes)} in {settings.map_file.name}; 'no commune given' left out)",
        by_period,
        periods,
        communes,
        settings.small_group_k,
    )
    if simulate:
        universe = Universe(communes=communes, topics=bank.topic_ids)
        sim_months, codes, seconds = simulated(records_of, universe, simulate, settings)
        print_communes(
            f"simulation: the same months' records over {simulate} synthetic communes, released in memory "
            f"(median build {seconds:.2f} s a month)",
            sim_months,
            periods,
            codes,
            settings.small_group_k,
        )
    print()
    time_dashboard(settings, bank, province)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--epsilon", type=float, help="privacy loss of one month's release (default: the setting's)")
    parser.add_argument("--simulate-communes", type=int, default=129, help="0 skips the simulation")
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url:
        run(url, args.attempts, args.epsilon, args.simulate_communes)


if __name__ == "__main__":
    main()

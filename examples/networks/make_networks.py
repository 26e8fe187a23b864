"""Generate the example network files reproducibly (no randomness outside a seeded
``random.Random``; the same package versions give byte-identical files).

    python examples/networks/make_networks.py            # writes the two examples here
    python examples/networks/make_networks.py --check    # exit 1 if a file would change

Countries come from the ``holidays`` package (each school gets its country's public
holidays and working week), zones from the ``tzdata`` package's ``zone.tab`` (a country
with several zones spreads its schools over them). Hours, school breaks and preferred
times are drawn from a few realistic patterns per hemisphere. ``network(...)`` is also
used by the benchmarks to build networks of any size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.resources
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

EUROPE = ["AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB",
          "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT",
          "RO", "SE", "SI", "SK"]
WORLD = ["AR", "AU", "BR", "CA", "CL", "CN", "CO", "DE", "EG", "ES", "FR", "GB", "GH",
         "ID", "IN", "IT", "JP", "KE", "KR", "MX", "NG", "NP", "NZ", "PE", "PH", "PL",
         "SE", "US", "VN", "ZA"]
SOUTH = {"AR", "AU", "BR", "CL", "NZ", "PE", "ZA"}  # school year = calendar year
HOURS = [["08:00-15:00"], ["08:30-16:00"], ["07:45-14:30"], ["08:00-12:30", "13:30-16:30"],
         ["09:00-15:30"], ["07:30-13:30"]]
# Countries with several zones: the zones where most of their schools are (zone.tab lists
# e.g. Lord Howe Island and Macquarie Island first for Australia).
MAIN_ZONES = {
    "US": ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"],
    "CA": ["America/Toronto", "America/Vancouver", "America/Edmonton", "America/Halifax"],
    "AU": ["Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth",
           "Australia/Adelaide"],
    "BR": ["America/Sao_Paulo", "America/Fortaleza", "America/Manaus", "America/Recife"],
    "MX": ["America/Mexico_City", "America/Monterrey", "America/Tijuana", "America/Cancun"],
    "AR": ["America/Argentina/Buenos_Aires", "America/Argentina/Cordoba"],
    "CL": ["America/Santiago"],
    "ID": ["Asia/Jakarta", "Asia/Makassar"],
    "CN": ["Asia/Shanghai"],
    "ES": ["Europe/Madrid"],
    "PT": ["Europe/Lisbon"],
    "NZ": ["Pacific/Auckland"],
    "DE": ["Europe/Berlin"],
    "DK": ["Europe/Copenhagen"],
    "EC": ["America/Guayaquil"],
}
# The state or province of a country's zone (its public holidays differ by subdivision).
ZONE_SUBDIVISION = {
    "America/New_York": "NY", "America/Chicago": "IL", "America/Denver": "CO",
    "America/Los_Angeles": "CA", "America/Toronto": "ON", "America/Vancouver": "BC",
    "America/Edmonton": "AB", "America/Halifax": "NS", "Australia/Sydney": "NSW",
    "Australia/Melbourne": "VIC", "Australia/Brisbane": "QLD", "Australia/Perth": "WA",
    "Australia/Adelaide": "SA", "America/Sao_Paulo": "SP", "America/Fortaleza": "CE",
    "America/Manaus": "AM", "America/Recife": "PE"}
SUBDIVISIONS = {"DE": ["BW", "BY", "BE", "HH", "NW", "SN"], "ES": ["MD", "CT", "AN", "VC"],
                "GB": ["ENG", "SCT", "WLS"], "CH": ["ZH", "GE", "BE"],
                "IN": ["DL", "MH", "KA"]}


def zones_by_country() -> dict[str, list[str]]:
    """Country code -> its zones, from the tzdata package's zone.tab (file order).
    A country's first zone there is its main one unless ``MAIN_ZONES`` says otherwise."""
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, zone = line.split("\t")[:3]
        out.setdefault(code, []).append(zone)
    return out


def city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _breaks(rng: random.Random, country: str, year: int) -> list[dict[str, Any]]:
    """A few school breaks of a September-to-July (north) or calendar (south) year, each
    shifted by a few days per pattern."""
    shift = dt.timedelta(days=rng.randint(-3, 3))
    d = dt.date
    if country in SOUTH:
        spans = [(d(year, 9, 21), d(year, 10, 2), "Spring break"),
                 (d(year, 12, 12), d(year + 1, 2, 2), "Summer holidays"),
                 (d(year + 1, 4, 10), d(year + 1, 4, 24), "Autumn break")]
    else:
        spans = [(d(year, 10, 24), d(year, 11, 1), "Autumn break"),
                 (d(year, 12, 19), d(year + 1, 1, 4), "Winter holidays"),
                 (d(year + 1, 2, 13), d(year + 1, 2, 21), "Winter break"),
                 (d(year + 1, 4, 3), d(year + 1, 4, 11), "Spring break")]
    return [{"from": a + shift, "to": b + shift, "name": name} for a, b, name in spans]


def _own_calendar(rng: random.Random, country: str, year: int,
                  seen: set[str]) -> dict[str, Any]:
    """A school's own ``terms`` and ``closures``: its country's school year with term
    dates and breaks each shifted by a few days, and one or two closed days of its
    own (a teachers' day, a local feast); drawn again until no school before it
    (``seen``) has the same ones."""
    d = dt.date
    while True:
        def day(base: dt.date, spread: int = 4) -> dt.date:
            return base + dt.timedelta(days=rng.randint(-spread, spread))

        if country in SOUTH:
            terms = [(day(d(year, 8, 1)), day(d(year, 12, 11))),
                     (day(d(year + 1, 2, 3)), day(d(year + 1, 7, 31)))]
        else:
            terms = [(day(d(year, 9, 1)), day(d(year, 12, 18))),
                     (day(d(year + 1, 1, 5)), day(d(year + 1, 3, 27))),
                     (day(d(year + 1, 4, 13)), day(d(year + 1, 7, 9)))]
        breaks = _breaks(rng, country, year)
        for _ in range(rng.randint(1, 2)):
            first = d(year, 9, 1) + dt.timedelta(days=rng.randrange(300))
            last = first + dt.timedelta(days=rng.randint(0, 1))
            breaks.append({"from": first, "to": last, "name": "School closed"})
        key = repr((terms, breaks))
        if key not in seen:
            seen.add(key)
            return {"terms": [{"from": a, "to": b, "name": f"Term {i}"}
                              for i, (a, b) in enumerate(terms, start=1)],
                    "closures": breaks}


def network(*, ident: str, name: str, countries: list[str], n_schools: int, anchor: str,
            seed: int, sessions: int = 1, start: dt.date = dt.date(2026, 9, 1),
            end: dt.date = dt.date(2027, 6, 30), duration: int = 60,
            weekdays: list[str] | None = None, step: int = 15, top: int = 3,
            patterns: int = 2, hours: int = len(HOURS),
            own_calendars: bool = False) -> dict[str, Any]:
    """A network file as a dict: ``n_schools`` schools spread over ``countries`` in turn,
    each in one of its country's zones, with its country's public holidays, one of
    the first ``hours`` of ``HOURS``, one of ``patterns`` break calendars per country
    (fewer patterns: more schools share one calendar), and sometimes a
    preferred time (so schools sharing a calendar can still differ).

    ``own_calendars=True`` (the benchmarks' real case) gives every school a calendar of
    its own instead: its own terms and breaks (:func:`_own_calendar`), no two schools
    alike. It draws from a second generator, so the default networks are unchanged."""
    rng = random.Random(seed)
    zones = zones_by_country()
    per_country_breaks = {c: [_breaks(rng, c, start.year) for _ in range(patterns)]
                          for c in countries}
    net: dict[str, Any] = {"id": ident, "name": name, "start": start, "end": end,
                           "duration": duration, "anchor": anchor}
    if sessions != 1:
        net["sessions"] = sessions
    if weekdays:
        net["weekdays"] = weekdays
    net.update(step=step, top=top)
    schools = []
    own_rng = random.Random(f"own-{seed}")
    seen: set[str] = set()
    for i in range(n_schools):
        country = countries[i % len(countries)]
        zone = rng.choice(MAIN_ZONES.get(country) or zones[country][:1])
        s: dict[str, Any] = {"id": f"{country.lower()}-{i + 1:04d}",
                             "name": f"{city(zone)} school {i + 1}",
                             "timezone": zone, "country": country}
        subs = SUBDIVISIONS.get(country)
        if zone in ZONE_SUBDIVISION:
            s["subdivision"] = ZONE_SUBDIVISION[zone]
        elif subs:
            s["subdivision"] = rng.choice(subs)
        s["hours"] = rng.choice(HOURS[:hours])
        if rng.random() < 0.2:
            s["prefer"] = f"{rng.choice([9, 10, 11, 13, 14]):02d}:00"
        s["closures"] = rng.choice(per_country_breaks[country])
        if own_calendars:
            s.update(_own_calendar(own_rng, country, start.year, seen))
        schools.append(s)
    return {"network": net, "schools": schools}


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, dt.date)):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(data: dict[str, Any], comment: str) -> str:
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    lines += ["# Generated by examples/networks/make_networks.py: edit that, not this.", "",
              "[network]"]
    lines += [f"{k} = {_value(v)}" for k, v in data["network"].items()]
    for s in data["schools"]:
        lines += ["", "[[schools]]"]
        lines += [f"{k} = {_value(v)}" for k, v in s.items()]
    return "\n".join(lines) + "\n"


def examples() -> dict[str, str]:
    esha = network(ident="european-heads-webinar", name="European school heads' webinar",
                   countries=EUROPE[:25], n_schools=40, anchor="Europe/Brussels", seed=2026,
                   weekdays=["TU", "WE", "TH"], step=30, end=dt.date(2027, 7, 9))
    world = network(ident="worldwide-principals", name="Worldwide principals' monthly call",
                    countries=WORLD, n_schools=300, anchor="Europe/London", seed=1970,
                    sessions=2, weekdays=["MO", "TU", "WE", "TH", "FR"], step=30)
    return {
        "european-heads.toml": to_toml(esha, (
            "A European association's monthly webinar for school heads: 40 schools in 25\n"
            "countries, each with its national holidays and school breaks, organised from\n"
            "Brussels. Plan it with: twinschedule network european-heads.toml")),
        "worldwide.toml": to_toml(world, (
            "A worldwide principals' network: 300 schools in 30 countries from Santiago to\n"
            "Auckland, organised from London, with a repeat session (sessions = 2) for the\n"
            "schools the first session cannot reach.\n"
            "Plan it with: twinschedule network worldwide.toml")),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = ap.parse_args(argv)
    changed = []
    for name, text in examples().items():
        path = HERE / name
        if path.exists() and path.read_text() == text:
            continue
        changed.append(name)
        if not args.check:
            path.write_text(text)
    if args.check and changed:
        print("out of date: " + ", ".join(changed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

// Expand iCalendar files with Mozilla ical.js (Thunderbird's engine). ical.js has no
// time zone data of its own: every VTIMEZONE of the file is registered with
// ICAL.TimezoneService (after a reset), so times are placed by the file's VTIMEZONEs only.
//
//   node expand.mjs FILE START END               -> [{"uid","start","end"}, ...]
//   node expand.mjs expand FILE START END        -> the same
//   node expand.mjs expand-many START END FILE... -> {"FILE": [{"uid","start","end"}, ...]}
//   node expand.mjs offsets FILE TZID INSTANT... -> [UTC offset in minutes at each instant]
//   node expand.mjs walls FILE TZID WALL...      -> [UTC offset in minutes of each wall time]
//   node expand.mjs zones < QUERIES.json         -> [{"offsets": [...], "walls": [...]}, ...]
//     (QUERIES: [{"file", "tzid", "instants": [INSTANT...], "walls": [WALL...]}, ...];
//      many zones in one run, values on standard input rather than the command line)
//
// START, END and INSTANT are UTC ISO instants (2026-09-01T00:00:00Z); WALL is a local wall
// time in TZID (2026-11-01T01:30:00). Occurrences are those overlapping [START, END),
// as UTC instants, sorted by start, uid, end; a non-recurring event is listed once.
//
// `offsets` gives, for each UTC instant, the offset that the file's VTIMEZONE (as ical.js
// expands it: its RRULEs, only the first value of each RDATE, ...) has at that instant.
// It reads the onsets ical.js computed from the VTIMEZONE (Timezone#changes, in UTC)
// instead of Time#convertToZone, which looks the offset up at the UTC wall clock read as
// a local time and is therefore off by up to the offset next to every change. Before the
// first onset it reports 0, as ical.js does. `walls` gives ical.js's offset for a local
// wall time (Timezone#utcOffset, the path that places an event's DTSTART;TZID=...);
// ical.js has no fold flag, so pass only wall times that exist exactly once.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function load(file) {
  ICAL.TimezoneService.reset();
  const comp = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const vtz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  }
  return comp;
}

function zoneOf(file, tzid) {
  load(file);
  const zone = ICAL.TimezoneService.get(tzid);
  if (!zone) throw new Error(`no VTIMEZONE ${tzid} in ${file}`);
  return zone;
}

function utcTime(iso) {
  if (!iso.endsWith("Z")) throw new Error(`not a UTC instant: ${iso}`);
  return ICAL.Time.fromDateTimeString(iso, null); // a trailing Z gives the UTC zone
}

function utc(time) {
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString().replace(/Z?$/, "Z");
}

function expand(file, start, end) {
  const comp = load(file);
  const byUid = new Map();
  for (const vevent of comp.getAllSubcomponents("vevent")) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
    const entry = byUid.get(uid);
    if (vevent.hasProperty("recurrence-id")) entry.exceptions.push(vevent);
    else if (entry.master === null) entry.master = vevent;
    else throw new Error(`two master events for ${uid}`);
  }
  const lo = utcTime(start);
  const hi = utcTime(end);
  const out = [];
  const keep = (uid, s, e) => {
    // overlapping [lo, hi); an instant (s == e) counts when lo <= s < hi
    if (s.compare(hi) < 0 && (e.compare(lo) > 0 || s.compare(lo) >= 0)) {
      out.push({ uid, start: utc(s), end: utc(e) });
    }
  };
  for (const [uid, { master, exceptions }] of byUid) {
    if (master === null) throw new Error(`no master event for ${uid}`);
    const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
    if (!event.isRecurring()) {
      keep(uid, event.startDate, event.endDate);
      continue;
    }
    // Occurrences are nominal starts in order; an override may move one from anywhere,
    // so walk past both the range's end and the latest RECURRENCE-ID.
    let stop = hi;
    for (const ex of exceptions) {
      const rid = ex.getFirstPropertyValue("recurrence-id");
      if (rid.compare(stop) > 0) stop = rid;
    }
    const it = event.iterator();
    let next;
    let guard = 0;
    while ((next = it.next())) {
      if (next.compare(stop) > 0) break;
      if (++guard > 100000) throw new Error(`more than 100000 occurrences for ${uid}`);
      const details = event.getOccurrenceDetails(next);
      keep(uid, details.startDate, details.endDate);
    }
  }
  const key = (o) => `${o.start} ${o.uid} ${o.end}`;
  out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out;
}

function compareFields(a, b) {
  for (const f of ["year", "month", "day", "hour", "minute", "second"]) {
    if (a[f] !== b[f]) return a[f] < b[f] ? -1 : 1;
  }
  return 0;
}

function offsets(file, tzid, instants) {
  const zone = zoneOf(file, tzid);
  return instants.map((iso) => {
    const t = utcTime(iso);
    // Public call that makes ical.js expand the VTIMEZONE's onsets up to t's year (+5).
    const probe = t.clone();
    probe.zone = zone;
    zone.utcOffset(probe);
    let offset = 0; // ical.js's answer before the first onset
    for (const change of zone.changes) { // sorted onsets, UTC wall fields
      if (compareFields(change, t) > 0) break;
      offset = change.utcOffset;
    }
    return offset / 60;
  });
}

function walls(file, tzid, times) {
  const zone = zoneOf(file, tzid);
  return times.map((iso) => {
    const t = ICAL.Time.fromDateTimeString(iso, null);
    t.zone = zone;
    return zone.utcOffset(t) / 60;
  });
}

function zones(queries) {
  return queries.map((q) => ({
    offsets: offsets(q.file, q.tzid, q.instants ?? []),
    walls: walls(q.file, q.tzid, q.walls ?? []),
  }));
}

const USAGE = "usage: expand.mjs [expand] FILE START END | expand-many START END FILE... | "
  + "offsets FILE TZID INSTANT... | walls FILE TZID WALL... | zones < QUERIES.json\n";
const argv = process.argv.slice(2);
let result;
if (argv[0] === "expand" && argv.length === 4) {
  result = expand(argv[1], argv[2], argv[3]);
} else if (argv[0] === "expand-many" && argv.length >= 3) {
  const [, start, end, ...files] = argv;
  result = {};
  for (const f of files) result[f] = expand(f, start, end);
} else if (argv[0] === "offsets" && argv.length >= 3) {
  result = offsets(argv[1], argv[2], argv.slice(3));
} else if (argv[0] === "walls" && argv.length >= 3) {
  result = walls(argv[1], argv[2], argv.slice(3));
} else if (argv[0] === "zones" && argv.length === 1) {
  result = zones(JSON.parse(readFileSync(0, "utf8")));
} else if (argv.length === 3) {
  result = expand(argv[0], argv[1], argv[2]);
} else {
  process.stderr.write(USAGE);
  process.exit(2);
}
process.stdout.write(JSON.stringify(result));

// Expand iCalendar files with Mozilla ical.js (Thunderbird's engine), using only the
// VTIMEZONEs inside each file (ical.js has no zone data of its own).
//
//   node expand.mjs expand START END FILE...   -> {"FILE": [{"uid","start","end"}...]}
//   node expand.mjs offsets FILE TZID WALL...  -> [offset minutes of each local wall time]
//
// START and END are UTC ISO strings (2026-09-01T00:00:00Z); WALL is a local wall time
// in TZID (2026-11-01T01:30:00). ical.js has no fold flag, so callers pass only wall
// times that exist once.
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
    else entry.master = vevent;
  }
  const lo = ICAL.Time.fromDateTimeString(start.replace(/Z$/, ""), null);
  lo.zone = ICAL.Timezone.utcTimezone;
  const hi = ICAL.Time.fromDateTimeString(end.replace(/Z$/, ""), null);
  hi.zone = ICAL.Timezone.utcTimezone;
  const out = [];
  for (const [uid, { master, exceptions }] of byUid) {
    if (master === null) throw new Error(`no master event for ${uid}`);
    const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
    if (!event.isRecurring()) {
      out.push({ uid, start: utc(event.startDate), end: utc(event.endDate) });
      continue;
    }
    const it = event.iterator();
    let next;
    let guard = 0;
    while ((next = it.next()) && guard++ < 100000) {
      const details = event.getOccurrenceDetails(next);
      if (details.startDate.compare(hi) > 0 && next.compare(hi) > 0) break;
      if (details.endDate.compare(lo) < 0) continue;
      out.push({ uid, start: utc(details.startDate), end: utc(details.endDate) });
    }
  }
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return out;
}

function offsets(file, tzid, instants) {
  load(file);
  const zone = ICAL.TimezoneService.get(tzid);
  if (!zone) throw new Error(`no VTIMEZONE ${tzid} in ${file}`);
  return instants.map((iso) => {
    const t = ICAL.Time.fromDateTimeString(iso, null);
    t.zone = zone;
    return zone.utcOffset(t) / 60;
  });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "expand") {
  const [start, end, ...files] = args;
  const result = {};
  for (const f of files) result[f] = expand(f, start, end);
  process.stdout.write(JSON.stringify(result));
} else if (mode === "offsets") {
  const [file, tzid, ...instants] = args;
  process.stdout.write(JSON.stringify(offsets(file, tzid, instants)));
} else {
  process.stderr.write("usage: expand.mjs expand START END FILE... | offsets FILE TZID INSTANT...\n");
  process.exit(2);
}

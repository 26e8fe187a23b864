"""The agreement, the organizer and the contacts in partnership files and dicts
(agreement.md, config.md): what is read, what round-trips through ``to_dict``, and each
bad input as a located problem (library: every problem at once; command line: exit 2,
nothing written)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from test_bad_inputs import BASE, DELETE, S0, S1, P, Want, _run, assert_problems, edited

import twinschedule
from twinschedule import ConfigError
from twinschedule.config.agreement import email_problem, read_rule
from twinschedule.model import Agreement, Contact, Rule

A = "agreement"
ORG = {"name": "A. Okafor", "email": "a.okafor@rugby.example"}


def test_agreement_organizer_and_contacts_are_read_and_round_trip() -> None:
    data = edited((A, {"rule": "3rd th 14:00 Europe/London", "since": "2026-10-01"}),
                  (f"{P}.organizer", ORG),
                  (f"{S1}.contacts", [{"name": "J. Mwangi", "email": "j.mwangi@moi.example",
                                       "language": "sw"},
                                      {"email": "office@moi.example"}]))
    p = twinschedule.from_dict(data)
    assert p.agreement == Agreement(rules=(Rule(nth=3, weekday="TH", time=840,
                                                anchor="Europe/London", duration=45),),
                                    since=dt.date(2026, 10, 1))
    assert p.organizer == Contact(name="A. Okafor", email="a.okafor@rugby.example")
    assert p.schools[1].contacts == (
        Contact(name="J. Mwangi", email="j.mwangi@moi.example", language="sw"),
        Contact(name="", email="office@moi.example"))
    again = twinschedule.to_dict(p)
    assert again["agreement"] == {"rule": "3rd TH 14:00 Europe/London", "since": "2026-10-01"}
    assert twinschedule.from_dict(again) == p


def test_since_defaults_to_the_start_and_rules_make_an_alternation() -> None:
    p = twinschedule.from_dict(edited((A, {"rule": "last FR 12:00 Africa/Nairobi"})))
    assert p.agreement is not None and p.agreement.since == p.start
    p = twinschedule.from_dict(edited((A, {"rules": ["2nd TU 09:00 Europe/London",
                                                     "2nd TU 16:00 Europe/London"]})))
    assert p.agreement is not None and len(p.agreement.rules) == 2
    assert twinschedule.from_dict(twinschedule.to_dict(p)) == p


@pytest.mark.parametrize(("text", "parts"), [
    ("3rd TH 18:00 America/Lima", (3, "TH", 1080, "America/Lima")),
    ("last thu 07:05 Asia/Tokyo", (-1, "TH", 425, "Asia/Tokyo")),
    ("-1 Friday 00:00 UTC", (-1, "FR", 0, "UTC")),
    ("  1  MO   23:59  Europe/Oslo ", (1, "MO", 1439, "Europe/Oslo")),
])
def test_rules_as_written(text: str, parts: tuple[int, str, int, str]) -> None:
    assert tuple(read_rule(text)) == parts  # type: ignore[arg-type]


@pytest.mark.parametrize("address", ["a@b.example", "first.last+tag@sub.domain.org",
                                     "x_y-z@a-b.co"])
def test_email_addresses(address: str) -> None:
    assert email_problem(address) is None


@pytest.mark.parametrize("address", ["", "nobody", "@example.org", "a@", "a b@c.org",
                                     "a@localhost", "a@b..org", ".a@b.org", "a..b@c.org",
                                     "a@-b.org", "<a@b.org>", "a@b.org, c@d.org"])
def test_not_email_addresses(address: str) -> None:
    assert email_problem(address) is not None


BAD: list[tuple[str, list[Any], Want]] = [
    ("rule-unreadable", [(A, {"rule": "third thursday at six pm"})],
     [(f"{A}.rule", "'third thursday at six pm' is not a rule '<nth> <weekday> <HH:MM> "
                    "<anchor zone>' such as '3rd TH 18:00 America/Lima'")]),
    ("rule-nth", [(A, {"rule": "5th TH 14:00 Europe/London"})],
     [(f"{A}.rule", "'5th' is not an nth of the month: use 1st, 2nd, 3rd, 4th or last")]),
    ("rule-weekday", [(A, {"rule": "3rd TX 14:00 Europe/London"})],
     [(f"{A}.rule", "'TX' is not a weekday")]),
    ("rule-time", [(A, {"rule": "3rd TH 25:00 Europe/London"})],
     [(f"{A}.rule", "'25:00' is not a time of day 'HH:MM'")]),
    ("rule-zone", [(A, {"rule": "3rd TH 14:00 Europe/Londn"})],
     [(f"{A}.rule", "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)")]),
    ("rule-legacy-zone", [(A, {"rule": "3rd TH 14:00 EST"})],
     [(f"{A}.rule", "'EST'")]),
    ("rule-not-a-string", [(A, {"rule": 3})],
     [(f"{A}.rule", "expected a rule '<nth> <weekday> <HH:MM> <anchor zone>'")]),
    ("rule-nonexistent-time", [(A, {"rule": "last SU 01:30 Europe/London",
                                    "since": "2027-01-01"})],
     [(f"{A}.rule", "is not a candidate: 01:30 on 2027-03-28 does not exist in "
                    "Europe/London (the clocks go forward)")]),
    ("rule-ambiguous-time", [(A, {"rule": "last SU 01:30 Europe/London"})],
     [(f"{A}.rule", "is not a candidate: 01:30 on 2026-10-25 happens twice in "
                    "Europe/London (the clocks go back)")]),
    ("rule-offset-change-during-meeting", [(A, {"rule": "last SU 00:30 Europe/London",
                                               "since": "2027-01-01"})],
     [(f"{A}.rule", "a 45-minute meeting at 00:30 on 2027-03-28 spans a change of "
                    "Europe/London's UTC offset")]),
    ("rules-one", [(A, {"rules": ["3rd TH 14:00 Europe/London"]})],
     [(f"{A}.rules", "an agreed alternation is exactly two rules, got 1 rules")]),
    ("rules-three", [(A, {"rules": ["3rd TH 14:00 Europe/London"] * 3})],
     [(f"{A}.rules", "an agreed alternation is exactly two rules, got 3 rules")]),
    ("rules-same-twice", [(A, {"rules": ["3rd TH 14:00 Europe/London"] * 2})],
     [(f"{A}.rules", "the two rules of an alternation must differ")]),
    ("rules-one-bad", [(A, {"rules": ["3rd TH 14:00 Europe/London", "x"]})],
     [(f"{A}.rules[1]", "'x' is not a rule")]),
    ("rule-and-rules", [(A, {"rule": "3rd TH 14:00 Europe/London",
                             "rules": ["3rd TH 14:00 Europe/London"]})],
     [(A, "give either rule = \"...\" (one agreed rule) or rules = [")]),
    ("no-rule", [(A, {"since": "2026-09-01"})],
     [(A, "give either rule")]),
    ("since-before-the-horizon", [(A, {"rule": "3rd TH 14:00 Europe/London",
                                       "since": "2026-08-01"})],
     [(f"{A}.since", "2026-08-01 is outside the horizon 2026-09-01 to 2027-07-31")]),
    ("since-after-the-horizon", [(A, {"rule": "3rd TH 14:00 Europe/London",
                                      "since": "2027-08-01"})],
     [(f"{A}.since", "2027-08-01 is outside the horizon 2026-09-01 to 2027-07-31")]),
    ("since-not-a-date", [(A, {"rule": "3rd TH 14:00 Europe/London", "since": "soon"})],
     [(f"{A}.since", "'soon' is not a date (YYYY-MM-DD)")]),
    ("agreement-unknown-key", [(A, {"rule": "3rd TH 14:00 Europe/London", "from": 1})],
     [(f"{A}.from", "unknown key 'from'")]),
    ("agreement-not-a-table", [(A, "3rd TH 14:00 Europe/London")],
     [(A, "expected a table, got a string")]),
    ("organizer-without-email", [(f"{P}.organizer", {"name": "A. Okafor"})],
     [(f"{P}.organizer.email", "required")]),
    ("organizer-bad-email", [(f"{P}.organizer", {"name": "A", "email": "a.okafor"})],
     [(f"{P}.organizer.email", "'a.okafor' is not an email address")]),
    ("organizer-language", [(f"{P}.organizer", {**ORG, "language": "en"})],
     [(f"{P}.organizer.language", "unknown key 'language'")]),
    ("contacts-empty", [(f"{S0}.contacts", [])],
     [(f"{S0}.contacts", "must not be an empty list")]),
    ("contact-bad-email", [(f"{S0}.contacts", [{"name": "J", "email": "j@"}])],
     [(f"{S0}.contacts[0].email", "'j@' is not an email address")]),
    ("contact-twice", [(f"{S1}.contacts", [{"email": "j@moi.example"},
                                           {"email": "J@moi.example"}])],
     [(f"{S1}.contacts[1].email", "'J@moi.example' is listed twice")]),
    ("contact-language", [(f"{S1}.contacts", [{"email": "j@moi.example",
                                               "language": "klingon"}])],
     [(f"{S1}.contacts[0].language", "unknown language tag 'klingon'")]),
    ("every-problem-at-once", [(A, {"rule": "3rd TH 14:00 Europe/London", "since": "x"}),
                               (f"{P}.organizer", {"email": "y"})],
     [(f"{A}.since", "'x' is not a date"), (f"{P}.organizer.email", "'y' is not an email")]),
]


@pytest.mark.parametrize(("case", "edits", "want"), BAD, ids=[b[0] for b in BAD])
def test_bad_agreements_are_located(case: str, edits: list[Any], want: Want) -> None:
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(edited(*edits))
    assert_problems(info.value.problems, want)


def test_bad_agreements_exit_2_and_write_nothing(tmp_path: Path) -> None:
    for case, edits, want in BAD[::4]:
        folder = tmp_path / case
        folder.mkdir()
        (folder / "p.json").write_text(json.dumps(edited(*edits)))
        r = _run("plan", str(folder / "p.json"), "--out", str(folder / "feeds"))
        assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr, r.stderr
        assert all(f"  {path}: " in r.stderr for path, _ in want), r.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["p.json"]


def test_network_files_have_no_agreement_and_no_organizer() -> None:
    data: dict[str, Any] = {
        "network": {"id": "w", "name": "W", "start": "2026-09-01", "end": "2027-06-30",
                    "duration": 60, "anchor": "Europe/Brussels", "organizer": ORG},
        "schools": BASE["schools"], A: {"rule": "3rd TH 14:00 Europe/London"}}
    with pytest.raises(ConfigError) as info:
        twinschedule.network_from_dict(data)
    paths = [p.path for p in info.value.problems]
    assert paths == [A, "network.organizer"]


def test_delete_marker_is_shared() -> None:  # the catalogue's own helpers still work here
    assert "title" not in edited((f"{P}.title", "x"), (f"{P}.title", DELETE))[P]

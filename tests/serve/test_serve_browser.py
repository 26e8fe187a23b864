"""End to end: a real ``twinschedule serve`` (uvicorn) on 127.0.0.1, on SQLite and on
PostgreSQL, driven by Debian's Chromium through Selenium and Debian's chromedriver (no
browser download). The organiser creates a partnership, two schools fill in their
sections in separate browser sessions, both agree, a school's feed fetched by URL
expands (recurring-ical-events) to the agreed option's held meetings, a closure is
added, the feed's ETag changes and the months the closure does not touch stay. The
server's log is then searched for every token (none may appear).

Set ``TWINSCHEDULE_SCREENSHOT=docs/img/serve-partnership.png`` to save the partnership
page's screenshot there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from servekit import app_url  # noqa: F401 (fixture)

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1280,2200"]

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
           "chromium-driver)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.fixture
def server(app_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``twinschedule serve`` on a free loopback port: (its URL, its log file)."""
    port = _free_port()
    log = tmp_path / "server.log"
    exe = Path(sys.executable).with_name("twinschedule")
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "serve", "--db", app_url, "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if get(url + "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(log.read_text())
        yield url, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def browsers() -> Iterator[Any]:
    """A factory of separate Chromium sessions (each its own profile and cookies)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium fetch a browser or driver
    made: list[Any] = []

    def new() -> Any:
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        for flag in FLAGS:
            opts.add_argument(flag)
        driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
        made.append(driver)
        return driver

    yield new
    for d in made:
        d.quit()


def _fill(driver: Any, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        el = driver.find_element(By.NAME, name)
        el.clear()
        el.send_keys(value)


def _planned(driver: Any, url: str) -> None:
    """Reload ``url`` until the page no longer says a plan is being computed."""
    from selenium.webdriver.common.by import By

    for _ in range(100):
        driver.get(url)
        if not driver.find_elements(By.ID, "planning") and driver.find_elements(
                By.CSS_SELECTOR, "li.option"):
            return
        time.sleep(0.3)
    raise AssertionError("the plan was not computed")


def _create(driver: Any, base: str) -> tuple[str, dict[str, str]]:
    from selenium.webdriver.common.by import By

    driver.get(base + "/new")
    _fill(driver, {"name": "Rugby and Nairobi", "id": "rugby-nairobi", "duration": "45",
                   "start": "2027-01-01", "end": "2027-06-30",
                   "school0.name": "Lawrence Sheriff School", "school0.id": "rugby",
                   "school0.timezone": "Europe/London", "school1.name": "Moi Forces Academy",
                   "school1.id": "nairobi", "school1.timezone": "Africa/Nairobi"})
    driver.find_element(By.CSS_SELECTOR, "form[action='/new'] button[type=submit]").click()
    assert driver.find_elements(By.ID, "organizer-link"), driver.page_source[:3000]
    organizer = driver.find_element(By.ID, "organizer-link").get_attribute("href")
    schools = {a.get_attribute("data-school"): a.get_attribute("href")
               for a in driver.find_elements(By.CSS_SELECTOR, "a.school-link")}
    return organizer, schools


def _fill_section(driver: Any, link: str, sid: str, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    driver.get(link)
    driver.find_element(By.CSS_SELECTOR, f"a[href$='/schools/{sid}']").click()
    _fill(driver, values)
    driver.find_element(By.ID, "save").click()
    assert not driver.find_elements(By.CSS_SELECTOR, ".problems"), driver.page_source


def _agree(driver: Any, link: str, option: int) -> None:
    from selenium.webdriver.common.by import By

    _planned(driver, link)
    driver.find_element(By.CSS_SELECTOR, f"#option-{option} button.agree").click()
    # the last agreement re-plans in the background: wait for it before looking
    _planned(driver, link)
    assert driver.find_elements(By.CSS_SELECTOR, f"#option-{option} .tag")


def _api(link: str) -> dict[str, Any]:
    status, _, body = get(link.replace("/p/", "/api/v1/p/"))
    assert status == 200
    data: dict[str, Any] = json.loads(body)
    return data


def _held(option: dict[str, Any]) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(m["start"].replace("Z", "+00:00"))
            for m in option["meetings"] if m["start"] is not None]


def _expand(feed: bytes) -> list[dt.datetime]:
    cal = icalendar.Calendar.from_ical(feed)
    events = recurring_ical_events.of(cal).between(dt.date(2026, 12, 1), dt.date(2027, 8, 1))
    return sorted(e["DTSTART"].dt.astimezone(dt.UTC) for e in events)


def _wait_for(link: str, state: Any) -> dict[str, Any]:
    for _ in range(100):
        view = _api(link)
        if view["planned"] and state(view):
            return view
        time.sleep(0.3)
    raise AssertionError("the service did not plan the change")


def test_the_whole_story_in_chromium(server: tuple[str, Path], browsers: Any) -> None:
    from selenium.webdriver.common.by import By

    base, log = server
    organizer, schools = _create(browsers(), base)
    assert set(schools) == {"rugby", "nairobi"}
    rugby, nairobi = browsers(), browsers()
    _fill_section(rugby, schools["rugby"], "rugby", {
        "hours": "09:00-12:15, 13:15-15:30",
        "closures": "2027-02-15 2027-02-19 Half term"})
    _fill_section(nairobi, schools["nairobi"], "nairobi", {
        "hours": "08:00-16:00", "closures": "2027-04-01 2027-04-30 April holiday"})
    _agree(rugby, schools["rugby"], 1)
    _agree(nairobi, schools["nairobi"], 1)
    view = _wait_for(organizer, lambda v: v["agreement"] is not None)
    assert set(view["agreed_by"]) == {"rugby", "nairobi"}
    rule = view["plan"]["options"][0]["rule"]
    assert view["agreement"]["rule"].endswith(f"{rule['weekday']} {rule['time']} "
                                              f"{rule['anchor']}")

    # the feed by URL (as shown on the page) expands to the agreed option's meetings
    rugby.get(schools["rugby"])
    feeds = [a.get_attribute("href") for a in rugby.find_elements(By.CSS_SELECTOR, "a.feed")]
    feed_url = next(u for u in feeds if u.endswith(".rugby.ics"))
    status, headers, body = get(feed_url)
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    assert view["feed_option"] == 1  # the agreed option
    assert view["feeds_follow"] == view["plan"]["options"][0]
    held = _held(view["feeds_follow"])
    assert held and _expand(body) == held
    etag = headers["etag"]
    assert get(feed_url, {"If-None-Match": etag})[0] == 304

    # a closure on a meeting day: the month moves, the ETag changes, the others stay
    first_may = next(h for h in held if h.month == 5)
    _fill_section(rugby, schools["rugby"], "rugby", {
        "closures": f"2027-02-15 2027-02-19 Half term\n{first_may.date()} Sports day"})
    view = _wait_for(organizer, lambda v: first_may not in _held(v["feeds_follow"]))
    # the feeds follow the agreed rule (not a rule that ranks first after the change)
    rules = view["feeds_follow"]["rule"]
    assert (rules["weekday"], rules["time"], rules["anchor"]) == (
        rule["weekday"], rule["time"], rule["anchor"])
    status, headers, body = get(feed_url, {"If-None-Match": etag})
    assert status == 200 and headers["etag"] != etag
    after = _expand(body)
    assert after == _held(view["feeds_follow"]) and first_may not in after
    assert [h for h in after if h.month != 5] == [h for h in held if h.month != 5]

    # the report's sections are in the page (no frame), and the page's CSP lets the
    # browser apply every inline style they have (by hash) and refuse nothing
    rugby.get_log("browser")  # what came before
    _planned(rugby, schools["rugby"])
    assert not rugby.find_elements(By.TAG_NAME, "iframe")
    assert rugby.find_elements(By.CSS_SELECTOR, "div.report section.changes li[data-month]")
    bar = rugby.find_element(By.CSS_SELECTOR, "div.report svg rect.open")
    assert bar.value_of_css_property("fill") in {"rgb(86, 180, 233)", "#56b4e9"}
    refused = [e["message"] for e in rugby.get_log("browser")
               if "Content Security Policy" in e["message"]]
    assert refused == []

    if os.environ.get("TWINSCHEDULE_SCREENSHOT"):
        shot = browsers()
        _planned(shot, schools["nairobi"])
        shot.save_screenshot(os.environ["TWINSCHEDULE_SCREENSHOT"])

    text = log.read_text(errors="replace")
    assert "/p/…" in text  # requests are logged, with the token redacted
    for link in (organizer, *schools.values()):
        assert link.rsplit("/", 1)[1] not in text

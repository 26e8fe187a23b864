"""Many partnerships at once (network.md, "Many partnerships at once"): ``plan_many`` and
``match_all`` give the serial results, in input order, whichever executor runs them:
none, a local process pool, a pool that received the network once per worker, and a real
``dask.distributed`` cluster of two worker processes."""

from __future__ import annotations

import gc
import io
import json
import sys
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from test_match import POOL, _countries, network_of

import twinschedule
from twinschedule import _progress, cli
from twinschedule.errors import ConfigError
from twinschedule.model import Network
from twinschedule.network.batch import (
    _as_done,
    chunks,
    match_all,
    match_each,
    plan_many,
    process_pool,
)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def network() -> Network:
    return network_of(POOL)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A real LocalCluster: two worker processes, one thread each."""
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as c:
        yield c


def _pairs(network: Network) -> list[twinschedule.Partnership]:
    first = network.schools[0]
    return [network.pair(first, t) for t in network.schools[1:]] + [
        network.pair(network.schools[3], network.schools[2])]


def test_chunks_cover_the_input_in_order_and_are_few() -> None:
    for count in (0, 1, 5, 8, 9, 200, 4001):
        for workers in (1, 2, 7):
            parts = chunks(count, workers)
            assert [i for r in parts for i in r] == list(range(count))
            assert len(parts) <= 4 * workers
            assert all(len(r) >= count // (4 * workers) for r in parts)


def test_plan_many_equals_planning_each(network: Network) -> None:
    items = _pairs(network)
    serial = [twinschedule.plan(p) for p in items]
    assert plan_many(items) == serial
    with ProcessPoolExecutor(2) as pool:
        assert plan_many(items, executor=pool) == serial
    with ThreadPoolExecutor(2) as pool:
        assert plan_many(items, executor=pool) == serial
    assert [p.to_dict() for p in twinschedule.plan_many(items)] == [p.to_dict() for p in serial]


def test_match_all_equals_matching_each(network: Network) -> None:
    serial = [twinschedule.match(network, s.id, top=3) for s in network.schools]
    seen: list[tuple[int, int]] = []
    got = match_all(network, top=3, progress=lambda d, t: seen.append((d, t)))
    assert got == serial
    assert seen[-1] == (6, 6) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    with ProcessPoolExecutor(2) as pool:
        assert match_all(network, top=3, executor=pool) == serial
    with process_pool(network, 2) as pool:  # the network reaches each worker once
        seen.clear()
        assert match_all(network, top=3, executor=pool,
                         progress=lambda d, t: seen.append((d, t))) == serial
        assert seen[-1] == (6, 6)
    assert [m.to_dict() for m in got] == [m.to_dict() for m in serial]


def test_match_each_gives_every_school_once(network: Network) -> None:
    serial = match_all(network, top=3)
    here = list(match_each(network, top=3))
    assert sorted(i for i, _ in here) == list(range(len(network.schools)))
    assert [m for _, m in sorted(here, key=lambda x: x[0])] == serial
    assert [network.schools[i].id for i, _ in here] == [m.school for _, m in here]
    with process_pool(network, 2) as pool:
        seen: list[tuple[int, int]] = []
        there = dict(match_each(network, top=3, executor=pool,
                                progress=lambda d, t: seen.append((d, t))))
        assert [there[i] for i in range(len(network.schools))] == serial
        assert seen[-1] == (6, 6)
        first = match_each(network, top=3, executor=pool)
        assert next(first)[1] in serial
        first.close()  # stopping early cancels the chunks not yet done
        assert twinschedule.match_each(network, top=3, executor=pool) is not None
    with pytest.raises(ConfigError):  # at the call, before any work
        match_each(network, top=0)


class _Big:
    """A result whose life a weak reference can follow."""


def test_results_are_not_kept_once_handed_over() -> None:
    with ThreadPoolExecutor(1) as pool:
        futures: dict[Future[list[Any]], int] = {
            pool.submit(lambda: [_Big(), _Big()]): k for k in range(3)}
        gone: list[weakref.ref[_Big]] = []
        for k, part in _as_done(futures, [2, 2, 2], None):
            assert k not in futures.values()  # handed over: no longer held here
            gone += [weakref.ref(x) for x in part]
            del part
            gc.collect()
            assert all(r() is None for r in gone), k
        assert len(gone) == 6 and not futures


def test_a_dask_cluster_gives_the_serial_results(network: Network, cluster: Any) -> None:
    with distributed.Client(cluster) as client:
        executor = client.get_executor()
        serial_plans = [twinschedule.plan(p) for p in _pairs(network)]
        assert plan_many(_pairs(network), executor=executor) == serial_plans
        serial = match_all(network, top=3)
        assert twinschedule.match_all(network, top=3, executor=executor) == serial
        abroad = network_of(_countries(dublin="IE", **{"lisbon-a": "IE", "lisbon-b": "PT"}))
        for same in (False, True):
            each = [twinschedule.match(abroad, s.id, top=3, same_country=same)
                    for s in abroad.schools]
            assert match_all(abroad, top=3, executor=executor, same_country=same) == each


@pytest.mark.parametrize("same_country", [False, True])
def test_same_country_reaches_the_workers(same_country: bool) -> None:
    network = network_of(_countries(dublin="IE", **{"lisbon-a": "IE", "lisbon-b": "PT"}))
    serial = [twinschedule.match(network, s.id, top=3, same_country=same_country)
              for s in network.schools]
    assert [m.pool for m in serial][:3] == ([5, 5, 5] if same_country else [4, 5, 4])
    assert match_all(network, top=3, same_country=same_country) == serial
    with process_pool(network, 2) as pool:
        assert match_all(network, top=3, executor=pool, same_country=same_country) == serial


def _write(tmp_path: Path) -> Path:
    lines = ["[network]", 'id = "pool"', 'name = "Pool"', "start = 2026-09-01",
             "end = 2027-01-31", "duration = 45", "step = 30", 'anchor = "Europe/Dublin"',
             'weekdays = ["TU", "WE", "TH"]']
    for s in POOL["schools"]:
        lines += ["", "[[schools]]"] + [f"{k} = {json.dumps(v)}" for k, v in s.items()]
    path = tmp_path / "pool.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_batch_on_workers_and_on_a_scheduler(tmp_path: Path, cluster: Any,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    network = twinschedule.load_network(path)
    expected = [m.to_dict() for m in match_all(network, top=2)]
    assert cli.main(["match", str(path), "--all", "--top", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == expected and err == ""  # no progress bar when not a terminal
    assert cli.main(["match", str(path), "--all", "--top", "2", "--json",
                     "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert cli.main(["match", str(path), "--all", "--top", "2", "--json",
                     "--scheduler", cluster.scheduler_address]) == 0
    assert capsys.readouterr().out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


def test_cli_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(_progress, "BAR_AFTER", 0.0)  # a quick run shows the bar too
    assert cli.main(["match", str(path), "--all", "--top", "1", "--same-country"]) == 0
    assert "6/6 schools" in fake.getvalue() and "\r" in fake.getvalue()
    assert fake.getvalue().endswith("\n")
    assert "dublin: lisbon-a" in capsys.readouterr().out
    fake.seek(0)
    fake.truncate(0)
    assert cli.main(["match", str(path), "--all", "--top", "1", "--quiet"]) == 0
    assert fake.getvalue() == ""

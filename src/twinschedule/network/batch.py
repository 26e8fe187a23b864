"""Many partnerships at once: ``plan_many`` and ``match_all`` through any
``concurrent.futures.Executor`` (a local process pool, or the executor of a
``dask.distributed`` client), with results identical to the serial ones, in input order.

Work goes out in a few large chunks (about four per worker), never one task per item.
For ``match_all`` the network (the pool's shared data) reaches each worker once, not
once per chunk: a ``dask.distributed`` executor gets it scattered to every worker, and a
pool made by :func:`process_pool` gets it through its initializer. Any other executor
gets it with each chunk. Each worker process keeps what it derives from the network
(school sketches, plans of pairs) in a cache keyed by the network's digest, so a second
chunk on the same worker starts warm.

Plans and matches come back with their local times in UTC (zones built from the tzdata
package's files do not pickle) and are restored to the schools' zones here.

``match_each`` hands each match over as its chunk arrives and keeps no reference to it
(nor to the chunk), so a caller that writes or compresses each match at once (``match
--all``) never holds every ``Match`` of a large network; ``match_all`` collects them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from types import MappingProxyType
from typing import Any

from twinschedule.core.plan import Plan
from twinschedule.model import Network, Partnership
from twinschedule.network.matching import (
    Match,
    Partner,
    _check_top,
    _Pool,
    pack_option,
    unpack_option,
)

#: ``progress(done, total)``: called in the caller's thread as items complete.
Progress = Callable[[int, int], None]

_NETWORKS: dict[str, Network] = {}  # per process: networks installed by an initializer
_POOLS: dict[str, _Pool] = {}  # per process: the derived data of the last networks
_PRELOADED: weakref.WeakKeyDictionary[Executor, str] = weakref.WeakKeyDictionary()
MATCH_CHUNKS = 16  # chunks per worker in match_each (plan_many: 4)


def digest(network: Network) -> str:
    """A digest of a network's content (the key of the per-worker caches)."""
    return hashlib.sha256(pickle.dumps(network, protocol=5)).hexdigest()


def _install(key: str, blob: bytes) -> None:
    """Process-pool initializer: keep the network for every task of this worker."""
    _NETWORKS[key] = pickle.loads(blob)


def process_pool(network: Network, workers: int) -> ProcessPoolExecutor:
    """A local process pool whose workers receive ``network`` once, at start-up; give it
    to :func:`match_all` for that network (shut it down when done)."""
    key = digest(network)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_install,
                               initargs=(key, pickle.dumps(network, protocol=5)))
    _PRELOADED[pool] = key
    return pool


def _pool_for(key: str, network: Network | None) -> _Pool:
    got = _POOLS.get(key)
    if got is None:
        if network is None:
            network = _NETWORKS.get(key)
        if network is None:  # pragma: no cover - a pool made for another network
            raise RuntimeError("this worker was not given the network")
        if len(_POOLS) >= 2:
            _POOLS.clear()
        got = _POOLS[key] = _Pool(network)
    return got


def _dask_client(executor: Executor) -> Any:
    """The ``dask.distributed`` client behind an executor, if it is one."""
    if type(executor).__module__.startswith("distributed."):
        return getattr(executor, "_client", None)
    return None


def _workers(executor: Executor) -> int:
    client = _dask_client(executor)
    if client is not None:
        return max(1, len(client.scheduler_info().get("workers", {})))
    n = getattr(executor, "_max_workers", None)
    return n if isinstance(n, int) and n > 0 else os.cpu_count() or 1


def chunks(count: int, workers: int, *, per_worker: int = 4) -> list[range]:
    """``range(count)`` cut into about ``per_worker`` chunks per worker, in order."""
    if count <= 0:
        return []
    n = max(1, min(count, workers * per_worker))
    size, extra = divmod(count, n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(range(start, end))
        start = end
    return out


def _as_done(futures: dict[Future[list[Any]], int], sizes: Sequence[int],
             progress: Progress | None) -> Iterator[tuple[int, list[Any]]]:
    """``(i, result)`` of each future of ``futures`` (future -> its index ``i``) as it
    completes. Each future leaves ``futures`` as it is handed over, so that once the
    caller drops a result nothing here keeps it; those left when the caller stops
    early are cancelled."""
    total = sum(sizes)
    done = 0
    try:
        for f in as_completed(list(futures)):
            i = futures.pop(f)
            done += sizes[i]
            got = [f.result()]
            del f  # (the future holds the result too)
            if progress is not None:
                progress(done, total)
            yield i, got.pop()  # (so that this frame does not hold it either)
    finally:
        for f in futures:
            f.cancel()


def _collect(futures: Sequence[Future[list[Any]]], sizes: Sequence[int],
             progress: Progress | None) -> list[list[Any]]:
    results: list[list[Any]] = [[] for _ in futures]
    for i, part in _as_done({f: i for i, f in enumerate(futures)}, sizes, progress):
        results[i] = part
    return results


# -- plan_many ---------------------------------------------------------------------


def _pack_plan(plan: Plan) -> Plan:
    # A suggestion's patch is a read-only mapping (MappingProxyType), which does not
    # pickle: a plain dict crosses the process boundary and is wrapped again after it.
    return dataclasses.replace(
        plan, options=tuple(pack_option(o) for o in plan.options),
        suggestions=tuple(dataclasses.replace(s, change=dict(s.change))
                          for s in plan.suggestions))


def _unpack_plan(plan: Plan) -> Plan:
    zones = {s.id: s.timezone for s in plan.partnership.schools}
    return dataclasses.replace(
        plan, options=tuple(unpack_option(o, zones) for o in plan.options),
        suggestions=tuple(dataclasses.replace(s, change=MappingProxyType(dict(s.change)))
                          for s in plan.suggestions))


def _plan(partnership: Partnership) -> Plan:
    """What ``twinschedule.plan(partnership)`` gives: the plan with its suggestions and,
    when infeasible, its near miss."""
    from twinschedule.core.explained import plan

    return plan(partnership)


def _plan_chunk(partnerships: list[Partnership]) -> list[Plan]:
    return [_pack_plan(_plan(p)) for p in partnerships]


def plan_many(partnerships: Iterable[Partnership], *, executor: Executor | None = None,
              progress: Progress | None = None) -> list[Plan]:
    """``[plan(p) for p in partnerships]``, through ``executor`` when given (any
    ``concurrent.futures.Executor``): the same plans, in input order."""
    items = list(partnerships)
    if executor is None:
        out = []
        for i, p in enumerate(items):
            out.append(_plan(p))
            if progress is not None:
                progress(i + 1, len(items))
        return out
    parts = chunks(len(items), _workers(executor))
    extra = {"pure": False} if _dask_client(executor) is not None else {}
    futures = [executor.submit(_plan_chunk, items[r.start:r.stop], **extra) for r in parts]
    results = _collect(futures, [len(r) for r in parts], progress)
    return [_unpack_plan(p) for part in results for p in part]


# -- match_all ---------------------------------------------------------------------


def _pack_match(m: Match) -> Match:
    return dataclasses.replace(m, partners=tuple(
        dataclasses.replace(p, option=pack_option(p.option)) for p in m.partners))


def _unpack_match(m: Match, zones: dict[str, str]) -> Match:
    return dataclasses.replace(m, partners=tuple(
        dataclasses.replace(p, option=unpack_option(p.option, zones)) for p in m.partners))


def _match_chunk(key: str, network: Network | None, indices: Sequence[int], top: int,
                 same_country: bool = False) -> list[Match]:
    pool = _pool_for(key, network)
    return [_pack_match(pool.match(i, top, same_country, bulk=True)) for i in indices]


def by_zone(network: Network) -> list[int]:
    """The schools' indices ordered by zone, then file order: ``match_all`` takes them
    in this order, so that the lanes of each anchor zone (``match_bulk``) are built
    about once."""
    return sorted(range(len(network.schools)),
                  key=lambda i: (network.schools[i].timezone, i))


def match_each(network: Network, *, top: int = 10, executor: Executor | None = None,
               progress: Progress | None = None,
               same_country: bool = False) -> Iterator[tuple[int, Match]]:
    """``(i, match)`` for every school of the network, each once, as it is done: ``i``
    is the school's index in the file and ``match`` what ``match(network,
    network.schools[i].id, top=top, same_country=same_country)`` gives. Serially the
    schools come zone by zone (:func:`by_zone`); through ``executor`` a chunk at a
    time, as chunks complete. Nothing here keeps a match once it is handed over: a
    caller that writes each at once holds one chunk at most (:func:`match_all` keeps
    them all). Raises ``ConfigError`` for a ``top`` below 1 at once, before any work;
    chunks not yet done when the caller stops early are cancelled."""
    _check_top(top)
    if executor is None:
        return _each_here(network, top, progress, same_country)
    return _each_on(network, top, executor, progress, same_country)


def _each_here(network: Network, top: int, progress: Progress | None,
               same_country: bool) -> Iterator[tuple[int, Match]]:
    pool = _Pool(network)
    n = len(network.schools)
    for done, i in enumerate(by_zone(network), 1):
        m = pool.match(i, top, same_country, bulk=True)
        if progress is not None:
            progress(done, n)
        yield i, m


def _each_on(network: Network, top: int, executor: Executor, progress: Progress | None,
             same_country: bool) -> Iterator[tuple[int, Match]]:
    order = by_zone(network)
    key = digest(network)
    # small chunks, so that no worker idles long at the end (schools' costs vary
    # tenfold); each worker's caches persist across its chunks
    parts = chunks(len(order), _workers(executor), per_worker=MATCH_CHUNKS)
    client = _dask_client(executor)
    ref: Any = network
    extra: dict[str, Any] = {}
    if client is not None:
        ref = client.scatter(network, broadcast=True, hash=False)
        extra = {"pure": False}
    elif _PRELOADED.get(executor) == key:
        ref = None
    futures = {executor.submit(_match_chunk, key, ref, order[r.start:r.stop], top,
                               same_country, **extra): k for k, r in enumerate(parts)}
    zones = {s.id: s.timezone for s in network.schools}
    for k, part in _as_done(futures, [len(r) for r in parts], progress):
        if len(part) != len(parts[k]):  # pragma: no cover - an executor's fault
            raise RuntimeError("a chunk returned another number of matches than schools")
        part.reverse()  # popped in order, so that the chunk shrinks as it is handed over
        for i in order[parts[k].start:parts[k].stop]:
            yield i, _unpack_match(part.pop(), zones)


def match_all(network: Network, *, top: int = 10, executor: Executor | None = None,
              progress: Progress | None = None, same_country: bool = False) -> list[Match]:
    """The match of every school of the network, in file order (``[match(network, s.id,
    top=top, same_country=same_country) for s in network.schools]``), through
    ``executor`` when given. The schools are matched zone by zone (:func:`by_zone`),
    each with the bounds of all its pairs at once (``match_bulk``); :func:`match_each`
    gives them as they are done."""
    out: list[Match | None] = [None] * len(network.schools)
    for i, m in match_each(network, top=top, executor=executor, progress=progress,
                           same_country=same_country):
        out[i] = m
    return [m for m in out if m is not None]


__all__ = ["Match", "Partner", "chunks", "digest", "match_all", "match_each", "plan_many",
           "process_pool"]

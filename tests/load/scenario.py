"""The load test's machinery: a server on loopback, simulated sessions, one measured scenario.

A scenario connects ``n`` sessions (``st_client``) to a page; each, after a think time,
changes the sidebar's seed (a new network, so nothing comes from a cache) and waits for
the rerun to finish, until the scenario's time is up. An optional extra coroutine (the
heavy link, ``heavy_link.heavy_session``) runs beside them. A row holds the ordinary
sessions' rerun latencies (median, p95, max), throughput, the server's CPU seconds and
peak memory (its whole process tree), and the machine's load average during the run:
other jobs on a shared machine show there, and the server's CPU per rerun does not
depend on them.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import numpy as np
from st_client import Session

ROOT = Path(__file__).resolve().parents[2]
RERUN_TIMEOUT = 90.0
SAMPLE_S = 0.5  # memory and load average sampled this often during a scenario


def free_port() -> int:
    """A port nobody listens on now (another server on a fixed port would answer our health check)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env() -> dict[str, str]:
    """The environment ``backprop app`` gives its server: BLAS at one thread (launch.BLAS_THREADS)."""
    sys.path.insert(0, str(ROOT))
    from backprop.io.launch import server_environment  # noqa: PLC0415

    return server_environment()


def start_server(port: int, options: list[str]) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on 127.0.0.1:port in its own process group; waits until healthy."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true",
    ]  # fmt: skip
    for option in options:
        name, _, value = option.partition("=")
        command += [f"--{name}", value]
    log = open(f"/tmp/run_load_server_{port}.log", "w")  # noqa: SIM115 (lives as long as the server)
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=server_env()
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"the server did not become healthy within 120 s (log: {log.name})")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


async def warm_up(url: str, pages: list[tuple[str, str]]) -> None:
    """One session on each (page, query) the test uses: imports and caches filled before timing."""
    for name, query in pages:
        session = Session(url, page=name, query=query)
        await session.connect()
        await session.rerun(timeout=RERUN_TIMEOUT * 2)
        await session.close()


async def scenario(url: str, n: int, args, pids: list[int], seeds: int, extra=None) -> dict:
    """n ordinary sessions on args.page for args.duration seconds (and ``extra`` beside them); the row.

    ``extra`` is a coroutine function called as extra(url, seed, deadline, latencies,
    failures). Every rerun asks for a seed no earlier rerun of this server used
    (``seeds`` numbers the scenario), so no result comes from a cache.
    """
    low, high = (float(x) for x in args.think.split(","))
    sessions = [Session(url, page=args.page) for _ in range(n)]
    first = await _connect_all(sessions)
    latencies: list[float] = []
    failures = [0]
    extra_latencies: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample(pids, stop))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    server_cpu_before = sum(cpu_seconds(pid) for pid in pids)
    deadline = time.monotonic() + args.duration
    base = seeds * 10_000_000
    tasks = [
        _ordinary(s, base + 100_000 * (k + 1), deadline, low, high, latencies, failures)
        for k, s in enumerate(sessions)
    ]
    extra_task = (
        asyncio.create_task(extra(url, base + 9_000_000, deadline, extra_latencies, failures))
        if extra
        else None
    )
    start = time.monotonic()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start  # the ordinary sessions' time: throughput is theirs
    server_cpu = sum(cpu_seconds(pid) for pid in pids) - server_cpu_before
    stop.set()
    if extra_task is not None:
        await extra_task  # it leaves at the deadline
    peak_mb, load = await sampler
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    lat = np.array(latencies) if latencies else np.array([np.nan])
    return {
        "sessions": n,
        "heavy": extra is not None,
        "latencies": latencies,
        "reruns": len(latencies),
        "median_s": float(np.median(lat)),
        "p95_s": float(np.percentile(lat, 95)),
        "max_s": float(np.max(lat)),
        "throughput_per_s": len(latencies) / elapsed,
        "first_load_median_s": float(np.median(first)),
        "heavy_reruns": len(extra_latencies),
        "heavy_median_s": float(np.median(extra_latencies)) if extra_latencies else None,
        "failures": failures[0],
        "exceptions": sum(s.exceptions for s in sessions),
        "exception_messages": sorted({m for s in sessions for m in s.exception_messages})[:5],
        "sessions_per_replica": dict(Counter(s.replica_of_stream for s in sessions if s.replica_of_stream)),
        "not_sticky": sum(s.replica_of_page != s.replica_of_stream for s in sessions),
        "server_peak_rss_mb": peak_mb,
        "client_cpu_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu_before,
        "server_cpu_s": server_cpu,
        "server_cpu_per_rerun_ms": 1000 * server_cpu / max(1, len(latencies)),
        "elapsed_s": elapsed,
        "load_average": load,
    }


async def _connect_all(sessions: list[Session]) -> list[float]:
    """Connect and run each session's first page, ten at a time (as a class arriving)."""
    gate = asyncio.Semaphore(10)

    async def one(session: Session) -> float:
        async with gate:
            await session.connect()
            return await session.rerun(timeout=RERUN_TIMEOUT)

    return list(await asyncio.gather(*(one(s) for s in sessions)))


async def _ordinary(session, seed0, deadline, low, high, latencies, failures) -> None:
    rng = random.Random(seed0)
    seed = seed0
    while True:
        await asyncio.sleep(rng.uniform(low, high))
        if time.monotonic() >= deadline:
            return
        seed += 1
        session.set_int("sb_seed", seed)
        try:
            latencies.append(await session.rerun(timeout=RERUN_TIMEOUT))
        except (TimeoutError, OSError, Exception):  # noqa: BLE001 (a failed rerun is counted, not fatal)
            failures[0] += 1
            return


async def _sample(pids: list[int], stop: asyncio.Event) -> tuple[float, float]:
    """Peak resident memory (MB) of the server's process tree, and the mean 1-minute load average."""
    peak, loads = 0.0, []
    while not stop.is_set():
        peak = max(peak, sum(tree_rss(pid) for pid in pids) / 2**20)
        loads.append(os.getloadavg()[0])
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_S)
        except TimeoutError:
            pass
    return peak, float(np.mean(loads)) if loads else os.getloadavg()[0]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and the children it has waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants (from /proc)."""
    found = []
    todo = list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            pass
    return found


def tree_rss(pid: int) -> int:
    """RSS in bytes of a process and its descendants (from /proc)."""
    total = 0
    for member in tree([pid]):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
    return total

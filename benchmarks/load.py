"""Websocket-level load test: N concurrent sessions against a real Streamlit server of app.py.

    python -m benchmarks.load [--sessions 10,25,50] [--data DIR] [--url URL --pids PID,...] [--timeout S]
        [--changes 3] [--out benchmarks/results/load-<data>.json]

Each session is a websocket client speaking Streamlit's own protocol (``BackMsg``/``ForwardMsg`` from
``streamlit.proto``) on ``ws://HOST:PORT/_stcore/stream``, as the browser's frontend does: it sends a
``rerun_script`` with the page and query string, and a run is done when ``script_finished`` arrives. Each session
loads one page (the sessions take the data pages in turn), then changes the period three times. A period change is
sent as a browser sends it when a reader moves the slider: a ``rerun_script`` whose ``widget_states`` carry the
slider's new value under the widget id the server gave it (read from the page's own delta), with the query string
the browser then holds. A new query string alone is what a pasted link does (a page load), not a filter change.
The periods come from a short list, so sessions look at the same few views, as readers mostly do.

Per level of concurrency: errors (exception elements, compile errors, timeouts, closed connections), p50/p95 of
the page load (connect to first finished run) and of a filter change, the server's memory (VmRSS sampled every
0.2 s, and VmHWM) and its CPU seconds per run. Without ``--url`` each level gets a fresh server on loopback, warmed
by one unmeasured page load (a deployed server has loaded its dataset already). Bounded: every run has a timeout,
every level a deadline, and only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from benchmarks.common import PROJECT_ROOT, RESULTS
from components.page_registry import PAGES
from deploy.behind_nginx import behind_nginx, free_ports, start_streamlit, stop, wait_healthy

# The data pages by address ("" is the overview), in the order the sessions take them.
LOAD_PAGES = [page.url_path for page in PAGES if page.shows_data]
PERIOD_LABEL = "Period"  # the sidebar slider's label (components/filters.py); its key and URL parameter is "months"
PERIOD_PARAMETER = "months"
SUMMARY_START = "showing "  # the view's summary caption (monitor/filtering.py)
# First and last month as the slider shows them (format_func month_label): 2024, the 2020s, October 2024,
# every month, 2022-2023. Session i starts at PERIODS[i % 5] and takes the next ones.
PERIODS = [
    ("Jan 2024", "Dec 2024"),
    ("Jan 2020", "Dec 2025"),
    ("Oct 2024", "Oct 2024"),
    ("Jan 1953", "Dec 2025"),
    ("Jan 2022", "Dec 2023"),
]
FINISHED_OK = {0, 3}  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FINISHED_EARLY_FOR_RERUN = 2  # the app called st.rerun: another run follows
SAMPLE_SECONDS = 0.2
MAX_ERRORS_KEPT = 20
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class RunFailedError(Exception):
    """A run ended in a way a reader would see as broken (compile error, closed connection)."""


@dataclass
class Session:
    """One browser tab: its websocket, what the server told it, and the runs it is waiting for."""

    url: str
    page: str
    query: str = ""
    page_script_hash: str = ""
    period_id: str | None = None
    summary: str = ""  # the sidebar's "showing N of M events" caption of the last run
    exceptions: list[str] = field(default_factory=list)
    cached_hashes: set[str] = field(default_factory=set)
    finished: asyncio.Queue[int] = field(default_factory=asyncio.Queue)
    websocket: object = None
    reader: asyncio.Task[None] | None = None

    async def open(self, timeout: float) -> None:
        # "streamlit" is the subprotocol the frontend asks for; no Origin, XSRF token or session id to resume.
        self.websocket = await connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout, compression=None
        )
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.websocket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.websocket.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for data in self.websocket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._take(message)
        except (WebSocketException, OSError):
            pass
        finally:
            self.finished.put_nowait(-1)  # the connection closed: whoever waits for a run fails

    def _take(self, message: object) -> None:
        kind = message.WhichOneof("type")
        if message.metadata.cacheable and message.hash:
            self.cached_hashes.add(message.hash)  # the frontend keeps these and lists them on its next rerun
        if kind == "new_session":
            self.page_script_hash = message.new_session.page_script_hash
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string  # the URL the browser now shows
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
            elif which == "slider" and element.slider.label == PERIOD_LABEL:
                self.period_id = element.slider.id
            elif which == "markdown" and element.markdown.body.startswith(SUMMARY_START):
                self.summary = element.markdown.body
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            self.exceptions.append(f"compile error: {message.session_event.script_compilation_exception.message}")
        elif kind == "page_not_found":
            self.exceptions.append(f"page not found: {message.page_not_found.page_name}")
        elif kind == "script_finished":
            self.finished.put_nowait(message.script_finished)

    async def run(self, timeout: float, widget_states: object = None, page_name: str = "") -> float:
        """Send one rerun_script and wait for its run to finish; return the seconds it took."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_script_hash
        state.page_name = page_name
        state.cached_message_hashes.extend(sorted(self.cached_hashes))
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        if widget_states is not None:
            state.widget_states.CopyFrom(widget_states)
        while not self.finished.empty():  # a finished run left from before is not this one's
            self.finished.get_nowait()
        started = time.perf_counter()
        await self.websocket.send(back.SerializeToString())
        async with asyncio.timeout(timeout):
            while True:
                status = await self.finished.get()
                if status in FINISHED_OK:
                    return time.perf_counter() - started
                if status != FINISHED_EARLY_FOR_RERUN:
                    ended = "connection closed" if status == -1 else f"script finished with status {status}"
                    raise RunFailedError(ended)

    async def load(self, timeout: float) -> float:
        """Open the tab: connect, then the first run of its page (page_name as a deep link sends it)."""
        started = time.perf_counter()
        await self.open(timeout)
        await self.run(timeout - (time.perf_counter() - started), page_name=self.page)
        return time.perf_counter() - started

    async def change_period(self, period: tuple[str, str], timeout: float) -> float:
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        if self.period_id is None:
            raise RunFailedError("the page drew no period slider")
        states = WidgetStates()
        widget = states.widgets.add()
        widget.id = self.period_id
        widget.string_array_value.data.extend(period)
        # The frontend writes a bound widget's value into the URL as it sends the change.
        query = [(key, value) for key, value in urllib.parse.parse_qsl(self.query) if key != PERIOD_PARAMETER]
        self.query = urllib.parse.urlencode([*query, *((PERIOD_PARAMETER, month) for month in period)])
        return await self.run(timeout, widget_states=states)


async def browse(url: str, page: str, periods: list[tuple[str, str]], timeout: float) -> tuple[list[str], list[str]]:
    """One session that loads ``page`` and picks each period in turn: the summary caption after every run, and
    the exceptions the page showed (for tests and a quick look at a deployment)."""
    session = Session(url=url, page=page)
    try:
        await session.load(timeout)
        summaries = [session.summary]
        for period in periods:
            await session.change_period(period, timeout)
            summaries.append(session.summary)
        return summaries, session.exceptions
    finally:
        await session.close()


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def stream_url(base: str) -> str:
    parsed = urllib.parse.urlparse(base)
    if parsed.hostname not in LOOPBACK:
        raise SystemExit(f"{base}: the load test targets loopback addresses only")
    scheme = "wss" if parsed.scheme == "https" else "ws"
    return f"{scheme}://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"


def read_status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process (its children not included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample_rss(pids: list[int], peak: list[float], stop: asyncio.Event) -> None:
    """Sum of the servers' VmRSS, the highest seen kept in peak[0] (MB)."""
    while not stop.is_set():
        peak[0] = max(peak[0], sum(read_status_kb(pid, "VmRSS") for pid in pids) / 1024)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)


async def one_session(
    index: int, url: str, changes: int, timeout: float, loads: list[float], reruns: list[float], errors: list[str]
) -> None:
    page = LOAD_PAGES[index % len(LOAD_PAGES)]
    session = Session(url=url, page=page)
    step = "load"
    try:
        loads.append(await session.load(timeout))
        for change in range(changes):
            step = f"change {change + 1}"
            reruns.append(await session.change_period(PERIODS[(index + change) % len(PERIODS)], timeout))
    except TimeoutError:
        errors.append(f"session {index} ({page or 'overview'}) {step}: timed out after {timeout:.0f} s")
    except (RunFailedError, WebSocketException, OSError) as error:
        errors.append(f"session {index} ({page or 'overview'}) {step}: {type(error).__name__}: {error}")
    finally:
        errors.extend(f"session {index} ({page or 'overview'}): {text}" for text in session.exceptions)
        await session.close()


async def run_level(url: str, sessions: int, changes: int, timeout: float, pids: list[int]) -> dict[str, object]:
    """All sessions start at once; each loads its page, then changes the period ``changes`` times."""
    loads: list[float] = []
    reruns: list[float] = []
    errors: list[str] = []
    peak = [0.0]
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pids, peak, stop))
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    rss_before = sum(read_status_kb(pid, "VmRSS") for pid in pids) / 1024
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(one_session(index, url, changes, timeout, loads, reruns, errors))
        for index in range(sessions)
    ]
    # Every run has its own timeout; the level's deadline only catches what those miss.
    _, pending = await asyncio.wait(tasks, timeout=timeout * (changes + 1) + 30)
    for task in pending:
        task.cancel()
        errors.append("a session passed the level's deadline")
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.perf_counter() - started
    stop.set()
    await sampler
    runs = len(loads) + len(reruns)
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    return {
        "sessions": sessions,
        "changes_per_session": changes,
        "errors": len(errors),
        "error_messages": errors[:MAX_ERRORS_KEPT],
        "loads": len(loads),
        "filter_changes": len(reruns),
        "load_p50_s": percentile(loads, 0.5),
        "load_p95_s": percentile(loads, 0.95),
        "change_p50_s": percentile(reruns, 0.5),
        "change_p95_s": percentile(reruns, 0.95),
        "change_max_s": max(reruns, default=None),
        "wall_s": wall,
        "server_rss_before_mb": rss_before if pids else None,
        "server_rss_peak_mb": peak[0] if pids else None,
        "server_hwm_mb": sum(read_status_kb(pid, "VmHWM") for pid in pids) / 1024 if pids else None,
        "server_cpu_s": cpu if pids else None,
        "server_cpu_ms_per_run": 1000 * cpu / runs if pids and runs else None,
        "load_s": loads,
        "change_s": reruns,
    }


@contextlib.contextmanager
def streamlit_server(data: Path | None, log: Path, timeout: float = 120) -> Iterator[tuple[str, list[int], list[str]]]:
    """A fresh ``streamlit run app.py`` on a free loopback port; yields its base URL, [pid] and [base URL]."""
    (port,) = free_ports(1)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if data is not None:
        env["MONITOR_DATA_DIR"] = str(data)
    process = start_streamlit(port, env, log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, time.monotonic() + timeout, [process])
        yield base, [process.pid], [base]
    finally:
        stop([process])


@contextlib.contextmanager
def nginx_servers(processes: int, data: Path | None) -> Iterator[tuple[str, list[int], list[str]]]:
    """``processes`` fresh Streamlit processes behind nginx (deploy/behind_nginx.py); yields nginx's URL, the
    processes' pids and their own URLs (each is warmed directly)."""
    with behind_nginx(processes, port=0, data=data) as deployment:
        yield deployment.url, list(deployment.app_pids), list(deployment.app_urls)


async def warm_up(url: str, timeout: float) -> float:
    """One unmeasured page load: the dataset is read and the navigation leaves Streamlit's legacy pages mode."""
    session = Session(url=url, page="")
    try:
        return await session.load(timeout)
    finally:
        await session.close()


def measure(
    levels: list[int],
    data: Path | None,
    url: str | None,
    pids: list[int],
    changes: int,
    timeout: float,
    log: Path,
    nginx: int = 0,
) -> list[dict[str, object]]:
    """Each level on a fresh server (one process, or ``nginx`` processes behind nginx), or all on ``url``."""
    results = []
    for sessions in levels:
        if url is not None:
            server = contextlib.nullcontext((url, pids, [url]))
        elif nginx:
            server = nginx_servers(nginx, data)
        else:
            server = streamlit_server(data, log)
        with server as (base, level_pids, warm_bases):
            stream = stream_url(base)
            warm = max(asyncio.run(warm_up(stream_url(each), timeout)) for each in warm_bases)
            row = asyncio.run(run_level(stream, sessions, changes, timeout, level_pids))
            row["warm_up_load_s"] = warm
            results.append(row)
            print_row(row, flush=True)
    return results


HEADER = (
    f"{'sessions':>8} {'errors':>6} {'load p50':>9} {'load p95':>9} {'change p50':>10} {'change p95':>10} "
    f"{'RSS peak':>9} {'HWM':>7} {'CPU/run':>8} {'wall':>7}"
)


def _seconds(value: object) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _mb(value: object) -> str:
    return "-" if value is None else f"{value:.0f} MB"


def print_row(row: dict[str, object], flush: bool = False) -> None:
    cpu = row.get("server_cpu_ms_per_run")
    print(
        f"{row['sessions']:>8} {row['errors']:>6} {_seconds(row['load_p50_s']):>9} {_seconds(row['load_p95_s']):>9} "
        f"{_seconds(row['change_p50_s']):>10} {_seconds(row['change_p95_s']):>10} "
        f"{_mb(row['server_rss_peak_mb']):>9} {_mb(row['server_hwm_mb']):>7} "
        f"{'-' if cpu is None else f'{cpu:.0f} ms':>8} {row['wall_s']:>5.0f} s",
        flush=flush,
    )
    for message in row["error_messages"][:5]:
        print(f"         {message}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,25,50", help="comma-separated levels of concurrent sessions")
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data/)")
    parser.add_argument("--url", default=None, help="a running server (loopback) instead of a fresh one per level")
    parser.add_argument("--pids", default="", help="with --url: the server processes whose memory and CPU to read")
    parser.add_argument(
        "--behind-nginx", type=int, default=0, metavar="N", help="N Streamlit processes behind nginx (sticky sessions)"
    )
    parser.add_argument("--changes", type=int, default=3, help="period changes per session after its page load")
    parser.add_argument("--timeout", type=float, default=120, help="seconds allowed for one run (a load or change)")
    parser.add_argument("--out", type=Path, default=None, help="JSON file (default benchmarks/results/load-*.json)")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.sessions.split(",") if level.strip()]
    if not levels or min(levels) < 1 or max(levels) > 200:
        parser.error("--sessions takes levels from 1 to 200")
    pids = [int(pid) for pid in args.pids.split(",") if pid.strip()]
    if args.url is not None:
        stream_url(args.url)  # refuses anything but loopback before a single connection
    label = "url" if args.url else (args.data.name if args.data else "shipped")
    if args.behind_nginx and not args.url:
        label += f"-nginx{args.behind_nginx}"
    out = args.out or RESULTS / f"load-{label}.json"
    from benchmarks.run import machine_info

    print(f"load test: {label}, levels {levels}, {args.changes} period changes per session", flush=True)
    print(HEADER, flush=True)
    log = RESULTS / f"load-{label}.log"
    results = measure(levels, args.data, args.url, pids, args.changes, args.timeout, log, args.behind_nginx)
    report = {
        "machine": machine_info(),
        "data": str(args.data or PROJECT_ROOT / "data"),
        "url": args.url,
        "behind_nginx": args.behind_nginx,
        "pages": LOAD_PAGES,
        "periods": PERIODS,
        "timeout_s": args.timeout,
        "levels": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"written: {out}")
    return 1 if any(row["errors"] for row in results) else 0


if __name__ == "__main__":
    sys.exit(main())

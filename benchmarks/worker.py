"""One measurement in a fresh process: an app under AppTest, its first run, then filter-change reruns.

    MONITOR_DATA_DIR=DIR python -m benchmarks.worker --page pages/timeline.py [--app app.py] [--reruns 5]
        [--profile FILE]

Prints a JSON line after the first run and after each rerun (``"partial": true``), then the final one, with:

* ``first_run_s``: ``app.run()`` of app.py (the default page), plus the ``switch_page`` run for any other
  page; it includes loading and validating the data and importing the page's libraries;
* ``rerun_ms``: each filter-change rerun (``AppTest.run`` wall clock), ``script_ms`` the script alone, and
  ``script_cpu_ms`` the script thread's CPU time (what the rerun costs on an idle machine; the wall clock
  also counts other processes when the machine is shared: ``load_average_*`` says how busy it was);
* ``bytes``: for each rerun, the sum of the ForwardMsg sizes the script sent (``ByteSize`` of every message
  enqueued under AppTest), ``server_bytes`` the same with st.dataframe's lazy loading as a real server does it
  (AppTest keeps every dataframe eager; a server sends the first 1,000 rows of a frame over 150,000 rows),
  ``wire_bytes`` that once messages the browser already cached (``global.minCachedMessageSize``, hash seen in
  an earlier run) are replaced by reference messages, and ``bytes_by_kind`` which elements they are;
* ``peak_rss_mb``: the process's VmHWM (``/proc/self/status``) and ``ru_maxrss``.

The worker applies the same pages/ folder patch as the tests (``components.navigation.ignore_pages_folder``)
so that every rerun goes through app.py, as on the real server. With ``--profile FILE`` the script thread runs
under cProfile (timed by the thread's CPU clock) and the stats of the reruns are written to FILE (and of the
first run to FILE.first).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.common import APP, DEFAULT_PAGE, PROJECT_ROOT  # noqa: E402

# The filter changes, applied in turn (and cycled when more reruns are asked for). Widget values are the
# options' values (actor ids, first and last month); the URL and the menus show their labels (North Korea, Oct 2024).
# Each period is given twice: the app's month slider ("months") and the naive baseline's menu ("period").
FILTER_CHANGES: list[dict[str, object]] = [
    {"actor": ["PRK", "RUS"]},  # North Korea + Russia, all years: most events
    {"months": ("2024-01", "2024-12"), "period": "2024"},
    {"months": ("2020-01", "2025-12"), "period": "2020s"},
    {"months": ("2024-10", "2024-10"), "period": "2024-10"},  # October 2024
    {"actor": [], "months": ("1953-01", "2025-12"), "period": "all"},  # back to everything
    {"actor": ["KOR"]},  # South Korea
    {"months": ("2010-01", "2019-12"), "period": "2010s"},
]
WIDGETS = {"actor": "multiselect", "months": "select_slider", "period": "selectbox"}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class _Recorder:
    """Every ForwardMsg the script enqueues, and how long the script thread ran, per AppTest run."""

    def __init__(self, profile: cProfile.Profile | None) -> None:
        self.messages: list[tuple[int, str, bool, str]] = []
        self.script_seconds = 0.0
        self.script_cpu_seconds = 0.0
        self.profile = profile
        self.seen_hashes: set[str] = set()

    def start_run(self) -> None:
        self.messages = []
        self.script_seconds = 0.0
        self.script_cpu_seconds = 0.0

    def install(self) -> None:
        from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        recorder = self
        enqueue = ForwardMsgQueue.enqueue
        run_script = ScriptRunner._run_script

        def recording_enqueue(queue: ForwardMsgQueue, msg: object) -> None:
            size, kind = msg.ByteSize(), _kind(msg)
            recorder.messages.append(
                (size, kind, bool(msg.metadata.cacheable), msg.hash, _server_size(msg, size, kind))
            )
            enqueue(queue, msg)

        def timed_run_script(runner: ScriptRunner, rerun_data: object) -> None:
            started, cpu_started = time.perf_counter(), time.thread_time()
            if recorder.profile is not None:
                recorder.profile.enable()
            try:
                run_script(runner, rerun_data)
            finally:
                if recorder.profile is not None:
                    recorder.profile.disable()
                recorder.script_seconds += time.perf_counter() - started
                recorder.script_cpu_seconds += time.thread_time() - cpu_started

        ForwardMsgQueue.enqueue = recording_enqueue
        ScriptRunner._run_script = timed_run_script

    def run_bytes(self) -> dict[str, object]:
        """Bytes of this run's messages, raw and after the browser's message cache."""
        total = sum(size for size, *_ in self.messages)
        wire = server = 0
        by_kind: Counter[str] = Counter()
        for size, kind, cacheable, msg_hash, server_size in self.messages:
            by_kind[kind] += size
            server += server_size
            wire += _REFERENCE_BYTES if cacheable and msg_hash in self.seen_hashes else server_size
        self.seen_hashes.update(msg_hash for _, _, cacheable, msg_hash, _ in self.messages if cacheable)
        return {
            "bytes": total,
            "server_bytes": server,
            "wire_bytes": wire,
            "messages": len(self.messages),
            "bytes_by_kind": dict(by_kind.most_common()),
        }


_REFERENCE_BYTES = 120  # a ForwardMsg carrying only a ref_hash and its metadata
_LAZY_ROWS = 150_000  # streamlit.dataframe.lazy_df_source.AUTO_LAZY_ROW_THRESHOLD
_LAZY_PAGE_ROWS = 1_000  # streamlit.dataframe.lazy_df_source.DEFAULT_PAGE_SIZE


def _server_size(msg: object, size: int, kind: str) -> int:
    """The message's size on a real server. AppTest keeps every st.dataframe eager, but a server sends a frame
    of more than 150,000 rows lazily: its first 1,000 rows, then chunks as the user scrolls."""
    if kind != "dataframe" or size < 1_000_000:
        return size
    import pyarrow as pa

    data = msg.delta.new_element.dataframe.arrow_data.data
    rows = pa.ipc.open_stream(pa.py_buffer(data)).read_all().num_rows if data else 0
    return size if rows <= _LAZY_ROWS else round(size * _LAZY_PAGE_ROWS / rows)


def _kind(msg: object) -> str:
    kind = msg.WhichOneof("type")
    if kind == "delta":
        delta = msg.delta.WhichOneof("type")
        if delta == "new_element":
            return msg.delta.new_element.WhichOneof("type")
        return delta
    return kind


def _patch_pages_folder() -> None:
    """As the tests do: Streamlit must not treat pages/ as a legacy multipage folder (components.navigation)."""
    from components.navigation import ignore_pages_folder

    ignore_pages_folder()


def _summary(app: object) -> str:
    """The sidebar's 'showing x of y events' caption, to check that the filters took effect."""
    try:
        captions = [caption.value for caption in app.sidebar.caption]
    except Exception:
        return ""
    return next((text for text in reversed(captions) if text.startswith("showing ")), "")


def _exceptions(app: object) -> list[str]:
    found = []
    for error in app.exception:
        trace = list(getattr(error, "stack_trace", []) or [])
        found.append(f"{getattr(error, 'message', error)}"[:500] + ("\n" + "".join(trace[-3:]) if trace else ""))
    return found


def measure(app_path: Path, page: str | None, reruns: int, profile_path: Path | None) -> dict[str, object]:
    imported = time.perf_counter()
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    # The app's config redacts error messages for users; a benchmark must say what failed.
    config.set_option("client.showErrorDetails", "full")

    _patch_pages_folder()
    # The process-wide settings app.py chooses, chosen here too: the naive baseline runs under the same ones.
    from monitor.process import configure_process

    configure_process()
    # CPU time of the script thread: the machine may be shared, and wall clock then counts others' work too.
    profile = cProfile.Profile(time.thread_time) if profile_path else None
    recorder = _Recorder(profile)
    recorder.install()
    import_seconds = time.perf_counter() - imported
    rss_after_import_mb = _status_kb("VmRSS") / 1024

    result: dict[str, object] = {
        "app": str(app_path.relative_to(PROJECT_ROOT)),
        "page": page or "naive",
        "load_average_start": os.getloadavg()[0],
    }
    app = AppTest.from_file(str(app_path), default_timeout=600)
    recorder.start_run()
    started = time.perf_counter()
    app.run()
    first_main = time.perf_counter() - started
    first_script = recorder.script_seconds
    first_cpu = recorder.script_cpu_seconds
    first_bytes = recorder.run_bytes()
    switch_seconds = 0.0
    if page and page != DEFAULT_PAGE:
        recorder.start_run()
        started = time.perf_counter()
        app.switch_page(page).run()
        switch_seconds = time.perf_counter() - started
        first_script += recorder.script_seconds
        first_cpu += recorder.script_cpu_seconds
        first_bytes = recorder.run_bytes()
    if profile is not None:
        profile.dump_stats(f"{profile_path}.first")
        profile.clear()
    result.update(
        first_run_s=first_main + switch_seconds,
        first_run_main_s=first_main,
        first_run_switch_s=switch_seconds,
        first_script_s=first_script,
        first_script_cpu_s=first_cpu,
        first_bytes=first_bytes["bytes"],
        first_bytes_by_kind=first_bytes["bytes_by_kind"],
        first_exceptions=_exceptions(app),
        rss_after_first_mb=_status_kb("VmRSS") / 1024,
    )

    reruns_out: list[dict[str, object]] = []

    def summarise(partial: bool) -> dict[str, object]:
        def median(key: str) -> float:
            return statistics.median(run[key] for run in reruns_out) if reruns_out else float("nan")

        result.update(
            reruns=reruns_out,
            rerun_ms=[run["ms"] for run in reruns_out],
            median_rerun_ms=median("ms"),
            median_script_ms=median("script_ms"),
            median_script_cpu_ms=median("script_cpu_ms"),
            median_bytes=median("bytes"),
            max_bytes=max((run["bytes"] for run in reruns_out), default=0),
            median_server_bytes=median("server_bytes"),
            median_wire_bytes=median("wire_bytes"),
            import_s=import_seconds,
            rss_after_import_mb=rss_after_import_mb,
            peak_rss_mb=_status_kb("VmHWM") / 1024,
            ru_maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            process_s=time.perf_counter() - STARTED,
            load_average_end=os.getloadavg()[0],
            data_dir=os.environ.get("MONITOR_DATA_DIR", ""),
            partial=partial,
            ok=not result["first_exceptions"] and not any(run["exceptions"] for run in reruns_out),
        )
        return result

    # A line after every run: when the runner has to stop a slow worker, it still has what was measured.
    print(json.dumps(summarise(partial=True), default=str), flush=True)
    for number in range(reruns):
        change = FILTER_CHANGES[number % len(FILTER_CHANGES)]
        for key, value in change.items():
            try:
                widget = getattr(app.sidebar, WIDGETS[key])(key=key)
            except KeyError:
                continue  # the other app's period widget
            widget.set_value(value)
        recorder.start_run()
        started, cpu_started = time.perf_counter(), time.process_time()
        app.run()
        wall = time.perf_counter() - started
        process_cpu = time.process_time() - cpu_started
        reruns_out.append(
            {
                "change": change,
                "ms": wall * 1000,
                "script_ms": recorder.script_seconds * 1000,
                "script_cpu_ms": recorder.script_cpu_seconds * 1000,
                "process_cpu_ms": process_cpu * 1000,
                **recorder.run_bytes(),
                "summary": _summary(app),
                "exceptions": _exceptions(app),
            }
        )
        if number < reruns - 1:
            print(json.dumps(summarise(partial=True), default=str), flush=True)
    if profile is not None:
        profile.dump_stats(str(profile_path))
    return summarise(partial=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--app", type=Path, default=APP, help="app file (default app.py; naive: benchmarks/naive_app.py)"
    )
    parser.add_argument("--page", default=DEFAULT_PAGE, help="page of app.py to open; ignored for another app")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the script thread here")
    args = parser.parse_args(argv)
    app_path = args.app.resolve()
    page = args.page if app_path == APP else None
    os.chdir(PROJECT_ROOT)
    try:
        result = measure(app_path, page, args.reruns, args.profile)
    except Exception as error:  # one JSON line whatever happens, so the runner can report it
        result = {
            "app": str(app_path),
            "page": page or "naive",
            "ok": False,
            "error": repr(error),
            "traceback": traceback.format_exc()[-4000:],
            "peak_rss_mb": _status_kb("VmHWM") / 1024,
        }
    print(json.dumps(result, default=str))
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())

"""Where a page's reruns spend their time: cProfile of the script thread, summarised.

    python -m benchmarks.profile --size 1M --page timeline [--reruns 5] [--first] [--top 20]

Runs ``benchmarks.worker --profile`` in a fresh process on the size's data (``data/`` for ``shipped``, else
``benchmarks/results/data-<size>/``, generated when missing), then prints and saves to
``benchmarks/results/profile-<size>-<page>.txt``:

* the calls made directly by app.py and the page script, with the time spent inside each (these do not
  overlap, so their shares add up to the script's time): loading (the shared ``st.cache_resource`` dataset), filtering,
  derived tables, figure building, and the ``st.*`` calls that serialise elements;
* every ``st.*`` call's inclusive time (marshalling: Arrow tables, Plotly JSON, Vega-Lite specs, options);
* the functions with the most self time.

Times are the script thread's CPU time, so a busy machine does not inflate them.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import subprocess
import sys
from pathlib import Path

from benchmarks.common import PAGES, PROJECT_ROOT, RESULTS
from benchmarks.run import data_folder

_SITE_MARKER = "site-packages/"


def short(function: tuple[str, int, str]) -> str:
    """'monitor/events.py:with_labels' or 'pandas/core/frame.py:__getitem__' for a pstats key."""
    path, _, name = function
    if _SITE_MARKER in path:
        path = path.split(_SITE_MARKER, 1)[1]
    elif path.startswith(str(PROJECT_ROOT)):
        path = str(Path(path).relative_to(PROJECT_ROOT))
    return f"{path}:{name}" if path != "~" else name


def summarise(stats_path: Path, top: int = 20) -> tuple[str, dict[str, object]]:
    """The text report and its numbers, from a worker's cProfile file."""
    raw = pstats.Stats(str(stats_path)).stats
    entry = next((key for key in raw if key[2] == "_run_script" and key[0].endswith("script_runner.py")), None)
    total = raw[entry][3] if entry else sum(value[2] for value in raw.values())
    scripts = {key for key in raw if key[2] == "<module>" and (key[0].endswith("app.py") or "/pages/" in key[0])}
    scripts |= {key for key in raw if key[2] == "<module>" and key[0].endswith("naive_app.py")}

    # What runs a page script (st.navigation's page.run) is a doorway, not work: leave it out so the shares of
    # the scripts' direct calls add up.
    doorways: set[tuple[str, int, str]] = set()
    pending = [caller for script in scripts for caller in raw[script][4]]
    while pending:
        function = pending.pop()
        if function in doorways or function in scripts or function not in raw:
            continue
        doorways.add(function)
        # Imports also exec module code; they are work of whoever imports, not a way into a page.
        pending.extend(caller for caller in raw[function][4] if not caller[0].startswith("<frozen importlib"))
    direct: dict[tuple[str, int, str], float] = {}
    for function, (_, _, _, _, callers) in raw.items():
        if function in doorways or function in scripts:
            continue
        for caller, timings in callers.items():
            if caller in scripts:
                direct[function] = direct.get(function, 0.0) + timings[3]
    script_self = sum(raw[key][2] for key in scripts)
    wrappers = [key for key in raw if key[2] == "wrapped_func" and key[0].endswith("metrics_util.py")]
    st_calls: dict[tuple[str, int, str], float] = {}
    for function, (_, _, _, cumulative, callers) in raw.items():
        if any(caller in wrappers for caller in callers):
            st_calls[function] = cumulative
    self_time = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]

    def share(seconds: float) -> str:
        return f"{100 * seconds / total:5.1f}%  {seconds:7.3f} s"

    lines = [f"script thread CPU time: {total:.3f} s ({stats_path.name})", "", "called by app.py / the page:"]
    for function, seconds in sorted(direct.items(), key=lambda item: item[1], reverse=True)[:top]:
        label = "st.* calls (all, see below)" if function in wrappers else short(function)
        lines.append(f"  {share(seconds)}  {label}")
    lines.append(f"  {share(script_self)}  (the scripts' own lines)")
    lines += ["", "st.* calls, inclusive (serialising elements):"]
    for function, seconds in sorted(st_calls.items(), key=lambda item: item[1], reverse=True)[:top]:
        lines.append(f"  {share(seconds)}  {short(function)}")
    lines += ["", "most self time:"]
    for function, (_, calls, own, _, _) in self_time:
        lines.append(f"  {share(own)}  {short(function)} ({calls} calls)")
    numbers = {
        "total_s": total,
        "direct": {short(key): seconds for key, seconds in sorted(direct.items(), key=lambda item: -item[1])[:top]},
        "st_calls": {short(key): seconds for key, seconds in sorted(st_calls.items(), key=lambda item: -item[1])[:top]},
        "self": {short(key): value[2] for key, value in self_time},
    }
    return "\n".join(lines), numbers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="shipped", help="shipped, 1k, 10k, 100k, 1M")
    parser.add_argument("--page", default="overview", help="overview, timeline, map, figures, explorer, sources, naive")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--first", action="store_true", help="profile the first run instead of the reruns")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    folder, _ = data_folder(args.size, 0, dict(os.environ))
    name = args.page.removesuffix(".py").removeprefix("pages/")
    stats_path = RESULTS / f"profile-{args.size}-{name}.prof"
    command = [sys.executable, "-m", "benchmarks.worker", "--reruns", str(args.reruns), "--profile", str(stats_path)]
    if name == "naive":
        command += ["--app", "benchmarks/naive_app.py"]
    else:
        page = f"pages/{name}.py"
        if page not in PAGES:
            raise SystemExit(f"unknown page {args.page}; choose from {', '.join(PAGES)} or naive")
        command += ["--page", page]
    env = {**os.environ, "MONITOR_DATA_DIR": str(folder)}
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if args.first:
        stats_path = Path(f"{stats_path}.first")
    text, numbers = summarise(stats_path, args.top)
    header = (
        f"{args.size} {name}: first run {result.get('first_run_s', float('nan')):.2f} s, median rerun "
        f"{result.get('median_rerun_ms', float('nan')):.0f} ms wall / {result.get('median_script_cpu_ms', 0):.0f} ms "
        f"CPU, {result.get('median_bytes', 0):,.0f} bytes/rerun, peak {result.get('peak_rss_mb', 0):.0f} MB"
    )
    report = f"{header}\n{'first run' if args.first else f'{args.reruns} reruns'}: {text}\n"
    print(report)
    suffix = "-first" if args.first else ""
    (RESULTS / f"profile-{args.size}-{name}{suffix}.txt").write_text(report, encoding="utf-8")
    (RESULTS / f"profile-{args.size}-{name}{suffix}.json").write_text(
        json.dumps({"worker": {k: v for k, v in result.items() if k != "reruns"}, "profile": numbers}, indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Helper of scripts/bench: times whole processes and prints the results table.

  bench-measure.py run RESULTS SPEC TOOL [options] -- COMMAND...
      Runs COMMAND (WARMUP + RUNS times; only the RUNS are counted) and appends one JSON
      line to RESULTS: median wall time, median user+sys CPU, peak RSS (the largest over the
      runs), or the failure. Wall time is taken around fork/exec and wait4(); CPU and peak RSS
      come from wait4()'s rusage, which covers the process and every child it waited for (so
      `cargo check` counts rustc, and the peak is the largest single process). A failing run
      stops the measurement; a failure is a result, never an error of this script.

  bench-measure.py fail RESULTS SPEC TOOL MESSAGE
      Records that TOOL could not run on SPEC at all (e.g. it failed to install).

  bench-measure.py table RESULTS [--check]
      Prints the Markdown table from RESULTS.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

# The speed goals the benchmark checks. Memory goals are in MB (10^6 bytes), the check's in GiB.
MB = 1_000_000
# The goals of the speed work: generate within 10x a bare parse of the same file (the fixture
# within 20 ms); the generated crate's `cargo check` within 15 s and 1.5 GiB; the diff of two
# GitHub versions within half a second and 300 MB.
GOALS = {
    "fixture": {"time": 0.020, "rss": None},
    "stripe": {"time": None, "rss": 200 * MB},
    "github": {"time": None, "rss": 300 * MB},
    "github diff": {"time": 0.5, "rss": 300 * MB},
}
FLOOR_RATIO = 10.0
CHECK_TIME = 15.0
CHECK_RSS = 1.5 * 1024**3

ERROR_LINE = re.compile(
    r"panicked|error|exception|fail|unsupported|not supported|invalid|cannot|could not|caused by",
    re.IGNORECASE,
)


def first_error_line(text):
    """The line that best says why a run failed: the first error-like line, else the last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        # A Rust panic says where on one line and what on the next: keep both, shortly.
        panic = re.match(r"thread '([^']*)'.* panicked at (.*):$", line)
        if panic and i + 1 < len(lines):
            where = re.sub(r"^.*/registry/src/[^/]+/", "", panic.group(2))
            return f"panicked at {where}: {lines[i + 1]}"[:200]
        if ERROR_LINE.search(line):
            return line[:200]
    return lines[-1][:200] if lines else "no output"


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def one_run(command, cwd, log, fresh, timeout, env):
    if fresh:
        shutil.rmtree(fresh, ignore_errors=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env=env, start_new_session=True,
        )
        timer = None
        if timeout:
            timer = threading.Timer(timeout, kill_group, (proc.pid,))
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if timer:
        timer.cancel()
        if proc.returncode == -signal.SIGKILL and wall >= timeout:
            return {"error": f"timed out after {timeout:g} s"}
    if proc.returncode != 0:
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        return {"error": f"exit {proc.returncode}: {first_error_line(text)}"}
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss * 1024,  # Linux reports KiB
    }


def run(args):
    env = dict(os.environ)
    for assignment in args.env or []:
        key, _, value = assignment.partition("=")
        env[key] = value
    record = {"spec": args.spec, "tool": args.tool, "log": args.log}
    walls, cpus, rss = [], [], 0
    for i in range(args.warmup + args.runs):
        result = one_run(args.command, args.cwd, args.log, args.fresh, args.timeout, env)
        if "error" in result:
            record["error"] = result["error"]
            break
        if i >= args.warmup:
            walls.append(result["wall"])
            cpus.append(result["cpu"])
            rss = max(rss, result["rss"])
    if "error" not in record:
        record.update(
            runs=len(walls),
            wall=statistics.median(walls),
            wall_min=min(walls),
            wall_max=max(walls),
            cpu=statistics.median(cpus),
            rss=rss,
        )
    for key, value in (args.extra or []):
        record[key] = int(value) if value.isdigit() else value
    with open(args.results, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(f"  {args.tool:<18} {args.spec:<8} {cell(record)}", file=sys.stderr)


def seconds(s):
    if s < 1:
        return f"{s * 1000:.1f} ms" if s < 0.1 else f"{s * 1000:.0f} ms"
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def mib(b):
    return f"{b / 1024**2:.0f} MiB" if b >= 10 * 1024**2 else f"{b / 1024**2:.1f} MiB"


def cell(record, with_rss=True):
    if record is None:
        return "not run"
    if "error" in record:
        return "fails: " + record["error"].replace("|", "\\|").replace("`", "'")
    text = seconds(record["wall"])
    if with_rss:
        text += ", " + mib(record["rss"])
    return text


def table(args):
    records = {}
    with open(args.results, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records[(r["spec"], r["tool"])] = r
    specs = []
    for spec, _ in records:
        if spec not in specs:
            specs.append(spec)
    head = ["spec", "ours median", "ours CPU", "peak RSS", "floor (parse)", "ratio",
            "progenitor", "openapi-generator"]
    if args.check:
        head += ["generated lines", "`cargo check`", "check peak RSS"]
    head.append("goal met?")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for spec in specs:
        ours = records.get((spec, "rivya-codegen"))
        floor = records.get((spec, "floor"))
        row = [spec]
        misses = []
        goal = GOALS.get(spec, {"time": None, "rss": None})
        if ours and "error" not in ours:
            row += [seconds(ours["wall"]), seconds(ours["cpu"]), mib(ours["rss"])]
            if goal["time"] is not None and ours["wall"] > goal["time"]:
                misses.append(f"time > {seconds(goal['time'])}")
            if goal["rss"] is not None and ours["rss"] > goal["rss"]:
                misses.append(f"RSS > {goal['rss'] // MB} MB")
        else:
            row += [cell(ours), "-", "-"]
            misses.append("generate failed")
        row.append(cell(floor))
        if ours and floor and "error" not in ours and "error" not in floor:
            ratio = ours["wall"] / floor["wall"]
            row.append(f"{ratio:.1f}×")
            if ratio > FLOOR_RATIO:
                misses.append(f"> {FLOOR_RATIO:g}× floor")
        else:
            row.append("-")
            if floor is None and spec in ("stripe", "github"):
                misses.append("no floor")
        for tool in ("progenitor", "openapi-generator"):
            r = records.get((spec, tool))
            row.append("skipped" if r is None else cell(r))
        if args.check:
            check = records.get((spec, "cargo-check"))
            lines = check.get("lines") if check else None
            row.append(f"{lines:,}" if isinstance(lines, int) else "-")
            if check is None:
                row += ["not run", "-"]
            elif "error" in check:
                row += [cell(check), "-"]
                misses.append("check failed")
            else:
                row += [seconds(check["wall"]), mib(check["rss"])]
                if check["wall"] > CHECK_TIME:
                    misses.append(f"check > {CHECK_TIME:g} s")
                if check["rss"] > CHECK_RSS:
                    misses.append(f"check RSS > {CHECK_RSS / 1024**3:g} GiB")
        row.append("yes" if not misses else "no: " + "; ".join(misses))
        print("| " + " | ".join(row) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    r = sub.add_parser("run")
    r.add_argument("results")
    r.add_argument("spec")
    r.add_argument("tool")
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--log", required=True, help="the last run's stdout and stderr")
    r.add_argument("--fresh", help="a folder removed before each run (untimed)")
    r.add_argument("--cwd")
    r.add_argument("--timeout", type=float, default=0, help="seconds per run; 0: none")
    r.add_argument("--env", action="append", help="KEY=VALUE for the command")
    r.add_argument("--extra", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="a field stored with the result (e.g. lines)")
    r.add_argument("command", nargs="+")
    f = sub.add_parser("fail")
    f.add_argument("results")
    f.add_argument("spec")
    f.add_argument("tool")
    f.add_argument("message")
    t = sub.add_parser("table")
    t.add_argument("results")
    t.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.action == "run":
        run(args)
    elif args.action == "fail":
        with open(args.results, "a", encoding="utf-8") as out:
            record = {"spec": args.spec, "tool": args.tool, "error": args.message}
            out.write(json.dumps(record) + "\n")
    else:
        table(args)


if __name__ == "__main__":
    main()

"""Run the fuzz harness (tests/test_fuzz_inputs.py) on the thorough profile and print its counts.

    .venv/bin/python tests/fuzz_thorough.py [--jobs 2] [--scale 1.0] [--dir DIR] [-k EXPR]

Not part of the test run. Each test of the harness runs in its own pytest process (at most --jobs at
once) with HYPOTHESIS_PROFILE=thorough and FUZZ_COLLECT=1: a violation is recorded and the run goes
on, so one known hole does not hide the next. Printed: per input kind the cases run, the exit-code
histogram and the failing cases; then every distinct failure (kind | command | problem) with its
count and the folder under DIR/failures holding up to three reproducers (files, command, output).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "test_fuzz_inputs.py"
TESTS = ["test_mutated_catalogs", "test_mutated_data_toml", "test_mutated_data_csv", "test_mutated_data_xlsx",
         "test_mutated_mappings", "test_mutated_pk_agreements", "test_mutated_pk_toml", "test_mutated_pk_csv",
         "test_mutated_pk_xlsx", "test_mutated_published", "test_raw_xlsx_bytes", "test_extreme_numbers_everywhere",
         "test_special_files", "test_long_names_and_out_into_a_folder"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the thorough example counts")
    parser.add_argument("--dir", help="where stats and reproducers go (default: a new temp folder)")
    parser.add_argument("-k", dest="only", help="run only the tests whose name contains this")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="kinerja-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    tests = [t for t in TESTS if not args.only or args.only in t]
    python = sys.executable
    start = time.monotonic()
    pending, running, codes = list(tests), {}, {}
    while pending or running:
        while pending and len(running) < args.jobs:
            test = pending.pop(0)
            env = {**os.environ, "HYPOTHESIS_PROFILE": "thorough", "FUZZ_COLLECT": "1",
                   "FUZZ_STATS": str(folder / f"stats-{test}.jsonl"), "FUZZ_FAILURES": str(folder / "failures"),
                   "FUZZ_SCALE": str(args.scale)}
            log = open(folder / f"pytest-{test}.log", "w")
            running[test] = (subprocess.Popen([python, "-m", "pytest", f"{HARNESS}::{test}", "-q", "-p",
                                               "no:cacheprovider"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                              cwd=HERE.parent), log, time.monotonic())
        time.sleep(0.5)
        for test, (proc, log, began) in list(running.items()):
            if proc.poll() is not None:
                log.close()
                codes[test] = proc.returncode
                print(f"  {test}: pytest exit {proc.returncode} after {time.monotonic() - began:.0f} s", flush=True)
                del running[test]
    report(folder, codes, time.monotonic() - start)
    return 0


def report(folder: Path, codes: dict, seconds: float) -> None:
    rows = []
    for path in sorted(folder.glob("stats-*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = collections.defaultdict(list)
    for row in rows:
        kinds[row["kind"]].append(row)
    print(f"\n{len(rows)} cases in {seconds:.0f} s; stats and reproducers in {folder}\n")
    print(f"{'kind':<12} {'cases':>6} {'failing':>8} {'slowest':>8}  exit codes")
    for kind in sorted(kinds):
        items = kinds[kind]
        histogram = collections.Counter(str(r["exit"]) for r in items)
        failing = sum(1 for r in items if r["problems"])
        slowest = max(r["seconds"] for r in items)
        shown = "  ".join(f"{k}:{v}" for k, v in sorted(histogram.items(), key=lambda kv: (len(kv[0]), kv[0])))
        print(f"{kind:<12} {len(items):>6} {failing:>8} {slowest:>7.1f}s  {shown}")
    total = collections.Counter(str(r["exit"]) for r in rows)
    print(f"{'total':<12} {len(rows):>6} {sum(1 for r in rows if r['problems']):>8}"
          f"{'':>9}  {'  '.join(f'{k}:{v}' for k, v in sorted(total.items()))}")
    problems = collections.Counter(p for r in rows for p in r["problems"])
    by_class = collections.defaultdict(collections.Counter)
    for problem, count in problems.items():
        kind, command, what = problem.split(" | ", 2)
        by_class[what][f"{kind}: {command}"] += count
    print(f"\n{len(by_class)} distinct problems ({len(problems)} kind/command/problem signatures):")
    for what, where in sorted(by_class.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"\n  {sum(where.values()):>5} × {what}")
        for place, count in where.most_common(6):
            print(f"        {count:>5}  {place}")
    failed_runs = {t: c for t, c in codes.items() if c not in (0, 1, 5)}
    if failed_runs:
        print(f"\npytest runs that did not finish normally: {failed_runs} (see pytest-*.log)")
    (folder / "summary.json").write_text(json.dumps({
        "cases": len(rows), "seconds": round(seconds), "kinds": {k: {"cases": len(v), "exit": collections.Counter(
            str(r["exit"]) for r in v), "failing": sum(1 for r in v if r["problems"])} for k, v in kinds.items()},
        "problems": problems}, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

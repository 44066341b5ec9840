"""Benchmark: prints wall times and ratios measured in the same run (not part of the test suite).

    .venv/bin/python tests/benchmark.py            # full size
    .venv/bin/python tests/benchmark.py --quick    # a smaller run to try it out

(b) check: a generated 10,000-line catalog through `load` (parse, AST, check, compile)
    against a bare Lark parse of the same text (parse tree only).
(a) evaluation: indicators × offices × months through the engine, against a
    hand-written Python function computing the same formulas on the same Decimal data.
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal, localcontext
from pathlib import Path


def catalog_text(lines_wanted: int, offices: int = 0, composites_every: int = 10) -> str:
    """A realistic catalog: fields, sasaran, ratio indicators, some composites."""
    out = ["policy {", "  cap none", "  nihil excluded", "  round half_up 2", "}", ""]
    out += ['office kanwil "Kantor Wilayah"']
    out += [f'office upt{u} "UPT {u}" parent kanwil' for u in range(offices)]
    i = 0
    while len(out) < lines_wanted:
        out += [f'field n{i} "Pembilang {i}" count', f'field d{i} "Penyebut {i}" count', f'sasaran S{i} "Sasaran {i}"']
        if i % composites_every == composites_every - 1:
            out += [f'indicator S{i}.k "Indeks komposit {i}" {{', f"  sasaran S{i}", "  unit indeks",
                    "  direction higher", "  range 0 .. 4", "  index {",
                    '    group g1 "Dimensi 1" weight 50% scale 4 cap 4 {',
                    f"      component c1 weight 1/3 = n{i} / d{i}",
                    f"      component c2 weight 2/3 nihil achieved = n{i} / (d{i} + 1)", "    }",
                    '    group g2 "Dimensi 2" weight 50% combine mean scale 4 {',
                    f"      component c3 = n{i} / d{i}", "    }", "  }", "  target 2024 = 3.6", "}"]
        else:
            out += [f'indicator S{i}.p "Persentase capaian {i}" {{', f"  sasaran S{i}", '  unit "%"',
                    f"  numerator n{i}", f"  denominator d{i}", "  scale 100", "  direction higher",
                    "  nihil excluded", "  range 0 .. 100", "  target 2024 = 90", "}"]
        i += 1
    return "\n".join(out) + "\n"


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_check(lines: int) -> None:
    from kinerja_dsl.loader import load
    from kinerja_dsl.parser import lark_parser

    text = catalog_text(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.kin"
        path.write_text(text, encoding="utf-8")
        bare = lark_parser(with_ast=False)
        lark_parser()  # build both parsers before timing
        t_bare = best_of(3, lambda: bare.parse(text))
        loaded = load([path])
        assert loaded.catalog is not None, loaded.diagnostics[:3]
        t_check = best_of(3, lambda: load([path]))
    n = text.count("\n")
    print(f"check: {n:,} lines, {len(loaded.catalog.indicators):,} indicators")
    print(f"  bare Lark parse      {t_bare:8.3f} s")
    print(f"  kinerja check (load) {t_check:8.3f} s   ratio check/bare = {t_check / t_bare:.2f}  (target ≤ 2, ≤ 1 s)")


def bench_eval(n_offices: int, n_indicators: int, months: int) -> None:
    from kinerja_dsl.loader import load
    from kinerja_dsl.engine.data import Dataset, Value
    from kinerja_dsl.engine.evaluate import evaluate_all
    from kinerja_dsl.engine.periods import Period

    text = catalog_text(0, offices=n_offices)  # offices only
    lines = text.splitlines()
    body = catalog_text(n_indicators * 12).splitlines()
    # keep the first n_indicators indicators of a generated catalog
    start = body.index('office kanwil "Kantor Wilayah"') + 1
    catalog_lines = lines + body[start:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.kin"
        path.write_text("\n".join(catalog_lines) + "\n", encoding="utf-8")
        loaded = load([path])
        assert loaded.catalog is not None, loaded.diagnostics[:3]
    catalog = loaded.catalog
    inds = list(catalog.indicators.values())[:n_indicators]
    ids = [i.id for i in inds]
    rng = random.Random(2024)
    data = Dataset("generated")
    fields = sorted({f for i in inds for f in i.fields})
    for u in range(n_offices):
        for m in range(1, months + 1):
            cell = {}
            for f in fields:
                nihil = rng.random() < 0.02
                d = 0 if nihil else rng.randint(1, 500)
                v = d if f.startswith("d") else (0 if nihil else rng.randint(0, d if False else 500))
                cell[f] = Value(Decimal(v), str(v), "generated", 0)
            # numerators never above denominators, so ranges hold
            for f in fields:
                if f.startswith("n"):
                    d = cell["d" + f[1:]].value
                    cell[f] = Value(min(cell[f].value, d), "", "generated", 0)
            data.values[(Period(2024, "month", m), f"upt{u}")] = cell
    evaluations = n_offices * len(ids) * months
    print(f"eval: {n_offices:,} offices × {len(ids)} indicators × {months} months = {evaluations:,} evaluations")

    tracemalloc.start()
    start = time.perf_counter()
    for u in range(n_offices):
        for m in range(1, months + 1):
            evaluate_all(catalog, data, Period(2024, "month", m), office=f"upt{u}", only=ids)
    t_engine = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ninety, hundred, four = Decimal(90), Decimal(100), Decimal(4)
    third, two_thirds, half, one = Decimal(1) / 3, Decimal(2) / 3, Decimal("0.5"), Decimal(1)

    def by_hand(ind, values):
        i = ind.id.split(".")[0][1:]
        n, d = values["n" + i], values["d" + i]
        if ind.kind == "index":
            c1 = n / d if d else one
            c2 = n / (d + 1) if d + 1 else one
            g1 = min(four, (third * c1 + two_thirds * c2) * four)
            g2 = (n / d if d else one) * four
            r = half * g1 + half * g2
            return (r / Decimal("3.6") * hundred).quantize(Decimal("0.01"))
        if not d:
            return None
        return (n / d * hundred / ninety * hundred).quantize(Decimal("0.01"))

    start = time.perf_counter()
    with localcontext() as ctx:
        ctx.prec = 34
        for u in range(n_offices):
            for m in range(1, months + 1):
                values = {k: v.value for k, v in data.values[(Period(2024, "month", m), f"upt{u}")].items()}
                for ind in inds:
                    by_hand(ind, values)
    t_hand = time.perf_counter() - start
    print(f"  engine               {t_engine:8.3f} s   {evaluations / t_engine:,.0f} evaluations/s  (target ≤ 5 s)")
    print(f"  hand-written Python  {t_hand:8.3f} s   ratio engine/hand = {t_engine / t_hand:.2f}  (target ≤ 3)")
    print(f"  peak memory (traced) {peak / 2**20:8.1f} MiB  (target ≤ 1 GiB)")


def bench_startup() -> None:
    exe = Path(sys.executable).with_name("kinerja")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "kinerja_dsl.engine.cli", "--help"]
    t = best_of(5, lambda: subprocess.run(cmd, capture_output=True, check=True))
    print(f"startup: `kinerja --help` {t:.3f} s  (target ≤ 0.3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller run")
    args = parser.parse_args()
    bench_startup()
    bench_check(1_000 if args.quick else 10_000)
    if args.quick:
        bench_eval(20, 50, 12)
    else:
        bench_eval(1_000, 50, 12)


if __name__ == "__main__":
    main()

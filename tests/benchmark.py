"""Benchmark: prints wall times and ratios measured in the same run (not part of the test suite).

    .venv/bin/python tests/benchmark.py            # full size
    .venv/bin/python tests/benchmark.py --quick    # a smaller run to try it out

(b) check: a generated 10,000-line catalog through `load` (parse, AST, check, compile)
    against a bare Lark parse of the same text (parse tree only).
(a) evaluation: indicators × offices × months through the engine, against a
    hand-written Python function computing the same formulas on the same Decimal data and
    giving the same result per indicator (realisasi, capaian exact and rounded, predikat).
"""
from __future__ import annotations

import argparse
import gc
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, localcontext
from pathlib import Path


def catalog_text(lines_wanted: int, offices: int = 0, composites_every: int = 10, indicators: int = 0) -> str:
    """A realistic catalog: fields, sasaran, ratio indicators, some composites."""
    out = ["policy {", "  cap none", "  nihil excluded", "  round half_up 2", "}", ""]
    out += ['office kanwil "Kantor Wilayah"']
    out += [f'office upt{u} "UPT {u}" parent kanwil' for u in range(offices)]
    i = 0
    while len(out) < lines_wanted or i < indicators:
        out += [f'field n{i} "Pembilang {i}" count', f'field d{i} "Penyebut {i}" count', f'sasaran S{i} "Sasaran {i}"']
        if i % composites_every == composites_every - 1:
            out += [f'indicator S{i}.k "Indeks komposit {i}" {{', f"  sasaran S{i}", "  unit indeks",
                    "  direction higher", "  range 0 .. 4", "  index {",
                    '    group g1 "Dimensi 1" weight 50% scale 4 cap 4 {',
                    f"      component c1 weight 1/3 = n{i} / d{i}",
                    f"      component c2 weight 2/3 nihil achieved = n{i} / (d{i} + 1)", "    }",
                    '    group g2 "Dimensi 2" weight 50% combine mean scale 4 {',
                    f"      component c3 = n{i} / d{i}", "    }", "  }", "  target 2024 = 3.6"]
            out += [f"  target 2024 B{m:02d} = 3.6" for m in range(1, 13)] + ["}"]
        else:
            out += [f'indicator S{i}.p "Persentase capaian {i}" {{', f"  sasaran S{i}", '  unit "%"',
                    f"  numerator n{i}", f"  denominator d{i}", "  scale 100", "  direction higher",
                    "  nihil excluded", "  range 0 .. 100", "  target 2024 = 90"]
            out += [f"  target 2024 B{m:02d} = 90" for m in range(1, 13)] + ["}"]
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
    from kinerja_dsl.engine.data import Dataset, Value
    from kinerja_dsl.engine.evaluate import evaluate_many
    from kinerja_dsl.engine.periods import Period
    from kinerja_dsl.loader import load

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.kin"
        path.write_text(catalog_text(0, offices=n_offices, indicators=n_indicators), encoding="utf-8")
        loaded = load([path])
        assert loaded.catalog is not None, loaded.diagnostics[:3]
    catalog = loaded.catalog
    inds = list(catalog.indicators.values())
    ids = [i.id for i in inds]
    rng = random.Random(2024)
    data = Dataset("generated")
    offices = [f"upt{u}" for u in range(n_offices)]
    periods = [Period(2024, "month", m) for m in range(1, months + 1)]
    n_fields = len(inds)
    for office in offices:
        for period in periods:
            cell = {}
            for k in range(n_fields):
                nihil = rng.random() < 0.02  # 0 of 0: no cases this month
                d = 0 if nihil else rng.randint(1, 500)
                n = 0 if nihil else rng.randint(0, d)
                cell[f"n{k}"] = Value(Decimal(n), str(n), "generated", 0)
                cell[f"d{k}"] = Value(Decimal(d), str(d), "generated", 0)
            data.values[(period, office)] = cell
    evaluations = len(offices) * len(ids) * len(periods)
    composites = sum(1 for i in inds if i.kind == "index")
    print(f"eval: {len(offices):,} offices × {len(ids)} indicators ({composites} composites) × {len(periods)} months "
          f"= {evaluations:,} evaluations, ~2% nihil")

    start = time.perf_counter()
    results = evaluate_many(catalog, data, periods, offices)
    t_engine = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the whole process, data included
    assert len(results) == evaluations
    statuses = {s: sum(1 for r in results if r.status == s) for s in ("ok", "nihil", "missing", "incomplete", "error")}

    hundred, ninety, four, target_index = Decimal(100), Decimal(90), Decimal(4), Decimal("3.6")
    third, two_thirds, half, one = Decimal(1) / 3, Decimal(2) / 3, Decimal("0.5"), Decimal(1)
    cent = Decimal("0.01")
    kinds = [(i.kind == "index", f"n{i.id.split('.')[0][1:]}", f"d{i.id.split('.')[0][1:]}") for i in inds]

    b91, b76, b66, b51 = Decimal(91), Decimal(76), Decimal(66), Decimal(51)

    def predikat(c):  # the LKjIP bands, as anyone would write them by hand
        if c >= b91:
            return "Sangat Baik"
        if c >= b76:
            return "Baik"
        if c >= b66:
            return "Cukup"
        return "Kurang" if c >= b51 else "Sangat Kurang"

    def by_hand(values):
        """The same result the engine gives per indicator: realisasi, capaian exact and rounded, predikat."""
        out = []
        for is_index, nk, dk in kinds:
            n, d = values[nk], values[dk]
            if is_index:
                c1 = n / d if d else one
                c2 = n / (d + 1)
                g1 = min(four, (third * c1 + two_thirds * c2) * four)
                g2 = (n / d if d else one) * four
                r = half * g1 + half * g2
                c = r / target_index * hundred
            elif d:
                r = n / d * hundred
                c = r / ninety * hundred
            else:
                out.append(None)
                continue
            rounded = c.quantize(cent)
            out.append((r, c, rounded, predikat(rounded)))
        return out

    start = time.perf_counter()
    by_hand_results = []  # kept, as the engine keeps its results for the tables and the means
    gc.disable()  # the same conditions as the engine, which pauses collection while it builds results
    with localcontext() as ctx:
        ctx.prec = 34
        for period in periods:
            for office in offices:
                values = {k: v.value for k, v in data.values[(period, office)].items()}
                by_hand_results.extend(by_hand(values))
    t_hand = time.perf_counter() - start
    gc.enable()
    assert len(by_hand_results) == evaluations
    print(f"  engine               {t_engine:8.3f} s   {evaluations / t_engine:,.0f} evaluations/s  (target ≤ 5 s)")
    print(f"  hand-written Python  {t_hand:8.3f} s   ratio engine/hand = {t_engine / t_hand:.2f}  (target ≤ 3)")
    print(f"  peak memory (RSS)    {peak / 2**20:8.1f} MiB  (target ≤ 1 GiB)   statuses: {statuses}")


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

"""Benchmark: prints wall times and ratios measured in the same run (not part of the test suite).

    .venv/bin/python tests/benchmark.py            # full size (about two minutes)
    .venv/bin/python tests/benchmark.py --quick    # a smaller run to try it out (well under a minute)

(a) start-up: `kinerja --help` against a real `kinerja eval` of Banten 2024.
(b) check: a generated 10,000-line catalog through `load` (parse, AST, check, compile)
    against a bare Lark parse of the same text (parse tree only).
(c) the national roll-up: 1,000 offices × 50 indicators (5 composites with 1/3 weights and nihil
    components) × 12 months = 600,000 evaluations, ~2% of them 0/0, plus the sasaran and overall
    means of every office and month. Side by side, in one run, each computing every result and mean:
    the columnar path (engine/evaluation/columnar.py), the exact evaluator (evaluate_period per office and month,
    on a sample of the offices, extrapolated), DuckDB (DECIMAL(38,10) with casts), polars (float64,
    2 threads), pandas (float64) and a hand-written Python function (Decimal, half-up). Each peer's
    results are compared with the exact evaluator on the sampled offices (every month): rounded
    capaian, status, predikat, and the sasaran and overall means (capaian, predikat).
    The columnar run is repeated in a subprocess to measure its peak memory alone; a growth table
    times it on 60k, 600k and 6M evaluations.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHS = 12
INDICATORS = 50
COMPOSITES_EVERY = 10


def catalog_text(lines_wanted: int, offices: int = 0, composites_every: int = COMPOSITES_EVERY,
                 indicators: int = 0) -> str:
    """A realistic catalog: fields, sasaran, ratio indicators, some composites."""
    # a target per month, each for the month alone (the peers compute each month against 90)
    out = ["policy {", "  cap none", "  nihil excluded", "  round half_up 2", "  period_targets per_period", "}", ""]
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


def peak_mib() -> float:
    """Peak RSS of this process since it started (VmHWM: ru_maxrss would keep the parent's peak across
    fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- (a) start-up and (b) check ----------------------------------------------------------------

def bench_startup() -> None:
    exe = Path(sys.executable).with_name("kinerja")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "kinerja_dsl.engine.cli"]
    folder = ROOT / "indicators" / "banten-2024"
    real = base + ["eval", str(folder / "catalog.kin"), "--data", str(folder / "realisasi.toml"), "--period", "2024"]
    t_help = best_of(5, lambda: subprocess.run(base + ["--help"], capture_output=True, check=True))
    t_eval = best_of(5, lambda: subprocess.run(real, capture_output=True))  # exit 1 is a finding, not a failure
    print(f"start-up: `kinerja --help` {t_help:.3f} s; `kinerja eval` banten-2024 (real office) {t_eval:.3f} s; "
          f"ratio eval/help = {t_eval / t_help:.2f}  (target ≤ 2)")


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


# ---- (c) the national roll-up --------------------------------------------------------------------

def national_catalog(n_offices: int):
    from kinerja_dsl.loader import load

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.kin"
        path.write_text(catalog_text(0, offices=n_offices, indicators=INDICATORS), encoding="utf-8")
        loaded = load([path])
    assert loaded.catalog is not None, loaded.diagnostics[:3]
    return loaded.catalog


def national_arrays(n_offices: int, seed: int = 2024):
    """n{k}, d{k} per (month, office) row (months major): counts, ~2% of the cells 0 of 0."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = MONTHS * n_offices
    values = {}
    for k in range(INDICATORS):
        d = rng.integers(1, 501, rows)
        n = (rng.random(rows) * (d + 1)).astype(np.int64)  # 0 .. d
        nihil = rng.random(rows) < 0.02
        values[f"n{k}"] = np.where(nihil, 0, n)
        values[f"d{k}"] = np.where(nihil, 0, d)
    return values


def national_columns(n_offices: int):
    from kinerja_dsl.engine.evaluation.columnar import DataColumns
    from kinerja_dsl.engine.periods import Period

    periods = [Period(2024, "month", m) for m in range(1, MONTHS + 1)]
    offices = [f"upt{u}" for u in range(n_offices)]
    return DataColumns.from_arrays(periods, offices, national_arrays(n_offices)), periods, offices


def run_columnar(n_offices: int) -> dict:
    """The columnar path alone (what the subprocess runs): time, peak memory, exact rows."""
    catalog = national_catalog(n_offices)
    cols, periods, offices = national_columns(n_offices)
    from kinerja_dsl.engine.evaluation.columnar import evaluate_offices

    start = time.perf_counter()
    result = evaluate_offices(catalog, cols, periods, offices)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": peak_mib(), "evaluations": cols.rows * len(result.ids),
            "exact_rows": result.stats["exact rows"], "exact_means": result.stats["exact (period, office) for means"]}


def columnar_in_subprocess(n_offices: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--columnar-only", str(n_offices)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Truth:
    """What the exact evaluator gives on the sampled (month, office) rows."""

    def __init__(self):
        self.indicators: dict[tuple, tuple] = {}  # (month, office, indicator) -> (status, capaian, predikat)
        self.means: dict[tuple, tuple] = {}       # (month, office, level, id) -> (capaian, predikat)


def exact_truth(catalog, cols, periods, sample: list[str]) -> tuple[Truth, float]:
    from kinerja_dsl.engine.evaluation.evaluate import evaluate_period

    data = cols.exact_data()
    truth = Truth()
    start = time.perf_counter()
    for period in periods:
        for office in sample:
            indicators, sasaran, _, overall = evaluate_period(catalog, data, period, office)
            for r in indicators:
                truth.indicators[(period.number, office, r.id)] = (str(r.status), r.capaian, r.predikat)
            for a in sasaran:
                truth.means[(period.number, office, "sasaran", a.id)] = (a.capaian, a.predikat)
            if overall is not None:
                truth.means[(period.number, office, "overall", "overall")] = (overall.capaian, overall.predikat)
    return truth, time.perf_counter() - start


def mismatches(truth: Truth, indicators: dict, means: dict) -> int:
    """Differences from the exact evaluator on the sampled rows (a result a peer lacks counts)."""
    bad = sum(1 for key, want in truth.indicators.items() if indicators.get(key) != want)
    bad += sum(1 for key, want in truth.means.items() if means.get(key) != want)
    return bad


LKJIP = ((Decimal(91), "Sangat Baik"), (Decimal(76), "Baik"), (Decimal(66), "Cukup"), (Decimal(51), "Kurang"))


def predikat(c: Decimal) -> str:
    for low, label in LKJIP:
        if c >= low:
            return label
    return "Sangat Kurang"


def _dec(x, places=2):
    """A peer's rounded float as the decimal it prints."""
    return None if x is None else Decimal(repr(round(x, places))).quantize(Decimal(1).scaleb(-places))


class Peer:
    """Results of a peer on the sampled offices, as the same tuples the truth holds."""

    def __init__(self):
        self.indicators: dict[tuple, tuple] = {}
        self.means: dict[tuple, tuple] = {}


def hand_written(arrays, n_offices: int, sample: set[str]):
    """What anyone would write by hand with Decimal, now computing what the engine computes:
    half-up rounding, and a composite's 0/0 components left out and the group re-weighted."""
    hundred, ninety, four, target_index = Decimal(100), Decimal(90), Decimal(4), Decimal("3.6")
    third, two_thirds, half = Decimal(1) / 3, Decimal(2) / 3, Decimal("0.5")
    cent = Decimal("0.01")
    with localcontext() as ctx:
        ctx.prec = 28
        third, two_thirds = Decimal(1) / 3, Decimal(2) / 3  # the catalog's `weight 1/3` (28 digits)
    lists = {k: v.tolist() for k, v in arrays.items()}
    peer = Peer()
    out = []
    with localcontext() as ctx:
        ctx.prec = 34
        for row in range(MONTHS * n_offices):
            month, office = row // n_offices + 1, f"upt{row % n_offices}"
            keep = office in sample
            exacts = []
            for k in range(INDICATORS):
                n, d = Decimal(lists[f"n{k}"][row]), Decimal(lists[f"d{k}"][row])
                if k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1:
                    ident = f"S{k}.k"
                    c2 = n / (d + 1)
                    if d:  # every component present
                        c1 = n / d
                        g1 = min(four, (third * c1 + two_thirds * c2) * four)
                        g2 = c1 / 1 * four
                        r = half * g1 + half * g2
                    else:  # c1 and c3 are 0/0 (nihil excluded): g1 re-weighted, g2 left out
                        g1 = min(four, (two_thirds * c2) / two_thirds * four)
                        r = (half * g1) / half
                    c = r / target_index * hundred
                else:
                    ident = f"S{k}.p"
                    if not d:
                        out.append(None)
                        if keep:
                            peer.indicators[(month, office, ident)] = ("nihil", None, None)
                            peer.means[(month, office, "sasaran", f"S{k}")] = (None, None)
                        continue
                    c = n / d * hundred / ninety * hundred
                rounded = c.quantize(cent, ROUND_HALF_UP)
                grade = predikat(rounded)
                out.append((c, rounded, grade))
                exacts.append(c)
                if keep:
                    peer.indicators[(month, office, ident)] = ("ok", rounded, grade)
                    peer.means[(month, office, "sasaran", ident.split(".")[0])] = (rounded, grade)
            mean = (sum(exacts, Decimal(0)) / len(exacts)).quantize(cent, ROUND_HALF_UP)
            if keep:
                peer.means[(month, office, "overall", "overall")] = (mean, predikat(mean))
    return peer, out


def _frame_peer(capaian_rows, n_offices: int, sample: set[str], sample_rows) -> Peer:
    """A float peer's results on the sampled rows: capaian_rows[i] = (row, list of 50 floats or NaN)."""
    import math

    peer = Peer()
    for row, values in zip(sample_rows, capaian_rows):
        month, office = row // n_offices + 1, f"upt{row % n_offices}"
        used = []
        for k, c in enumerate(values):
            ident = f"S{k}.k" if k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1 else f"S{k}.p"
            if c is None or (isinstance(c, float) and math.isnan(c)):
                peer.indicators[(month, office, ident)] = ("nihil", None, None)
                peer.means[(month, office, "sasaran", f"S{k}")] = (None, None)
                continue
            rounded = _dec(c)
            peer.indicators[(month, office, ident)] = ("ok", rounded, predikat(rounded))
            peer.means[(month, office, "sasaran", f"S{k}")] = (rounded, predikat(rounded))
            used.append(c)
        mean = _dec(sum(used) / len(used))
        peer.means[(month, office, "overall", "overall")] = (mean, predikat(mean))
    return peer


def peer_numpy_like(arrays, n_offices, sample_rows, module_name: str):
    """pandas: the same float64 formulas as a DataFrame; its own round (half-even on floats)."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(arrays)
    start = time.perf_counter()
    out = pd.DataFrame(index=frame.index)
    for k in range(INDICATORS):
        n, d = frame[f"n{k}"].astype("float64"), frame[f"d{k}"].astype("float64")
        composite = k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1
        if composite:
            safe = d.where(d != 0, 1.0)
            c1, c2 = n / safe, n / (d + 1)
            g1_full = ((c1 / 3 + 2 * c2 / 3) * 4).clip(upper=4.0)
            g1_part = (c2 * 4).clip(upper=4.0)
            r = g1_part.where(d == 0, 0.5 * g1_full + 0.5 * c1 * 4)
            out[k] = r / 3.6 * 100
        else:
            out[k] = (n / d.where(d != 0, np.nan) * 100 / 90 * 100)
    rounded = out.round(2)
    overall = out.mean(axis=1, skipna=True).round(2)
    bands = pd.cut(rounded.stack(), [-np.inf, 51, 66, 76, 91, np.inf], right=False)
    seconds = time.perf_counter() - start
    del bands, overall
    values = out.to_numpy()
    return seconds, [values[row].tolist() for row in sample_rows]


def peer_polars(arrays, n_offices, sample_rows):
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    import warnings

    import polars as pl

    warnings.filterwarnings("ignore", category=DeprecationWarning, module=__name__)  # Expr.cut's new name varies

    frame = pl.DataFrame(arrays)
    start = time.perf_counter()
    exprs = []
    for k in range(INDICATORS):
        n, d = pl.col(f"n{k}").cast(pl.Float64), pl.col(f"d{k}").cast(pl.Float64)
        if k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1:
            safe = pl.when(d == 0).then(1.0).otherwise(d)
            c1, c2 = n / safe, n / (d + 1)
            g1_full = pl.min_horizontal(pl.lit(4.0), (c1 / 3 + 2 * c2 / 3) * 4)
            g1_part = pl.min_horizontal(pl.lit(4.0), c2 * 4)
            r = pl.when(d == 0).then(g1_part).otherwise(0.5 * g1_full + 0.5 * c1 * 4)
            exprs.append((r / 3.6 * 100).alias(f"c{k}"))
        else:
            exprs.append(pl.when(d == 0).then(None).otherwise(n / d * 100 / 90 * 100).alias(f"c{k}"))
    caps = frame.select(exprs)
    names = [f"c{k}" for k in range(INDICATORS)]
    result = caps.with_columns(
        [pl.col(c).round(2).alias(f"r{c}") for c in names]
        + [pl.mean_horizontal(names).round(2).alias("overall")]
        + [pl.col(c).round(2).cut([51, 66, 76, 91], left_closed=True).alias(f"p{c}") for c in names])
    seconds = time.perf_counter() - start
    values = caps.to_numpy()
    del result
    return seconds, [values[row].tolist() for row in sample_rows]


def peer_duckdb(arrays, n_offices, sample_rows):
    """DuckDB with DECIMAL(38,10): each quotient cast back to DECIMAL(38,10), rounded as DECIMAL (half
    away from zero)."""
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    frame = pd.DataFrame(arrays)
    frame["row"] = range(len(frame))
    con.register("data", frame)
    dec = "DECIMAL(38,10)"
    cols = []
    for k in range(INDICATORS):
        n, d = f"CAST(n{k} AS {dec})", f"CAST(d{k} AS {dec})"
        if k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1:
            c1 = f"CAST({n} / {d} AS {dec})"
            c2 = f"CAST({n} / ({d} + 1) AS {dec})"
            third, two = f"CAST(1/3 AS {dec})", f"CAST(2/3 AS {dec})"
            g1_full = f"LEAST(CAST(4 AS {dec}), CAST(({third} * {c1} + {two} * {c2}) * 4 AS {dec}))"
            g1_part = f"LEAST(CAST(4 AS {dec}), CAST({two} * {c2} / {two} * 4 AS {dec}))"
            r = f"CASE WHEN d{k} = 0 THEN {g1_part} ELSE CAST(0.5 * {g1_full} + 0.5 * {c1} * 4 AS {dec}) END"
            cols.append(f"CAST(CAST({r} / CAST(3.6 AS {dec}) AS {dec}) * 100 AS {dec}) AS c{k}")
        else:
            cols.append(f"CASE WHEN d{k} = 0 THEN NULL ELSE CAST(CAST(CAST({n} / {d} AS {dec}) * 100 / 90 AS {dec})"
                        f" * 100 AS {dec}) END AS c{k}")
    names = [f"c{k}" for k in range(INDICATORS)]
    start = time.perf_counter()
    con.execute(f"CREATE TABLE caps AS SELECT row, {', '.join(cols)} FROM data")
    rounded = ", ".join(f"ROUND({c}, 2) AS r{c}" for c in names)
    grades = ", ".join(f"CASE WHEN ROUND({c}, 2) >= 91 THEN 'Sangat Baik' WHEN ROUND({c}, 2) >= 76 THEN 'Baik' "
                       f"WHEN ROUND({c}, 2) >= 66 THEN 'Cukup' WHEN ROUND({c}, 2) >= 51 THEN 'Kurang' "
                       f"ELSE 'Sangat Kurang' END AS p{c}" for c in names)
    total = " + ".join(f"COALESCE({c}, 0)" for c in names)
    count = " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in names)
    con.execute(f"CREATE TABLE shown AS SELECT row, {rounded}, {grades}, "
                f"ROUND(CAST(({total}) / ({count}) AS {dec}), 2) AS overall FROM caps")
    seconds = time.perf_counter() - start
    wanted = ", ".join(str(r) for r in sample_rows)
    got = con.execute(f"SELECT row, {', '.join(names)} FROM caps WHERE row IN ({wanted}) ORDER BY row").fetchall()
    over = dict(con.execute(f"SELECT row, overall FROM shown WHERE row IN ({wanted})").fetchall())
    return seconds, [list(g[1:]) for g in got], [over[r] for r in sample_rows]


def decimal_peer(values_rows, overall_rows, n_offices, sample_rows) -> Peer:
    """DuckDB's DECIMAL results on the sampled rows as results (rounded as DECIMAL, half away from zero)."""
    peer = Peer()
    cent = Decimal("0.01")
    for row, values, mean in zip(sample_rows, values_rows, overall_rows):
        month, office = row // n_offices + 1, f"upt{row % n_offices}"
        for k, c in enumerate(values):
            ident = f"S{k}.k" if k % COMPOSITES_EVERY == COMPOSITES_EVERY - 1 else f"S{k}.p"
            if c is None:
                peer.indicators[(month, office, ident)] = ("nihil", None, None)
                peer.means[(month, office, "sasaran", f"S{k}")] = (None, None)
                continue
            rounded = c.quantize(cent, ROUND_HALF_UP)
            peer.indicators[(month, office, ident)] = ("ok", rounded, predikat(rounded))
            peer.means[(month, office, "sasaran", f"S{k}")] = (rounded, predikat(rounded))
        peer.means[(month, office, "overall", "overall")] = (mean, predikat(mean))
    return peer


def columnar_peer(result, sample: list[str], periods) -> Peer:
    peer = Peer()
    for r in result.rows(periods, sample, realisasi=False):
        month = int(r.period[-2:])
        peer.indicators[(month, r.office, r.indicator)] = (r.status, r.capaian, r.predikat)
    for m in result.means(periods, sample):
        peer.means[(int(m.period[-2:]), m.office, m.level, m.id)] = (m.capaian, m.predikat)
    return peer


def bench_eval(n_offices: int, sample_every: int, growth: list[int]) -> None:
    import numpy as np

    from kinerja_dsl.engine.evaluation.columnar import evaluate_offices

    catalog = national_catalog(n_offices)
    cols, periods, offices = national_columns(n_offices)
    arrays = {k: np.asarray(v) for k, v in national_arrays(n_offices).items()}
    evaluations = cols.rows * INDICATORS
    composites = sum(1 for i in catalog.indicators.values() if i.kind == "index")
    sample = offices[::sample_every]
    sample_rows = [p * n_offices + o for p in range(MONTHS) for o in range(0, n_offices, sample_every)]
    print(f"eval: {n_offices:,} offices × {INDICATORS} indicators ({composites} composites) × {MONTHS} months "
          f"= {evaluations:,} evaluations, ~2% nihil, + sasaran and overall means of every office and month")

    gc.collect()
    start = time.perf_counter()
    result = evaluate_offices(catalog, cols, periods, offices)
    t_col = time.perf_counter() - start
    truth, t_exact_sample = exact_truth(catalog, cols, periods, sample)
    t_exact = t_exact_sample * n_offices / len(sample)
    compared = len(truth.indicators) + len(truth.means)
    rows = [("columnar (numpy, exact)", t_col, mismatches(truth, *_pair(columnar_peer(result, sample, periods))))]
    rows.append((f"exact evaluator (1/{sample_every} sample ×{sample_every})", t_exact, 0))
    for name, run in (("DuckDB DECIMAL(38,10)", _duckdb), ("polars float64, 2 threads", _polars),
                      ("pandas float64", _pandas), ("hand-written Python (Decimal)", _hand)):
        try:
            seconds, peer = run(arrays, n_offices, sample, sample_rows)
        except ImportError as missing:
            print(f"  {name}: skipped ({missing.name} is not installed; pip install 'kinerja-dsl[bench]')")
            continue
        rows.append((name, seconds, mismatches(truth, *_pair(peer))))
    print(f"  {'':34} {'time':>9} {'vs columnar':>12} {'mismatches':>11}  (of {compared:,} results and means "
          f"compared on {len(sample)} offices × {MONTHS} months)")
    for name, seconds, bad in rows:
        print(f"  {name:34} {seconds:8.3f}s {seconds / t_col:11.1f}× {bad:11,}")
    exact_rows = result.stats["exact rows"]
    print(f"  columnar: {evaluations / t_col:,.0f} evaluations/s; {exact_rows} rows and "
          f"{result.stats['exact (period, office) for means']} (month, office) means sent to the exact evaluator "
          f"(on a rounding boundary, or beyond int64)")
    duck = next((s for n, s, _ in rows if n.startswith("DuckDB")), None)
    polars = next((s for n, s, _ in rows if n.startswith("polars")), None)
    verdict = []
    if duck is not None:
        verdict.append(f"faster than DuckDB: {'yes' if t_col < duck else 'NO'}")
    if polars is not None:
        verdict.append(f"faster than polars: {'yes' if t_col < polars else 'NO'}")
    verdict.append(f"0 mismatches: {'yes' if rows[0][2] == 0 else 'NO'}")
    print("  targets: " + "; ".join(verdict))

    alone = columnar_in_subprocess(n_offices)
    print(f"  columnar alone in a subprocess: {alone['seconds']:.3f} s, peak memory (RSS) {alone['peak_mib']:.1f} MiB "
          f"(target ≤ 200 MiB: {'yes' if alone['peak_mib'] <= 200 else 'NO'})")
    if growth:
        print("  growth (columnar, subprocess):")
        base = None
        for offices_n in growth:
            run = columnar_in_subprocess(offices_n)
            per = run["seconds"] / run["evaluations"] * 1e9
            base = base or per
            print(f"    {run['evaluations']:>10,} evaluations {run['seconds']:8.3f} s  {per:6.1f} ns/evaluation "
                  f"({per / base:4.2f}× the first)  peak {run['peak_mib']:.0f} MiB")


def _pair(peer: Peer):
    return peer.indicators, peer.means


def _hand(arrays, n_offices, sample, sample_rows):
    gc.collect()
    gc.disable()
    start = time.perf_counter()
    peer, _ = hand_written(arrays, n_offices, set(sample))
    seconds = time.perf_counter() - start
    gc.enable()
    return seconds, peer


def _polars(arrays, n_offices, sample, sample_rows):
    seconds, values = peer_polars(arrays, n_offices, sample_rows)
    return seconds, _frame_peer(values, n_offices, set(sample), sample_rows)


def _pandas(arrays, n_offices, sample, sample_rows):
    seconds, values = peer_numpy_like(arrays, n_offices, sample_rows, "pandas")
    return seconds, _frame_peer(values, n_offices, set(sample), sample_rows)


def _duckdb(arrays, n_offices, sample, sample_rows):
    seconds, values, overall = peer_duckdb(arrays, n_offices, sample_rows)
    return seconds, decimal_peer(values, overall, n_offices, sample_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller run")
    parser.add_argument("--columnar-only", type=int, metavar="OFFICES", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.columnar_only:
        print(json.dumps(run_columnar(args.columnar_only)))
        return
    bench_startup()
    bench_check(1_000 if args.quick else 10_000)
    if args.quick:
        bench_eval(100, 5, [10, 100])
    else:
        bench_eval(1_000, 10, [100, 1_000, 10_000])


if __name__ == "__main__":
    main()

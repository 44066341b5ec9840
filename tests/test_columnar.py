"""The columnar bulk path (engine/evaluation/columnar.py) gives exactly what evaluate_period gives: for every
office and period, each indicator's status, rounded capaian, predikat and realisasi, and every
sasaran, office and overall mean (capaian, predikat, status)."""
from __future__ import annotations

import enum
import os
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

np = pytest.importorskip("numpy")

from conftest import ROOT  # noqa: E402
from kinerja_dsl import vocabulary  # noqa: E402
from kinerja_dsl.engine.evaluation import columnar  # noqa: E402
from kinerja_dsl.engine.evaluation.columnar import DataColumns, evaluate_offices, not_columnar  # noqa: E402
from kinerja_dsl.engine.readers.data import Dataset, Value, derive_totals, read_data  # noqa: E402
from kinerja_dsl.engine.evaluation.evaluate import evaluate_period  # noqa: E402
from kinerja_dsl.engine.periods import Period  # noqa: E402
from kinerja_dsl.loader import load, load_catalog  # noqa: E402

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def assert_same(catalog, data, periods, offices, result=None):
    """Every row and mean of the columnar result equals evaluate_period's for that office."""
    result = result or evaluate_offices(catalog, data, periods, offices)
    for period in periods:
        for office in offices:
            indicators, sasaran, office_means, overall = evaluate_period(catalog, data, period, office)
            got = {r.indicator: r for r in result.rows([period], [office])}
            assert set(got) == {r.id for r in indicators}
            for r in indicators:
                g = got[r.id]
                where = (period.label, office, r.id, r.reason)
                assert (g.status, g.capaian, g.predikat) == (str(r.status), r.capaian, r.predikat), where
                assert g.realisasi == r.realisasi, where
                assert g.target == r.target, where
            means = [(m.level, m.id, m.status, m.capaian, m.predikat) for m in result.means([period], [office])]
            want = [("sasaran", a.id, a.status, a.capaian, a.predikat) for a in sasaran]
            want += [("office", a.id, a.status, a.capaian, a.predikat) for a in office_means]
            if overall is not None:
                want.append(("overall", "overall", overall.status, overall.capaian, overall.predikat))
            assert means == want, (period.label, office)
    return result


# ---- the rule table ----------------------------------------------------------------------------

def _vocabulary_enums():
    return [v for v in vars(vocabulary).values()
            if isinstance(v, type) and issubclass(v, enum.Enum) and v.__module__ == vocabulary.__name__]


def test_the_rule_table_covers_every_policy_value():
    enums = _vocabulary_enums()
    assert set(enums) == set(columnar.ENUMS), "a new enum in vocabulary.py: add it to columnar.ENUMS and RULES"
    missing = [f"{e.__name__}.{m.name}" for e in enums for m in e if columnar.rule(m) is None]
    assert not missing, f"no columnar rule for {missing}: say how it is computed, or EXACT"
    for r in list(columnar.RULES.values()) + list(columnar.OTHER_RULES.values()):
        assert r.how in (columnar.COLUMNAR, columnar.ROWS, columnar.EXACT) and r.what


CATALOG = '''
policy {
  nihil achieved
}
field n "n" count
field d "d" count
sasaran S "S"
indicator X.r "ratio" {
  sasaran S
  unit "%"
  numerator n
  denominator d
  scale 100
  direction higher
  target 2024 = 80
}
indicator X.g "growth" {
  unit "%"
  value (n - prev(n)) / prev(n)
  scale 100
  direction higher
  target 2024 = 5
}
indicator X.m "min" {
  unit "%"
  value min(n, d)
  direction higher
  target 2024 = 5
}
indicator X.ref "reads X.r" {
  unit "%"
  value X.r * 2
  direction higher
  target 2024 = 5
}
indicator X.none "no rounding" {
  unit "%"
  value n
  direction higher
  round none
  target 2024 = 5
}
indicator X.eff "efficiency" {
  unit "%"
  value capaian(S) - n
  direction higher
  target 2024 = 5
}
'''


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "c.kin"
    path.write_text(CATALOG, encoding="utf-8")
    return load_catalog(path)


def test_indicators_without_a_columnar_form_are_listed_with_the_reason(small):
    reasons = not_columnar(small)
    assert set(reasons) == {"X.g", "X.m", "X.ref", "X.none", "X.eff"}
    assert "prev" in reasons["X.g"] and "min" in reasons["X.m"] and "X.r" in reasons["X.ref"]
    assert "none" in reasons["X.none"] and "mean" in reasons["X.eff"]


def test_a_policy_value_without_a_rule_goes_to_the_exact_path(small, monkeypatch):
    monkeypatch.delitem(columnar.RULES, vocabulary.Nihil.ACHIEVED)
    assert "X.r" in not_columnar(small)
    assert "achieved" in not_columnar(small)["X.r"]


def test_unsupported_indicators_still_give_the_exact_results(small):
    data = Dataset("t")
    for year, n, d in ((2023, 4, 5), (2024, 6, 8)):
        data.values[(Period(year, "year", 0), "")] = {
            "n": Value(Decimal(n), str(n), "t", 1), "d": Value(Decimal(d), str(d), "t", 1)}
    assert_same(small, data, [Period(2024, "year", 0)], [""])


# ---- real reports ------------------------------------------------------------------------------

@pytest.mark.parametrize("report", ["sumsel-2024", "banten-2024"])
def test_the_real_reports(report):
    folder = ROOT / "indicators" / report
    catalog = load([folder]).catalog
    data, _ = read_data(folder / "realisasi.toml")
    offices = sorted({o for _, o in data.values} | {""})
    periods = [Period.parse("2024")] + [p for p in data.periods() if p.year == 2024 and p.kind != "year"][:2]
    assert_same(catalog, data, periods, offices)


# ---- columns built directly, progress --------------------------------------------------------------

NATIONAL = '''
policy {
  cap 120
  nihil excluded
}
office kanwil "K"
office a "A" parent kanwil
office b "B" parent kanwil
field n0 "n0" count
field d0 "d0" count
field n1 "n1" count
field d1 "d1" count
sasaran S0 "S0"
sasaran S1 "S1"
indicator S0.p "p0" {
  sasaran S0
  unit "%"
  numerator n0
  denominator d0
  scale 100
  direction higher
  range 0 .. 100
  target 2024 B01 = 90
  target 2024 B02 = 90
}
indicator S1.k "k1" {
  sasaran S1
  unit indeks
  direction higher
  index {
    group g1 weight 50% scale 4 cap 4 {
      component c1 weight 1/3 = n1 / d1
      component c2 weight 2/3 nihil achieved = n1 / (d1 + 1)
    }
    group g2 weight 50% combine mean scale 4 {
      component c3 = n0 / d1
    }
  }
  target 2024 B01 = 3.6
  target 2024 B02 = 3.6
}
'''


@pytest.mark.parametrize("chunk", [2048, 1, 4])
def test_columns_built_directly_equal_the_converted_dataset(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(columnar, "CHUNK", chunk)  # rows evaluated in chunks give the same
    path = tmp_path / "n.kin"
    path.write_text(NATIONAL, encoding="utf-8")
    catalog = load_catalog(path)
    periods = [Period(2024, "month", 1), Period(2024, "month", 2)]
    offices = ["a", "b", "kanwil"]
    rng = np.random.default_rng(7)
    rows = len(periods) * len(offices)
    d0, d1 = rng.integers(0, 6, rows), rng.integers(0, 6, rows)
    values = {"d0": d0, "n0": np.minimum(rng.integers(0, 6, rows), d0), "d1": d1,
              "n1": np.minimum(rng.integers(0, 6, rows), d1)}
    present = {"n1": np.array([True] * (rows - 1) + [False])}  # one missing cell
    cols = DataColumns.from_arrays(periods, offices, values, present=present)
    seen = []
    result = evaluate_offices(catalog, cols, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert_same(catalog, cols.exact_data(), periods, offices, result)
    # the same data through a Dataset
    data = cols.exact_data()
    converted = Dataset("copy")
    for key in [(p, o) for p in periods for o in offices]:
        if key in data.values:
            converted.values[key] = dict(data.values[key])
    assert_same(catalog, converted, periods, offices)


# ---- random catalogs and data ------------------------------------------------------------------------

ROUNDS = ["half_up 2", "truncate 2", "half_up 0", "truncate 3", "none"]
NIHILS = ["achieved", "excluded", "zero", "error"]


@st.composite
def catalogs(draw):
    cap = draw(st.sampled_from(["none", "120", "100.5"]))
    floor = draw(st.sampled_from(["none", "0", "10"]))
    # a level may be switched off (`none`) when no mean above it reads it (E123)
    overall_source = draw(st.sampled_from(['sasaran', 'office', 'indicators']))
    overall_aggregate = (f"  aggregate overall {draw(st.sampled_from(['mean', 'weighted']))} {overall_source}"
                         + (" rounded" if draw(st.booleans()) else ""))
    if draw(st.integers(0, 5)) == 0:
        overall_aggregate, overall_source = "  aggregate overall none", None
    office_source = draw(st.sampled_from(['indicators', 'sasaran']))
    office_methods = ['mean', 'weighted'] + (['none'] if overall_source != 'office' else [])
    office_method = draw(st.sampled_from(office_methods))
    office_aggregate = f"  aggregate office {office_method}" + (f" {office_source}" if office_method != "none" else "")
    reads_sasaran = overall_source == 'sasaran' or (office_method != 'none' and office_source == 'sasaran')
    sasaran_method = draw(st.sampled_from(['mean', 'weighted'] + ([] if reads_sasaran else ['none'])))
    lines = ["policy {", f"  cap {cap}", f"  floor {floor}", f"  nihil {draw(st.sampled_from(NIHILS))}",
             f"  round {draw(st.sampled_from(ROUNDS[:4] + (ROUNDS[4:] if draw(st.booleans()) else [])))}",
             f"  round_realisasi {draw(st.sampled_from(['none', 'half_up 2', 'truncate 1']))}",
             f"  lower_formula {draw(st.sampled_from(['two_t_minus_r', 't_over_r']))}",
             f"  aggregate sasaran {sasaran_method}",
             office_aggregate, overall_aggregate,
             f"  bands {draw(st.sampled_from(['lkjip', 'ikpa', 'sakip']))}", "}",
             'office kanwil "K"', 'office a "A" parent kanwil', 'office b "B" parent kanwil']
    lines += [f'field f{i} "f{i}" number' for i in range(4)]
    lines += ['field f4 "f4" number = f0 + f1']  # a declared total: derived where f0 and f1 are given
    lines += ['sasaran S1 "S1" {', "  office a", "  weight 1/3", "}", 'sasaran S2 "S2" {', "  office b",
              "  weight 2/3", "}"]
    formulas = ["f0", "f1", "f2", "f0 + f1", "f2 - f3", "f1 * 2", "f0 / 3", "-f3", "(f0 + f1) / (f2 - f3)",
                "f4 - f2"]
    count = draw(st.integers(1, 4))
    sasaran_of = [draw(st.sampled_from(["S1", "S2", None])) for _ in range(count)]
    weights = [draw(st.sampled_from(['1/3', '2', '0'])) for _ in range(count)]
    if sasaran_method == "weighted":  # a weighted sasaran's indicator weights make 100% (E106)
        for sas in ("S1", "S2"):
            members = [i for i in range(count) if sasaran_of[i] == sas]
            for i in members[:-1]:
                weights[i] = draw(st.sampled_from(['1/3', '0', '1/4']))
            if members:
                rest = 1 - sum((Fraction(weights[i]) for i in members[:-1]), Fraction(0))
                weights[members[-1]] = f"{rest.numerator}/{rest.denominator}"
    for i in range(count):
        sasaran = sasaran_of[i]
        office = draw(st.sampled_from(["a", "b", "kanwil", None]))
        direction = draw(st.sampled_from(["higher", "lower", "stabilize"]))
        kind = draw(st.sampled_from(["ratio", "value", "index"]))
        body = [f'indicator X.i{i} "i{i}" {{', '  unit "%"', f"  direction {direction}",
                f"  weight {weights[i]}"]
        body += [f"  sasaran {sasaran}"] if sasaran else []
        body += [f"  office {office}"] if office else []
        if draw(st.booleans()):
            body += [f"  nihil {draw(st.sampled_from(NIHILS))}"]
        if draw(st.booleans()):
            body += [f"  round {draw(st.sampled_from(ROUNDS[:4]))}"]
        if kind == "ratio":
            body += [f"  numerator {draw(st.sampled_from(formulas))}",
                     f"  denominator {draw(st.sampled_from(formulas))}",
                     f"  scale {draw(st.sampled_from(['100', '1', '4']))}"]
        elif kind == "value":
            body += [f"  value {draw(st.sampled_from(formulas))}"]
        else:
            body += ["  index {",
                     f"    group g1 weight 1/3 scale 4{' cap 4' if draw(st.booleans()) else ''}"
                     f"{' round half_up 2' if draw(st.booleans()) else ''} {{",
                     f"      component c1 weight 50% = {draw(st.sampled_from(['f0 / f1', 'f2 / f3']))}",
                     f"      component c2 weight 50% nihil {draw(st.sampled_from(NIHILS))}"
                     f"{' round truncate 3' if draw(st.booleans()) else ''} = f1 / (f2 + f3)", "    }",
                     "    group g2 weight 2/3 combine mean {",
                     f"      component c3 nihil {draw(st.sampled_from(NIHILS[:3]))} = f0 / f2", "    }", "  }"]
        target = draw(st.sampled_from(["90", "3.6", "0", "100", "0.3333", "0.005", "80", "2.5"]))
        body += [f"  target 2024 = {target}"]
        if draw(st.integers(0, 3)):
            body += [f"  target 2024 TW1 = {draw(st.sampled_from(['80', '25.5', '3.125']))}"]
        lines += body + ["}"]
    return "\n".join(lines) + "\n"


VALUES = st.one_of(
    st.integers(0, 5).map(Decimal),
    st.integers(-3, 1000).map(Decimal),
    st.integers(0, 10 ** 15).map(Decimal),
    st.decimals(min_value=0, max_value=10 ** 6, places=12, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0.5"), Decimal("0.05"), Decimal("1.125"), Decimal("-0"), Decimal("90"),
                     Decimal("3.6"), Decimal("100")]),
)
SMALL = st.integers(0, 12).map(Decimal)
CELL = st.fixed_dictionaries({f: st.one_of(*[SMALL] * 6, VALUES, VALUES, VALUES, st.none())
                             for f in ("f0", "f1", "f2", "f3")}).map(
    lambda cell: {k: v for k, v in cell.items() if v is not None})
YEAR, TW1 = Period(2024, "year", 0), Period(2024, "quarter", 1)
KEYS = [(YEAR, o) for o in ("a", "b", "kanwil", "")] + [(TW1, o) for o in ("a", "b", "kanwil", "")]
# mostly complete data: a cell is missing now and then, a quarter is given at some offices (then
# the year there is a conflict or a roll-up: the exact path)
DATA = st.tuples(*[st.one_of(CELL, CELL, CELL, CELL, CELL, st.none()) if key[0] == YEAR or key[1] == "a"
                   else st.one_of(CELL, st.none(), st.none()) for key in KEYS]).map(lambda cells: [(k, c) for k, c in zip(KEYS, cells) if c is not None])


@settings(max_examples=int(os.environ.get("COLUMNAR_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=catalogs(), cells=DATA)
def test_columnar_equals_the_exact_evaluator(tmp_path_factory, text, cells):
    path = tmp_path_factory.mktemp("col") / "c.kin"
    path.write_text(text, encoding="utf-8")
    loaded = load([path])
    assert loaded.catalog is not None, [d.message for d in loaded.diagnostics][:3]
    data = Dataset("random")
    for key, cell in cells:
        data.values.setdefault(key, {}).update(
            {name: Value(v, str(v), "random", 1) for name, v in cell.items()})
    derive_totals(data, loaded.catalog)  # as `prepare` does: both paths read the derived f4
    periods = [Period(2024, "year", 0), Period(2024, "quarter", 1)]
    assert_same(loaded.catalog, data, periods, ["a", "b", "kanwil", ""])


@pytest.mark.parametrize("chunk", [2048, 3])
def test_boundaries_decided_exactly(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(columnar, "CHUNK", chunk)
    """Halves, truncation steps, n = d on a range bound, capped values: the exact ties that
    float arithmetic alone would round wrongly."""
    path = tmp_path / "c.kin"
    path.write_text(NATIONAL.replace("cap 120", "cap 111.11"), encoding="utf-8")
    catalog = load_catalog(path)
    periods = [Period(2024, "month", 1)]
    pairs = [(9, 320), (1, 8), (5, 5), (0, 0), (45, 50), (3, 7), (2, 3), (999, 1000), (81, 90), (1, 3)]
    offices = [f"o{i}" for i in range(len(pairs))]
    values = {"n0": np.array([n for n, _ in pairs]), "d0": np.array([d for _, d in pairs]),
              "n1": np.array([n for n, _ in pairs]), "d1": np.array([d for _, d in pairs])}
    cols = DataColumns.from_arrays(periods, offices, values)
    assert_same(catalog, cols.exact_data(), periods, offices, evaluate_offices(catalog, cols))


# ---- the fused plain-ratio path ------------------------------------------------------------------------

PLAIN = '''
policy {{
  period_targets per_period  # each month's target is its own: the months are evaluated alone
  cap none
  nihil {nihil}
  round {round}
  bands {bands}
}}
field n "n" {kind_n}
field d "d" {kind_d}
sasaran S "S"
indicator P.r "plain ratio" {{
  sasaran S
  unit "%"
  numerator n
  denominator d
  scale {scale}
  direction higher
{range}  target 2024 B01 = {target}
  target 2024 B02 = {target_q}
}}
indicator P.s "plain ratio, other places" {{
  sasaran S
  unit "%"
  numerator d
  denominator n
  scale {scale}
  direction higher
  target 2024 B01 = {target_q}
  target 2024 B02 = {target}
}}
'''

PLAIN_VALUES = st.one_of(st.integers(0, 12), st.integers(-5, 1000), st.integers(0, 10 ** 17),
                         st.sampled_from([0, 1, 9, 10, 45, 50, 90, 100, 320, 999, 1000, 2 ** 53, 2 ** 53 + 1]))


@settings(max_examples=int(os.environ.get("COLUMNAR_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(nihil=st.sampled_from(NIHILS), rounding=st.sampled_from(ROUNDS[:4] + ["half_up 5", "truncate 0"]),
       bands=st.sampled_from(["lkjip", "ikpa", "sakip"]), scale=st.sampled_from(["100", "1", "4", "3", "0.5"]),
       rng=st.sampled_from(["", "  range 0 .. 100\n", "  range 0 .. 400\n", "  range -10 .. 100\n"]),
       target=st.sampled_from(["90", "3.6", "100", "0.3333", "0.005", "80", "2.5", "7"]),
       target_q=st.sampled_from(["80", "25.5", "3.125", "90"]),
       places=st.tuples(st.integers(0, 3), st.integers(0, 3)),
       cells=st.lists(st.tuples(PLAIN_VALUES, PLAIN_VALUES, st.booleans()), min_size=1, max_size=12),
       chunk=st.sampled_from([1, 3, 2048]))
def test_plain_ratios_equal_the_exact_evaluator(tmp_path_factory, monkeypatch, nihil, rounding, bands, scale, rng,
                                                target, target_q, places, cells, chunk):
    """The fused path (columnar._plain_ratio_columns) on ratios of two fields with their own decimal places:
    ties, n = d and n = 0 on range bounds, 0/0, x/0, negative and wide mantissas, missing cells."""
    monkeypatch.setattr(columnar, "CHUNK", chunk)
    monkeypatch.setattr(columnar, "THREADS", 2)
    monkeypatch.setattr(columnar, "THREAD_ROWS", 0 if chunk == 3 else 65_536)  # the columns on two threads
    kinds = {0: "count", 1: "number", 2: "number", 3: "number"}
    path = tmp_path_factory.mktemp("plain") / "c.kin"
    path.write_text(PLAIN.format(nihil=nihil, round=rounding, bands=bands, scale=scale, range=rng, target=target,
                                 target_q=target_q, kind_n=kinds[places[0]], kind_d=kinds[places[1]]),
                    encoding="utf-8")
    catalog = load_catalog(path)
    assert columnar._plain_ratio(catalog.indicators["P.r"]) is not None
    periods = [Period(2024, "month", 1), Period(2024, "month", 2)]
    offices = [f"o{i}" for i in range(len(cells))]
    n = np.array([c[0] for c in cells] * 2, dtype=np.int64)
    d = np.array([c[1] if c[2] else c[0] for c in cells] * 2, dtype=np.int64)  # n = d half the time
    present = {"n": np.array([True] * (2 * len(cells) - 1) + [len(cells) % 3 != 0])}
    cols = DataColumns.from_arrays(periods, offices, {"n": n, "d": d}, places={"n": places[0], "d": places[1]},
                                   present=present)
    assert_same(catalog, cols.exact_data(), periods, offices, evaluate_offices(catalog, cols))


# ---- the exact arithmetic: rationals in int64 and the bound of the engine's rounding ---------------

def _num(p, q, b=0):
    return columnar.Num(np.array([p], dtype=np.int64), np.array([q], dtype=np.int64), np.array([b], dtype=np.int64))


def _rounding(mode, places):
    from kinerja_dsl.catalog import Rounding
    return Rounding(vocabulary.RoundMode(mode), places)


# where a float is the input itself, not a result: Excel stores a typed number as a binary double
# (its shortest repr is what Excel shows) and a date as a serial number; diff's rename heuristic
# scores the similarity of two definitions (no figure of a report)
FLOAT_ALLOWED = {("engine/readers/spreadsheet.py", "double = float(t)"),
                 ("engine/readers/spreadsheet.py", "return from_excel(float(number), self.epoch, "
                                                   "timedelta=style in wb.durations)"),
                 ("engine/readers/spreadsheet.py", "return int(raw) if isinstance(raw, float) and raw.is_integer() "
                                                   "else raw"),
                 ("engine/reports/diff.py", "def _similarity(a: Indicator, b: Indicator) -> float:"),
                 # a chart's pixel positions (a picture, not a result) and matplotlib's tick values
                 ("engine/rendering/charts.py", "def pixel_positions(values: tuple[Decimal | None, ...]) -> list[float]:"),
                 ("engine/rendering/charts.py", "return [float(GAP) if v is None else float(v) for v in values]"),
                 ("engine/rendering/charts.py", "def text(x: float, _position: int) -> str:")}


def test_no_float_in_product_code():
    """Results stay Decimal (or exact integers) end to end: no `float` in the language or the engine,
    but for the few places where a float is the input itself (FLOAT_ALLOWED)."""
    import io
    import tokenize
    found = []
    for folder in (ROOT / "engine", ROOT / "kinerja_dsl"):
        for path in sorted(folder.rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
                if tok.type == tokenize.NAME and tok.string in ("float", "float64", "float32", "float_"):
                    if (where, tok.line.strip()) not in FLOAT_ALLOWED:
                        found.append(f"{where}:{tok.start[0]}: {tok.line.strip()}")
    assert found == []


def test_a_half_the_engine_holds_exactly_is_rounded_up_and_one_it_approximates_goes_exact():
    rounding = _rounding("half_up", 2)
    k, ok = columnar.round_decide(_num(82345, 1000), rounding)        # 82.345 exactly: 82.35
    assert (k.tolist(), ok.tolist()) == ([8235], [True])
    k, ok = columnar.round_decide(_num(-82345, 1000), rounding)       # away from zero: −82.35
    assert (k.tolist(), ok.tolist()) == ([-8235], [True])
    _, ok = columnar.round_decide(_num(82345, 1000, b=1), rounding)   # the engine's value may be either side
    assert ok.tolist() == [False]
    k, ok = columnar.round_decide(_num(100, 3, b=1000), rounding)     # 33.333…: far from every half
    assert (k.tolist(), ok.tolist()) == ([3333], [True])


def test_truncation_on_a_step_is_decided_only_when_the_engine_holds_the_value():
    rounding = _rounding("truncate", 1)
    assert columnar.round_decide(_num(3998, 100), rounding)[0].tolist() == [399]  # 39.98 -> 39.9
    k, ok = columnar.round_decide(_num(40, 1), rounding)
    assert (k.tolist(), ok.tolist()) == ([400], [True])
    assert columnar.round_decide(_num(40, 1, b=1), rounding)[1].tolist() == [False]  # 39.999…9 or 40


def test_a_weight_of_one_third_is_one_third_with_the_bound_of_its_34_digits():
    from decimal import localcontext
    with localcontext() as ctx:
        ctx.prec = 34
        third = Decimal(1) / Decimal(3)
    x = columnar.const(third, 1)
    assert (x.p.tolist(), x.q.tolist()) == ([1], [3]) and 0 < x.b[0] <= 2
    assert columnar.const(Decimal("0.25"), 1).b.tolist() == [0]  # held exactly


def test_a_product_beyond_int64_is_not_known_and_decides_nothing():
    big = _num(2 ** 40, 1)
    x = columnar.mul(big, big)
    assert x.b.tolist() == [columnar.BAD]
    assert columnar.round_decide(x, _rounding("half_up", 2))[1].tolist() == [False]
    assert columnar.zero_test(x) == (np.array([False]), np.array([False]))


def test_a_division_the_engine_rounds_carries_a_bound_and_one_it_holds_does_not():
    every = np.array([True])
    assert columnar.div(_num(1, 1), _num(4, 1), every).b.tolist() == [0]   # 0.25
    third = columnar.div(_num(1, 1), _num(3, 1), every)                     # 0.333…3 in 34 digits
    assert (third.p.tolist(), third.q.tolist()) == ([1], [3]) and third.b[0] > 0
    back = columnar.mul(third, _num(3, 1))                                 # exactly 1, the engine 0.999…9
    assert back.p[0] == back.q[0] and back.b[0] > 0
    assert columnar.round_decide(back, _rounding("truncate", 0))[1].tolist() == [False]


def test_a_means_item_is_cut_to_the_grid_with_the_cut_in_its_bound():
    x = columnar.on_grid(_num(1, 3))
    assert (x.p.tolist(), x.q.tolist()) == ([333_333_333_333], [10 ** 12])
    assert x.b.tolist() == [columnar._GRID_UNITS]
    kept = columnar.on_grid(_num(7, 4))  # 1.75: on the grid already, exact
    assert (kept.p.tolist(), kept.q.tolist(), kept.b.tolist()) == ([7], [4], [0])

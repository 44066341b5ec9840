"""Property tests: random input only ever yields our diagnostics, never a crash.

The number of examples is bounded (CI profile) so the suite stays fast; set
HYPOTHESIS_PROFILE=thorough for a longer run.
"""
from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from kinerja_dsl.formatter import format_file
from kinerja_dsl.loader import load
from kinerja_dsl.parser import parse

settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

VALID = '''policy {
  cap none
  nihil excluded
}
field a "Selesai" count
field b "Masuk" count
sasaran S1 "Sasaran satu"
indicator S1.a "Persentase" {
  sasaran S1
  unit "%"
  numerator a + 1
  denominator b
  scale 100
  direction higher
  range 0 .. 100
  target 2024 = 80 .. 90
}
indicator S1.i "Indeks" {
  unit indeks
  direction higher
  index {
    group g weight 100% scale 4 cap 4 {
      component c1 weight 1/3 = a / b
      component c2 weight 2/3 nihil achieved = min(a, b) / max(a, b)
    }
  }
  target 2024 = 3.6
}
bands x {
  "A" >= 90
  "B" < 90
}
'''

TOKENS = ["policy", "indicator", "field", "sasaran", "index", "group", "component", "bands", "{", "}",
          "(", ")", "=", "..", "+", "-", "*", "/", "%", "\n", " ", "a", "b", "S1", "S1.a", '"x"', "12.5",
          "3,6", "if", "then", "else", "min(", ",", "target", "2024", "TW1", "nihil", "cap", "#c\n", "\r\n",
          "\t", "×", "\u00e9", "\x00", "\ufeff", "include", '"self.kin"', "extends"]

CODE = re.compile(r"^[EWD]\d{3}$")


def _check_text(tmp_path, text: str) -> None:
    path = tmp_path / "random.kin"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load([path])
    for d in loaded.diagnostics:
        assert CODE.match(d.code), d
        d.render()  # rendering never fails either
    parsed, diagnostics = parse(text, "random.kin")
    if not any(d.is_error for d in diagnostics):
        again, problems = parse(format_file(parsed), "formatted.kin")
        assert not any(d.is_error for d in problems), format_file(parsed)


@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_random_token_soup_yields_only_diagnostics(tmp_path, text):
    _check_text(tmp_path, text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_yields_only_diagnostics(tmp_path, text):
    _check_text(tmp_path, text)


@given(st.integers(0, len(VALID) - 1), st.integers(0, 8), st.sampled_from(TOKENS))
def test_mutated_valid_catalog_yields_only_diagnostics(tmp_path, at, cut, insert):
    _check_text(tmp_path, VALID[:at] + insert + VALID[at + cut:])


@given(st.integers(0, len(VALID) - 1), st.integers(1, 12))
def test_formatting_twice_is_stable_on_mutations(at, cut):
    text = VALID[:at] + VALID[at + cut:]
    parsed, diagnostics = parse(text, "m.kin")
    if any(d.is_error for d in diagnostics):
        return
    once = format_file(parsed)
    twice = format_file(parse(once, "m.kin")[0])
    assert once == twice


# ---- invariants of the arithmetic ----------------------------------------------------------

from decimal import Decimal  # noqa: E402

from kinerja_dsl.catalog import TargetSpec  # noqa: E402
from kinerja_dsl.engine.evaluation.policies import capaian, limit  # noqa: E402

decimals = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), allow_nan=False,
                       allow_infinity=False, places=4)
positive = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2)


@given(decimals, decimals, positive, st.sampled_from(["two_t_minus_r", "t_over_r"]))
def test_capaian_is_monotone_in_realisasi(a, b, target, lower_formula):
    low, high = sorted((a, b))
    spec = TargetSpec(target, None, str(target))
    assert capaian("higher", lower_formula, low, spec)[0] <= capaian("higher", lower_formula, high, spec)[0]
    if lower_formula == "two_t_minus_r" or low > 0:
        assert capaian("lower", lower_formula, low, spec)[0] >= capaian("lower", lower_formula, high, spec)[0]


@given(decimals, st.one_of(st.none(), positive), st.one_of(st.none(), decimals))
def test_cap_is_never_exceeded_and_floor_never_undercut(value, cap, floor):
    limited, _ = limit(value, cap, floor)
    if cap is not None:
        assert limited <= max(cap, floor if floor is not None else cap)
    if floor is not None and (cap is None or floor <= cap):
        assert limited >= floor


@given(st.integers(0, 50), st.integers(0, 50), st.sampled_from(["achieved", "excluded", "zero"]))
def test_nihil_excluded_never_yields_a_number_and_one_item_aggregates_to_itself(tmp_path_factory, n, d, rule):
    from kinerja_dsl.engine.evaluation.aggregate import aggregate
    from kinerja_dsl.engine.readers.data import Dataset, Value
    from kinerja_dsl.engine.evaluation.evaluate import evaluate_all
    from kinerja_dsl.engine.periods import Period
    from kinerja_dsl.loader import load_catalog

    path = tmp_path_factory.mktemp("inv") / "c.kin"
    path.write_text(VALID.replace("nihil excluded", f"nihil {rule}"), encoding="utf-8")
    catalog = load_catalog(path)
    data = Dataset("random")
    data.values[(Period.parse("2024"), "")] = {"a": Value(Decimal(n), str(n), "random", 1),
                                                "b": Value(Decimal(d), str(d), "random", 2)}
    results = evaluate_all(catalog, data, Period.parse("2024"))
    ratio = next(r for r in results if r.id == "S1.a")
    if ratio.status == "nihil" and rule == "excluded":
        assert ratio.capaian is None and ratio.realisasi is None
    sasaran, _, overall = aggregate(catalog, results)
    if ratio.capaian_exact is not None:
        assert sasaran[0].capaian_exact == ratio.capaian_exact  # one item: the mean is that item
        assert overall.capaian_exact == ratio.capaian_exact


@given(st.integers(0, len(VALID) - 1), st.integers(1, 12))
def test_formatting_then_parsing_gives_the_same_catalog(tmp_path_factory, at, cut):
    from kinerja_dsl.loader import load

    from test_language import signature

    text = VALID[:at] + VALID[at + cut:]
    folder = tmp_path_factory.mktemp("fmt")
    first = folder / "a.kin"
    first.write_text(text, encoding="utf-8")
    loaded = load([first])
    if loaded.catalog is None:
        return
    second = folder / "b.kin"
    second.write_text(format_file(loaded.files[0]), encoding="utf-8")
    assert signature(load([second]).catalog) == signature(loaded.catalog)


# ---- random realisation data and PK files: diagnostics, never a crash ------------------------

DATA_VALID = '[meta]\nlocale = "id"\n["2024"]\na = 36\nb = "40"\n["2024-TW1"]\na = "1.234,5"\nS1.i = 3.2\n'
DATA_TOKENS = ['["2024"]', '["2024-TW3"]', '["2024-13"]', '["2024".x]', "[meta]", 'locale = "id"', 'locale = "xx"',
               "a = ", "b = ", "S1.a = ", "zz = ", "1", "-5", "0", "3.14", '"1,545"', '"95%"', '"-"', '"abc"',
               "true", "[1, 2]", "\n", " ", "=", '"', "[", "]", ",", ";", "period,office,field,value", "2024"]
PK_VALID = '[meta]\nyear = 2024\nlocale = "id"\n[[target]]\nindicator = "S1.a"\ntarget = "85"\n'


def _run_data(tmp_path, text: str, suffix: str) -> None:
    from kinerja_dsl.engine.readers.data import check_data, read_data
    from kinerja_dsl.engine.evaluation.evaluate import evaluate_period
    from kinerja_dsl.engine.periods import Period
    from kinerja_dsl.loader import load_catalog

    catalog_path = tmp_path / "c.kin"
    catalog_path.write_text(VALID, encoding="utf-8")
    catalog = load_catalog(catalog_path)
    path = tmp_path / f"random{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    data, problems = read_data(path)
    problems = problems + check_data(data, catalog)
    for d in problems:
        assert re.match(r"^[EWDP]\d{3}$", d.code), d
        d.render()
    for period in data.periods() or [Period.parse("2024")]:
        results, *_ = evaluate_period(catalog, data, period)
        assert {r.status for r in results} <= {"ok", "nihil", "missing", "incomplete", "error"}


@given(st.integers(0, len(DATA_VALID)), st.integers(0, 6), st.sampled_from(DATA_TOKENS),
       st.sampled_from([".toml", ".csv"]))
def test_mutated_data_yields_only_diagnostics(tmp_path_factory, at, cut, insert, suffix):
    text = DATA_VALID if suffix == ".toml" else "# locale: id\nperiod;office;field;value\n2024;;a;36\n2024;;b;40\n"
    _run_data(tmp_path_factory.mktemp("data"), text[:at] + insert + text[at + cut:], suffix)


@given(st.lists(st.sampled_from(DATA_TOKENS), max_size=40).map("".join), st.sampled_from([".toml", ".csv"]))
def test_random_data_yields_only_diagnostics(tmp_path_factory, text, suffix):
    _run_data(tmp_path_factory.mktemp("data"), text, suffix)


@given(st.integers(0, len(PK_VALID)), st.integers(0, 6), st.sampled_from(DATA_TOKENS + ["[[target]]", "indicator = "]))
def test_mutated_pk_yields_only_diagnostics(tmp_path_factory, at, cut, insert):
    from kinerja_dsl.engine.reports.pk import read_pk, validate
    from kinerja_dsl.loader import load_catalog

    folder = tmp_path_factory.mktemp("pk")
    (folder / "c.kin").write_text(VALID, encoding="utf-8")
    catalog = load_catalog(folder / "c.kin")
    path = folder / "pk.toml"
    path.write_text(PK_VALID[:at] + insert + PK_VALID[at + cut:], encoding="utf-8")
    doc, problems = read_pk(path)
    if doc is not None:
        problems = problems + validate(doc, catalog)
    for d in problems:
        assert re.match(r"^[EWDP]\d{3}$", d.code), d
        d.render()

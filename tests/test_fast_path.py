"""The bulk fast path (compiled kernels) gives exactly what the traced path gives."""
from __future__ import annotations

import os
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT
from kinerja_dsl.engine.data import Dataset, Value, read_data
from kinerja_dsl.engine.evaluate import evaluate_all, evaluate_many
from kinerja_dsl.engine.periods import Period
from kinerja_dsl.loader import load, load_catalog

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _same(catalog, data, period, office=None):
    traced = {r.id: r for r in evaluate_all(catalog, data, period, office)}
    offices = {office} if office is not None else {i.office or "" for i in catalog.indicators.values()}
    for o in offices:
        ids = [i.id for i in catalog.indicators.values() if office is not None or (i.office or "") == o]
        for q in evaluate_many(catalog, data, [period], [o], only=ids):
            if q.id not in ids:
                continue
            r = traced[q.id]
            assert (q.status, q.realisasi, q.capaian_exact, q.capaian, q.predikat) == (
                r.status, r.realisasi, r.capaian_exact, r.capaian, r.predikat), q.id


@pytest.mark.parametrize("report", ["sumsel-2024", "banten-2024"])
def test_fast_path_matches_the_real_reports(report):
    folder = ROOT / "indicators" / report
    catalog = load([folder]).catalog
    data, _ = read_data(folder / "realisasi.toml")
    _same(catalog, data, Period.parse("2024"))


CATALOG = '''
policy {
  cap 150
  nihil achieved
  round_realisasi half_up 2
}
field n "n" count
field d "d" count
indicator X.r "ratio" {
  unit "%"
  numerator n
  denominator d
  scale 100
  direction higher
  target 2024 = 80
}
indicator X.k "index" {
  unit indeks
  direction higher
  index {
    group g weight 100% scale 4 cap 4 {
      component a weight 1/3 = n / d
      component b weight 2/3 = n / (d + n)
    }
  }
  target 2024 = 3.6
}
indicator X.e "ratio, nihil excluded, inside a range" {
  unit "%"
  numerator n
  denominator d
  scale 100
  direction higher
  nihil excluded
  range 0 .. 100
  target 2024 = 90
}
indicator X.l "lower" {
  unit "%"
  value n
  direction lower
  target 2024 = 10
}
'''


@given(st.integers(0, 300), st.integers(0, 300))
def test_fast_path_matches_on_random_data(tmp_path_factory, n, d):
    path = tmp_path_factory.mktemp("fast") / "c.kin"
    path.write_text(CATALOG, encoding="utf-8")
    catalog = load_catalog(path)
    data = Dataset("random")
    data.values[(Period.parse("2024"), "")] = {"n": Value(Decimal(n), str(n), "random", 1),
                                                "d": Value(Decimal(d), str(d), "random", 2)}
    _same(catalog, data, Period.parse("2024"))


BOUNDARIES = [Decimal(x) for x in ("30", "50", "51", "60", "66", "70", "76", "80", "89", "90", "91", "95")]


@given(st.one_of(st.sampled_from(BOUNDARIES),
                 st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=3)))
def test_fast_band_classifier_agrees_with_classify(x):
    """The bulk path's band lookup gives the label the traced path gives, boundaries included."""
    from kinerja_dsl.catalog import BAND_PRESETS

    for bands in BAND_PRESETS.values():
        assert bands.classifier()(x) == bands.classify(x), (bands.id, x)

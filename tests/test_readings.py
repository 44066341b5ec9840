"""How a formula reads another indicator or a capaian: as the catalog rounds it (the one default,
for `X` and `capaian(X)` alike), or `exact(...)` before that rounding.

The figure of the issue: a budget score weighted 60/40 from two indicators whose realisasi are
means rounded to 2 places. Read as rounded (89,26 and 99,97) it is 93,54; the report's 93,55 comes
from the unrounded 89,2622 and 99,9711.
"""
from __future__ import annotations

import json

import pytest

BUDGET = """
field s "SMART" score
field i "IKPA" score
field a "A" count
field b "B" count
sasaran S1 "Satu"
indicator BUDGET.smart "SMART" {
  unit "nilai"
  value s
  direction higher
  round_realisasi half_up 2
}
indicator BUDGET.ikpa "IKPA" {
  unit "nilai"
  value i
  direction higher
  round_realisasi half_up 2
}
indicator S1.x "X" {
  sasaran S1
  unit "%%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 100
}
indicator R "Reading" {
  unit "nilai"
  value %s
  direction higher
}
"""
DATA = '["2024"]\ns = 89.2622\ni = 99.9711\na = 95\nb = 90\n'


def reading(write, kinerja, formula: str) -> str:
    catalog = write("catalog.kin", BUDGET % formula)
    code, out, err = kinerja("eval", catalog, "--data", write("data.toml", DATA), "--json")
    assert code == 0, err
    return {r["id"]: r for r in json.loads(out)["indicators"]}["R"]["realisasi"]


@pytest.mark.parametrize("formula, expected", [
    ("60% * BUDGET.smart + 40% * BUDGET.ikpa", "93.544"),                      # the default: as rounded
    ("60% * rounded(BUDGET.smart) + 40% * rounded(BUDGET.ikpa)", "93.544"),    # the default, said
    ("60% * exact(BUDGET.smart) + 40% * exact(BUDGET.ikpa)", "93.54576"),      # the report's 93,55
    ("capaian(S1.x)", "105.56"),                  # 95/90 = 105,555…: as its `round` (half_up 2) shows it
    ("exact(capaian(S1.x))", "105.5555555555555555555555555555556"),
    ("capaian(S1)", "105.56"),                    # the sasaran's mean, rounded by the policy
    ("exact(capaian(S1))", "105.5555555555555555555555555555556"),
])
def test_each_reading_is_what_it_says(write, kinerja, formula, expected):
    assert reading(write, kinerja, formula) == expected


def test_explain_names_the_reading_and_the_other_value(write, kinerja):
    catalog = write("catalog.kin", BUDGET % "60% * BUDGET.smart + 40% * exact(BUDGET.ikpa)")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", DATA), "R")
    assert code == 0
    said = " ".join(out.split())
    assert ("reads: BUDGET.smart = 89.26, as its catalog rounds it (exact: 89.2622; write `exact(BUDGET.smart)` "
            "to read that)") in said
    assert "reads: exact(BUDGET.ikpa) = 99.9711, before its rounding (as rounded: 99.97)" in said


def test_explain_in_indonesian(write, kinerja, indonesian):
    catalog = write("catalog.kin", BUDGET % "exact(BUDGET.ikpa)")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", DATA), "R")
    assert code == 0
    assert "membaca: exact(BUDGET.ikpa) = 99,9711, sebelum dibulatkan (setelah dibulatkan: 99,97)" in " ".join(
        out.split())


@pytest.mark.parametrize("formula, found", [("exact(s)", "s"), ("exact(BUDGET.smart + 1)", "BUDGET.smart + 1"),
                                            ("rounded(2)", "2")])
def test_exact_and_rounded_take_an_indicator_or_a_capaian(write, kinerja, formula, found):
    code, out, err = kinerja("check", write("catalog.kin", BUDGET % formula))
    assert code == 1
    function = formula.split("(")[0]
    assert f"error[E116]: `{function}` takes an indicator or `capaian(X)`, not `{found}`" in out + err


def test_a_sasaran_indicator_reading_its_exact_mean_is_still_e118(write, kinerja):
    text = (BUDGET % "1").replace('indicator R "Reading" {\n', 'indicator R "Reading" {\n  sasaran S1\n').replace(
        "  value 1\n", "  value exact(capaian(S1))\n")
    code, out, err = kinerja("check", write("catalog.kin", text))
    assert code == 1 and "error[E118]" in out + err

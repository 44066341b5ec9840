"""Periods alone and cumulative ("s.d. TW III"), period targets by the declared convention, and
prev() / prev_period(): the calendar and the evaluator, below the command line.

Each test writes its own small catalog and data; the figures are made up to make each rule
visible (the real reports' quarterly invariants are in test_season.py).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja_dsl.engine.application import load_catalog
from kinerja_dsl.engine.evaluation.evaluate import evaluate_period
from kinerja_dsl.engine.periods import Period, PeriodError
from kinerja_dsl.engine.readers.data import load_data
from kinerja_dsl.engine.rendering.narrate import step_text

D = Decimal


# ---- the calendar --------------------------------------------------------------------------

@pytest.mark.parametrize("label, canonical, months, title, english", [
    ("2024", "2024", (1, 12), "2024", "2024"),
    ("2024-TW3", "2024-TW3", (7, 9), "TW III 2024", "Q3 2024"),
    ("2024-sd-TW3", "2024-sd-TW3", (1, 9), "s.d. TW III 2024", "to Q3 2024"),
    ("2024-s.d.TW3", "2024-sd-TW3", (1, 9), "s.d. TW III 2024", "to Q3 2024"),
    ("2024-ytd-TW3", "2024-sd-TW3", (1, 9), "s.d. TW III 2024", "to Q3 2024"),
    ("2024-TW III", "2024-TW3", (7, 9), "TW III 2024", "Q3 2024"),
    ("2024-sd-TW1", "2024-TW1", (1, 3), "TW I 2024", "Q1 2024"),       # s.d. TW I is TW I
    ("2024-sd-S1", "2024-S1", (1, 6), "Semester I 2024", "H1 2024"),
    ("2024-sd-TW4", "2024", (1, 12), "2024", "2024"),                   # s.d. TW IV is the year
    ("2024-sd-S2", "2024", (1, 12), "2024", "2024"),
    ("2024-sd-07", "2024-sd-B07", (1, 7), "s.d. Juli 2024", "to July 2024"),
    ("2024-B07", "2024-B07", (7, 7), "Juli 2024", "July 2024"),
])
def test_each_label_reads_one_span_of_months(label, canonical, months, title, english):
    p = Period.parse(label)
    assert (p.label, (p.months()[0], p.months()[-1]), p.title(), p.title("en")) == (canonical, months, title, english)
    assert Period.parse(p.label) == p


@pytest.mark.parametrize("label", ["2024-sd", "2024-TW5", "2024-sd-TW0", "24-TW1", "2024-S3", "2024-13", "sd-2024"])
def test_a_label_that_is_no_period_is_refused(label):
    with pytest.raises(PeriodError):
        Period.parse(label)


def test_up_to_alone_and_the_season():
    tw3 = Period.parse("2024-TW3")
    assert (tw3.up_to().label, tw3.up_to().alone().label) == ("2024-sd-TW3", "2024-TW3")
    assert [p.label for p in Period.year_of(2024).season("quarter")] == ["2024-TW1", "2024-sd-TW2", "2024-sd-TW3", "2024"]
    assert [p.label for p in Period.year_of(2024).season("semester")] == ["2024-S1", "2024"]
    assert len(Period.year_of(2024).season("month")) == 12
    assert [p.label for p in Period.parse("2024-sd-TW3").parts("quarter")] == ["2024-TW1", "2024-TW2", "2024-TW3"]
    assert Period.parse("2024-sd-TW3").parts("semester") == []  # s.d. TW III is not made of semesters


def test_the_periods_inside_a_cumulative_one_are_periods_alone():
    inside = [p.label for p in Period.parse("2024-sd-TW2").inside()]
    assert inside == ["2024-S1", "2024-TW1", "2024-TW2"] + [f"2024-B0{m}" for m in range(1, 7)]
    assert "2024-S2" not in [p.label for p in Period.parse("2024-sd-TW3").inside()]


def test_prev_period_and_years_before():
    assert [p.label for p in Period.parse("2024-TW1").previous(2)] == ["2023-TW4", "2023-TW3"]
    # a cumulative period's earlier ones stay cumulative: s.d. TW II, TW I (= s.d. TW I), the year before
    assert [p.label for p in Period.parse("2024-sd-TW3").previous(3)] == ["2024-sd-TW2", "2024-TW1", "2023"]
    assert [p.label for p in Period.parse("2024-sd-TW3").years_before(2)] == ["2023-sd-TW3", "2022-sd-TW3"]
    assert [p.label for p in Period.parse("2024").previous(1)] == ["2023"]


# ---- evaluation --------------------------------------------------------------------------

CATALOG = """\
policy {{
  nihil achieved
{policy}}}
office kanwil "Kanwil"
field selesai "Selesai" count
field masuk "Masuk" count
field skor "Skor" score
field pagu "Pagu" amount last
field belanja "Belanja" amount
indicator A "Persentase selesai" {{
  office kanwil
  unit "%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  target 2024 = 90
{a}}}
indicator B "Skor layanan" {{
  office kanwil
  unit "indeks"
  value skor
  direction higher
  target 2024 = 4
{b}}}
indicator C "Jumlah selesai" {{
  office kanwil
  unit "perkara"
  value selesai
  direction higher
  target 2024 = 100
{c}}}
indicator S "Serapan" {{
  office kanwil
  unit "%"
  numerator belanja
  denominator pagu
  scale 100
  direction higher
}}
"""

QUARTERS = """\
["2024-TW1".kanwil]
selesai = 10
masuk = 20
skor = 3
pagu = 1000
belanja = 100
["2024-TW2".kanwil]
selesai = 20
masuk = 20
skor = 4
pagu = 1000
belanja = 300
["2024-TW3".kanwil]
selesai = 30
masuk = 40
skor = "3.5"
pagu = 1000
belanja = 200
["2024-TW4".kanwil]
selesai = 40
masuk = 40
skor = "4.5"
pagu = 1000
belanja = 400
"""


def evaluate(write, data: str, period: str, policy: str = "", a: str = "", b: str = "", c: str = ""):
    loaded = load_catalog([write("c.kin", CATALOG.format(policy=policy, a=a, b=b, c=c))])
    assert loaded.ok and loaded.catalog is not None, [d.render() for d in loaded.diagnostics]
    read = load_data(write("d.toml", data))
    assert [d.render() for d in read.diagnostics] == []
    ev = evaluate_period(loaded.catalog, read.value, Period.parse(period))
    return {r.id: r for r in ev.indicators}


def test_a_cumulative_period_rolls_each_field_up_by_its_kind(write):
    r = evaluate(write, QUARTERS, "2024-sd-TW3")
    assert r["A"].realisasi == D(75)                      # counts summed January–September: 60 / 80
    assert r["B"].realisasi == D("3.5")                   # a score averaged: (3 + 4 + 3,5) / 3
    assert r["C"].realisasi == D(60)
    assert r["S"].realisasi == D(600) / D(1000) * 100     # pagu declared `last`: the TW3 value, not 3 000
    data_steps = [step_text(s) for s in r["A"].steps if s.step == "data"]
    assert data_steps == [
        "masuk = 80: 2024-sd-TW3 (months 1–9): sum of 2024-TW1 (20), 2024-TW2 (20), 2024-TW3 (40)",
        "selesai = 60: 2024-sd-TW3 (months 1–9): sum of 2024-TW1 (10), 2024-TW2 (20), 2024-TW3 (30)"]
    assert [step_text(s) for s in r["S"].steps if s.step == "data"][1] == \
        "pagu = 1000: 2024-sd-TW3 (months 1–9): last of 2024-TW1, 2024-TW2, 2024-TW3: 2024-TW3 (1000)"


def test_the_quarter_alone_is_not_the_cumulative_period(write):
    alone, upto = evaluate(write, QUARTERS, "2024-TW3"), evaluate(write, QUARTERS, "2024-sd-TW3")
    assert (alone["C"].realisasi, upto["C"].realisasi) == (D(30), D(60))
    assert (alone["A"].realisasi, upto["A"].realisasi) == (D(75), D(75))


def test_s_d_tw4_and_s_d_s2_are_the_year(write):
    year = evaluate(write, QUARTERS, "2024")
    for label in ("2024-sd-TW4", "2024-sd-S2", "2024-sd-12"):
        other = evaluate(write, QUARTERS, label)
        assert {k: (v.realisasi, v.capaian, v.status) for k, v in other.items()} == \
               {k: (v.realisasi, v.capaian, v.status) for k, v in year.items()}
    assert year["A"].realisasi == D("83.33333333333333333333333333333333") and year["A"].status == "ok"


def test_a_missing_quarter_makes_the_cumulative_period_incomplete_and_names_it(write):
    data = QUARTERS.replace('["2024-TW2".kanwil]\nselesai = 20\nmasuk = 20\n', '["2024-TW2".kanwil]\n')
    r = evaluate(write, data, "2024-sd-TW3")
    assert (r["A"].status, r["A"].realisasi) == ("incomplete", None)
    assert r["A"].reason == "`selesai` for 2024-sd-TW3: 2024-TW2 missing (given: 2024-TW1, 2024-TW3)"
    assert r["B"].status == "no_target"  # its own field is complete (and it has no TW3 target)


def test_a_value_given_for_the_cumulative_period_is_read_as_it_stands(write):
    data = '["2024-sd-TW3".kanwil]\nselesai = 61\nmasuk = 80\nskor = 4\npagu = 1000\nbelanja = 650\n'
    r = evaluate(write, data, "2024-sd-TW3")
    assert (r["C"].realisasi, r["S"].realisasi) == (D(61), D(65))
    assert [s for s in r["C"].steps if s.step == "data"] == []  # given, not rolled up
    r = evaluate(write, data + QUARTERS.split('["2024-TW2"')[0], "2024-sd-TW3")  # and TW1 as well: twice
    assert r["C"].status == "error" and "D011" in (r["C"].reason or "")
    assert evaluate(write, data, "2024")["C"].status == "missing"  # a cumulative value is not the year


# ---- period targets --------------------------------------------------------------------------

CUMULATIVE_TARGETS = "  target 2024 TW1 = 25\n  target 2024 TW2 = 50\n  target 2024 TW3 = 75\n  target 2024 TW4 = 100\n"


def test_cumulative_targets_are_the_targets_up_to_their_quarter(write):
    r = evaluate(write, QUARTERS, "2024-sd-TW3", c=CUMULATIVE_TARGETS)
    assert (r["C"].target, r["C"].capaian) == (D(75), D("80.00"))  # 60 of 75
    assert step_text(r["C"].steps[0]) == "target 2024-sd-TW3 = 75, declared"
    assert r["C"].steps[0].rule == "default"  # period_targets cumulative, the default


def test_the_quarter_alone_of_cumulative_targets_is_their_difference_for_a_sum(write):
    r = evaluate(write, QUARTERS, "2024-TW3", c=CUMULATIVE_TARGETS)
    assert (r["C"].target, r["C"].realisasi, r["C"].capaian) == (D(25), D(30), D("120.00"))
    assert step_text(r["C"].steps[0]) == "target 2024-TW3 = 25: cumulative 2024-sd-TW3 (75) − 2024-sd-TW2 (50)"


def test_per_period_targets_add_up_to_a_cumulative_period(write):
    targets = "  period_targets per_period\n" + CUMULATIVE_TARGETS.replace("50", "25").replace("75", "25") \
        .replace("= 100", "= 25")
    r = evaluate(write, QUARTERS, "2024-sd-TW3", c=targets)
    assert (r["C"].target, r["C"].capaian) == (D(75), D("80.00"))
    assert step_text(r["C"].steps[0]) == ("target 2024-sd-TW3 = 75: sum of the period targets 2024-TW1 (25), "
                                          "2024-TW2 (25), 2024-TW3 (25)")
    alone = evaluate(write, QUARTERS, "2024-TW3", c=targets)
    assert (alone["C"].target, alone["C"].capaian) == (D(25), D("120.00"))


def test_without_a_period_target_the_result_says_no_target_and_why(write):
    r = evaluate(write, QUARTERS, "2024-sd-TW3")
    assert (r["A"].status, r["A"].realisasi, r["A"].capaian) == ("no_target", D(75), None)
    assert r["A"].reason == ("no target for 2024-sd-TW3: no period targets 2024, read as period_targets cumulative "
                             "(default); target_fallback none (default)")
    assert step_text(r["A"].steps[0]) == "no target for 2024-sd-TW3"
    assert r["S"].status == "ok"  # a measure without any target: realisasi only, as for a year


def test_a_declared_fallback_takes_the_annual_target_and_says_so(write):
    r = evaluate(write, QUARTERS, "2024-sd-TW3", policy="  target_fallback annual\n")
    assert (r["A"].target, r["A"].capaian, r["A"].status) == (D(90), D("83.33"), "ok")
    assert step_text(r["A"].steps[0]) == "target 2024-sd-TW3 = 90: the annual target (target_fallback annual)"
    assert r["A"].steps[0].rule.startswith("policy at ")
    # a sum's own period targets still win over the fallback
    r = evaluate(write, QUARTERS, "2024-sd-TW3", policy="  target_fallback annual\n", c=CUMULATIVE_TARGETS)
    assert r["C"].target == D(75)


def test_an_indicator_overrides_the_convention(write):
    r = evaluate(write, QUARTERS, "2024-TW3", c="  period_targets per_period\n  target 2024 TW3 = 30\n")
    assert (r["C"].target, r["C"].capaian) == (D(30), D("100.00"))
    assert evaluate(write, QUARTERS, "2024-sd-TW3", c="  period_targets per_period\n  target 2024 TW3 = 30\n")[
        "C"].status == "no_target"  # TW1 and TW2 have none: the sum cannot be built


# ---- prev and prev_period ---------------------------------------------------------------------

GROWTH = """\
field pnbp "PNBP" amount
indicator G "Pertumbuhan PNBP" {
  unit "%"
  value (pnbp - prev(pnbp)) / prev(pnbp)
  scale 100
  direction higher
}
indicator Q "Pertumbuhan dari triwulan sebelumnya" {
  unit "%"
  value (pnbp - prev_period(pnbp)) / prev_period(pnbp)
  scale 100
  direction higher
}
indicator M "Rata-rata dua tahun" {
  unit "rupiah"
  value prev(pnbp, 2)
  direction higher
}
"""

GROWTH_DATA = """\
["2022-TW3"]
pnbp = 60
["2023-TW3"]
pnbp = 80
["2024-TW2"]
pnbp = 90
["2024-TW3"]
pnbp = 100
"""


def test_prev_reads_the_same_period_a_year_earlier_and_prev_period_the_one_before(write):
    loaded = load_catalog([write("g.kin", GROWTH)])
    assert loaded.catalog is not None, [d.render() for d in loaded.diagnostics]
    data = load_data(write("g.toml", GROWTH_DATA)).value
    r = {x.id: x for x in evaluate_period(loaded.catalog, data, Period.parse("2024-TW3")).indicators}
    assert r["G"].realisasi == D(25)                       # (100 − 80) / 80: 2023-TW3, year on year
    assert r["Q"].realisasi == D("11.11111111111111111111111111111111")  # (100 − 90) / 90: 2024-TW2
    assert r["M"].realisasi == D(70)                       # mean of 2023-TW3 and 2022-TW3
    said = lambda x: [step_text(s) for s in r[x].steps if s.step == "earlier"]  # noqa: E731
    assert said("G") == ["prev(pnbp) = 80: pnbp of 2023-TW3", "prev(pnbp) = 80: pnbp of 2023-TW3"]
    assert said("Q") == ["prev_period(pnbp) = 90: pnbp of 2024-TW2"] * 2
    assert said("M") == ["prev(pnbp, 2) = 70: mean of 2023-TW3 (80), 2022-TW3 (60)"]
    missing = {x.id: x for x in evaluate_period(loaded.catalog, data, Period.parse("2024-TW2")).indicators}
    assert (missing["G"].status, missing["G"].reason) == ("missing", "no value for `pnbp (2023-TW2)` in 2024-TW2")


def test_only_a_value_that_adds_its_summed_fields_adds_its_periods_up(write):
    """The period rule decides how period targets add up: `value selesai` (and sums of summed
    fields) is a sum; a ratio, a growth rate, a score or another indicator's realisasi is not."""
    loaded = load_catalog([write("c.kin", CATALOG.format(policy="", a="", b="", c="") + GROWTH + """\
indicator T "Total" {
  unit "perkara"
  value selesai + 2 * masuk - 1
  direction higher
}
indicator R "Ulang" {
  unit "perkara"
  value C
  direction higher
}
""")])
    cat = loaded.catalog
    assert cat is not None, [d.render() for d in loaded.diagnostics]
    rules = {i: str(cat.period_rule(cat.indicators[i])) for i in ("A", "B", "C", "S", "G", "Q", "M", "T", "R")}
    assert rules == {"A": "average", "B": "average", "C": "sum", "S": "average", "G": "average", "Q": "average",
                     "M": "average", "T": "sum", "R": "average"}


def test_an_indicator_built_on_an_incomplete_one_is_incomplete_too(write):
    catalog = CATALOG.format(policy="", a="", b="", c="") + """\
indicator R "Dari C" {
  office kanwil
  unit "perkara"
  value C
  direction higher
}
"""
    loaded = load_catalog([write("c.kin", catalog)])
    assert loaded.catalog is not None
    data = load_data(write("d.toml", QUARTERS.replace('["2024-TW2".kanwil]\nselesai = 20\n', '["2024-TW2".kanwil]\n')))
    r = {x.id: x for x in evaluate_period(loaded.catalog, data.value, Period.parse("2024-sd-TW3")).indicators}
    assert r["C"].status == r["R"].status == "incomplete"
    assert r["R"].reason == ("indicator `C` is incomplete: `selesai` for 2024-sd-TW3: 2024-TW2 missing "
                             "(given: 2024-TW1, 2024-TW3)")


def test_a_period_takes_the_target_written_for_any_period_with_the_same_months(write):
    """S1 is s.d. TW2 and s.d. B06: under `cumulative` it takes the TW2 target; s.d. B03 is TW1."""
    loaded = load_catalog([write("c.kin", CATALOG.format(policy="", a="", b="", c=CUMULATIVE_TARGETS))])
    assert loaded.catalog is not None
    data = load_data(write("d.toml", QUARTERS)).value
    at = lambda label: {x.id: x for x in evaluate_period(loaded.catalog, data, Period.parse(label)).indicators}["C"]  # noqa: E731
    s1 = at("2024-S1")
    assert (s1.target, s1.realisasi, step_text(s1.steps[0])) == (D(50), D(30), "target 2024-S1 = 50, declared for 2024-sd-TW2")
    assert at("2024-sd-03").target == D(25)
    s2 = at("2024-S2")  # the second half alone: the year's 100 less s.d. TW2's 50
    assert (s2.target, step_text(s2.steps[0])) == (D(50), "target 2024-S2 = 50: cumulative 2024 (100) − 2024-sd-TW2 (50)")


def test_per_period_targets_of_the_parts_add_up_to_a_longer_period_alone(write):
    targets = "  period_targets per_period\n  target 2024 TW1 = 20\n  target 2024 TW2 = 30\n"
    r = evaluate(write, QUARTERS, "2024-S1", c=targets)
    assert (r["C"].target, step_text(r["C"].steps[0])) == (
        D(50), "target 2024-S1 = 50: sum of the period targets 2024-TW1 (20), 2024-TW2 (30)")

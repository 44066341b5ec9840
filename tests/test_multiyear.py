"""The earlier years of the real reports, audited: the 2020-2023 figures that LKjIP 2024 Sumatera
Selatan (seed 003) and Banten (seed 002) print in their comparison tables ("… Tahun 2024 dengan
Tahun-Tahun Sebelumnya", the YoY tables), encoded in indicators/ with a `year` each, and checked by
`kinerja audit` against the catalog evaluated for that year on the same data file.

The figures below are copied from the seeds (line numbers in the comments); nothing is read from
the seeds here.
"""
from __future__ import annotations

import functools
import json
from decimal import Decimal as D

import pytest

from conftest import ROOT
from kinerja_dsl.engine import application


@functools.lru_cache(maxsize=None)
def audited(report: str):
    """The audit of every year the report's published file names (no --period)."""
    folder = ROOT / "indicators" / report
    outcome = application.audit([folder], folder / "realisasi.toml", folder / "published.toml")
    assert not isinstance(outcome, application.Stopped), [d.render() for d in outcome.diagnostics]
    return outcome.report


def _counts(report, period):
    return {k: v for k, v in report.counts_by_period[period].items() if v}


# ---- every year of both offices, counted per class -------------------------------------------------

# The 2024 counts are those of tests/test_real_reports.py (NOTES.md, "Evaluation"); the earlier years
# are the comparison tables' figures (NOTES.md, "Previous years" / "Earlier years").
EXPECTED = {
    "sumsel-2024": {
        "2020": {"reproduced": 7, "not computed": 1},
        "2021": {"reproduced": 22},  # the catalog's `policy for year 2021/2022`: cut, not rounded
        "2022": {"reproduced": 25},
        "2023": {"reproduced": 29},
        # 37 per-satker figures of Tabel 116 (`unit`) reproduce; copies only of a neighbouring printed row
        "2024": {"reproduced": 197, "truncation": 8, "rounding": 1, "formula": 1, "copy": 2, "propagated": 1,
                 "unexplained": 7},
    },
    "banten-2024": {
        "2022": {"reproduced": 1},
        "2023": {"reproduced": 33, "unexplained": 1},
        # 17 per-UPT survey scores (`unit`) reproduce; 83,86 (L745) is 83,8666… cut; five targets are
        # the BAB II copy of the PK's (pk-2024-bab2.kin, an agreement beside the catalog): `source`
        "2024": {"reproduced": 686, "truncation": 1, "rounding": 4, "cap": 2, "source": 5, "copy": 5,
                 "propagated": 16, "unexplained": 16},
    },
}


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_every_year_is_audited_with_exact_counts_per_class(report):
    result = audited(report)
    assert list(result.counts_by_period) == list(EXPECTED[report])  # earliest first
    for period, expected in EXPECTED[report].items():
        assert _counts(result, period) == expected, period
        assert sum(1 for r in result.rows if r.period == period) == sum(expected.values())
    assert len(result.rows) == sum(sum(c.values()) for c in EXPECTED[report].values())
    total = {}
    for counts in EXPECTED[report].values():
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
    assert {k: v for k, v in result.counts.items() if v} == total


# 2024 figures that copy the 2023 column (or the 2021-2023 table) of their own row: a copy only
# when that year is audited too, so --period 2024 leaves them unexplained
COPIED_FROM_AN_EARLIER_YEAR = {
    "sumsel-2024": {(2157, "KI.aduan", "target")},  # Tabel 60's PK target 100% is that of 2021-2023 (L2146)
    "banten-2024": {(975, "AHU.pnbp", "target"),      # the text's 5% is the 2023 target of L991
                    (1499, "BPHN.jdihn", "target"),   # 20% in both columns of the YoY row
                    (1555, "BPHN.litigasi", "capaian")},  # 115,94% is the 2023 capaian of L1551
}


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_the_2024_audit_is_unchanged_by_the_earlier_years(report):
    """--period 2024 audits the 2024 figures alone, as before the earlier years were added, except
    that a copy of an earlier year's column is not seen then."""
    folder = ROOT / "indicators" / report
    outcome = application.audit([folder], folder / "realisasi.toml", folder / "published.toml", period_text="2024")
    assert not isinstance(outcome, application.Stopped)
    assert {r.period for r in outcome.report.rows} == {"2024"}
    copied = COPIED_FROM_AN_EARLIER_YEAR[report]
    expected = dict(EXPECTED[report]["2024"])
    expected["copy"] -= len(copied)
    expected["unexplained"] += len(copied)
    assert {k: v for k, v in outcome.report.counts.items() if v} == expected
    assert {(r.line, r.id, r.measure) for r in audited(report).rows if r.verdict == "copy"
            and ("2023 (L" in r.explanation or "2021 (L" in r.explanation)} == copied
    assert list(outcome.report.counts_by_period) == ["2024"]


# ---- specific earlier-year figures ---------------------------------------------------------------------

def _row(report, period, line, ident, measure):
    rows = [r for r in audited(report).rows if (r.period, r.line, r.id, r.measure) == (period, line, ident, measure)]
    assert len(rows) == 1, (period, line, ident, measure)
    return rows[0]


@pytest.mark.parametrize("period, line, ident, measure, printed, recomputed", [
    # 003 L2012 (Tabel 51): PNBP growth -18,12% against a target of 5% -> -362,4
    ("2023", 2012, "AHU.pnbp", "capaian", "-362,4%", "-362.40"),
    ("2022", 2012, "AHU.pnbp", "capaian", "-7,8%", "-7.80"),
    # 003 L2084 (Tabel 55): 100% against 86% printed without decimals
    ("2023", 2084, "AHU.notaris", "capaian", "116%", "116.28"),
    # 003 L2470 (Tabel 78): 21 of 23 perancang
    ("2023", 2470, "PP.perancang", "capaian", "91,30", "91.30"),
    # 003 L2734 (second Tabel 91): 361,11% against 79%
    ("2021", 2734, "BPHN.nonlitigasi", "capaian", "457,10%", "457.10"),
    # 003 L3190 (Tabel 115, BSK): 90% against 70%
    ("2021", 3190, "BSK.rekomendasi", "capaian", "128,57%", "128.57"),
])
def test_sumsel_earlier_figures_reproduce(period, line, ident, measure, printed, recomputed):
    row = _row("sumsel-2024", period, line, ident, measure)
    assert (row.printed, row.verdict) == (printed, "reproduced")
    assert row.recomputed.quantize(D("0.01")) == D(recomputed)


def test_sumsel_earlier_growth_and_budget_are_recomputed_from_counts():
    """KI.permohonan 2021-2023 from the yearly totals of Tabel 68 (003 L2297: 2099, 2217, 3018,
    3270); the 2023 spending rows of Tabel 115 from their pagu and realisasi (003 L3274-3277)."""
    assert _row("sumsel-2024", "2021", 2298, "KI.permohonan", "realisasi").verdict == "reproduced"  # 5,62%
    assert _row("sumsel-2024", "2023", 2298, "KI.permohonan", "realisasi").verdict == "reproduced"  # 8,35%
    cut = _row("sumsel-2024", "2022", 2298, "KI.permohonan", "realisasi")  # 801/2217 = 36,1299 printed 36,12
    assert (cut.printed, cut.verdict) == ("36,12%", "reproduced")  # `policy for year 2022`: realisasi cut
    total = _row("sumsel-2024", "2023", 3277, "BUDGET.belanja_total.serapan", "realisasi")
    assert (total.printed, total.verdict) == ("99,24%", "reproduced")  # 330.039.892.731 / 332.577.857.000
    assert total.recomputed.quantize(D("0.0001")) == D("99.2369")


def test_sumsel_earlier_differences_are_classified():
    """003 L2677: 283,46/77 = 368,1298… and 100/81 = 123,4567… printed cut, not rounded, as the
    catalog's `policy for year 2021` / `2022` declare (the 2024 figures are rounded half-up); L2148: a
    capaian of 2020 printed without a target (the indicator was not in the PK 2020, L2150)."""
    for period, printed, exact in (("2021", "368,12%", "368.1298"), ("2022", "123,45%", "123.4567")):
        row = _row("sumsel-2024", period, 2677, "BPHN.litigasi", "capaian")
        assert (row.printed, row.verdict) == (printed, "reproduced")
        assert str(row.recomputed).startswith(exact)  # the exact capaian, which half-up would print one higher
    none = _row("sumsel-2024", "2020", 2148, "KI.aduan", "capaian")
    assert (none.printed, none.recomputed, none.verdict) == ("100%", None, "not computed")


@pytest.mark.parametrize("line, ident, measure, printed, recomputed", [
    (907, "ADM.ikm", "capaian", "127,32%", "127.32"),          # 3,947 / 3,1
    (991, "AHU.pnbp", "capaian", "511,8%", "511.80"),           # 25,59% / 5%
    (1054, "AHU.notaris", "capaian", "116,28%", "116.28"),      # 100% / 86%
    (1114, "KI.aduan", "realisasi", "100%", "100.00"),          # 1 of 1 aduan (L1116)
    (1499, "BPHN.jdihn", "capaian", "200%", "200.00"),          # 40% / 20%
    (1551, "BPHN.litigasi", "capaian", "115,94%", "115.94"),    # 95,07% / 82%
    (1607, "BPHN.nonlitigasi", "capaian", "104,31%", "104.31"),  # 83,45% / 80%
])
def test_banten_2023_figures_reproduce(line, ident, measure, printed, recomputed):
    row = _row("banten-2024", "2023", line, ident, measure)
    assert (row.printed, row.verdict) == (printed, "reproduced")
    assert row.recomputed.quantize(D("0.01")) == D(recomputed)


def test_banten_2023_text_contradicting_its_table_is_flagged():
    """002 L909: the text's 2023 realisasi 3,952; the YoY table L907 prints 3,947 (127,32% = 3,947/3,1)."""
    row = _row("banten-2024", "2023", 909, "ADM.ikm", "realisasi")
    assert (row.printed, str(row.recomputed), row.verdict, row.report_says_consistent) == (
        "3,952", "3.947", "unexplained", False)


def test_an_indicator_without_earlier_years_has_no_value_there():
    """Indicators new in the PK 2024 (002 L858 "Tidak ditargetkan"; 003 L1043) have no earlier
    figures and no earlier data: nothing is invented."""
    for report, ident in (("banten-2024", "ADM.rb"), ("banten-2024", "HAM.pelanggaran"), ("sumsel-2024", "ADM.rb"),
                          ("sumsel-2024", "KI.paham")):
        assert {r.period for r in audited(report).rows if r.id == ident} == {"2024"}, ident
    folder = ROOT / "indicators" / "banten-2024"
    outcome = application.audit([folder], folder / "realisasi.toml", folder / "published.toml", period_text="2023")
    assert not isinstance(outcome, application.Stopped)
    statuses = {r.id: r.status for r in outcome.evaluation.indicators}
    assert statuses["ADM.rb"] == statuses["HAM.pelanggaran"] == statuses["KI.paham"] == "missing"


# ---- the published file's `year` -------------------------------------------------------------------

CATALOG = """
office kanwil "Kantor Wilayah"
field a "A" count
field b "B" count
sasaran S1 "Sasaran"
indicator S1.a "A" {
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 90
  target 2023 = 80
}
"""


def _figure(printed: str, line: int, year: str = "") -> str:
    return (f'[[figure]]\nlevel = "indicator"\nid = "S1.a"\nmeasure = "capaian"\nprinted = "{printed}"\n'
            f"line = {line}\n{year}\n")


@pytest.fixture
def small(write, monkeypatch, tmp_path):
    write("catalog.kin", CATALOG)
    write("data.toml", '["2024".kanwil]\na = 9\nb = 10\n["2023".kanwil]\na = 7\nb = 10\n')
    monkeypatch.chdir(tmp_path)


def test_a_figure_of_an_earlier_year_is_recomputed_for_that_year(small, write, kinerja):
    """2024: 90/90 = 100; 2023: 70/80 = 87,50, on the same data file."""
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("100", 5) + _figure("87,50", 6, "year = 2023")
          + _figure("87,5", 7, 'year = "2023"'))
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                             "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert [(r["period"], r["line"], r["printed"], D(r["recomputed"]), r["verdict"]) for r in report["rows"]] == [
        ("2023", 6, "87,50", D("87.5"), "reproduced"), ("2023", 7, "87,5", D("87.5"), "reproduced"),
        ("2024", 5, "100", D("100"), "reproduced")]
    assert report["counts_by_period"]["2023"]["reproduced"] == 2
    assert report["counts_by_period"]["2024"]["reproduced"] == 1


def test_the_terminal_names_each_year_when_there_are_several(small, write, kinerja):
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("100", 5) + _figure("86", 6, "year = 2023"))
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert code == 1
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0].strip() == "Audit: printed vs recomputed 2023"
    assert "2023 1 figure: unexplained 1" in lines
    assert "2024 1 figure: reproduced 1" in lines
    assert lines[-1] == "2 figures: reproduced 1, unexplained 1"


def test_the_terminal_names_each_year_in_indonesian(small, write, kinerja, indonesian):
    """Every figure reproduced: each year says so in one line, with no empty table, and --all
    lists them under each year's title."""
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("100", 5) + _figure("87,50", 6, "year = 2023"))
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert code == 0
    assert [line.rstrip() for line in out.splitlines()] == [
        "2023 1 angka: sesuai 1", "2024 1 angka: sesuai 1", "2 angka: sesuai 2"]
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml", "--all")
    assert "Audit: tercetak vs dihitung ulang 2023" in out and "Audit: tercetak vs dihitung ulang 2024" in out


def test_a_figure_with_an_unknown_year_is_a_finding_at_its_line(small, write, kinerja):
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("100", 5) + _figure("87,50", 6, 'year = "2023-TW9"'))
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert (code, out) == (1, "")
    assert err == """\
published.toml:16:1: error[D007]: `year` (item 2) must be a year such as 2023, not `2023-TW9`
 16 | year = "2023-TW9"
    | ^^^^^^^^^^^^^^^^^
  = hint: e.g. year = 2023; a figure without `year` is of the [meta] year
1 error, 0 warnings
"""


def test_a_year_of_the_wrong_type_is_a_finding(small, write, kinerja):
    write("published.toml", _figure("100", 5, "year = 2023.5"))
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "published.toml:7:1: error[D007]: `year` (item 1) must be a year such as 2023, not `2023.5`"
    assert err.splitlines()[-1] == "1 error, 0 warnings"


def test_with_period_only_that_year_is_audited(small, write, kinerja):
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("100", 5) + _figure("87,50", 6, "year = 2023"))
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                           "--period", "2023", "--json")
    assert code == 0
    assert [(r["period"], r["line"]) for r in json.loads(out)["rows"]] == [("2023", 6)]


# ---- per-office figures (`unit`) and years in one run -----------------------------------------------

OFFICES = """
office kanwil "Kantor Wilayah"
office upt1 "UPT 1" parent kanwil
office upt2 "UPT 2" parent kanwil
field a "A" count
field b "B" count
sasaran S1 "Sasaran"
indicator S1.a "A" {
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 90
  target 2023 = 80
}
"""


def _unit_figure(printed: str, line: int, unit: str, year: str = "", measure: str = "realisasi") -> str:
    return (f'[[figure]]\nlevel = "indicator"\nid = "S1.a"\nmeasure = "{measure}"\nprinted = "{printed}"\n'
            f'line = {line}\nunit = "{unit}"\n{year}\n')


@pytest.fixture
def offices(write, monkeypatch, tmp_path):
    write("catalog.kin", OFFICES)
    write("data.toml", '["2024".upt1]\na = 3\nb = 4\n["2024".upt2]\na = 5\nb = 8\n'
                       '["2023".upt1]\na = 1\nb = 4\n["2023".upt2]\na = 7\nb = 8\n')
    monkeypatch.chdir(tmp_path)


def test_per_office_figures_of_several_years_are_audited_in_one_run(offices, write, kinerja):
    """The Kanwil sums its UPT (8/12 = 66,67 in 2024); each `unit` figure is that office's own,
    of its own year: upt1 3/4 = 75 (2024) and 1/4 = 25 (2023), upt2 5/8 = 62,50 and 7/8 = 87,50."""
    write("published.toml", '[meta]\nyear = 2024\n' + _figure("74,07", 5)
          + _unit_figure("75,00", 10, "upt1") + _unit_figure("62,50", 11, "upt2")
          + _unit_figure("25,00", 20, "upt1", "year = 2023") + _unit_figure("87,5", 21, "upt2", "year = 2023")
          + _unit_figure("83,33", 12, "upt1", measure="capaian"))
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                             "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert [(r["period"], r["unit"], r["line"], D(r["recomputed"]).quantize(D("0.01")), r["verdict"])
            for r in report["rows"]] == [
        ("2023", "upt1", 20, D("25.00"), "reproduced"), ("2023", "upt2", 21, D("87.50"), "reproduced"),
        ("2024", None, 5, D("74.07"), "reproduced"),
        ("2024", "upt1", 10, D("75.00"), "reproduced"), ("2024", "upt1", 12, D("83.33"), "reproduced"),
        ("2024", "upt2", 11, D("62.50"), "reproduced")]
    assert report["counts_by_period"]["2023"]["reproduced"] == 2
    assert report["counts_by_period"]["2024"]["reproduced"] == 4
    assert {u: c["reproduced"] for u, c in report["counts_by_unit"].items()} == {"upt1": 3, "upt2": 2}


def test_the_terminal_names_the_office_of_a_per_office_figure(offices, write, kinerja):
    write("published.toml", '[meta]\nyear = 2024\n' + _unit_figure("75,00", 10, "upt1")
          + _unit_figure("60", 11, "upt2"))
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert code == 1
    lines = [line.rstrip() for line in out.splitlines()]
    assert any(line.split() == ["11", "S1.a", "realisasi", "@upt2", "60", "62.5", "unexplained"] for line in lines)
    assert lines[-2:] == ["2 figures: reproduced 1, unexplained 1",
                          "of which per office (2 offices): 2 figures: reproduced 1, unexplained 1"]


def test_an_unknown_unit_is_a_finding_at_its_line(offices, write, kinerja):
    write("published.toml", '[meta]\nyear = 2024\n' + _unit_figure("75,00", 10, "upt3"))
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "published.toml:9:1: error[D013]: unknown office `upt3`"
    assert "did you mean `upt2`?" in err


# the per-office tables of the shipped reports: each row the office's own figure (seed lines in comments)
PER_OFFICE = {
    "sumsel-2024": [  # 003 Tabel 116: Nilai Kinerja Anggaran per satker
        (3324, "rupbasan_baturaja", "BUDGET.nka", "100,00"), (3325, "lapas_palembang", "BUDGET.nka", "99,95"),
        (3339, "kanwil_setjen", "BUDGET.nka", "88,01"), (3361, "rutan_palembang", "BUDGET.nka", "37,10")],
    "banten-2024": [  # 002 survey tables: the score on the 4 scale per Kanim and UPT
        (2365, "kanim_serang", "IMI.ikm", "3,995"), (2713, "lp_pemuda_tangerang", "PAS.ikm", "3,822"),
        (2727, "rupbasan_serang", "PAS.ikm", "3,962")],
}


@pytest.mark.parametrize("report", sorted(PER_OFFICE))
def test_the_shipped_per_office_tables_reproduce(report):
    rows = {(r.line, r.unit, r.id): r for r in audited(report).rows if r.unit}
    assert len(rows) == {"sumsel-2024": 37, "banten-2024": 17}[report]
    for line, unit, ident, printed in PER_OFFICE[report]:
        row = rows[(line, unit, ident)]
        assert (row.printed, row.verdict, row.period) == (printed, "reproduced", "2024")
    assert all(r.verdict == "reproduced" for r in rows.values())

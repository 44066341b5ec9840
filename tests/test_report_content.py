"""`kinerja report`: what chapter III of the LKjIP says (reports/lkjip.py) and its charts (rendering/charts.py).

The document is read back from its Markdown form (`--out x.md`), which prints every table row as
`| a | b |`; the figures are copied here from the shipped offices' evaluations and reports.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja_dsl.engine.rendering import charts
from kinerja_dsl.engine.reports.blocks import Chart, Series

ROOT = Path(__file__).resolve().parent.parent
SUMSEL = ROOT / "indicators" / "sumsel-2024"
BANTEN = ROOT / "indicators" / "banten-2024"

CATALOG = """
policy {
  round half_up 2
  nihil excluded
}
office kanwil "Kanwil Contoh"
field a "A" count
field b "B" count
field c "C" count
field d "D" count
field e "E" count
field pagu "Pagu" amount
field spent "Realisasi anggaran" amount
sasaran S1 "Meningkatnya layanan"
sasaran S2 "Terwujudnya penegakan hukum"
indicator S1.x "Persentase X" {
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2023 = 80
  target 2024 = 90
  renstra 2024 = 95
}
indicator S1.y "Jumlah Y" {
  sasaran S1
  office kanwil
  unit "dokumen"
  value c
  direction higher
  target 2024 = 4
}
indicator S2.z "Persentase Z" {
  sasaran S2
  office kanwil
  unit "%"
  numerator d
  denominator e
  scale 100
  direction higher
  target 2024 = 50
}
indicator BUDGET.S1 "Serapan anggaran S1" {
  office kanwil
  unit "%"
  numerator spent
  denominator pagu
  scale 100
  direction higher
  target 2024 = 95
  budget_of S1
}
"""

DATA = """
["2023".kanwil]
a = 40
b = 50
["2024".kanwil]
a = 47
b = 50
c = 5
d = 0
e = 0
pagu = 1000000
spent = 950000
"""


@pytest.fixture
def small(write):
    return write("catalog.kin", CATALOG), write("data.toml", DATA)


def _report(kinerja, tmp_path, catalog, data, *more, name="lkjip.md"):
    out = tmp_path / name
    code, _, err = kinerja("report", catalog, "--data", data, "--out", out, *more)
    return code, out.read_text(encoding="utf-8") if out.exists() else "", err


def _section(text: str, heading: str) -> str:
    """The text of one `## ` section of the Markdown."""
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


# ---- a small catalog: every section, exact rows ---------------------------------------------

def test_every_section_with_its_rows_in_english(kinerja, tmp_path, small):
    code, text, err = _report(kinerja, tmp_path, *small, "--lang", "en")
    assert code == 0, err
    for heading in ("3.1 Organisational performance achievement", "3.2 Comparison with earlier years",
                    "3.3 Realisasi against the Renstra target", "3.4 Comparison with a national or reference value",
                    "3.5 Budget realisation", "3.6 Notes on the results"):
        assert f"## {heading}" in text
    first = _section(text, "3.1")
    assert "**Table 3.1 Performance achievement per sasaran, 2024**" in first
    assert "| No | Performance indicator | Target | Realisasi | Capaian (%) | Predikat |" in first
    # the sasaran text once, on its own row with its capaian and predikat; capaian with the policy's 2 places
    assert "|  | **Sasaran 1: Meningkatnya layanan** |  |  | **114.72** | **Sangat Baik** |" in first
    assert "| 1 | Persentase X (%) | 90 | 94 | 104.44 | Sangat Baik |" in first
    assert "| 2 | Jumlah Y (dokumen) | 4 | 5 | 125.00 | Sangat Baik |" in first
    assert first.count("Meningkatnya layanan") == 1
    assert "|  | **Overall performance achievement** |  |  | **114.72** | **Sangat Baik** |" in first
    # one overall figure, and the sentence says which rule makes it
    assert ("The overall capaian is the mean of the sasaran capaian (the default rule): 114.72% from 1 of "
            "2 sasaran, predikat Sangat Baik. Left out: S2 (without a capaian, see 3.6).") in first
    assert "Chart 3.1 Capaian per performance indicator, 2024" in first


def test_a_year_without_a_value_is_a_dash_with_its_reason_never_zero(kinerja, tmp_path, small):
    _, text, _ = _report(kinerja, tmp_path, *small, "--lang", "en")
    years = _section(text, "3.2")
    assert "| 2023 | 80 | 80 | 100.00 |  |" in years           # S1.x
    assert "| 2024 | 90 | 94 | 104.44 |  |" in years
    assert "| **Change from 2023** |  | **+14 points** | **+4.44** | **capaian in points** |" in years
    assert "| 2023 | - | - | - | no target and no data for this year |" in years   # S1.y did not exist
    assert "| **Change from 2023** |  | **-** | **-** | **no value to compare in one of the two years** |" in years
    assert "| 2023 | 0" not in years
    # a trend chart only where two years have a value: S1.x, not S1.y
    assert "Chart 3.2 Realisasi of S1.x against its target" in years
    assert "of S1.y against" not in years


def test_renstra_budget_and_the_results_that_are_not_ok(kinerja, tmp_path, small):
    _, text, _ = _report(kinerja, tmp_path, *small, "--lang", "en")
    renstra = _section(text, "3.3")
    assert "R / T × 100 when higher is better" in renstra
    assert "| 1 | Persentase X (%) | 2024 | 95 | 94 | 98.95 | R / T × 100 |" in renstra   # 94 / 95 × 100
    assert "Without a Renstra target in the catalog: S1.y, S2.z." in renstra
    assert "declares no national standard or reference value" in _section(text, "3.4")
    budget = _section(text, "3.5")
    assert ("| No | Description | Pagu (Rp) | Realisasi (Rp) | Serapan (%) | Funds | Performance capaian (%) "
            "| Efisiensi (points) |") in budget
    assert "| 1 | Serapan anggaran S1 | 1,000,000 | 950,000 | 95.00 | S1 | 114.72 | 19.72 |" in budget
    assert "Chart 3.3 Serapan and capaian per sasaran and indicator, 2024" in budget
    notes = _section(text, "3.6")
    assert "| 1 | S2.z Persentase Z | nihil (excluded) | no cases (0/0): left out of every mean |" in notes
    assert "| 2 | Sasaran S2 | empty | no item has a capaian: S2.z |" in notes


def test_an_incomplete_overall_has_no_predikat_and_says_so(kinerja, tmp_path, write):
    catalog = write("catalog.kin", CATALOG)
    data = write("data.toml", DATA.replace("d = 0\ne = 0\n", ""))
    code, text, err = _report(kinerja, tmp_path, catalog, data, "--lang", "en")
    assert code == 1 and "S2.z (missing)" in err    # as eval: an indicator without a capaian, the document written
    first = _section(text, "3.1")
    assert "|  | **Sasaran 2: Terwujudnya penegakan hukum** |  |  | **-** | **data incomplete** |" in first
    assert "|  | **Overall performance achievement** |  |  | **114.72** | **data incomplete** |" in first
    assert ("114.72% from 1 of 2 sasaran; the data is incomplete (S2), so it has no predikat.") in first
    notes = _section(text, "3.6")
    assert "| 1 | S2.z Persentase Z | missing | no value for \\`d\\` in 2024 |" in notes
    assert "| 3 | Overall | incomplete | computed from 1 of 2 items; incomplete: S2 |" in notes


def test_indonesian_by_default(kinerja, tmp_path, small, indonesian):
    _, text, _ = _report(kinerja, tmp_path, *small)
    assert text.startswith("# BAB III AKUNTABILITAS KINERJA\n")
    assert "## 3.1 Capaian Kinerja Organisasi" in text
    assert "**Tabel 3.1 Capaian Kinerja per Sasaran 2024**" in text
    assert "| No | Indikator Kinerja | Target | Realisasi | Capaian (%) | Predikat |" in text
    assert "| 1 | Persentase X (%) | 90 | 94 | 104,44 | Sangat Baik |" in text      # Indonesian notation
    assert ("Capaian kinerja keseluruhan adalah rata-rata capaian sasaran (aturan bawaan): 114,72%, dihitung dari "
            "1 di antara 2 sasaran, dengan predikat Sangat Baik.") in text
    assert "Grafik 3.1 Capaian per Indikator Kinerja 2024" in text
    assert "| **Perubahan terhadap 2023** |  | **+14 poin** | **+4,44** | **capaian dalam poin** |" in text
    assert "| 2023 | - | - | - | tidak ada target maupun data tahun ini |" in text
    assert "## 3.5 Realisasi Anggaran" in text and "## 3.6 Catatan atas Hasil" in text


def test_a_reference_value_when_one_is_declared(small, monkeypatch):
    """3.4 reads the catalog's reference values through one function: given one, the section compares."""
    from kinerja_dsl.engine import application
    from kinerja_dsl.engine.reports import lkjip

    monkeypatch.setattr(lkjip, "declared_references",
                        lambda catalog: [lkjip.Reference("S1.x", Decimal("92"), "rata-rata nasional")])
    outcome = application.report([small[0]], small[1], "x.md")
    assert isinstance(outcome, application.ReportOutcome)
    [table] = [b for b in outcome.document.blocks if getattr(b, "caption", "").startswith("Table 3.6 ")]
    assert table.caption == "Table 3.6 Realisasi against the reference values"
    assert table.rows == (("1", "Persentase X (%)", "94", "92", "+2", "rata-rata nasional"),)


def test_metadata_names_the_inputs_and_no_date(small):
    from kinerja_dsl.engine import application

    outcome = application.report([small[0]], small[1], "x.html")
    assert isinstance(outcome, application.ReportOutcome)
    assert outcome.document.metadata == {"generator": "kinerja_dsl", "catalog": "catalog.kin", "data": "data.toml",
                                         "period": "2024", "language": "en"}


def test_usage_errors_write_nothing(kinerja, tmp_path, small):
    code, _, err = kinerja("report", small[0], "--data", small[1], "--out", tmp_path / "x.pdf")
    assert code == 4 and "x.pdf" not in [p.name for p in tmp_path.iterdir()]
    code, _, err = kinerja("report", small[0], "--data", small[1], "--out", small[1].with_suffix(".md"))
    assert code == 0
    before = small[1].read_bytes()
    data_md = small[1].with_name("data.md")
    data_md.write_text("x")
    code, _, err = kinerja("report", small[0], "--data", data_md, "--out", data_md)
    assert code != 0 and data_md.read_text() == "x"
    assert small[1].read_bytes() == before
    code, _, err = kinerja("report", small[0], "--data", tmp_path / "none.toml", "--out", tmp_path / "y.md")
    assert code == 3 and "Traceback" not in err and not (tmp_path / "y.md").exists()


# ---- the shipped offices --------------------------------------------------------------------

def test_sumsel_2024_rows_as_evaluated(kinerja, tmp_path):
    code, text, _ = _report(kinerja, tmp_path, SUMSEL, SUMSEL / "realisasi.toml", "--lang", "en")
    assert code == 1   # IMI.ikm is missing, as eval says
    first = _section(text, "3.1")
    # Tabel 4 of the report: SJ1 100,65; PAS.iph printed 111,40 (its capaian rounds to 1 place, shown with 2)
    assert ("|  | **Sasaran 1: Meningkatnya pelaksanaan Reformasi Birokrasi di Lingkup Kantor Wilayah Kementerian "
            "Hukum dan Hak Asasi Manusia** |  |  | **100.65** | **Sangat Baik** |") in first
    assert ("| 2 | Indeks kepuasan Unit Kerja lingkup Kantor Wilayah Kementerian Hukum dan HAM terhadap Layanan "
            "Kesekretariatan (indeks) | 3.1 | 3.14 | 101.29 | Sangat Baik |") in first
    assert "| 3 | Indeks Penegakan Hukum Pemasyarakatan di Wilayah (indeks) | 3.6 | 4.01 | 111.40 | Sangat Baik |" in first
    assert ("| 11 | Persentase peningkatan PNBP Ditjen AHU di Kantor Wilayah (%) | 6 | -34.17 | -569.50 | "
            "Sangat Kurang |") in first
    assert "111.4 |" not in first    # one precision in the capaian column
    assert "The overall capaian is the mean of the sasaran capaian (the default rule): 91.66%" in first
    assert "the data is incomplete (IMI3), so it has no predikat." in first
    assert "| 2024 | 6 | -34.17 | -569.50 |  |" in _section(text, "3.2")   # AHU.pnbp
    budget = _section(text, "3.5")
    assert ("| 1 | Serapan anggaran sasaran SJ1 | 25,713,209,000 | 25,476,031,831 | 99.08 | SJ1 | 100.65 | 1.57 |"
            in budget)
    notes = _section(text, "3.6")
    for listed in ("IMI.proyustisia", "IMI.ikm", "KI.aduan", "Sasaran IMI3", "Sasaran KI1", "| Overall |"):
        assert listed in notes


def test_banten_2024_quarters_and_the_not_ok_results(kinerja, tmp_path, indonesian):
    code, text, _ = _report(kinerja, tmp_path, BANTEN, BANTEN / "realisasi-triwulan.toml")
    assert code == 0
    first = _section(text, "3.1")
    assert "### Capaian Kinerja per Triwulan 2024" in first
    assert ("| 1 | Persentase Pelaksanaan Rencana Aksi Reformasi Birokrasi di lingkup Kantor Wilayah Kementerian "
            "Hukum dan HAM (%) | 100 | 20,63 | 20,63 | 47,62 | 47,62 | 73,02 | 73,02 | 100,00 | 100,00 |") in first
    assert ("| 2 | Indeks kepuasan unit kerja lingkup Kantor Wilayah Kementerian Hukum dan HAM terhadap layanan "
            "kesekretariatan (indeks) | 3,1 | 3,942 | 127,16 | Sangat Baik |") in first
    notes = _section(text, "3.6")
    assert "KI.aduan" in notes and "Sasaran KI1" in notes


# ---- charts: deterministic pictures -----------------------------------------------------------

def _chart(kind: str = "trend") -> Chart:
    return Chart("Grafik 3.2 Realisasi", kind, ("2021", "2022", "2023", "2024"),
                 (Series("Realisasi", (Decimal("5.5"), None, Decimal("-0.39"), Decimal("8.21"))),
                  Series("Target", (Decimal(5), Decimal(5), None, Decimal(6)), kind="line")),
                 y_label="%", reference_line=Decimal(100) if kind == "capaian" else None, slug="grafik-3-2")


def test_a_chart_is_the_same_bytes_on_every_run():
    for kind in ("capaian", "trend", "budget"):
        chart = _chart(kind)
        assert charts.svg(chart) == charts.svg(chart)
        assert charts.png(chart) == charts.png(chart)
    svg = charts.svg(_chart())
    assert svg.startswith("<svg ") and "<?xml" not in svg and "DOCTYPE" not in svg
    assert "<metadata>" not in svg and "Matplotlib" not in svg and "href=\"http" not in svg
    assert "*{stroke-linejoin" not in svg           # no page-wide style inlined into HTML
    assert b"Software" not in charts.png(_chart())[:200]


def test_a_chart_is_the_same_bytes_in_another_process():
    """Hash seeds and matplotlib's global state of another run change nothing."""
    code = ("import hashlib, sys; sys.path.insert(0, %r); from test_report_content import _chart; "
            "from kinerja_dsl.engine.rendering import charts; "
            "print(hashlib.sha256(charts.svg(_chart()).encode() + charts.png(_chart())).hexdigest())") % str(
        Path(__file__).parent)
    here = hashlib.sha256(charts.svg(_chart()).encode() + charts.png(_chart())).hexdigest()
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "MPLBACKEND": "svg"})
        assert done.stdout.strip() == here


def test_chart_axis_numbers_in_the_documents_notation():
    chart = Chart("Grafik", "budget", ("SJ1",), (Series("Serapan", (Decimal("99.08"),)),), locale="id")
    assert charts._tick_formatter("id")(12.5, 0) == "12,5"
    assert charts._tick_formatter("en")(1000.0, 0) == "1,000"
    assert charts._tick_formatter("id")(-0.0, 0) == "0"
    assert charts.pixel_positions((Decimal("1.5"), None))[0] == 1.5
    assert "<text" not in charts.svg(chart)   # text is drawn as paths: no font needed where it is shown

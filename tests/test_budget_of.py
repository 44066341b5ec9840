"""`budget_of` names whose budget a serapan line is: a sasaran (its mean's capaian) or one indicator
(its capaian, and the indicator's row of the results table gets its pagu, realisasi and serapan)."""
from __future__ import annotations

import pytest

CATALOG = """
field selesai "Perkara selesai" count
field masuk "Perkara masuk" count
field belanja_p "Realisasi anggaran perkara" amount
field pagu_p "Pagu perkara" amount
field belanja_s "Realisasi anggaran sasaran" amount
field pagu_s "Pagu sasaran" amount
sasaran S1 "Penyelesaian perkara"
indicator S1.p "Persentase perkara selesai" {
  sasaran S1
  unit "%%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  target 2024 = 80
}
indicator BUDGET.p.serapan "Serapan anggaran perkara" {
  unit "%%"
  numerator belanja_p
  denominator pagu_p
  scale 100
  direction higher
  budget_of %s
}
indicator BUDGET.S1.serapan "Serapan anggaran sasaran" {
  unit "%%"
  numerator belanja_s
  denominator pagu_s
  scale 100
  direction higher
  budget_of S1
}
"""
DATA = ('["2024"]\nselesai = 90\nmasuk = 100\nbelanja_p = 87000000\npagu_p = 100000000\n'
        'belanja_s = 45000000\npagu_s = 50000000\n')


def written(write, kinerja, monkeypatch, owner: str, command: str, out: str) -> str:
    """The file `kinerja COMMAND catalog.kin --data data.toml --out OUT` writes, budget_of OWNER."""
    catalog = write("catalog.kin", CATALOG % owner)
    write("data.toml", DATA)
    monkeypatch.chdir(catalog.parent)
    code, _, err = kinerja(command, "catalog.kin", "--data", "data.toml", "--out", out)
    assert code == 0, err
    return (catalog.parent / out).read_text(encoding="utf-8")


def test_the_results_table_gets_the_indicator_budget(write, kinerja, monkeypatch):
    text = written(write, kinerja, monkeypatch, "S1.p", "eval", "tables.md")
    indikator, rest = text.split("Capaian per Sasaran", 1)
    assert ("| No | Code | Sasaran | Indicator | Unit | Target | Realisasi | Capaian | Predikat | Status | Pagu "
            "| Budget realisasi | Serapan | Notes |") in indikator
    assert "| 1 | S1.p | Penyelesaian perkara | Persentase perkara selesai | % | 80 | 90.0 | 112.50 |" in indikator
    assert "| 100,000,000 | 87,000,000 | 87.00 |" in indikator
    # the budget table names what each line funds; efisiensi = capaian − serapan
    anggaran = rest.split("Budget realisation", 1)[1]
    assert "| Pagu | Realisasi | Serapan | Funds | Capaian | Efisiensi |" in anggaran
    assert "| BUDGET.p.serapan | Serapan anggaran perkara | 100,000,000 | 87,000,000 | 87.00 | S1.p | 112.50 | 25.50 |" \
        in anggaran
    assert "| BUDGET.S1.serapan | Serapan anggaran sasaran | 50,000,000 | 45,000,000 | 90.00 | S1 | 112.50 | 22.50 |" \
        in anggaran


def test_without_indicator_budgets_the_results_table_keeps_its_columns(write, kinerja, monkeypatch):
    text = written(write, kinerja, monkeypatch, "S1", "eval", "tables.md")
    assert "| Predikat | Status | Notes |" in text and "Budget realisasi" not in text


def test_the_document_names_the_indicator_a_line_funds(write, kinerja, monkeypatch):
    pytest.importorskip("docx")
    text = written(write, kinerja, monkeypatch, "S1.p", "report", "lkjip.md")
    assert "| 1 | Serapan anggaran perkara | 100,000,000 | 87,000,000 | 87.00 | S1.p | 112.50 | 25.50 |" in text


def test_in_indonesian_the_column_is_untuk(write, kinerja, monkeypatch, indonesian):
    text = written(write, kinerja, monkeypatch, "S1.p", "eval", "tabel.md")
    assert "| Pagu | Realisasi Anggaran | Serapan | Keterangan |" in text
    assert "| Serapan | Untuk | Capaian | Efisiensi |" in text


def test_an_unknown_owner_is_e101_with_a_suggestion(write, kinerja):
    code, out, err = kinerja("check", write("catalog.kin", CATALOG % "S1.q"))
    assert code == 1
    assert "error[E101]: unknown sasaran or indicator `S1.q`" in out + err
    assert "did you mean `S1.p`?" in out + err

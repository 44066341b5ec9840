"""`kinerja eval --each-office`: every office at once through the columnar path, row for row what
`kinerja eval --unit OFFICE` gives for each office, in JSON lines, tables and a terminal summary."""
from __future__ import annotations

import json

import openpyxl
import pytest

from conftest import ROOT

BANTEN = ROOT / "indicators" / "banten-2024"
SUMSEL = ROOT / "indicators" / "sumsel-2024"


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("folder", [SUMSEL, BANTEN], ids=["sumsel", "banten"])
def test_each_office_is_what_eval_gives_at_that_office(kinerja, folder):
    data = folder / "realisasi.toml"
    code, out, err = kinerja("eval", folder, "--data", data, "--each-office", "--json")
    rows = _lines(out)
    offices = list(dict.fromkeys(r["office"] for r in rows))
    assert len(offices) > 1
    unfinished = 0
    for office in offices:
        one_code, one, _ = kinerja("eval", folder, "--data", data, "--unit", office, "--json")
        ev = json.loads(one)
        mine = {r["indicator"]: r for r in rows if r["row"] == "indicator" and r["office"] == office}
        assert list(mine) == [r["id"] for r in ev["indicators"]]
        for r in ev["indicators"]:
            got = mine[r["id"]]
            assert (got["status"], got["target"], got["realisasi"], got["capaian"], got["predikat"]) == (
                r["status"], r["target"], r["realisasi"], r["capaian"], r["predikat"]), (office, r["id"])
        means = {(m["level"], m["id"]): m for m in rows if m["row"] == "mean" and m["office"] == office}
        expected = [("sasaran", a) for a in ev["sasaran"]] + [("office", a) for a in ev["offices"]]
        expected += [("overall", ev["overall"])] if ev["overall"] else []
        assert list(means) == [(level, a["id"]) for level, a in expected]
        for level, a in expected:
            m = means[(level, a["id"])]
            assert (m["status"], m["capaian"], m["predikat"]) == (a["status"], a["capaian"], a["predikat"])
        unfinished += one_code
    assert code == (1 if unfinished else 0)
    if code:
        assert "rows (office × indicator) without a capaian; exit 1" in err


def test_each_office_writes_its_rows_as_tables_and_json_lines(kinerja, tmp_path):
    data = SUMSEL / "realisasi.toml"
    _, lines, _ = kinerja("eval", SUMSEL, "--data", data, "--each-office", "--json")
    expected = _lines(lines)
    _, _, err = kinerja("eval", SUMSEL, "--data", data, "--each-office", "--out", tmp_path / "all.jsonl")
    assert f"wrote {tmp_path / 'all.jsonl'}" in err
    assert _lines((tmp_path / "all.jsonl").read_text(encoding="utf-8")) == expected
    kinerja("eval", SUMSEL, "--data", data, "--each-office", "--out", tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames == ["Indicators", "Capaian"]  # English, as the suite runs
    indicator_rows = [r for r in expected if r["row"] == "indicator"]
    assert book["Indicators"].max_row == 1 + len(indicator_rows)
    kinerja("eval", SUMSEL, "--data", data, "--each-office", "--out", tmp_path / "all.csv")
    csv_text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert "Period,Satker,Code,Indicator,Target,Realisasi,Capaian,Predikat,Status" in csv_text  # English: commas
    first = indicator_rows[0]
    assert f"{first['period']},{first['office']},{first['indicator']}," in csv_text


def test_each_office_on_a_terminal_lists_every_office_and_no_progress_bar_in_a_pipe(kinerja):
    code, out, err = kinerja("eval", SUMSEL, "--data", SUMSEL / "realisasi.toml", "--each-office")
    assert "Capaian per satker 2024" in out
    _, lines, _ = kinerja("eval", SUMSEL, "--data", SUMSEL / "realisasi.toml", "--each-office", "--json")
    offices = {r["office"] for r in _lines(lines)}
    assert f"({len(offices)} satker)" in out
    for office in offices:  # a long id is cut to the column's width
        assert f" {office[:20]}" in out
    assert "%" not in err and "\r" not in err  # stderr is not a terminal here: no bar


def test_each_office_and_one_unit_or_a_json_file_are_refused_before_anything_runs(kinerja, tmp_path):
    data = SUMSEL / "realisasi.toml"
    code, out, err = kinerja("eval", SUMSEL, "--data", data, "--each-office", "--unit", "kanwil")
    assert code == 4 and "--each-office evaluates every office; --unit names one" in err + out
    code, out, err = kinerja("eval", SUMSEL, "--data", data, "--each-office", "--out", tmp_path / "x.json")
    assert code == 4 and not (tmp_path / "x.json").exists()


def test_each_office_without_numpy_says_which_extra_to_install(kinerja, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numpy" else real(name, *a))
    code, out, err = kinerja("eval", SUMSEL, "--data", SUMSEL / "realisasi.toml", "--each-office")
    assert code == 4 and "needs numpy, the `bulk` extra" in err + out


def _workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Realisasi"
    sheet.append(["Periode", "Satker", "Variabel", "Nilai"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


RATIO = '''office kanwil "Kanwil"
office upt "UPT" parent kanwil
field a "a" count
field b "b" count
sasaran S "S"
indicator S.r "Rasio" {
  sasaran S
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 90
}
'''


def test_reading_a_workbook_reports_its_rows_to_a_progress_callback(write, tmp_path):
    from kinerja_dsl.engine.application import load_catalog, prepare

    rows = [["2024", office, field, 5 + k] for k, (office, field) in
            enumerate([("kanwil", "a"), ("kanwil", "b"), ("upt", "a"), ("upt", "b")])]
    book = _workbook(tmp_path / "r.xlsx", rows)
    seen = []
    prepared = prepare(load_catalog([write("c.kin", RATIO)]), book, progress=lambda done, total: seen.append((done, total)))
    assert prepared.ok and seen and all(total == len(rows) for _, total in seen)


def test_a_progress_bar_shows_on_a_terminal_only(write, tmp_path, kinerja, monkeypatch, indonesian):
    book = _workbook(tmp_path / "r.xlsx", [["2024", "kanwil", "a", 9], ["2024", "kanwil", "b", 10]])
    catalog = write("c.kin", RATIO)
    code, _, err = kinerja("eval", catalog, "--data", book)
    assert "Membaca" not in err  # a pipe: no bar
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, out, err = kinerja("eval", catalog, "--data", book, "--each-office")
    assert "Membaca" in err and "Menghitung per satker" in err and "Capaian per satker 2024" in out

"""`aggregate LEVEL none`: a report that prints no sasaran (or satker, or overall) capaian.

A sasaran holding one indicator truncated to 105 would otherwise show a mean of 106 (the mean
is taken of the exact 105,555…, then rounded half-up): a figure the report never has. A level
switched off is computed by no path (the exact evaluator, the columnar one, the monitoring
view) and shown by no output; what reads it is an error (E123).
"""
from __future__ import annotations

import json

import pytest

CATALOG = """
policy {
  round half_up 0
%s}
office kanwil "Kanwil"
field a "A" count
field b "B" count
sasaran S1 "Satu" {
  office kanwil
}
indicator S1.x "X" {
  sasaran S1
  office kanwil
  unit "%%"
  numerator a
  denominator b
  scale 100
  direction higher
  round truncate 0
  target 2024 = 100
}
"""
DATA = '["2024".kanwil]\na = 95\nb = 90\n'


def evaluate(write, kinerja, levels: str, *extra: str) -> dict:
    catalog = write("catalog.kin", CATALOG % levels)
    code, out, err = kinerja("eval", catalog, "--data", write("data.toml", DATA), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_by_default_the_sasaran_mean_of_a_truncated_105_is_106(write, kinerja):
    """The figure the issue names: the mean is of the exact capaian, so it does not equal its only item."""
    result = evaluate(write, kinerja, "")
    assert result["indicators"][0]["capaian"] == "105"
    assert result["sasaran"][0]["capaian"] == "106"


def test_switched_off_levels_have_no_rows_and_say_which_rule(write, kinerja):
    result = evaluate(write, kinerja, "  aggregate sasaran none\n  aggregate office none\n  aggregate overall none\n")
    assert result["indicators"][0]["capaian"] == "105"
    assert (result["sasaran"], result["offices"], result["overall"]) == ([], [], None)
    assert result["policy"]["aggregate sasaran"].startswith("none (policy at ")
    assert result["policy"]["aggregate overall"].startswith("none (policy at ")


def test_the_overall_may_still_be_the_mean_of_the_indicators(write, kinerja):
    result = evaluate(write, kinerja, "  aggregate sasaran none\n  aggregate overall mean indicators\n")
    assert result["sasaran"] == []
    assert result["overall"]["capaian"] == "106"
    assert result["overall"]["items"] == ["S1.x"]


def test_the_terminal_table_omits_the_levels(write, kinerja):
    catalog = write("catalog.kin", CATALOG % "  aggregate sasaran none\n  aggregate office none\n"
                                             "  aggregate overall none\n")
    code, out, _ = kinerja("eval", catalog, "--data", write("data.toml", DATA))
    assert code == 0
    assert "105" in out
    assert "Sasaran" not in out.split("Capaian Kinerja", 1)[1].split("S1.x", 1)[1]
    assert "aggregate sasaran none;" in " ".join(out.split())


def test_each_office_and_the_monitoring_view_compute_no_switched_off_level(write, kinerja):
    pytest.importorskip("numpy")
    catalog = write("catalog.kin", CATALOG % "  aggregate sasaran none\n  aggregate overall none\n")
    data = write("data.toml", DATA)
    code, out, err = kinerja("eval", catalog, "--data", data, "--each-office", "--json")
    assert code == 0, err
    levels = {row.get("level") for row in map(json.loads, out.splitlines())}
    assert "sasaran" not in levels and "overall" not in levels
    assert "office" in levels  # the satker mean is still declared (by default)
    code, out, err = kinerja("eval", catalog, "--data", data, "--by", "quarter", "--json")
    assert code in (0, 1), err
    by = json.loads(out)
    assert by["sasaran"] == [] and by["overall"] is None


def test_the_document_says_the_catalog_computes_no_overall_capaian(write, kinerja, monkeypatch):
    pytest.importorskip("docx")
    catalog = write("catalog.kin", CATALOG % "  aggregate sasaran none\n  aggregate overall none\n")
    write("data.toml", DATA)
    monkeypatch.chdir(catalog.parent)
    code, _, err = kinerja("report", "catalog.kin", "--data", "data.toml", "--out", "lkjip.md")
    assert code == 0, err
    text = (catalog.parent / "lkjip.md").read_text(encoding="utf-8")
    assert "grouped by sasaran; the catalog computes no sasaran capaian (catalog.kin:3)." in text
    assert "| **Sasaran 1: Satu** |  |  |  |  |" in text  # its label, and no capaian or predikat
    assert r"No overall capaian is computed: the catalog declares \`aggregate overall none\` (catalog.kin:4)." in text
    assert "Overall performance achievement" not in text
    assert "| 1 | X (%) | 100 | 105.56 | 105 | Sangat Baik |" in text  # `round half_up 0`: no decimals


@pytest.mark.parametrize("levels, message", [
    ("  aggregate sasaran none\n",
     "catalog.kin:3:3: error[E123]: the overall capaian is the mean of sasaran by default, and this switches "
     "sasaran off"),
    ("  aggregate sasaran none\n  aggregate overall weighted sasaran\n",
     "catalog.kin:4:3: error[E123]: the overall capaian is a mean of sasaran, which `aggregate sasaran none` "
     "(line 3) switches off"),
    ("  aggregate office none\n  aggregate overall mean office\n",
     "catalog.kin:4:3: error[E123]: the overall capaian is a mean of office, which `aggregate office none` "
     "(line 3) switches off"),
    ("  aggregate sasaran none\n  aggregate office mean sasaran\n  aggregate overall none\n",
     "catalog.kin:4:3: error[E123]: the satker capaian is a mean of sasaran, which `aggregate sasaran none` "
     "(line 3) switches off"),
    ("  aggregate sasaran none indicators\n  aggregate overall none\n",
     "catalog.kin:3:26: error[E111]: `aggregate sasaran none` computes nothing, so it takes no `indicators`"),
    ("  aggregate overall tidak_ada\n  aggregate sasaran none rounded\n",
     "catalog.kin:4:26: error[E111]: `aggregate sasaran none` computes nothing, so it takes no `rounded`"),
])
def test_what_reads_a_switched_off_level_is_an_error(write, kinerja, levels, message):
    catalog = write("catalog.kin", CATALOG % levels)
    code, out, err = kinerja("check", catalog)
    assert code == 1
    assert message in (out + err).replace(str(catalog.parent) + "/", "")


def test_capaian_of_a_switched_off_level_is_an_error(write, kinerja):
    text = CATALOG % "  aggregate overall none\n" + (
        'indicator E "Efisiensi" {\n  unit "%"\n  value capaian(overall) - 5\n  direction higher\n}\n')
    code, out, err = kinerja("check", write("catalog.kin", text))
    assert code == 1
    assert ("error[E123]: `capaian(overall)` reads a overall capaian, which `aggregate overall none` (line 3) "
            "switches off") in out + err


def test_a_weighted_sasaran_is_checked_even_when_another_aggregate_follows(write, kinerja):
    """The weights of a weighted sasaran make 100% (E106) whatever `aggregate` line comes last."""
    text = (CATALOG % "  aggregate sasaran weighted\n  aggregate overall mean indicators\n").replace(
        "  round truncate 0\n", "  round truncate 0\n  weight 40%\n")
    code, out, err = kinerja("check", write("catalog.kin", text))
    assert code == 1
    assert "error[E106]: indicator weights of sasaran `S1` sum to 40%, not 100%" in out + err

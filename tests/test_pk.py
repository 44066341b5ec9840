"""`kinerja validate-pk`: one PK file per rule, each with the exact message."""
from __future__ import annotations

import pytest

CATALOG = '''
policy {
  nihil excluded
}
field a "a" count
field b "b" count
field z "z" count
sasaran S1 "Sasaran satu"
sasaran S2 "Sasaran dua"
indicator S1.p "Persentase" {
  sasaran S1
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  range 0 .. 100
  rollup sum
  iku
  target 2024 = 90
  renstra 2024 = 90
}
indicator S1.i "Indeks" {
  sasaran S1
  unit indeks
  value a
  direction higher
  range 0 .. 4
  rollup last
  target 2024 = 3.6
}
indicator S2.n "Jumlah orang dilatih" {
  sasaran S2
  unit orang
  value a
  direction higher
  target 2024 = 12
}
indicator S2.z "Tanpa nihil" {
  sasaran S2
  unit "%"
  value a / z
  direction higher
  nihil error
  target 2024 = 5
}
'''


def pk(body: str, year: str = "2024") -> str:
    return f'agreement "PK {year}" {{\n  year {year}\n  office kanwil\n{body}}}\n'


CASES = {
    "P001": ("  target S1.p = 90\n  target S1.ii = 3.6\n  target S2.n = 12\n",
             "pk.kin:5:3: error[P001]: unknown indicator `S1.ii`", "did you mean `S1.i`?"),
    "P002": ("  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:2:1: error[P002]: the IKU `S1.p` (Persentase) is missing from the PK", "add `target S1.p = …`"),
    "P003": ("  target S1.p = 900\n  target S1.i = 3.6\n  target S2.n = 12.5\n",
             "pk.kin:4:3: error[P003]: target 900 of `S1.p` is outside its range 0 .. 100", None),
    "P004": ("  target S1.p = 85\n  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:4:3: error[P004]: target 85 of `S1.p` is weaker than the Renstra target 90 for 2024", None),
    "P005": ("  target S1.p = 90\n  target S1.i = 3.6\n  target S1.i TW1 = 3.7\n  target S1.i TW2 = 3.5\n"
             "  target S1.i TW3 = 3.6\n  target S1.i TW4 = 3.6\n  target S2.n = 12\n",
             "pk.kin:7:3: error[P005]: cumulative TW targets of `S1.i` for 2024 decrease (TW1 3.7 then TW2 3.5); "
             "period_targets cumulative (default)",
             "with period_targets cumulative each target is the target up to its quarter, which a `higher` indicator "
             "does not lower; declare `period_targets per_period` if these are the quarters' own targets"),
    "P006": ("  target S1.p = 90\n  target S1.i = 3.6\n  target S1.i = 3.7\n  target S2.n = 12\n",
             "pk.kin:6:3: error[P006]: `S1.i` has two targets", "the first is at line 5; keep one"),
    "P007": ("  target S1.p = 90\n  target S1.i = 3.6\n",
             "pk.kin:2:1: warning[P007]: sasaran `S2` (Sasaran dua) has no indicator in the PK", None),
    "P009": ("  target S1.p = 90\n  target S1.i = 3.6\n  target S2.n = 12\n  target S2.z = 0\n",
             "pk.kin:7:3: error[P009]: target 0 for `S2.z` has no nihil rule", None),
    "P011": ("  target S1.p = 90\n  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:2:1: error[P011]: the PK is for 2025 but the catalog has targets for 2024", None),
    "P012": ("  target S1.p = 95\n  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:4:3: warning[P012]: target 95 of `S1.p` differs from the catalog's target 90 for 2024", None),
    "P013": ("  target S1.p = 90\n  target S1.p TW5 = 20\n  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:5:3: error[P013]: unknown period `TW5`", "did you mean `TW4`?"),
    "P014": ("  target S1.p = 95\n  target S1.i = 3.6\n  target S2.n = 12\n",
             "pk.kin:4:3: warning[P014]: target 95 of `S1.p` differs from the Renstra target 90 for 2024",
             "a PK may go beyond the Renstra: say why where the LKjIP compares the two, or revise the Renstra"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_pk_rule(code, write, kinerja, monkeypatch, tmp_path):
    body, expected, hint = CASES[code]
    write("catalog.kin", CATALOG)
    write("pk.kin", pk(body, "2025" if code == "P011" else "2024"))
    monkeypatch.chdir(tmp_path)
    exit_code, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert expected in out.splitlines(), out
    if hint:
        assert f"  = hint: {hint}" in out
    assert exit_code == (0 if code in ("P007", "P012", "P014") else 1)


def test_p005_sum_rule_and_p003_decimals(write, kinerja, monkeypatch, tmp_path):
    """Quarters of a sum read by the indicator's `period_targets`: cumulative (the default), the
    fourth is the year's; per_period, the four add up to it (tests/test_period_targets.py has the rest)."""
    write("catalog.kin", CATALOG)
    write("per_period/catalog.kin", CATALOG.replace("  rollup sum\n", "  rollup sum\n  period_targets per_period\n"))
    write("pk.kin", pk("  target S1.p = 90\n  target S1.p TW1 = 20\n  target S1.p TW2 = 20\n"
                       "  target S1.p TW3 = 20\n  target S1.p TW4 = 20\n  target S1.i = 3.6\n  target S2.n = 12.5\n"))
    monkeypatch.chdir(tmp_path)
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert [line for line in out.splitlines() if "[P005]" in line] == [
        "pk.kin:8:3: error[P005]: cumulative TW target TW4 of `S1.p` for 2024 is 20, not the annual 90; "
        "period_targets cumulative (default)"]
    assert "pk.kin:10:3: error[P003]: target 12.5 of `S2.n` has decimals but counts orang" in out
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "per_period")
    assert [line for line in out.splitlines() if "[P005]" in line] == [
        "pk.kin:8:3: error[P005]: TW targets of `S1.p` for 2024 sum to 80, not the annual 90; "
        "period_targets per_period (indicator at per_period/catalog.kin:18)"]


def test_p003_a_percentage_on_an_index_and_p014_not_for_another_scale(write, kinerja, monkeypatch, tmp_path):
    """"20 %" for an index is a unit error even inside the range; a target outside the range is
    on another scale, so it is not also "above the Renstra" (P014)."""
    write("catalog.kin", CATALOG.replace("  target 2024 = 3.6\n", "  target 2024 = 3.6\n  renstra 2024 = 3.6\n"))
    write("pk.kin", pk("  target S1.p = 90\n  target S1.i = 3%\n  target S2.n = 12\n"))
    write("pk2.kin", pk("  target S1.p = 90\n  target S1.i = 90\n  target S2.n = 12\n"))
    monkeypatch.chdir(tmp_path)
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert ("pk.kin:5:3: error[P003]: target 3% of `S1.i` is written as a percentage but `S1.i` is measured "
            "in indeks") in out.splitlines()
    _, out, _ = kinerja("validate-pk", "pk2.kin", "--catalog", "catalog.kin")
    assert "pk2.kin:5:3: error[P003]: target 90 of `S1.i` is outside its range 0 .. 4" in out
    assert "P014" not in out


def test_p008_weights(write, kinerja, monkeypatch, tmp_path):
    weighted = CATALOG.replace("  nihil excluded\n", "  nihil excluded\n  aggregate sasaran weighted\n")
    weighted = weighted.replace("  iku\n", "  iku\n  weight 60%\n").replace("  rollup last\n", "  rollup last\n  weight 40%\n")
    weighted = weighted.replace('  unit orang\n', '  unit orang\n  weight 100%\n').replace(
        '  nihil error\n', '  nihil error\n  weight 0%\n')
    write("catalog.kin", weighted)
    write("pk.kin", pk("  target S1.p = 90\n  target S2.n = 12\n"))
    monkeypatch.chdir(tmp_path)
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert "pk.kin:2:1: error[P008]: weights of the signed indicators of sasaran `S1` sum to 60%, not 100%" in out


def test_p010_ambiguous_target_in_a_spreadsheet_pk(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", CATALOG)
    write("pk.csv", "year,indicator,target\n2024,S1.p,90\n2024,S1.i,\"3,6\"\n2024,S2.n,\"1,545\"\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "pk.csv", "--catalog", "catalog.kin")
    assert code == 1
    assert ("pk.csv:4:1: error[P010]: the target of `S2.n`: `1,545` is ambiguous: 1545 if `,` groups thousands, "
            "1.545 if it marks decimals") in out


def test_toml_pk_and_json_output(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", CATALOG)
    write("pk.toml", '[meta]\nyear = 2024\nlocale = "id"\n[[target]]\nindicator = "S1.p"\ntarget = 90\n'
                     '[[target]]\nindicator = "S1.i"\ntarget = "3,6"\n[[target]]\nindicator = "S2.n"\ntarget = 12\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "pk.toml", "--catalog", "catalog.kin", "--json")
    assert code == 0
    assert '"targets": 3' in out


def test_diff_lists_each_change_once_and_the_capaian_deltas(kinerja):
    """The Renstra revision example: one formula and two targets changed (indicators/banten-2024-revisi)."""
    import json

    from conftest import ROOT

    base, revised = ROOT / "indicators" / "banten-2024", ROOT / "indicators" / "banten-2024-revisi"
    code, out, err = kinerja("diff", base / "catalog.kin", revised, "--data", base / "realisasi.toml", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [(c["kind"], c["id"], c["field"], c["old"], c["new"]) for c in report["changes"]] == [
        ("changed", "AHU.pnbp", "formula", "(pnbp_ahu - prev(pnbp_ahu, 4)) / prev(pnbp_ahu, 4)",
         "(pnbp_ahu - prev(pnbp_ahu)) / prev(pnbp_ahu)"),
        ("changed", "BPHN.jdihn", "target 2024", "25", "40"),
        ("changed", "HAM.peduli", "target 2024", "35", "50"),
    ]
    deltas = {(e["level"], e["id"]): e["delta"] for e in report["effects"] if e["delta"] not in (None, "0.00")}
    assert deltas == {
        ("indicator", "AHU.pnbp"): "-273.83",     # 8,21% vs the 4-year mean; −8,21% vs 2023 (180.439.800.000)
        ("indicator", "BPHN.jdihn"): "-93.75",    # 62,5% against 25 -> against 40
        ("indicator", "HAM.peduli"): "-75.00",    # 87,5% against 35 -> against 50
        ("sasaran", "AHU1"): "-273.83",
        ("sasaran", "BPHN2"): "-93.75",
        ("sasaran", "HAM1"): "-15.00",
        ("overall", "overall"): "-21.26",
    }


def test_diff_detects_renamed_added_and_removed_indicators(write, kinerja):
    old = write("old.kin", CATALOG)
    new = write("new.kin", CATALOG.replace('indicator S1.i "Indeks"', 'indicator S1.indeks "Indeks"')
                .replace('indicator S2.n "Jumlah orang dilatih"', 'indicator S2.m "Jumlah modul disusun"')
                .replace("  value a\n  direction higher\n  target 2024 = 12", "  value b\n  direction higher\n  target 2024 = 12"))
    code, out, _ = kinerja("diff", old, new, "--json")
    import json
    changes = [(c["kind"], c["id"], c["field"]) for c in json.loads(out)["changes"]]
    assert ("renamed", "S1.indeks", "id") in changes
    assert ("removed", "S2.n", "") in changes and ("added", "S2.m", "") in changes


def test_pk_kept_in_excel_names_the_cell_of_each_finding(write, kinerja, monkeypatch, tmp_path):
    """A PK workbook as offices keep it: a merged title row, then Kode / Tahun / Target columns."""
    from openpyxl import Workbook

    write("catalog.kin", CATALOG)
    wb = Workbook()
    ws = wb.active
    ws.title = "PK"
    for row in (["PERJANJIAN KINERJA 2024"], ["No", "Kode", "Tahun", "Target"], [1, "S1.p", 2024, 85],
                [2, "S1.i", 2024, 3.6], [3, "S2.nn", 2024, 12], [4, "S2.z", 2024, "#N/A"]):
        ws.append(row)
    ws.merge_cells("A1:D1")
    ws["D6"].data_type = "e"
    wb.save(tmp_path / "pk.xlsx")
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "pk.xlsx", "--catalog", "catalog.kin")
    assert code == 1
    findings = [line for line in out.splitlines() if "error[" in line or "warning[" in line]
    assert findings == [
        "pk.xlsx:PK!D6: error[D010]: the cell holds the Excel error #N/A",
        "pk.xlsx:PK!D5: error[P001]: unknown indicator `S2.nn`",
        "pk.xlsx:PK!D3: error[P004]: target 85 of `S1.p` is weaker than the Renstra target 90 for 2024",
        "pk.xlsx:PK!D3: warning[P012]: target 85 of `S1.p` differs from the catalog's target 90 for 2024",
        "pk.xlsx:PK!C3: warning[P007]: sasaran `S2` (Sasaran dua) has no indicator in the PK",  # at the year's cell
    ]


def test_csv_pk_declares_its_notation_like_csv_data(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", CATALOG)
    write("pk.csv", "# locale: id\nindikator;target;tahun\nS1.p;90;2024\nS1.i;3,6;2024\nS2.n;1,5;2024\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "pk.csv", "--catalog", "catalog.kin")
    assert "pk.csv:5:1: error[P003]: target 1,5 of `S2.n` has decimals but counts orang" in out.splitlines(), out
    assert code == 1


def test_a_toml_file_without_targets_is_not_a_pk(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", CATALOG)
    write("realisasi.toml", '[meta]\nlocale = "id"\n["2024"]\na = 1\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "realisasi.toml", "--catalog", "catalog.kin")
    assert "realisasi.toml: error[P000]: no [[target]] tables in this file" in out.splitlines()
    assert code == 1

"""`kinerja validate-pk` on the real PKs transcribed under indicators/: every finding, exactly.

Sumsel and Banten signed PKs (clean), the Banten BAB II copy (its contradictions with the signed
PK and the Renstra) and the Babel IKU 2023 in its .kin and spreadsheet forms.
"""
from __future__ import annotations

import json

import pytest
from conftest import ROOT

from kinerja_dsl.engine.reports.pk import read_pk

INDICATORS = ROOT / "indicators"


def validate(kinerja, pk, catalog):
    """(code, severity, line, message) of every finding, and the JSON report."""
    _, out, _ = kinerja("validate-pk", INDICATORS / pk, "--catalog", INDICATORS / catalog, "--json")
    report = json.loads(out)
    return [(d["code"], d["severity"], d["line"], d["message"]) for d in report["diagnostics"]], report


@pytest.mark.parametrize("pk, catalog, targets", [
    ("sumsel-2024/pk-2024.kin", "sumsel-2024", 30),
    ("banten-2024/pk-2024.kin", "banten-2024", 30),
])
def test_signed_pks_are_clean(kinerja, pk, catalog, targets):
    got, report = validate(kinerja, pk, catalog)
    assert got == []
    assert (report["year"], report["targets"], report["exit_code"]) == (2024, targets, 0)


def test_banten_bab2_copy_contradicts_the_signed_pk_and_the_renstra(kinerja):
    """002 L622-662 / L758-810: HAM.ikm 3,87 (signed 3,33), PAS.rb 90% (signed and Renstra 100%),
    PAS.ikm "90%" (signed and Renstra 3,1 Indeks)."""
    got, report = validate(kinerja, "banten-2024/pk-2024-bab2.kin", "banten-2024")
    assert (report["targets"], report["exit_code"]) == (30, 1)
    assert got == [
        ("P012", "warning", 67, "target 3.87 of `HAM.ikm` differs from the catalog's target 3.33 for 2024"),
        ("P014", "warning", 67, "target 3.87 of `HAM.ikm` differs from the Renstra target 3.33 for 2024"),
        ("P004", "error", 79, "target 90% of `PAS.rb` is weaker than the Renstra target 100 for 2024"),
        ("P012", "warning", 79, "target 90% of `PAS.rb` differs from the catalog's target 100 for 2024"),
        ("P003", "error", 80, "target 90% of `PAS.ikm` is outside its range 0 .. 4"),
        ("P012", "warning", 80, "target 90% of `PAS.ikm` differs from the catalog's target 3.1 for 2024"),
    ]


BABEL_IKK = "target {} of `BSK1.ikk` is written as a percentage but `BSK1.ikk` is measured in indeks"


def test_babel_iku_2023_kin_reports_the_percentage_on_an_index(kinerja):
    got, report = validate(kinerja, "babel-iku-2023/pk-2023.kin", "babel-iku-2023/catalog.kin")
    assert (report["year"], report["targets"]) == (2023, 56)
    assert got == [("P003", "error", 33, BABEL_IKK.format("20%"))]


def test_babel_iku_2023_spreadsheet_refuses_the_decimal_point_and_reports_the_percentage(kinerja):
    """The TOML form keeps the printed texts under locale "id": "76.75" (001 L51) is refused,
    so the IKU has no target as read (P002), and "20 %" on an index is reported (P003)."""
    got, report = validate(kinerja, "babel-iku-2023/pk-2023.toml", "babel-iku-2023/catalog.kin")
    assert (report["year"], report["targets"]) == (2023, 55)
    assert got == [
        ("P002", "error", 10, "the IKU `BPHN2.ikm_bankum` (Indeks kepuasan layanan bantuan hukum) is missing from the PK"),
        ("P003", "error", 45, BABEL_IKK.format("20 %")),
        ("P010", "error", 99, "the target of `BPHN2.ikm_bankum`: `76.75` is not a number in id notation"),
    ]
    assert report["diagnostics"][2]["hint"] == "`76.75` is 76.75 in en notation: in id notation write `76,75`"


def test_babel_kin_and_spreadsheet_forms_give_the_same_entries():
    kin, problems = read_pk(INDICATORS / "babel-iku-2023/pk-2023.kin")
    assert problems == []
    sheet, problems = read_pk(INDICATORS / "babel-iku-2023/pk-2023.toml")
    assert [p.code for p in problems] == ["P010"]
    assert (kin.year, kin.office) == (sheet.year, sheet.office) == (2023, "kanwil")

    def entries(doc):
        return [(e.indicator, e.period, e.target.low, e.target.high) for e in doc.entries]

    refused = [e for e in entries(kin) if e[0] == "BPHN2.ikm_bankum"]
    assert [(e[0], str(e[2])) for e in refused] == [("BPHN2.ikm_bankum", "76.75")]
    assert entries(sheet) == [e for e in entries(kin) if e not in refused]
    assert len(entries(kin)) == 56


def test_babel_catalog_targets_agree_with_the_agreement():
    """The IKU document is the source of both: the catalog's 2023 targets equal the agreement's."""
    from kinerja_dsl.loader import load

    catalog = load([INDICATORS / "babel-iku-2023/catalog.kin"]).catalog
    kin, _ = read_pk(INDICATORS / "babel-iku-2023/pk-2023.kin")
    assert {e.indicator: e.target.low for e in kin.entries} == {
        i.id: i.target(2023).low for i in catalog.indicators.values()}
    assert len(catalog.sasaran) == 19 and all(i.iku for i in catalog.indicators.values())

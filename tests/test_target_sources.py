"""Where a target comes from (issue 15, item 5): the catalog's `target`, a PK's and the Renstra's,
kept apart, so that `audit` names the source a printed target copies and `validate-pk` sets the
three side by side. Small catalogs with their exact messages, then the shipped Banten reports (the
BAB II copy of its PK, pk-2024-bab2.kin), their figures copied here from the seed."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT

CATALOG = """office kanwil "Kantor Wilayah"
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
  target 2024 = 80
  target 2023 = 70
  renstra 2024 = 75
}
indicator S1.b "B" {
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 90
  renstra 2024 = 90
}
"""

PK = """agreement "PK 2024" {
  year 2024
  office kanwil
  target S1.a = 85
  target S1.b = 90
}
"""


def _figure(ident: str, printed: str, line: int, year: int | None = None, measure: str = "target") -> str:
    return (f'[[figure]]\nlevel = "indicator"\nid = "{ident}"\nmeasure = "{measure}"\nprinted = "{printed}"\n'
            f"line = {line}\n" + (f"year = {year}\n" if year else ""))


@pytest.fixture
def audit(write, kinerja, monkeypatch, tmp_path):
    """(line, verdict, explanation) of each row `kinerja audit --json` gives, the catalog in its own
    folder `cat/` (with pk.kin beside it when `beside`), other PKs named by --pk."""
    monkeypatch.chdir(tmp_path)

    def run(figures: str, *pk: str, beside: bool = False) -> list[tuple[int, str, str]]:
        write("cat/catalog.kin", CATALOG)
        if beside:
            write("cat/pk.kin", PK)
        write("pk.kin", PK)
        write("data.toml", '["2024".kanwil]\na = 80\nb = 100\n["2023".kanwil]\na = 70\nb = 100\n')
        write("published.toml", "[meta]\nyear = 2024\n" + figures)
        args = [a for p in pk for a in ("--pk", p)]
        code, out, err = kinerja("audit", "cat", "--data", "data.toml", "--published", "published.toml", "--json",
                                 *args)
        assert err == ""
        return [(r["line"], r["verdict"], r["explanation"]) for r in json.loads(out)["rows"]]
    return run


def test_a_printed_target_that_is_the_pks_names_it(audit):
    assert audit(_figure("S1.a", "85%", 10), "pk.kin") == [
        (10, "source", "the printed target is the PK's target 85 (pk.kin:4)")]


def test_a_printed_target_that_is_the_renstras_names_it(audit):
    assert audit(_figure("S1.a", "75", 10), "pk.kin") == [
        (10, "source", "the printed target is the Renstra 2024 target 75 (catalog.kin:15)")]


def test_a_target_equal_to_none_of_its_sources_says_so(audit):
    assert audit(_figure("S1.a", "60%", 10), "pk.kin") == [
        (10, "unexplained", "equal to none of the catalog's target 80 (catalog.kin:13), the PK's target 85 "
                            "(pk.kin:4), the Renstra 2024 target 75 (catalog.kin:15)")]


def test_without_a_pk_the_catalog_and_the_renstra_are_the_sources(audit):
    assert audit(_figure("S1.a", "85", 10)) == [
        (10, "unexplained", "equal to none of the catalog's target 80 (catalog.kin:13), the Renstra 2024 target 75 "
                            "(catalog.kin:15)")]


def test_an_agreement_beside_the_catalog_is_a_source_and_is_counted_once(audit):
    """pk.kin in the catalog's folder is compiled with it: a source without --pk; named again by --pk
    it is the same file, not a second PK."""
    expected = [(10, "source", "the printed target is the PK's target 85 (pk.kin:4)")]
    assert audit(_figure("S1.a", "85", 10), beside=True) == expected
    assert audit(_figure("S1.a", "85", 10), "cat/pk.kin", beside=True) == expected


def test_two_sources_with_the_same_target_are_both_named(audit, write):
    write("pk.toml", '[meta]\nyear = 2024\n[[target]]\nindicator = "S1.a"\ntarget = 75\n')
    assert audit(_figure("S1.a", "75", 10), "pk.toml") == [
        (10, "source", "the printed target is the PK's target 75 (pk.toml:3) and the Renstra 2024 target 75 "
                       "(catalog.kin:15)")]


def test_the_catalogs_own_target_reproduces_and_another_years_pk_is_no_source(audit):
    """A 2023 figure is compared with the 2023 sources only: the PK of 2024 and its 85 are not one."""
    assert audit(_figure("S1.b", "90", 10) + _figure("S1.a", "85", 11, year=2023), "pk.kin") == [
        (11, "unexplained", "equal to none of the catalog's target 70 (catalog.kin:14)"), (10, "reproduced", "")]


def test_a_capaian_computed_against_another_sources_target_names_it(audit):
    """S1.a: realisasi 80 %; the catalog's target 80 gives 100, the PK's 85 gives 94,117…, the
    Renstra's 75 gives 106,666…; a capaian from none of them stays unexplained, with no list."""
    assert audit(_figure("S1.a", "94,11", 10, measure="capaian") + _figure("S1.a", "106,67", 60, measure="capaian")
                 + _figure("S1.a", "90,00", 120, measure="capaian"), "pk.kin") == [
        (10, "source", "computed against the PK's target 85 (pk.kin:4)"),
        (60, "source", "computed against the Renstra 2024 target 75 (catalog.kin:15)"),
        (120, "unexplained", "")]


def test_a_pk_that_cannot_be_read_stops_the_audit(write, kinerja, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    write("catalog.kin", CATALOG)
    write("data.toml", '["2024".kanwil]\na = 80\nb = 100\n')
    write("published.toml", "[meta]\nyear = 2024\n" + _figure("S1.a", "85", 10))
    write("pk.toml", "[meta]\nyear = 2024\n")
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                             "--pk", "pk.toml")
    assert code == 1 and "error[P000]" in out + err


def test_the_source_in_indonesian(write, kinerja, monkeypatch, tmp_path, indonesian):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    write("catalog.kin", CATALOG)
    write("pk.kin", PK.replace("S1.a = 85", "S1.a = 85.5"))
    write("data.toml", '["2024".kanwil]\na = 80\nb = 100\n')
    write("published.toml", "[meta]\nyear = 2024\n" + _figure("S1.a", "85,5", 10))
    code, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                           "--pk", "pk.kin")
    assert code == 0
    assert "  L10 S1.a: target yang tercetak adalah target PK 85,5 (pk.kin:4)\n" in out
    assert "1 angka: sumber 1" in out


# ---- validate-pk: the catalog, the PK and the Renstra side by side ---------------------------------

def test_validate_pk_sets_the_three_targets_side_by_side(write, kinerja, monkeypatch, tmp_path):
    """S1.a: catalog 80, PK 85, Renstra 75 (P012 and P014 each say one of it); S1.b the same in all
    three: in the JSON, not in the terminal's table."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    write("catalog.kin", CATALOG)
    write("pk.kin", PK)
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin", "--json")
    assert json.loads(out)["target_sources"] == [
        {"indicator": "S1.a", "catalog": "80", "pk": "85", "line": 4, "renstra": "75", "differs": True},
        {"indicator": "S1.b", "catalog": "90", "pk": "90", "line": 5, "renstra": "90", "differs": False}]
    code, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert code == 0
    table = out[out.index("Targets for 2024"):]
    assert [line.rstrip() for line in table.splitlines()] == [
        "Targets for 2024 that differ",
        "",
        " Indicator   Catalog        PK   Renstra",
        " " + "─" * 39,
        " S1.a             80   85 (L4)        75",
        "",
        "ok: 2 targets for 2024 checked against 2 indicators",
    ]


def test_validate_pk_shows_a_catalog_that_differs_from_the_renstra_under_a_pk_that_follows_it(
        write, kinerja, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    write("catalog.kin", CATALOG)
    write("pk.kin", PK.replace("S1.a = 85", "S1.a = 80"))
    _, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin", "--json")
    report = json.loads(out)
    assert [d["code"] for d in report["diagnostics"]] == ["P014"]   # 80 above the Renstra's 75
    assert report["target_sources"][0] == {"indicator": "S1.a", "catalog": "80", "pk": "80", "line": 4,
                                           "renstra": "75", "differs": True}


# ---- the shipped Banten report: the BAB II copy of the PK --------------------------------------

BANTEN = ROOT / "indicators" / "banten-2024"


def test_validate_pk_on_the_banten_bab2_copy(kinerja, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = kinerja("validate-pk", BANTEN / "pk-2024-bab2.kin", "--catalog", BANTEN, "--json")
    differing = [r for r in json.loads(out)["target_sources"] if r["differs"]]
    assert differing == [
        {"indicator": "HAM.ikm", "catalog": "3.33", "pk": "3.87", "line": 67, "renstra": "3.33", "differs": True},
        {"indicator": "PAS.rb", "catalog": "100", "pk": "90", "line": 79, "renstra": "100", "differs": True},
        {"indicator": "PAS.ikm", "catalog": "3.1", "pk": "90", "line": 80, "renstra": "3.1", "differs": True}]
    _, out, _ = kinerja("validate-pk", BANTEN / "pk-2024-bab2.kin", "--catalog", BANTEN)
    assert [line.rstrip() for line in out[out.index("Targets for 2024"):].splitlines()] == [
        "Targets for 2024 that differ",
        "",
        " Indicator   Catalog           PK   Renstra",
        " " + "─" * 42,
        " HAM.ikm        3.33   3.87 (L67)      3.33",
        " PAS.rb          100    90% (L79)       100",
        " PAS.ikm         3.1    90% (L80)       3.1",
        "",
    ]


@pytest.mark.parametrize("office", ["banten-2024", "sumsel-2024"])
def test_the_signed_pks_agree_with_the_catalog_and_the_renstra(kinerja, office):
    folder = ROOT / "indicators" / office
    _, out, _ = kinerja("validate-pk", folder / "pk-2024.kin", "--catalog", folder, "--json")
    assert [r for r in json.loads(out)["target_sources"] if r["differs"]] == []


# The Banten targets the report prints unlike the catalog (002; "L…" are the seed's lines), each with
# the audit's class and words: the BAB II copy of the PK (pk-2024-bab2.kin) explains five of them.
BANTEN_TARGETS = {
    (652, "HAM.ikm"): ("source", "the printed target is the PK's target 3.87 (pk-2024-bab2.kin:67)"),
    (662, "PAS.ikm"): ("source", "the printed target is the PK's target 90% (pk-2024-bab2.kin:80)"),
    (793, "HAM.ikm"): ("source", "the printed target is the PK's target 3.87 (pk-2024-bab2.kin:67)"),
    (809, "PAS.rb"): ("source", "the printed target is the PK's target 90% (pk-2024-bab2.kin:79)"),
    (810, "PAS.ikm"): ("source", "the printed target is the PK's target 90% (pk-2024-bab2.kin:80)"),
    (1657, "BPHN.desa"): ("unexplained", "equal to none of the catalog's target 70 (catalog.kin:527), the PK's "
                                         "target 70% (pk-2024-bab2.kin:61), the PK's target 70 (pk-2024.kin:86), "
                                         "the Renstra 2024 target 70 (catalog.kin:532)"),
    (975, "AHU.pnbp"): ("copy", "the printed target is that of indicator `AHU.pnbp` 2023 (L991)"),
    (1499, "BPHN.jdihn"): ("copy", "the printed target is that of indicator `BPHN.jdihn` 2023 (L1499)"),
    (850, "ADM.rb"): ("copy", "the printed target is that of indicator `ADM.ikm` (L888)"),
}


def test_the_banten_audit_names_the_source_of_each_printed_target(english):
    from test_multiyear import audited

    found = {(r.line, r.id): (r.verdict, r.explanation) for r in audited("banten-2024").rows
             if r.measure == "target" and r.verdict != "reproduced"}
    assert found == BANTEN_TARGETS

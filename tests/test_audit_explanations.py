"""The audit's explanations on small catalogs, each with its exact expected class and words (issue
15, item 11): realisasi rounded to a whole percentage first, truncation seen from the exact value
behind a declared rounding, copies only of a neighbouring printed row, the usual caps, a minus
apart from its digits, and recomputed values shown at the printed precision.
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from kinerja_dsl.engine.readers.published import printed_number
from kinerja_dsl.engine.reports.audit import beside, deciding

CATALOG = """
office kanwil "Kantor Wilayah"
field a "A" count
field b "B" count
field c "C" count
field d "D" count
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
  ROUNDING
}
indicator S1.b "B" {
  sasaran S1
  office kanwil
  unit "%"
  numerator c
  denominator d
  scale 100
  direction higher
  target 2024 = 80
}
"""


def _figure(ident: str, measure: str, printed: str, line: int) -> str:
    return (f'[[figure]]\nlevel = "indicator"\nid = "{ident}"\nmeasure = "{measure}"\nprinted = "{printed}"\n'
            f"line = {line}\n")


@pytest.fixture
def audit(write, kinerja, monkeypatch, tmp_path):
    """The rows `kinerja audit --json` gives for the figures, on a = A, b = B, c = C, d = D."""
    monkeypatch.chdir(tmp_path)

    def run(figures: str, a: str, b: str, c: str = "1", d: str = "1", rounding: str = "") -> list[dict]:
        write("catalog.kin", CATALOG.replace("ROUNDING", rounding))
        write("data.toml", f'["2024".kanwil]\na = {a}\nb = {b}\nc = {c}\nd = {d}\n')
        write("published.toml", "[meta]\nyear = 2024\n" + figures)
        _, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml",
                              "--json")
        assert err == ""
        return json.loads(out)["rows"]
    return run


def test_a_minus_apart_from_its_digits_is_a_negative_number():
    assert printed_number("- 40,47%") == (D("-40.47"), 2, None)
    assert printed_number("−  3,5") == (D("-3.5"), 1, None)
    assert printed_number("-40,47%") == (D("-40.47"), 2, None)


def test_values_are_shown_at_the_printed_places_and_the_digits_that_decide():
    assert deciding(D("39.988"), 2) == "39.988"
    assert deciding(D("368.12987012987"), 2) == "368.129870…"
    assert deciding(D("3.8000000000"), 2) == "3.80"
    assert deciding(D("142.857142857"), 0) == "142.8571…"
    assert beside(D("3.8000000000"), 2) == D("3.80")
    assert beside(D("111.38888"), 1) == D("111.389")
    assert beside(D("3.1"), 0) == D("3.1")
    assert beside(D("100"), 2) == D("100.00")


def test_truncation_is_seen_from_the_exact_value_behind_a_declared_rounding(audit):
    """39988/100000 = 39,988: the catalog rounds it to 39,99; the report prints 39,98, the exact
    value cut (not rounding, not one unit off)."""
    (row,) = audit(_figure("S1.a", "realisasi", "39,98", 7), "39988", "100000",
                   rounding="round_realisasi half_up 2")
    assert (row["verdict"], D(row["recomputed"]), row["explanation"]) == (
        "truncation", D("39.99"), "39.988 cut to 2 decimals, not rounded")


def test_capaian_from_realisasi_rounded_to_a_whole_percentage(audit):
    """906/1000 = 90,6 %: 90,6/80 = 113,25, but the report divides 91 by 80: 113,75."""
    (row,) = audit(_figure("S1.a", "capaian", "113,75", 7), "906", "1000")
    assert (row["verdict"], row["explanation"]) == (
        "rounding", "realisasi rounded to a whole number before the division (90.6 → 91)")


@pytest.mark.parametrize("printed, verdict, why", [
    ("150", "cap", "capped at 150 (not declared in this catalog)"),
    ("110,00", "cap", "capped at 110 (not declared in this catalog)"),
    ("200", "unexplained", ""),   # above the recomputed 160: no cap
    ("130", "unexplained", ""),   # no cap a report uses
])
def test_caps_are_the_usual_candidates(audit, printed, verdict, why):
    """128/100 = 128 % against 80: capaian 160."""
    (row,) = audit(_figure("S1.a", "capaian", printed, 7), "128", "100")
    assert (row["verdict"], row["explanation"]) == (verdict, why)


def test_a_copy_is_of_the_neighbouring_printed_row(audit):
    """S1.a 60/100 = 75 % capaian, printed right at L10; S1.b 40/100 = 50 % printed 75,00 at L11."""
    rows = audit(_figure("S1.a", "capaian", "75,00", 10) + _figure("S1.b", "capaian", "75,00", 11), "60", "100",
                 "40", "100")
    assert [(r["line"], r["verdict"], r["explanation"]) for r in rows] == [
        (10, "reproduced", ""), (11, "copy", "the printed capaian is that of indicator `S1.a` (L10)")]


def test_no_copy_of_a_row_far_away_or_wrong_or_never_printed(audit):
    """The same 75,00 printed 41 lines away (another table) is no copy; nor a neighbour that is itself
    wrong; nor the sasaran mean (62,5) that the report does not print."""
    far = audit(_figure("S1.a", "capaian", "75,00", 10) + _figure("S1.b", "capaian", "75,00", 51), "60", "100",
                "40", "100")
    assert far[1]["verdict"] == "unexplained"
    wrong = audit(_figure("S1.a", "capaian", "75,00", 10) + _figure("S1.b", "capaian", "75,00", 11), "50", "100",
                  "40", "100")
    assert [r["verdict"] for r in wrong] == ["unexplained", "unexplained"]
    mean = audit(_figure("S1.b", "capaian", "78,13", 11), "60", "100", "40", "100")  # (93,75 + 62,5)/2
    assert mean[0]["verdict"] == "unexplained"


def test_a_value_that_only_truncates_to_the_printed_one_is_no_copy(audit):
    """S1.a 59997/100000 = 59,997 % realisasi printed 60,00; S1.b printed 59,99 for its 40: the
    neighbour's 59,997 cuts to 59,99 but is printed 60,00, so no copy."""
    rows = audit(_figure("S1.a", "realisasi", "60,00", 10) + _figure("S1.b", "realisasi", "59,99", 11),
                 "59997", "100000", "40", "100")
    assert [r["verdict"] for r in rows] == ["reproduced", "unexplained"]


def test_a_capaian_that_follows_from_the_realisasi_printed_on_its_row(audit):
    """Banten's 3,691 / 3,6 = 102,527… printed 102,52 beside the printed 3,691 (the engine's index is
    3,766): the capaian is the printed realisasi's, cut; the realisasi itself stays unexplained."""
    rows = audit(_figure("S1.a", "realisasi", "73,83", 7) + _figure("S1.a", "capaian", "92,28", 7), "7532", "10000")
    assert [(r["measure"], r["verdict"], r["explanation"]) for r in rows] == [
        ("realisasi", "unexplained", ""),
        ("capaian", "propagated", "reproduces from the printed realisasi 73.83, cut to 2 decimals")]


def test_a_value_rounded_up_is_named_so(audit):
    """Sumsel's KI.permohonan: (4050 − 3270) / 3270 = 23,8532… printed 23,86."""
    (row,) = audit(_figure("S1.a", "realisasi", "23,86", 7), "780", "3270")
    assert (row["verdict"], row["explanation"]) == ("rounding", "23.853211… rounded up to 2 decimals, not half-up")


def test_capaian_from_a_truncated_realisasi_is_truncation(audit):
    """2/3 = 66,666… %: cut to 66,6 before the division, 66,6/80 = 83,25 (exact 83,33; rounded
    first 66,7/80 = 83,38)."""
    (row,) = audit(_figure("S1.a", "capaian", "83,25", 7), "2", "3")
    assert (row["verdict"], row["explanation"]) == (
        "truncation", "realisasi truncated to 1 decimal before the division (66.66666… → 66.6)")


def test_a_mean_that_counts_a_nihil_indicator_as_0(write, kinerja, monkeypatch, tmp_path):
    """Sumsel's second Tabel 117: IMI1 (111,11 + 0) / 2 printed 56, the nihil indicator counted as 0."""
    monkeypatch.chdir(tmp_path)
    write("catalog.kin", CATALOG.replace("ROUNDING", "nihil achieved").replace("  target 2024 = 80\n}", "  target 2024 = 90\n}"))
    write("data.toml", '["2024".kanwil]\na = 0\nb = 0\nc = 1\nd = 1\n')
    write("published.toml", '[meta]\nyear = 2024\n[[figure]]\nlevel = "sasaran"\nid = "S1"\nmeasure = "capaian"\n'
                            'printed = "56"\nline = 3\n')
    _, out, _ = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml", "--json")
    (row,) = json.loads(out)["rows"]
    assert (row["verdict"], row["explanation"]) == ("formula", "nihil counted as 0 in the mean (S1.a)")

"""Issue 11, the language's part: no silent wrong answer from a catalog, a PK or a published file.

Each reproducer of the issue is a test with its exact outcome (code, rendered text, exit code):
weights are exact fractions in check, validate-pk and the engine; a constant that divides by zero,
a `prev` that reaches back 100 million periods, a control character in a label and a number the
engine cannot keep exactly are refused at `check`; a long flat sum is not "too deep"; P011 says
which lines are missing; audit refuses a published file with unknown ids or no figures.
"""
from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction

import pytest

from conftest import ROOT
from kinerja_dsl.loader import load

THIRDS = """
policy {
  nihil achieved
  aggregate sasaran weighted
}
office kanwil "Kanwil"
field a "A" count
field b "B" count
sasaran S1 "Sasaran"
""" + "".join(f"""
indicator S1.{x} "{x}" {{
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  weight 1/3
  target 2024 = 90
}}
""" for x in "abc")


def pk(*ids: str, year: int = 2024) -> str:
    return f'agreement "PK" {{\n  year {year}\n  office kanwil\n' + "".join(f"  target {i} = 90\n" for i in ids) + "}\n"


def one(body: str, fields: str = 'field a "A" count\nfield b "B" count\n') -> str:
    """A catalog of one indicator X.a with the given statements."""
    return fields + 'indicator X.a "A" {\n  unit "%"\n  direction higher\n' + body + "}\n"


def test_three_thirds_make_100_percent_in_check_in_the_pk_and_in_the_engine(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", THIRDS)
    write("pk.kin", pk("S1.a", "S1.b", "S1.c"))
    write("pk2.kin", pk("S1.a", "S1.b"))
    monkeypatch.chdir(tmp_path)
    assert kinerja("check", "catalog.kin") == (0, "ok: 1 file, 3 indicators, 1 sasaran\n", "")
    assert kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin") == (
        0, "ok: 3 targets for 2024 checked against 3 indicators\n", "")
    code, out, _ = kinerja("validate-pk", "pk2.kin", "--catalog", "catalog.kin")
    assert code == 1
    assert out.splitlines()[0] == ("pk2.kin:2:1: error[P008]: weights of the signed indicators of sasaran `S1` "
                                   "sum to 66,67%, not 100%")
    # the engine computes with the same 28-digit Decimal as before; the exact third rides along
    weight = load([tmp_path / "catalog.kin"]).catalog.indicators["S1.a"].weight
    assert weight == Decimal(1) / Decimal(3) and weight.exact == Fraction(1, 3)
    assert type(weight * 3) is Decimal and weight * 3 == Decimal("0.9999999999999999999999999999")


def test_weights_that_miss_100_percent_by_a_hair_say_by_how_much(write, kinerja):
    path = write("g.kin", one("""  index {
    component p weight 1/3 = a / b
    component q weight 1/3 = a / b
    component r weight 0.333333 = a / b
  }
"""))
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert out.splitlines()[0] == (f"{path}:6:3: error[E106]: weights in the index of `X.a` sum to 99.999967%, "
                                   "not 100%")


CONSTANT_DIVISIONS = """policy {
  cap 1/0
  nihil achieved
}
field a "A" count
field b "B" count
indicator X.a "A" {
  unit "%"
  direction higher
  numerator a
  denominator b / (2 - 2)
}
indicator X.b "B" {
  unit "%"
  direction higher
  index {
    component p weight 1/0 = a / b
  }
}
"""


def test_a_constant_that_divides_by_zero_is_e119_not_a_silent_zero(write, kinerja):
    path = write("div.kin", CONSTANT_DIVISIONS)
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert out == f"""\
{path}:2:7: error[E119]: `1/0` divides by zero
 2 |   cap 1/0
   |       ^^^
  = hint: write the number you mean; a fraction's denominator is never 0
{path}:11:20: error[E119]: this divisor is always 0
 11 |   denominator b / (2 - 2)
    |                    ^^^^^
  = hint: divide by a data field or an indicator, or write the number you mean
{path}:17:24: error[E119]: `1/0` divides by zero
 17 |     component p weight 1/0 = a / b
    |                        ^^^
  = hint: write the number you mean; a fraction's denominator is never 0
3 errors, 0 warnings
"""


@pytest.mark.parametrize("expr", ["a / 0", "a / (1 - 1)", "a / min(0, 3)", "a / (2 * 0%)", "0 / 0"])
def test_every_constant_zero_divisor_is_found(expr, write, kinerja):
    code, out, _ = kinerja("check", write("d.kin", one(f"  value {expr}\n")))
    assert code == 1 and out.count("error[E119]: this divisor is always 0") == 1, out


@pytest.mark.parametrize("expr", ["a / b", "a / (1 - 0.5)", "a / (b - b)", "(1 - 1) / a"])
def test_divisors_that_may_be_nonzero_pass(expr, write, kinerja):
    code, out, _ = kinerja("check", write("d.kin", one(f"  value {expr}\n  nihil achieved\n")))
    assert "E119" not in out and code == 0, out


def test_prev_period_reaches_back_at_most_120_periods(write, kinerja):
    path = write("p.kin", one("  value prev_period(a, 100000000)\n"))
    started = time.perf_counter()
    code, out, _ = kinerja("check", path)
    assert time.perf_counter() - started < 2
    assert (code, out) == (1, f"""\
{path}:6:24: error[E116]: `prev_period` reads 1 to 120 earlier periods, not 100000000
 6 |   value prev_period(a, 100000000)
   |                        ^^^^^^^^^
  = hint: e.g. `prev_period(pnbp)`, the period just before (TW2 for TW3), or `prev_period(pnbp, 4)` for the mean of the 4 periods before
1 error, 0 warnings
""")
    assert kinerja("check", write("ok.kin", one("  value prev_period(a, 120)\n")))[0] == 0


def test_prev_reaches_back_at_most_ten_years(write, kinerja):
    path = write("p.kin", one("  value prev(a, 11)\n"))
    code, out, _ = kinerja("check", path)
    assert (code, out) == (1, f"""\
{path}:6:17: error[E116]: `prev` reads 1 to 10 earlier years, not 11
 6 |   value prev(a, 11)
   |                 ^^
  = hint: e.g. `prev(pnbp)`, the same period a year earlier, or `prev(pnbp, 3)` for the mean of the same period in the 3 years before
1 error, 0 warnings
""")
    assert kinerja("check", write("ok.kin", one("  value prev(a, 10)\n")))[0] == 0
    for count in ("11", "0"):
        assert "error[E116]: `prev` reads 1 to 10 earlier years" in kinerja(
            "check", write("no.kin", one(f"  value prev(a, {count})\n")))[1]
    assert "error[E116]: the second argument of `prev` is a whole number of years" in kinerja(
        "check", write("half.kin", one("  value prev(a, 2.5)\n")))[1]
    assert "error[E116]: `prev_period` reads 1 to 120 earlier periods, not 121" in kinerja(
        "check", write("no.kin", one("  value prev_period(a, 121)\n")))[1]


def test_control_characters_in_texts_are_refused_where_they_stand(write, kinerja):
    path = write("c.kin", 'office k "Kan\x01tor"  # a comment may hold \x01\nfield a "Rencana\x0baksi" count\n'
                          'field b "B\tb" count\n'
                 + one('  value a\n  definition "x\x0cy" "z\x85"\n', fields=""))
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert out == f"""\
{path}:1:14: error[E120]: this text holds a control character (U+0001), which tables and spreadsheets cannot show
 1 | office k "Kan\u2401tor"  # a comment may hold \u2401
   |              ^
  = hint: delete it; a line break pasted from Word into a label is written as a space
{path}:2:17: error[E120]: this text holds a vertical tab (U+000B), which tables and spreadsheets cannot show
 2 | field a "Rencana\u240baksi" count
   |                 ^
  = hint: delete it; a line break pasted from Word into a label is written as a space
{path}:8:16: error[E120]: this text holds a form feed (U+000C), which tables and spreadsheets cannot show
 8 |   definition "x\u240cy" "z\ufffd"
   |                ^
  = hint: delete it; a line break pasted from Word into a label is written as a space
{path}:8:22: error[E120]: this text holds a next-line character (U+0085), which tables and spreadsheets cannot show
 8 |   definition "x\u240cy" "z\ufffd"
   |                      ^
  = hint: delete it; a line break pasted from Word into a label is written as a space
4 errors, 0 warnings
"""


def test_numbers_the_engine_cannot_keep_exactly_are_e121(write, kinerja):
    path = write("n.kin", one("  value a * 1" + "0" * 50 + "\n  target 2024 = 0." + "0" * 42 + "1\n"
                              "  target 2025 = 12345678901234567890123456789012345678901\n"))
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert [line for line in out.splitlines() if "error[" in line] == [
        f"{path}:6:13: error[E121]: the number `1000000000…000000` has 51 digits before the decimal point; "
        "at most 18 are kept exactly",
        f"{path}:7:17: error[E121]: the number `0.00000000…000001` has 43 decimal places; at most 18 are kept exactly",
        f"{path}:8:17: error[E121]: the number `1234567890…678901` has 41 digits before the decimal point; "
        "at most 18 are kept exactly",
    ]
    assert "  = hint: round it to 18 decimal places or fewer" in out
    edge = write("edge.kin", one("  value a * 999999999999999999\n  target 2024 = 0.000000000000000001\n"
                                 "  range 0 .. 100000000000000000.5\n"))
    assert kinerja("check", edge)[0] == 0


def test_a_flat_sum_of_65_fields_is_not_too_deep(write, kinerja, tmp_path):
    fields = "".join(f'field a{i} "A" count\n' for i in range(1, 66))
    path = write("s.kin", 'office k "K"\n' + fields + one(
        "  office k\n  value " + " + ".join(f"a{i}" for i in range(1, 66)) + "\n  target 2024 = 65\n", fields=""))
    data = write("d.toml", '["2024".k]\n' + "".join(f"a{i} = 1\n" for i in range(1, 66)))
    assert kinerja("check", path)[0] == 0
    code, out, _ = kinerja("eval", path, "--data", data, "--json")
    assert code == 0 and '"realisasi": "65"' in out
    nested = write("n.kin", one("  value " + "abs(" * 65 + "a" + ")" * 65 + "\n"))
    assert "error[E008]: expression nests deeper than 64 levels" in kinerja("check", nested)[1]
    long = write("l.kin", one("  value " + " + ".join(["a"] * 258) + "\n"))
    assert "error[E008]: expression has more than 256 operations in a row" in kinerja("check", long)[1]


def test_p011_says_the_renstra_lines_are_missing(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", THIRDS)
    write("pk.kin", pk("S1.a", "S1.b", "S1.c", year=2025))
    monkeypatch.chdir(tmp_path)
    code, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "catalog.kin")
    assert code == 1
    assert out.splitlines()[:4] == [
        "pk.kin:2:1: error[P011]: the PK is for 2025 but the catalog has targets for 2024",
        " 2 |   year 2025",
        "   | ^^^^^^^^^^^",
        "  = hint: the catalog's indicators need `renstra 2025 = …` lines (the Renstra's target for the year, "
        "which the PK is checked against) or `target 2025 = …`; or use the catalog of the PK's year",
    ]


AUDITED = """
policy {
  nihil achieved
}
office kanwil "Kanwil"
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
}
"""


def figure(level: str, ident: str, measure: str = "capaian") -> str:
    return f'[[figure]]\nlevel = "{level}"\nid = "{ident}"\nmeasure = "{measure}"\nprinted = "100"\n\n'


def test_audit_refuses_unknown_ids_levels_and_measures(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", AUDITED)
    write("data.toml", '["2024".kanwil]\na = 9\nb = 10\n')
    write("published.toml", figure("indicator", "S1.a") + figure("indicator", "S1.aa") + figure("indikator", "S1.a")
          + figure("sasaran", "S1", "capain") + figure("overall", "overall") + figure("office", "pusat"))
    monkeypatch.chdir(tmp_path)
    code, out, err = kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml")
    assert (code, out) == (1, "")
    assert err == """\
published.toml:9:1: error[D013]: unknown indicator `S1.aa`
 9 | id = "S1.aa"
   | ^^^^^^^^^^^^
  = hint: did you mean `S1.a`?
published.toml:14:1: error[D013]: unknown level `indikator`
 14 | level = "indikator"
    | ^^^^^^^^^^^^^^^^^^^
  = hint: did you mean `indicator`?
published.toml:22:1: error[D013]: unknown measure `capain`
 22 | measure = "capain"
    | ^^^^^^^^^^^^^^^^^^
  = hint: did you mean `capaian`?
published.toml:33:1: error[D013]: unknown office `pusat`
 33 | id = "pusat"
    | ^^^^^^^^^^^^
  = hint: use the catalog's ids (`kinerja kamus` lists them)
4 errors, 0 warnings
"""


def test_audit_refuses_a_published_file_without_figures(write, kinerja, monkeypatch, tmp_path):
    write("catalog.kin", AUDITED)
    write("data.toml", '["2024".kanwil]\na = 9\nb = 10\n')
    write("published.toml", "# nothing printed yet\n")
    monkeypatch.chdir(tmp_path)
    assert kinerja("audit", "catalog.kin", "--data", "data.toml", "--published", "published.toml") == (1, "", """\
published.toml: error[E004]: the published file has no figures
  = hint: list each printed figure as [[figure]] with level, id, measure and printed, e.g. level = "indicator", \
id = "SJ1.rb", measure = "capaian", printed = "102,84"
1 error, 0 warnings
""")


@pytest.mark.parametrize("office", ["banten-2024", "sumsel-2024"])
def test_the_real_published_files_name_only_known_ids(office):
    from kinerja_dsl.engine.reports.audit import figure_findings, read_published

    folder = ROOT / "indicators" / office
    _, figures, problems = read_published(folder / "published.toml")
    assert problems == []
    assert figure_findings(figures, load([folder]).catalog, "published.toml") == []


# ---- line numbers count \n only, as the lexer does ----------------------------------------

WORD_BREAK = 'field a "A\u2028B" count\nfield b "B\u2029C" count\n'


def test_a_word_line_break_in_a_label_does_not_shift_the_line_shown(write, kinerja):
    """U+2028 (Word's line break) in a label: str.splitlines would count it as a line, and the
    caret would sit under the wrong source line."""
    path = write("w.kin", WORD_BREAK + 'field c "C" cont\n')
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert out.splitlines()[:3] == [
        f"{path}:3:13: error[E111]: `cont` is not a kind of field",
        " 3 | field c \"C\" cont",
        "   |             ^^^^",
    ]


def test_a_syntax_error_after_a_word_line_break_is_on_its_own_line(write, kinerja):
    path = write("w.kin", WORD_BREAK + 'field c "C" count\nfield d "D" count sum sum\n')
    code, out, _ = kinerja("check", path)
    assert code == 2
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:4:"), out
    assert " 4 | field d \"D\" count sum sum" in out


def test_a_pk_kept_as_a_kin_file_gets_the_checks_of_its_own_text(write, kinerja):
    """validate-pk reads a .kin PK alone (no catalog around it): the rules that need no other file
    still run, so `pagu SJ1 1/0` is E119, not a silent 0."""
    pk = write("pk.kin", 'agreement "PK 2024" {\n  year 2024\n  office kanwil\n  pagu SJ1 1/0\n'
                         '  first_party "Na\x01ma" "Kepala"\n  target SJ1.rb = 1000000000000000000000\n}\n')
    code, out, _ = kinerja("validate-pk", pk, "--catalog", ROOT / "indicators" / "sumsel-2024")
    assert code == 1
    assert [line for line in out.splitlines() if "error[" in line] == [
        f"{pk}:4:12: error[E119]: `1/0` divides by zero",
        f"{pk}:5:18: error[E120]: this text holds a control character (U+0001), which tables and spreadsheets "
        "cannot show",
        f"{pk}:6:19: error[E121]: the number `1000000000000000000000` has 22 digits before the decimal point; "
        "at most 18 are kept exactly",
    ]


def test_a_huge_weight_is_reported_not_a_crash(write, kinerja):
    """Found by the thorough fuzz profile: the E106 message rounded the sum with a plain quantize,
    which raises past 28 digits, so `check` exited 70 before it could say E121."""
    path = write("w.kin", 'field a "A" count\nfield b "B" count\nindicator X.i "Indeks" {\n  unit indeks\n'
                          '  direction higher\n  index {\n    group g weight 100% scale 4 {\n'
                          '      component c1 weight 1234567890123456789012345678901234567 = a / b\n'
                          '      component c2 weight 50% = a / b\n    }\n  }\n  target 2024 = 3\n}\n')
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert [line.split(": ", 1)[1][:12] for line in out.splitlines() if "error[" in line] == [
        "error[E106]:", "error[E121]:"]

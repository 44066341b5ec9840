"""Realisation data: readers, Indonesian notation, and every bad-input diagnostic."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja_dsl.engine.numbers import NotationError, format_number, parse_number
from kinerja_dsl.engine.periods import Period

CATALOG = '''
policy {
  nihil excluded
}
office kanwil "Kanwil"
office upt1 "UPT 1" parent kanwil
office upt2 "UPT 2" parent kanwil
field selesai "Perkara selesai" count
field masuk "Perkara masuk" count
sasaran S1 "Penyelesaian perkara"
indicator S1.p "Persentase perkara selesai" {
  sasaran S1
  office kanwil
  unit "%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  range 0 .. 100
  target 2024 = 90
}
'''


@pytest.mark.parametrize("text, locale, value", [
    ("1.234,56", "id", "1234.56"), ("3,14", None, "3.14"), ("95%", None, "95"), ("1.545", "id", "1545"),
    ("1,545", "en", "1545"), ("-34,17", "id", "-34.17"), ("12.486.600.000", None, "12486600000"),
    ("1,234.5", None, "1234.5"), ("  7 ", None, "7"),
])
def test_numbers_in_indonesian_and_english_notation(text, locale, value):
    assert parse_number(text, locale) == Decimal(value)


@pytest.mark.parametrize("text, locale", [("1,545", None), ("1.545", None), ("12,3,4", "id"), ("abc", None),
                                          ("1.23.4", "id"), ("", None)])
def test_ambiguous_or_malformed_numbers_are_refused(text, locale):
    with pytest.raises(NotationError):
        parse_number(text, locale)


def test_numbers_are_shown_indonesian_style():
    assert format_number(Decimal("102.84")) == "102,84"
    assert format_number(Decimal("-1234567.5")) == "-1.234.567,5"
    assert format_number(Decimal("102.84"), "en") == "102.84"


def test_period_labels():
    assert [Period.parse(x).label for x in ("2024", "2024-tw3", "2024-S2", "2024-07", "2024-B07")] == [
        "2024", "2024-TW3", "2024-S2", "2024-B07", "2024-B07"]
    assert Period.parse("2024-TW1").previous(1)[0].label == "2023-TW4"


def _eval(write, kinerja, data_name, data_text):
    cat = write("catalog.kin", CATALOG)
    data = write(data_name, data_text)
    return kinerja("eval", cat, "--data", data), data


def test_each_bad_value_is_reported_with_file_and_line(write, kinerja):
    (code, out, err), data = _eval(write, kinerja, "r.toml", '''
        ["2024".kanwil]
        selesai = 12
        masuk_ = 10
        ["2024".upt3]
        selesai = -1
        ["2024".upt1]
        masuk = 2.5
        ["2024-TW5".upt2]
        masuk = 1
        ["2024".upt2]
        masuk = "1,545"
        ''')
    assert code == 1 and out == ""
    assert [l for l in err.splitlines() if "error[" in l] == [
        f"{data}:3:1: error[D001]: unknown field or indicator `masuk_`",
        f"{data}:4:1: error[D002]: unknown office `upt3`",
        f"{data}:5:1: error[D005]: `selesai` is a count and cannot be negative (-1)",
        f"{data}:7:1: error[D005]: `masuk` is a count and cannot have decimals (2.5)",
        f"{data}:8:1: error[D003]: `2024-TW5` is not a period",
        f"{data}:11:1: error[D006]: `1,545` is ambiguous: 1545 if `,` groups thousands, 1.545 if it marks decimals",
    ]
    assert "did you mean `masuk`?" in err and "did you mean `upt" in err
    assert "Traceback" not in err


def test_duplicate_values_in_csv(write, kinerja):
    (code, _, err), data = _eval(write, kinerja, "r.csv",
                                 "period,office,field,value\n2024,kanwil,selesai,5\n2024,kanwil,selesai,6\n")
    assert code == 1
    assert f"{data}:3:1: error[D004]: `selesai` is given twice for kanwil in 2024" in err


def test_numerator_above_denominator_breaks_the_declared_range(write, kinerja):
    cat = write("catalog.kin", CATALOG)
    data = write("r.toml", '["2024".kanwil]\nselesai = 12\nmasuk = 10\n')
    code, out, _ = kinerja("eval", cat, "--data", data, "--json")
    assert code == 1  # an indicator in error (the catalog marks no IKU, so every one counts): exit 1
    assert '"status": "error"' in out
    assert "realisasi 120 is outside the declared range 0 .. 100 (the numerator is larger than the denominator)" in out


def test_csv_with_locale_and_semicolons(write, kinerja):
    (code, out, _), _ = _eval(write, kinerja, "r.csv",
                              "# locale: id\nperiode;satker;variabel;nilai\n2024;upt1;selesai;1.200\n"
                              "2024;upt1;masuk;1.500\n2024;upt2;selesai;300\n2024;upt2;masuk;x\n")
    assert code == 1  # `x` is not a number
    (code, out, _), _ = _eval(write, kinerja, "r.csv",
                              "# locale: id\nperiode;satker;variabel;nilai\n2024;upt1;selesai;1.200\n"
                              "2024;upt1;masuk;1.500\n2024;upt2;selesai;300\n2024;upt2;masuk;1.500\n")
    assert code == 0, out
    assert "55.56" in out  # (in English notation, as the suite reads English) counts roll up from the UPTs: 1500 / 3000 = 50% against 90


def test_toml_syntax_error_and_missing_file(write, kinerja):
    (code, _, err), data = _eval(write, kinerja, "r.toml", '["2024"\nselesai = 1\n')
    assert code == 2 and f"{data}:1:" in err and "error[E001]: not valid TOML" in err
    cat = write("catalog.kin", CATALOG)
    code, _, err = kinerja("eval", cat, "--data", "nope.toml")
    assert code == 3 and "nope.toml: error[E006]: no such file" in err


def test_unknown_period_and_unit_options(write, kinerja):
    cat = write("catalog.kin", CATALOG)
    data = write("r.toml", '["2024".kanwil]\nselesai = 1\nmasuk = 2\n')
    code, _, err = kinerja("eval", cat, "--data", data, "--period", "2024-Q1")
    assert code == 1 and "`2024-Q1` is not a period" in err
    code, _, err = kinerja("eval", cat, "--data", data, "--unit", "upt9")
    assert code == 1 and "unknown office `upt9`" in err and "did you mean" in err

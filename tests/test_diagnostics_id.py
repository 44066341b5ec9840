"""The findings of the language and of data and PK reading, in Indonesian by default and in English
with `--lang en`: the exact text a planner reads (message, source line with its caret, hint).

The head `file:line:col: error[CODE]: ` stays the same in both languages (tools parse it); only
the words after it, the `= saran:` / `= hint:` lines and the summary change.
"""
from __future__ import annotations

import pytest

from kinerja_dsl.codes import CODES, catalogue_markdown, text
from kinerja_dsl.messages import t, use_language

CATALOG = """\
field a "Kasus selesai" count
field b "Kasus masuk" count
indicator X.a "Persentase kasus selesai" {
  unit "%"
  direction higher
  numerator a
  denominator b
  scale 100
  nihil excluded
  target 2024 = 90
  renstra 2024 = 90
}
"""

MISSPELT_KEYWORD = """\
field a "Kasus selesai" count
field b "Kasus masuk" count
indicator X.a "Persentase" {
  unit "%"
  direction higher
  denominatr a / b
}
"""

UNKNOWN_NAME = CATALOG.replace("denominator b", "denominator kasus_masuk")

DUPLICATE = CATALOG.replace("indicator X.a", 'field a "Kasus selesai lagi" count\nindicator X.a')

DATA = """\
[2024]
a = -5
bb = 7
"""

PK = """\
[meta]
year = 2024

[[target]]
indicator = "X.a"
target = "100 .. 1"
"""

# (files to write, command after `kinerja`, Indonesian output, English output)
CASES = {
    "syntax error with a did-you-mean": (
        {"c.kin": MISSPELT_KEYWORD}, ("check", "c.kin"),
        "c.kin:6:16: error[E001]: `/` tidak terduga\n"
        " 6 |   denominatr a / b\n"
        "   |                ^\n"
        "  = saran: mungkin maksud Anda `denominator`?\n",
        "c.kin:6:16: error[E001]: unexpected `/`\n"
        " 6 |   denominatr a / b\n"
        "   |                ^\n"
        "  = hint: did you mean `denominator`?\n"),
    "unknown name (E101)": (
        {"c.kin": UNKNOWN_NAME}, ("check", "c.kin"),
        "c.kin:7:15: error[E101]: nama `kasus_masuk` tidak dikenal\n"
        " 7 |   denominator kasus_masuk\n"
        "   |               ^^^^^^^^^^^\n"
        '  = saran: deklarasikan field data dengan `field kasus_masuk "…" count`\n',
        "c.kin:7:15: error[E101]: unknown name `kasus_masuk`\n"
        " 7 |   denominator kasus_masuk\n"
        "   |               ^^^^^^^^^^^\n"
        '  = hint: declare the data field with `field kasus_masuk "…" count`\n'),
    "duplicate (E102)": (
        {"c.kin": DUPLICATE}, ("check", "c.kin"),
        "c.kin:3:1: error[E102]: field data `a` dideklarasikan dua kali\n"
        ' 3 | field a "Kasus selesai lagi" count\n'
        "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = saran: pertama dideklarasikan di baris 1; ganti nama salah satunya atau hapus\n",
        "c.kin:3:1: error[E102]: field `a` is declared twice\n"
        ' 3 | field a "Kasus selesai lagi" count\n'
        "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = hint: first declared at line 1; rename one or remove it\n"),
    "data findings of a TOML file": (
        {"c.kin": CATALOG, "data.toml": DATA}, ("eval", "c.kin", "--data", "data.toml"),
        "data.toml:2:1: error[D005]: `a` adalah jumlah (count) dan tidak boleh negatif (-5)\n"
        " 2 | a = -5\n"
        "   | ^^^^^^\n"
        "data.toml:3:1: error[D001]: field atau indikator `bb` tidak dikenal\n"
        " 3 | bb = 7\n"
        "   | ^^^^^^\n"
        "  = saran: mungkin maksud Anda `b`?\n",
        "data.toml:2:1: error[D005]: `a` is a count and cannot be negative (-5)\n"
        " 2 | a = -5\n"
        "   | ^^^^^^\n"
        "data.toml:3:1: error[D001]: unknown field or indicator `bb`\n"
        " 3 | bb = 7\n"
        "   | ^^^^^^\n"
        "  = hint: did you mean `b`?\n"),
    "a PK target read from a TOML PK": (
        {"c.kin": CATALOG, "pk.toml": PK}, ("validate-pk", "pk.toml", "--catalog", "c.kin"),
        "pk.toml:4:1: error[P015]: target `X.a`: rentang `100 .. 1` kosong: batas bawahnya di atas batas atasnya\n"
        " 4 | [[target]]\n"
        "   | ^^^^^^^^^^\n"
        "  = saran: tulis `1 .. 100`\n",
        "pk.toml:4:1: error[P015]: the target of `X.a`: the range `100 .. 1` is empty: its low end is above its "
        "high end\n"
        " 4 | [[target]]\n"
        "   | ^^^^^^^^^^\n"
        "  = hint: write `1 .. 100`\n"),
}


def _run(case: str, kinerja, write, monkeypatch, tmp_path, *extra: str) -> tuple[int, str]:
    files, command, _, _ = CASES[case]
    for name, body in files.items():
        write(name, body)
    monkeypatch.chdir(tmp_path)
    code, out, err = kinerja(*command, *extra)
    return code, out + err


@pytest.mark.parametrize("case", CASES)
def test_findings_are_indonesian_by_default(case, indonesian, kinerja, write, monkeypatch, tmp_path):
    code, shown = _run(case, kinerja, write, monkeypatch, tmp_path)
    assert code in (1, 2)
    assert CASES[case][2] in shown


@pytest.mark.parametrize("case", CASES)
def test_findings_are_english_with_lang_en(case, indonesian, kinerja, write, monkeypatch, tmp_path):
    code, shown = _run(case, kinerja, write, monkeypatch, tmp_path, "--lang", "en")
    assert code in (1, 2)
    assert CASES[case][3] in shown


def test_the_machine_readable_head_is_the_same_in_both_languages(indonesian, kinerja, write, monkeypatch,
                                                                   tmp_path):
    _, indonesian_text = _run("unknown name (E101)", kinerja, write, monkeypatch, tmp_path)
    _, english_text = _run("unknown name (E101)", kinerja, write, monkeypatch, tmp_path, "--lang", "en")
    head = "c.kin:7:15: error[E101]: "
    assert indonesian_text.startswith(head) and english_text.startswith(head)


def test_json_findings_keep_english_keys_and_codes_with_indonesian_words(indonesian, kinerja, write, monkeypatch,
                                                                         tmp_path):
    import json
    code, shown = _run("unknown name (E101)", kinerja, write, monkeypatch, tmp_path, "--json")
    found = json.loads(shown)
    finding = found[0] if isinstance(found, list) else found["diagnostics"][0]
    assert (finding["code"], finding["severity"], finding["message"]) == \
        ("E101", "error", "nama `kasus_masuk` tidak dikenal")


def test_the_code_catalogue_reads_in_indonesian(indonesian):
    use_language(None)
    table = catalogue_markdown()
    assert table.startswith("| kode | arti | perbaikan |\n|---|---|---|\n")
    assert ("| E002 | File berakhir di tengah sebuah deklarasi. | Tutup setiap `{` dengan `}`; selesaikan "
            "pernyataan terakhir. |") in table
    assert table.endswith("Kode keluar: 0 bersih · 1 ada temuan · 2 kesalahan sintaks · 3 kesalahan file (tidak ada, "
                          "tidak terbaca, bukan UTF-8) · 4 cara pakai salah · 70 galat internal.\n")


def test_the_code_catalogue_in_english_is_the_source_text():
    assert text(CODES["E002"][1]) == "Close every `{` with a `}`; finish the last statement."
    assert catalogue_markdown().startswith("| code | meaning | fix |\n")


def test_every_code_meaning_and_fix_has_an_indonesian_translation():
    untranslated = [f"{code}: {message}" for code, pair in CODES.items() for message in pair
                    if t(message, "id") == message]
    assert untranslated == []

"""The engine's words in both languages (issue 14, item 5): Indonesian by default, English with
`--lang en`; numbers follow the language unless `--locale` says otherwise. Golden lines of `eval`,
`explain`, `--help` and argparse's own errors."""
from __future__ import annotations

import pytest

CATALOG = """
policy {
  cap 120
}
field n "n" count
field d "d" count
field m "m" count
field k "k" count
sasaran S "Layanan"
indicator S.a "Layanan selesai" {
  sasaran S
  unit "%"
  numerator n
  denominator d
  scale 100
  direction higher
  target 2024 = 25
}
indicator S.b "Pengaduan ditangani" {
  sasaran S
  unit "%"
  numerator m
  denominator k
  scale 100
  direction higher
  target 2024 = 90
}
"""
DATA = '["2024"]\nn = 36\nd = 40\n'


@pytest.fixture
def files(write, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    return write("c.kin", CATALOG), write("d.toml", DATA)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_eval_speaks_indonesian_by_default(indonesian, files, kinerja):
    cat, data = files
    code, out, err = kinerja("eval", cat, "--data", data)
    lines = _lines(out)
    assert code == 1
    assert err == "kinerja eval: 1 indikator tanpa capaian: S.b (data tidak ada); kode keluar 1\n"
    assert " No   Indikator         Target   Realisasi   Capaian   Predikat      Status" in lines
    assert "  1   S.a (%)               25        90,0    120,00   Sangat Baik   tercapai" in lines
    assert "  2   S.b (%)               90           -         -   -             data tidak" in lines
    assert "  S.b: data tidak ada — tidak ada nilai `m` pada 2024" in lines
    assert " S          120,00   Sangat Baik   data belum         1/2" in lines
    assert "Capaian keseluruhan: 120,00  Sangat Baik  (rata-rata sasaran (bawaan))" in lines


def test_eval_speaks_english_with_lang_en(indonesian, files, kinerja):
    cat, data = files
    code, out, err = kinerja("eval", cat, "--data", data, "--lang", "en")
    lines = _lines(out)
    assert err == "kinerja eval: 1 indicator without a capaian: S.b (missing); exit 1\n"
    assert " No   Indicator           Target   Realisasi   Capaian   Predikat      Status" in lines
    assert "  1   S.a (%)                 25        90.0    120.00   Sangat Baik   achieved" in lines
    assert "  S.b: missing — no value for `m` in 2024" in lines
    assert "Overall capaian: 120.00  Sangat Baik  (mean of sasaran (default))" in lines


def test_locale_keeps_the_number_notation_apart_from_the_words(indonesian, files, kinerja):
    cat, data = files
    _, out, _ = kinerja("eval", cat, "--data", data, "--lang", "en", "--locale", "id")
    assert "  1   S.a (%)                 25        90,0    120,00   Sangat Baik   achieved" in _lines(out)
    _, out, _ = kinerja("eval", cat, "--data", data, "--locale", "en")
    assert "  1   S.a (%)               25        90.0    120.00   Sangat Baik   tercapai" in _lines(out)


def test_explain_in_both_languages(indonesian, files, kinerja):
    cat, data = files
    _, out, _ = kinerja("explain", cat, "--data", data, "S.a")
    assert _lines(out)[1:6] == [
        "  periode 2024, satuan %, arah semakin tinggi semakin baik, target 25",
        "  1. pembilang: n = 36",
        "  2. penyebut: d = 40",
        "  3. realisasi: 36 / 40 × 100 = 90,0",
        "  4. capaian: semakin tinggi semakin baik: R / T × 100 = 90,0 / 25 × 100 = 360,0"]
    assert "  5. batas atas/bawah: dibatasi pada 120" in _lines(out)
    assert "  Hasil: realisasi 90,0, capaian 120,00, predikat Sangat Baik, status tercapai" in _lines(out)
    _, out, _ = kinerja("explain", cat, "--data", data, "S.a", "--lang", "en")
    assert "  4. capaian: higher is better: R / T × 100 = 90.0 / 25 × 100 = 360.0" in _lines(out)
    assert "  Result: realisasi 90.0, capaian 120.00, predikat Sangat Baik, status achieved" in _lines(out)


def test_explain_json_stays_english_whatever_the_language(indonesian, files, kinerja):
    cat, data = files
    _, out, _ = kinerja("explain", cat, "--data", data, "S.a", "--json")
    assert '"detail": "capped at 120"' in out and '"status": "ok"' in out


def test_help_in_both_languages(indonesian, kinerja):
    code, out, _ = kinerja("eval", "--help")
    said = " ".join(out.split())
    assert code == 0 and out.startswith("penggunaan: kinerja eval [-h]")
    assert "argumen posisi:" in out and "opsi:" in out
    assert "-h, --help tampilkan bantuan ini lalu keluar" in said
    assert "--lang {id,en} bahasa teks: id (Indonesia) atau en (Inggris); bawaan $KINERJA_LANG, selain itu id" in said
    _, out, _ = kinerja("eval", "--help", "--lang", "en")
    said = " ".join(out.split())
    assert out.startswith("usage: kinerja eval [-h]") and "positional arguments:" in out and "options:" in out
    assert "-h, --help show this help message and exit" in said


def test_argparse_errors_in_both_languages(indonesian, kinerja):
    code, _, err = kinerja("eval", "c.kin")
    assert code == 4 and err.endswith("kinerja eval: kesalahan: argumen berikut wajib diisi: --data\n")
    code, _, err = kinerja("eval", "c.kin", "--data", "d.toml", "--lang", "xx")
    assert code == 4 and err.endswith(
        "kinerja eval: kesalahan: argumen --lang: pilihan tidak sah: 'xx' (pilih dari 'id', 'en')\n")
    _, _, err = kinerja("eval", "c.kin", "--lang", "en")
    assert err.endswith("kinerja eval: error: the following arguments are required: --data\n")


def test_the_language_of_one_call_does_not_leak_to_the_next(indonesian, kinerja):
    kinerja("eval", "--help", "--lang", "en")
    _, out, _ = kinerja("eval", "--help")
    assert out.startswith("penggunaan:")

"""Issue 13, the reporting season: `--period` read as the reports read it (TW III = s.d. TW III,
January to September; `--alone` the quarter itself), the monitoring view `eval --by` (the
season's cumulative periods side by side, on the terminal, as JSON and as the LKjIP tables) and
`template --by` (one row per quarter or month to fill in for it).

A small catalog and a quarterly dataset written here: two indicators (a ratio of counts, summed
over the quarters, and a score, averaged), each under its own sasaran, with cumulative quarter
targets. The figures follow by hand: s.d. TW III is (20 + 30 + 27) / (25 + 30 + 30) = 90,59% of
selesai against 90 (100,65), TW III alone 27 / 30 = 90%.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

CATALOG = """\
policy {
  nihil excluded
  round half_up 2
  bands lkjip
}

office kanwil "Kantor Wilayah"

field selesai "Perkara selesai" count
field masuk "Perkara masuk" count
field skor "Skor survei" score

sasaran S1 "Meningkatnya penyelesaian perkara"
sasaran S2 "Meningkatnya kepuasan layanan"

indicator S1.selesai "Persentase perkara yang diselesaikan tepat waktu" {
  sasaran S1
  office kanwil
  unit "%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  iku
  target 2024 = 90
  target 2024 TW1 = 90
  target 2024 TW2 = 90
  target 2024 TW3 = 90
}

indicator S2.ikm "Indeks kepuasan masyarakat" {
  sasaran S2
  office kanwil
  unit indeks
  value skor
  direction higher
  target 2024 = 80
  target 2024 TW1 = 75
  target 2024 TW2 = 77
  target 2024 TW3 = 78
  target 2024 TW4 = 80
}
"""

QUARTERS = {1: (20, 25, "76"), 2: (30, 30, "78.5"), 3: (27, 30, "80"), 4: (25, 25, "82")}


def _data(quarters: tuple[int, ...] = (1, 2, 3, 4)) -> str:
    return "".join(f'["2024-TW{q}".kanwil]\nselesai = {QUARTERS[q][0]}\nmasuk = {QUARTERS[q][1]}\n'
                   f'skor = "{QUARTERS[q][2]}"\n' for q in quarters)


@pytest.fixture
def files(write, monkeypatch):
    """The catalog and the four quarters, named relative to the test's folder (as a user types them)."""
    cat = write("c.kin", CATALOG)
    write("d.toml", _data())
    monkeypatch.chdir(cat.parent)
    return "c.kin", "d.toml"


def _lines(out: str) -> str:
    """The output without the spaces rich pads lines with."""
    return "\n".join(line.rstrip() for line in out.splitlines()) + "\n"


# ---- --period: from January unless --alone ----------------------------------------------------

def test_a_bare_quarter_reads_from_january_and_alone_reads_the_quarter(files, kinerja):
    cat, data = files
    code, out, err = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--json")
    (ratio, score) = json.loads(out)["indicators"]
    assert code == 0, err
    assert json.loads(out)["period"] == ratio["period"] == "2024-sd-TW3"
    # the cumulative sum of three quarters: 20 + 30 + 27 of 25 + 30 + 30
    steps = {s["step"]: s["value"] for s in ratio["steps"]}
    assert (steps["numerator"], steps["denominator"]) == ("77", "85")
    assert (ratio["target"], ratio["capaian"], ratio["status"]) == ("90", "100.65", "ok")
    assert score["realisasi"].startswith("78.1666")  # a score is averaged over the quarters

    code, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--alone", "--json")
    (ratio, score) = json.loads(out)["indicators"]
    assert json.loads(out)["period"] == ratio["period"] == "2024-TW3"
    steps = {s["step"]: s["value"] for s in ratio["steps"]}
    assert (steps["numerator"], steps["denominator"], ratio["realisasi"]) == ("27", "30", "90.0")  # July–September
    assert score["realisasi"] == "80"

    # the explicit label is cumulative either way; a year is the year
    for extra in ((), ("--alone",)):
        _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-sd-TW3", *extra, "--json")
        assert json.loads(out)["indicators"][0]["capaian"] == "100.65"
    _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024", "--alone", "--json")
    assert json.loads(out)["period"] == "2024"


def test_the_outputs_name_the_period_read(files, kinerja, monkeypatch, indonesian):
    cat, data = files
    monkeypatch.setenv("COLUMNS", "100")
    _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3")
    assert out.startswith("Katalog: c.kin   Data: d.toml   Periode: s.d. TW III 2024\n")
    assert "Capaian Kinerja s.d. TW III 2024" in out
    _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--alone")
    assert out.startswith("Katalog: c.kin   Data: d.toml   Periode: TW III 2024\n")
    _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--locale", "en")
    assert "Periode: s.d. TW III 2024" in out and "100.65" in out  # --locale: the numbers only
    _, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--lang", "en")
    assert "Period: to Q3 2024" in out and "100.65" in out  # --lang: the words, and their notation
    _, out, _ = kinerja("explain", cat, "--data", data, "--period", "2024-TW3", "S1.selesai")
    assert "  periode s.d. TW III 2024, satuan %" in out and "capaian 100,65" in out
    _, out, _ = kinerja("explain", cat, "--data", data, "--period", "2024-TW3", "--alone", "S1.selesai")
    assert "  periode TW III 2024, satuan %" in out and "realisasi 90" in out
    code, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--out", "lkjip.md")
    assert code == 0
    with open("lkjip.md", encoding="utf-8") as f:
        assert f.read().startswith("## Capaian Kinerja s.d. TW III 2024\n")


def test_diff_reads_the_period_the_same_way(files, kinerja, write):
    cat, data = files
    revised = write("revisi.kin", CATALOG.replace("  target 2024 TW3 = 90\n", "  target 2024 TW3 = 95\n"))
    code, out, _ = kinerja("diff", cat, revised, "--data", data, "--period", "2024-TW3", "--json")
    report = json.loads(out)
    assert code == 0 and report["period"] == "2024-sd-TW3"
    effect = next(e for e in report["effects"] if e["id"] == "S1.selesai")
    assert (effect["old"], effect["new"]) == ("100.65", "95.36")  # 90,59 against 90, then against 95
    _, out, _ = kinerja("diff", cat, revised, "--data", data, "--period", "2024-TW3", "--alone", "--json")
    assert json.loads(out)["period"] == "2024-TW3"


# ---- eval --by: the monitoring view ------------------------------------------------------------

AT_80 = """\
Katalog: c.kin   Data: d.toml   Periode: 2024 per triwulan
Kumulatif: TW I 2024, s.d. TW II 2024, s.d. TW III 2024, 2024
Kebijakan: cap none; floor none; nihil excluded; lower_formula two_t_minus_r;
round half_up 2; round_realisasi none; rollup by_kind; unreported excluded;
bands lkjip; period_targets cumulative; target_fallback none; aggregate sasaran
mean of indicators; aggregate office mean of indicators; aggregate overall mean
of sasaran (tempat masing-masing dinyatakan: --json atau explain)
Capaian Kinerja 2024 per triwulan
(satu blok per indikator, satu baris per periode: berdampingan, periode-periode
memerlukan 243 kolom, terminal ini 80)

1 S1.selesai (%)
  Persentase perkara yang diselesaikan tepat waktu
  Periode           Target  Realisasi  Capaian  Predikat     Status
  TW I 2024             90       80,0    88,89  Baik         tidak
                                                             tercapai
  s.d. TW II 2024       90      90,91   101,01  Sangat Baik  tercapai
  s.d. TW III 2024      90      90,59   100,65  Sangat Baik  tercapai
  2024                  90      92,73   103,03  Sangat Baik  tercapai

2 S2.ikm (indeks)
  Indeks kepuasan masyarakat
  Periode           Target  Realisasi  Capaian  Predikat     Status
  TW I 2024             75         76   101,33  Sangat Baik  tercapai
  s.d. TW II 2024       77      77,25   100,32  Sangat Baik  tercapai
  s.d. TW III 2024      78      78,17   100,21  Sangat Baik  tercapai
  2024                  80     79,125    98,91  Sangat Baik  tidak
                                                             tercapai

Capaian per Sasaran
(satu blok per sasaran, satu baris per periode: berdampingan, periode-periode
memerlukan 202 kolom, terminal ini 80)

S1
Meningkatnya penyelesaian perkara
Periode           Capaian  Predikat     Status    Indikator
TW I 2024           88,89  Baik         tidak           1/1
                                        tercapai
s.d. TW II 2024    101,01  Sangat Baik  tercapai        1/1
s.d. TW III 2024   100,65  Sangat Baik  tercapai        1/1
2024               103,03  Sangat Baik  tercapai        1/1

S2
Meningkatnya kepuasan layanan
Periode           Capaian  Predikat     Status    Indikator
TW I 2024          101,33  Sangat Baik  tercapai        1/1
s.d. TW II 2024    100,32  Sangat Baik  tercapai        1/1
s.d. TW III 2024   100,21  Sangat Baik  tercapai        1/1
2024                98,91  Sangat Baik  tidak           1/1
                                        tercapai

Capaian per Satker
(satu blok per satker, satu baris per periode: berdampingan, periode-periode
memerlukan 202 kolom, terminal ini 80)

kanwil
Kantor Wilayah
Periode           Capaian  Predikat     Status    Indikator
TW I 2024           95,11  Sangat Baik  tidak           2/2
                                        tercapai
s.d. TW II 2024    100,67  Sangat Baik  tercapai        2/2
s.d. TW III 2024   100,43  Sangat Baik  tercapai        2/2
2024               100,97  Sangat Baik  tercapai        2/2

Capaian keseluruhan
(satu blok per baris, satu baris per periode: berdampingan, periode-periode
memerlukan 202 kolom, terminal ini 80)

Keseluruhan
rata-rata sasaran (bawaan)
Periode           Capaian  Predikat     Status    Indikator
TW I 2024           95,11  Sangat Baik  tidak           2/2
                                        tercapai
s.d. TW II 2024    100,67  Sangat Baik  tercapai        2/2
s.d. TW III 2024   100,43  Sangat Baik  tercapai        2/2
2024               100,97  Sangat Baik  tercapai        2/2

"""


def test_by_quarter_at_80_columns(files, kinerja, monkeypatch, indonesian):
    """The periods do not fit side by side: one block per indicator (and mean), one line per
    period, every figure whole; the same text at 80 columns goes to --out .txt."""
    cat, data = files
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = kinerja("eval", cat, "--data", data, "--period", "2024", "--by", "quarter")
    assert (code, err) == (0, "")
    assert _lines(out) == AT_80
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    code, _, err = kinerja("eval", cat, "--data", data, "--by", "quarter", "--out", "view.txt")
    with open("view.txt", encoding="utf-8") as f:
        assert (code, err, _lines(f.read())) == (0, "view.txt ditulis\n", AT_80)


WIDE_INDICATORS = """\
Capaian Kinerja 2024 per triwulan
                            ───────────────────── TW I 2024 ─────────────────────   ────────────────── s.d. TW II 2024 ──────────────────   ───────────────── s.d. TW III 2024 ──────────────────   ─────────────────────── 2024 ────────────────────────
 No   Indikator             Target   Realisasi   Capaian   Predikat      Status     Target   Realisasi   Capaian   Predikat      Status     Target   Realisasi   Capaian   Predikat      Status     Target   Realisasi   Capaian   Predikat      Status
 ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
  1   S1.selesai (%)            90        80,0     88,89   Baik          tidak          90       90,91    101,01   Sangat Baik   tercapai       90       90,59    100,65   Sangat Baik   tercapai       90       92,73    103,03   Sangat Baik   tercapai
      Persentase perkara…                                                tercapai
  2   S2.ikm (indeks)           75          76    101,33   Sangat Baik   tercapai       77       77,25    100,32   Sangat Baik   tercapai       78       78,17    100,21   Sangat Baik   tercapai       80      79,125     98,91   Sangat Baik   tidak
      Indeks kepuasan ma…                                                                                                                                                                                                                        tercapai

Capaian per Sasaran
                                     ──────────────── TW I 2024 ─────────────────   ───────────── s.d. TW II 2024 ──────────────   ───────────── s.d. TW III 2024 ─────────────   ─────────────────── 2024 ───────────────────
 Sasaran                             Capaian   Predikat      Status     Indikator   Capaian   Predikat      Status     Indikator   Capaian   Predikat      Status     Indikator   Capaian   Predikat      Status     Indikator
 ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
 S1                                    88,89   Baik          tidak            1/1    101,01   Sangat Baik   tercapai         1/1    100,65   Sangat Baik   tercapai         1/1    103,03   Sangat Baik   tercapai         1/1
 Meningkatnya penyelesaian perkara                           tercapai
 S2                                   101,33   Sangat Baik   tercapai         1/1    100,32   Sangat Baik   tercapai         1/1    100,21   Sangat Baik   tercapai         1/1     98,91   Sangat Baik   tidak            1/1
 Meningkatnya kepuasan layanan                                                                                                                                                                            tercapai

"""


def test_by_quarter_side_by_side_on_a_wide_terminal(files, kinerja, monkeypatch, indonesian):
    """Wide enough, the periods stand side by side: one column group per period under its
    title, in the order of the season; the sasaran, satker and overall likewise."""
    cat, data = files
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = kinerja("eval", cat, "--data", data, "--by", "quarter")
    text = _lines(out)
    assert code == 0
    start = text.index("Capaian Kinerja")
    assert text[start:text.index("Capaian per Satker")] == WIDE_INDICATORS
    assert "(satu blok per" not in text
    overall = text[text.index("Capaian keseluruhan"):].splitlines()
    assert overall[4].split() == ["Keseluruhan", "95,11", "Sangat", "Baik", "tidak", "2/2", "100,67", "Sangat", "Baik",
                                  "tercapai", "2/2", "100,43", "Sangat", "Baik", "tercapai", "2/2", "100,97", "Sangat",
                                  "Baik", "tercapai", "2/2"]
    # each period's title stands over its own columns: between its Target and the next period's
    lines = text.splitlines()
    at = lines.index("Capaian Kinerja 2024 per triwulan")
    titles, header = lines[at + 1], lines[at + 2]
    targets = [m.start() for m in re.finditer("Target", header)] + [len(header)]
    for k, name in enumerate(("TW I 2024", "s.d. TW II 2024", "s.d. TW III 2024", "─ 2024 ─")):
        assert targets[k] < titles.index(name) < targets[k + 1] - len(name), name


def test_by_quarter_on_a_narrow_terminal_keeps_every_figure(files, kinerja, monkeypatch, indonesian):
    cat, data = files
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = kinerja("eval", cat, "--data", data, "--by", "quarter")
    assert code == 0 and max(len(line.rstrip()) for line in out.splitlines()) <= 40
    block = _lines(out).split("1 S1.selesai (%)\n", 1)[1].split("\n\n", 1)[0]
    assert block == """\
  Persentase perkara yang diselesaikan
  tepat waktu
  TW I 2024
    Target 90   Realisasi 80,0
    Capaian 88,89   Predikat Baik
    Status tidak tercapai
  s.d. TW II 2024
    Target 90   Realisasi 90,91
    Capaian 101,01
    Predikat Sangat Baik
    Status tercapai
  s.d. TW III 2024
    Target 90   Realisasi 90,59
    Capaian 100,65
    Predikat Sangat Baik
    Status tercapai
  2024
    Target 90   Realisasi 92,73
    Capaian 103,03
    Predikat Sangat Baik
    Status tercapai"""



def test_by_quarter_as_json(files, kinerja, indonesian):
    cat, data = files
    code, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--by", "quarter", "--json")
    doc = json.loads(out)
    assert code == 0
    assert [k for k in doc] == ["catalog", "data", "period", "by", "office", "locale", "policy", "periods",
                                "indicators", "sasaran", "offices", "overall", "diagnostics"]
    assert (doc["catalog"], doc["data"], doc["period"], doc["by"]) == (["c.kin"], "d.toml", "2024-sd-TW3", "quarter")
    assert doc["periods"] == [{"label": "2024-TW1", "title": "TW I 2024"},
                              {"label": "2024-sd-TW2", "title": "s.d. TW II 2024"},
                              {"label": "2024-sd-TW3", "title": "s.d. TW III 2024"}]
    ratio = doc["indicators"][0]
    assert {k: ratio[k] for k in ("id", "sasaran", "office", "unit", "direction")} == {
        "id": "S1.selesai", "sasaran": "S1", "office": "kanwil", "unit": "%", "direction": "higher"}
    assert ratio["cells"][2] == {
        "period": "2024-sd-TW3", "target": "90", "target_text": "90", "realisasi": "90.58823529411764705882352941176471",
        "capaian": "100.65", "capaian_exact": "100.6535947712418300653594771241830", "predikat": "Sangat Baik",
        "status": "ok", "nihil": None, "reason": None}
    assert [c["capaian"] for c in ratio["cells"]] == ["88.89", "101.01", "100.65"]
    assert [c["realisasi"] for c in doc["indicators"][1]["cells"]] == ["76", "77.25", "78.16666666666666666666666666666667"]
    (s1, s2) = doc["sasaran"]
    assert (s1["level"], s1["id"], s1["method"]) == ("sasaran", "S1", "mean of indicators (default)")
    assert s1["cells"][0] == {"period": "2024-TW1", "capaian": "88.89", "capaian_exact": "88.88888888888888888888888888888889",
                              "predikat": "Baik", "status": "ok", "items": ["S1.selesai"], "excluded": {}}
    assert [c["capaian"] for c in doc["overall"]["cells"]] == ["95.11", "100.67", "100.43"]
    assert [o["id"] for o in doc["offices"]] == ["kanwil"] and doc["diagnostics"] == []
    code, schema_text, _ = kinerja("schema", "--by")  # the document validates against its published schema
    from kinerja_dsl.engine.reports.monitor import Monitoring
    assert code == 0 and json.loads(schema_text)["title"] == "Monitoring"
    Monitoring.model_validate_json(out)
    # --out x.json writes the same document
    code, _, err = kinerja("eval", cat, "--data", data, "--period", "2024-TW3", "--by", "quarter", "--out", "m.json")
    with open("m.json", encoding="utf-8") as f:
        assert (code, err, f.read()) == (0, "m.json ditulis\n", out)


def test_by_month_lists_each_month_from_january(files, kinerja, write, indonesian):
    cat, _ = files
    write("months.toml", "".join(f'["2024-{m:02d}".kanwil]\nselesai = {m}\nmasuk = 10\nskor = {70 + m}\n'
                                 for m in range(1, 4)))
    code, out, _ = kinerja("eval", cat, "--data", "months.toml", "--period", "2024-TW1", "--by", "month", "--json")
    doc = json.loads(out)
    assert [p["title"] for p in doc["periods"]] == ["Januari 2024", "s.d. Februari 2024", "s.d. Maret 2024"]
    assert [p["label"] for p in doc["periods"]] == ["2024-B01", "2024-sd-B02", "2024-sd-B03"]
    # 1/10, (1+2)/20, (1+2+3)/30: the months summed from January
    assert [c["realisasi"] for c in doc["indicators"][0]["cells"]] == ["10.0", "15.00", "20.0"]
    assert [c["period"] for c in doc["indicators"][1]["cells"]] == ["2024-B01", "2024-sd-B02", "2024-sd-B03"]
    assert [c["realisasi"] for c in doc["indicators"][1]["cells"]] == ["71", "71.5", "72"]  # a score: averaged


CSV_80 = """\
\ufeffCapaian Kinerja s.d. TW II 2024 per triwulan
No;Kode;Sasaran;Indikator;Satuan;Target TW I 2024;Realisasi TW I 2024;Capaian TW I 2024;Predikat TW I 2024;Status TW I 2024;Target s.d. TW II 2024;Realisasi s.d. TW II 2024;Capaian s.d. TW II 2024;Predikat s.d. TW II 2024;Status s.d. TW II 2024;Keterangan
1;S1.selesai;Meningkatnya penyelesaian perkara;Persentase perkara yang diselesaikan tepat waktu;%;90;80,0;88,89;Baik;tidak tercapai;90;90,91;101,01;Sangat Baik;tercapai;
2;S2.ikm;Meningkatnya kepuasan layanan;Indeks kepuasan masyarakat;indeks;75;76;101,33;Sangat Baik;tercapai;77;77,25;100,32;Sangat Baik;tercapai;

Capaian per Sasaran s.d. TW II 2024 per triwulan
No;Kode;Sasaran;Capaian TW I 2024;Predikat TW I 2024;Status TW I 2024;Indikator TW I 2024;Capaian s.d. TW II 2024;Predikat s.d. TW II 2024;Status s.d. TW II 2024;Indikator s.d. TW II 2024
1;S1;Meningkatnya penyelesaian perkara;88,89;Baik;tidak tercapai;1/1;101,01;Sangat Baik;tercapai;1/1
2;S2;Meningkatnya kepuasan layanan;101,33;Sangat Baik;tercapai;1/1;100,32;Sangat Baik;tercapai;1/1

Capaian per Satker dan keseluruhan s.d. TW II 2024 per triwulan
Tingkat;Kode;Uraian;Capaian TW I 2024;Predikat TW I 2024;Status TW I 2024;Capaian s.d. TW II 2024;Predikat s.d. TW II 2024;Status s.d. TW II 2024;Metode
Satker;kanwil;Kantor Wilayah;95,11;Sangat Baik;tidak tercapai;100,67;Sangat Baik;tercapai;rata-rata indikator (bawaan)
Keseluruhan;;Capaian keseluruhan;95,11;Sangat Baik;tidak tercapai;100,67;Sangat Baik;tercapai;rata-rata sasaran (bawaan)

Realisasi anggaran s.d. TW II 2024 per triwulan
No;Kode;Uraian;Untuk;Pagu TW I 2024;Realisasi TW I 2024;Serapan TW I 2024;Capaian TW I 2024;Efisiensi TW I 2024;Pagu s.d. TW II 2024;Realisasi s.d. TW II 2024;Serapan s.d. TW II 2024;Capaian s.d. TW II 2024;Efisiensi s.d. TW II 2024
"""


def test_by_quarter_to_csv_and_markdown(files, kinerja, indonesian):
    """The LKjIP tables as `eval --out` writes them, one column group per period."""
    cat, data = files
    code, _, err = kinerja("eval", cat, "--data", data, "--period", "2024-TW2", "--by", "quarter", "--out", "m.csv")
    assert (code, err) == (0, "m.csv ditulis\n")
    with open("m.csv", encoding="utf-8", newline="") as f:
        assert f.read().replace("\r\n", "\n") == CSV_80
    code, _, _ = kinerja("eval", cat, "--data", data, "--period", "2024-TW2", "--by", "quarter", "--out", "m.md")
    with open("m.md", encoding="utf-8") as f:
        text = f.read()
    assert code == 0
    assert text.startswith(
        "## Capaian Kinerja s.d. TW II 2024 per triwulan\n\n"
        "| No | Kode | Sasaran | Indikator | Satuan | Target TW I 2024 | Realisasi TW I 2024 | Capaian TW I 2024 | "
        "Predikat TW I 2024 | Status TW I 2024 | Target s.d. TW II 2024 | Realisasi s.d. TW II 2024 | "
        "Capaian s.d. TW II 2024 | Predikat s.d. TW II 2024 | Status s.d. TW II 2024 | Keterangan |\n"
        "|---:|---|---|---|---|---:|---:|---:|---|---|---:|---:|---:|---|---|---|\n"
        "| 1 | S1.selesai | Meningkatnya penyelesaian perkara | Persentase perkara yang diselesaikan tepat waktu | % | "
        "90 | 80,0 | 88,89 | Baik | tidak tercapai | 90 | 90,91 | 101,01 | Sangat Baik | tercapai | - |\n")
    assert ("| Keseluruhan | - | Capaian keseluruhan | 95,11 | Sangat Baik | tidak tercapai | 100,67 | Sangat Baik | "
            "tercapai |") in text


def test_by_quarter_to_xlsx(files, kinerja, indonesian):
    openpyxl = pytest.importorskip("openpyxl")
    cat, data = files
    code, _, _ = kinerja("eval", cat, "--data", data, "--by", "quarter", "--out", "m.xlsx")
    assert code == 0
    book = openpyxl.load_workbook("m.xlsx")
    assert book.sheetnames == ["Indikator", "Sasaran", "Keseluruhan", "Anggaran"]
    rows = list(book["Indikator"].iter_rows(values_only=True))
    assert rows[0][:10] == ("No", "Kode", "Sasaran", "Indikator", "Satuan", "Target TW I 2024", "Realisasi TW I 2024",
                            "Capaian TW I 2024", "Predikat TW I 2024", "Status TW I 2024")
    assert rows[0][-6:] == ("Target 2024", "Realisasi 2024", "Capaian 2024", "Predikat 2024", "Status 2024",
                            "Keterangan")
    assert [rows[1][k] for k in (7, 12, 17, 22)] == [88.89, 101.01, 100.65, 103.03]  # numeric cells
    cell = book["Indikator"].cell(2, 18)
    assert (cell.data_type, cell.number_format) == ("n", "#,##0.00")
    overall = list(book["Keseluruhan"].iter_rows(values_only=True))[2]
    assert overall[:6] == ("Keseluruhan", None, "Capaian keseluruhan", 95.11, "Sangat Baik", "tidak tercapai")
    assert book["Indikator"].freeze_panes == "A2"


def test_the_exit_code_is_the_last_periods(kinerja, write, monkeypatch, indonesian):
    """A quarter missing makes the later periods incomplete: the view still shows them, names
    why per period, and exits 1 when an IKU has no capaian in the last period of the view."""
    cat = write("c.kin", CATALOG)
    write("d.toml", _data((1, 2)))
    monkeypatch.chdir(cat.parent)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = kinerja("eval", "c.kin", "--data", "d.toml", "--by", "quarter")
    assert code == 1
    assert err == "kinerja eval: 1 IKU tanpa capaian pada 2024: S1.selesai (data belum lengkap); kode keluar 1\n"
    assert "  s.d. TW III 2024      90          -        -  -            data belum\n" in out
    assert ("  S1.selesai s.d. TW III 2024: data belum lengkap — `selesai` untuk 2024-sd-TW3:\n2024-TW3 tidak ada "
            "(yang ada: 2024-TW1, 2024-TW2)\n") in out
    code, _, err = kinerja("eval", "c.kin", "--data", "d.toml", "--period", "2024-S1", "--by", "quarter")
    assert (code, err) == (0, "")  # TW I and s.d. TW II are complete


@pytest.mark.parametrize("args, message", [
    (("--period", "2024-TW1", "--by", "quarter"),
     "kinerja eval: --by quarter is not finer than `2024-TW1` (Q1 2024): give a longer --period (e.g. 2024) or "
     "a shorter --by\n"),
    (("--period", "2024-TW3", "--by", "semester"),
     "kinerja eval: `2024-sd-TW3` (to Q3 2024) is not made of whole semesters\n"),
    (("--period", "2024-TW3", "--alone", "--by", "month"),
     "kinerja eval: `2024-TW3` (Q3 2024) does not start in January, and --by lists the cumulative periods from "
     "January: leave out --alone\n"),
    (("--by", "quarter", "--each-office"),
     "kinerja eval: --by shows one office's periods side by side and --each-office every office in one period: "
     "give one of them\n"),
])
def test_a_by_that_does_not_divide_the_period_is_a_usage_error(files, kinerja, args, message):
    cat, data = files
    code, out, err = kinerja("eval", cat, "--data", data, *args)
    assert (code, out, err) == (4, "", message)


def test_the_help_says_how_periods_are_read(kinerja):
    _, out, _ = kinerja("eval", "--help")
    said = " ".join(out.split())
    assert "read from January as a report reads it: 2024-TW3 is s.d. TW III, January to September" in said
    assert "--alone read --period by itself, not from January: --period 2024-TW3 --alone is July to September" in said
    assert "--by {quarter,semester,month}" in said and "TW I, s.d. TW II, s.d. TW III and the year" in said
    _, out, _ = kinerja("template", "--help")
    said = " ".join(out.split())
    assert "2024-TW3 is July to September" in said and "to fill in for `eval --by`: --period 2024 --by quarter" in said


# ---- template --by --------------------------------------------------------------------------

def test_template_by_quarter_fills_in_and_evaluates_by_quarter(files, kinerja, indonesian):
    """The template's rows are the quarters alone; filled in, `eval --by quarter` reads them."""
    cat, _ = files
    code, _, err = kinerja("template", cat, "--period", "2024", "--by", "quarter", "--out", "t.csv")
    assert (code, err) == (0, "t.csv ditulis\n")
    with open("t.csv", encoding="utf-8-sig", newline="") as f:
        preamble, text = f.read().split("\r\n", 1)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert preamble == "# locale: id" and rows[0][0] == "Periode" and rows[0][-1] == "Nilai"
    assert [(r[0], r[3]) for r in rows[1:]] == [(f"2024-TW{q}", field) for q in (1, 2, 3, 4)
                                                for field in ("masuk", "selesai", "skor")]
    values = {"selesai": 0, "masuk": 1, "skor": 2}
    for r in rows[1:]:
        r[-1] = str(QUARTERS[int(r[0][-1])][values[r[3]]]).replace(".", ",")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    with open("filled.csv", "w", encoding="utf-8-sig", newline="") as f:
        f.write(preamble + "\r\n" + buffer.getvalue())
    code, out, err = kinerja("eval", cat, "--data", "filled.csv", "--by", "quarter", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert [c["capaian"] for c in doc["indicators"][0]["cells"]] == ["88.89", "101.01", "100.65", "103.03"]
    assert [c["capaian"] for c in doc["overall"]["cells"]] == ["95.11", "100.67", "100.43", "100.97"]


GROWTH = """\
office kanwil "Kanwil"
field pnbp "PNBP" amount
field ikm "IKM" score
indicator G.tumbuh "Pertumbuhan PNBP" {
  office kanwil
  unit "%"
  value (pnbp - prev(pnbp)) / prev(pnbp)
  scale 100
  direction higher
  target 2024 = 5
}
indicator G.naik "Kenaikan IKM" {
  office kanwil
  unit "poin"
  value ikm - prev_period(ikm)
  direction higher
  target 2024 = 1
}
"""


def _template_rows(kinerja, *args) -> list[tuple[str, str]]:
    code, _, err = kinerja("template", "g.kin", *args, "--out", "g.csv")
    assert (code, err) == (0, "g.csv ditulis\n")
    with open("g.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(io.StringIO(f.read().split("\r\n", 1)[1]), delimiter=";"))
    return [(r[0], r[3]) for r in rows[1:]]


def test_template_adds_the_periods_prev_and_prev_period_read(write, kinerja, monkeypatch, indonesian):
    """prev() reads the same period a year earlier, prev_period() the period before (the
    indicator's `earlier` reads, no formula text parsed)."""
    monkeypatch.chdir(write("g.kin", GROWTH).parent)
    assert _template_rows(kinerja, "--period", "2024-TW3") == [
        ("2024-TW2", "ikm"), ("2024-TW3", "ikm"), ("2024-TW3", "pnbp"), ("2023-TW3", "pnbp")]
    # by quarter, for the season from January: TW I's period before is the year 2023, made of its quarters
    assert _template_rows(kinerja, "--period", "2024", "--by", "quarter") == [
        (f"{year}-TW{q}", field) for year in (2024, 2023) for q in (1, 2, 3, 4) for field in ("ikm", "pnbp")]


def test_template_by_usage_errors(files, kinerja, indonesian):
    cat, _ = files
    code, out, err = kinerja("template", cat, "--period", "2024-TW2", "--by", "quarter", "--out", "t.csv")
    assert (code, out) == (4, "")
    assert err == ("kinerja template: --by quarter tidak membagi `2024-TW2` (TW II 2024) menjadi dua periode atau "
                   "lebih: berikan --period yang lebih panjang (mis. 2024) atau --by yang lebih pendek\n")
    code, _, _ = kinerja("template", cat, "--period", "2024", "--by", "week", "--out", "t.csv")
    assert code == 4
    # up to s.d. TW III by quarter: the three quarters `eval --period 2024-TW3 --by quarter` reads
    code, _, _ = kinerja("template", cat, "--period", "2024-sd-TW3", "--by", "quarter", "--out", "t.csv")
    with open("t.csv", encoding="utf-8-sig") as f:
        assert sorted({line.split(";")[0] for line in f.read().splitlines()[2:]}) == [
            "2024-TW1", "2024-TW2", "2024-TW3"]
    # a quarter by month: its own three months (the rows stay literal)
    code, _, _ = kinerja("template", cat, "--period", "2024-TW2", "--by", "month", "--out", "t.csv")
    with open("t.csv", encoding="utf-8-sig") as f:
        assert sorted({line.split(";")[0] for line in f.read().splitlines()[2:]}) == [
            "2024-B04", "2024-B05", "2024-B06"]

"""Terminal tables at 80, 60 and 40 columns never lose a figure (issue 11, §5).

Below 80 columns rich used to drop whole columns without a word (No and Status at 60,
Capaian at 40) and cut Predikat. These run the real commands at a fixed width ($COLUMNS,
which rich reads) and look for every figure of a row, whole, inside that row's lines.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from decimal import Decimal

import pytest

from conftest import ROOT
from kinerja_dsl.engine.cli import main
from kinerja_dsl.engine.numbers import localized
from kinerja_dsl.engine.rendering.render import display
from kinerja_dsl.engine.words import status_text

SUMSEL = ROOT / "indicators" / "sumsel-2024"
BANTEN = ROOT / "indicators" / "banten-2024"
WIDTHS = (80, 60, 40)


def _whole(figure: str, text: str) -> bool:
    """`figure` stands in `text` on one line, neither cut (… or a wrap) nor part of a longer figure."""
    return re.search(rf"(?<![\w,.…-]){re.escape(figure)}(?![\w,.…])", text) is not None


def _segments(out: str, start: str, stop: str) -> list[str]:
    """The lines of each row: from a line matching `start` up to the next matching `stop`."""
    lines = out.splitlines()
    found = []
    for first in (i for i, line in enumerate(lines) if re.match(start, line)):
        rest = next((i for i in range(first + 1, len(lines)) if re.match(stop, lines[i])), len(lines))
        found.append("\n".join(lines[first:rest]))
    assert found, (start, out)
    return found


def _segment(out: str, start: str, stop: str) -> str:
    return _segments(out, start, stop)[0]


@pytest.fixture
def at_width(kinerja, monkeypatch):
    """Run `kinerja` as on a terminal `width` columns wide, in the default language (Indonesian,
    whose status words, `tidak tercapai`, are the longest)."""
    def run(width: int, *args):
        monkeypatch.delenv("KINERJA_LANG", raising=False)
        monkeypatch.setenv("COLUMNS", str(width))
        return kinerja(*args)
    return run


@pytest.fixture(scope="module")
def sumsel_json():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["eval", str(SUMSEL), "--data", str(SUMSEL / "realisasi.toml"), "--json"])
    return json.loads(buffer.getvalue())


def _figures(r: dict) -> list[str]:
    """What the terminal prints for an indicator: Target, Realisasi, Capaian, Predikat, and each
    word of the Status (whose words may wrap inside the column)."""
    number = lambda v: display(Decimal(v) if v is not None else None, "id")
    target = localized(r["target_text"], "id") if r["target_text"] else "-"
    return [target, number(r["realisasi"]), number(r["capaian"]), r["predikat"] or "-", *_status_words(r)]


def _status_words(r: dict) -> list[str]:
    """The words of a result's status as the terminal prints it (`tidak`, `tercapai`)."""
    capaian = Decimal(r["capaian"]) if r["capaian"] is not None else None
    return status_text(r["status"], r.get("nihil"), capaian).replace("(", "").replace(")", "").split()


@pytest.mark.parametrize("width", WIDTHS)
def test_eval_keeps_every_figure_of_every_row_whole(width, at_width, sumsel_json):
    """Each numbered row of the main table holds its No, Target, Realisasi, Capaian, Predikat and
    Status whole; no line is wider than the terminal."""
    code, out, _ = at_width(width, "eval", SUMSEL, "--data", SUMSEL / "realisasi.toml")
    assert code in (0, 1)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width
    table = out.split("Capaian Kinerja 2024", 1)[1].split("Capaian per Sasaran", 1)[0]
    numbered = [(n, r) for n, r in enumerate(sumsel_json["indicators"], start=1) if r["sasaran"]]
    assert len(numbered) >= 20
    for n, r in numbered:
        row = _segment(table, rf"\s*{n}\s", r"\s*\d+\s|\S")
        assert r["id"].split(".")[0] in row
        for figure in _figures(r):
            assert _whole(figure, row), (width, n, r["id"], figure, row)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_chosen_row_reads_the_same_at_every_width(width, at_width):
    """AHU.pnbp, the row with the widest figures (a negative capaian, Sangat Kurang), from the
    report itself rather than from the JSON: every figure present and whole."""
    _, out, _ = at_width(width, "eval", SUMSEL, "--data", SUMSEL / "realisasi.toml")
    row = _segment(out, r"\s*11\s", r"\s*12\s")
    for figure in ("11", "6", "-34,17", "-569,50", "Sangat Kurang", "tidak", "tercapai"):
        assert _whole(figure, row), (width, figure, row)
    if width < 79:  # too narrow for the table: the rows come as blocks, and it says so
        assert f"(satu blok per baris: tabel memerlukan 79 kolom, terminal ini {width})" in " ".join(out.split())
        assert "Persentase peningkatan PNBP Ditjen AHU di Kantor Wilayah" in " ".join(row.split())
    else:
        assert "one block per row" not in out
        assert any(line.split() == ["No", "Indikator", "Target", "Realisasi", "Capaian", "Predikat", "Status"]
                   for line in out.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_sasaran_and_satker_tables_keep_capaian_and_predikat(width, at_width, sumsel_json):
    """The aggregate tables: every sasaran's and satker's capaian, predikat, status, count."""
    _, out, _ = at_width(width, "eval", SUMSEL, "--data", SUMSEL / "realisasi.toml")
    for section, stop, level in (("Capaian per Sasaran", "Capaian per Satker", "sasaran"),
                                 ("Capaian per Satker", "Capaian keseluruhan", "offices")):
        table = out.split(section, 1)[1].split(stop, 1)[0]
        ids = [r["id"] for r in sumsel_json[level]]
        for r in sumsel_json[level]:
            row = _segment(table, rf"\s*{re.escape(r['id'])}\b", "|".join(rf"\s*{re.escape(i)}\b" for i in ids
                                                                          if i != r["id"]))
            count = f"{len(r['items'])}/{len(r['items']) + len(r['excluded'])}"
            capaian = display(Decimal(r["capaian"]) if r["capaian"] is not None else None, "id")
            for figure in (capaian, r["predikat"] or "-", *_status_words(r), count):
                assert _whole(figure, row), (width, r["id"], figure, row)


@pytest.mark.parametrize("width", WIDTHS)
def test_audit_keeps_printed_recomputed_and_class(width, at_width):
    """audit: line 804's printed 102,52% against the recomputed 104,6111, classified (propagated:
    3,691 / 3,6 from the realisasi printed on the row), whole."""
    _, out, _ = at_width(width, "audit", BANTEN, "--data", BANTEN / "realisasi.toml",
                         "--published", BANTEN / "published.toml")
    row = next(r for r in _segments(out, r"\s*804\s+PAS\.iph", r"\s*\d+\s|\S") if "capaian" in r)
    for figure in ("804", "PAS.iph", "102,52%", "104,6111", "terbawa"):
        assert _whole(figure, row), (width, figure, row)


OLD = """
office kanwil "Kantor Wilayah"
field lulus "Peserta lulus pelatihan" count
field peserta "Peserta pelatihan" count
sasaran S1 "Meningkatnya kompetensi pegawai"
indicator S1.lulus "Persentase peserta pelatihan teknis yang lulus ujian akhir" {
  sasaran S1
  office kanwil
  unit "%"
  numerator lulus
  denominator peserta
  scale 100
  direction higher
  target 2024 = 80
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_diff_keeps_old_new_and_delta(width, at_width, write):
    """diff --data: a target raised from 80 to 95, and the capaian before, after and its change."""
    old, new = write("old.kin", OLD), write("new.kin", OLD.replace("target 2024 = 80", "target 2024 = 95"))
    data = write("data.toml", '["2024".kanwil]\nlulus = 72\npeserta = 80\n')
    code, out, err = at_width(width, "diff", old, new, "--data", data)
    assert code == 0, err
    change = _segment(out.split("Dampak pada capaian", 1)[0], r"\s*S1\.lulus", r"\S")
    for figure in ("target 2024", "80", "95"):
        assert _whole(figure, change), (width, figure, change)
    effects = out.split("Dampak pada capaian", 1)[1]
    for level, ident in (("indikator", "S1.lulus"), ("sasaran", "S1"), ("keseluruhan", "overall")):
        row = _segment(effects, rf"\s*{level}\s+{re.escape(ident)}", r"\s*(indikator|sasaran|keseluruhan)\s|\S")
        for figure in ("112,50", "94,74", "-17,76"):
            assert _whole(figure, row), (width, level, figure, row)


def test_explain_components_keep_weight_and_value_at_40(at_width):
    """explain's component table of an index: each weight and value whole at 40 columns."""
    _, out, _ = at_width(40, "explain", SUMSEL, "--data", SUMSEL / "realisasi.toml", "PAS.iph")
    row = _segment(out, r"\s+tahanan\s*$", r"\s+\w+\s*$")
    for figure in ("12,50%", "3,880"):
        assert _whole(figure, row), (figure, row)

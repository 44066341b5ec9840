"""The engine on the seed reports' own numbers (each test cites its seed line).

Seeds: 002 = LKjIP 2024 Kanwil Banten, 003 = LKjIP 2024 Kanwil Sumatera Selatan.
Every catalog and figure used here is written out in the test, so the project
stands alone.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kinerja_dsl.engine.application import evaluate, load_catalog, prepare
from kinerja_dsl.engine.rendering.narrate import node_text, step_text

D = Decimal

PERCENT = """
indicator {id} "{label}" {{
  sasaran {sasaran}
  unit "%"
  numerator {num}
  denominator {den}
  scale 100
  direction higher
  target 2024 = {target}
{extra}}}
"""


def run(write, catalog: str, data: str, period: str = "2024", alone: bool = False):
    """The pipeline `kinerja eval` runs (load, prepare, evaluate): results by id per level.
    `period` is read as `--period` reads it (2024-TW2: January to June), `alone` as `--alone`."""
    loaded = load_catalog([write("catalog.kin", catalog)])
    assert loaded.ok, [d.render() for d in loaded.diagnostics]
    prepared = prepare(loaded, write("realisasi.toml", data), period_text=period, alone=alone)
    assert [d.render() for d in prepared.diagnostics] == []
    ev = evaluate(prepared)
    return ({r.id: r for r in ev.indicators}, {s.id: s for s in ev.sasaran}, {o.id: o for o in ev.offices},
            ev.overall)


def fields(*names: str) -> str:
    return "".join(f'field {n} "{n}" count\n' for n in names)


def test_no_cap_400_and_142_86(write):
    """003 L995: JDIHN 100% against a 25% target = 400 (no cap); L997: 23/23 vs 70 = 142,86."""
    catalog = ("policy {\n  cap none\n}\nsasaran B \"BPHN\"\n" + fields("jdihn_kelola", "jdihn_total", "desa_sadar", "desa_total")
               + PERCENT.format(id="B.jdihn", label="Anggota JDIHN dikelola", sasaran="B", num="jdihn_kelola",
                                den="jdihn_total", target=25, extra="")
               + PERCENT.format(id="B.desa", label="Desa sadar hukum", sasaran="B", num="desa_sadar",
                                den="desa_total", target=70, extra=""))
    data = '["2024"]\njdihn_kelola = 36\njdihn_total = 36\ndesa_sadar = 23\ndesa_total = 23\n'
    results, _, _, _ = run(write, catalog, data)
    assert results["B.jdihn"].capaian == D("400.00")
    assert results["B.desa"].capaian == D("142.86")
    assert results["B.desa"].capaian_exact.quantize(D("0.000001")) == D("142.857143")  # unrounded for means


def test_with_a_cap_of_120_the_same_data_gives_120(write):
    """ASN rules / e-SAKIP apps cap capaian at 120: a declared policy, never a constant."""
    catalog = ("policy {\n  cap 120\n}\nsasaran B \"BPHN\"\n" + fields("n", "d")
               + PERCENT.format(id="B.j", label="J", sasaran="B", num="n", den="d", target=25, extra=""))
    results, _, _, _ = run(write, catalog, '["2024"]\nn = 36\nd = 36\n')
    assert results["B.j"].capaian == D("120.00")
    assert any(step_text(s) == "capped at 120" for s in results["B.j"].steps)


def test_negative_growth_has_no_floor(write):
    """003 L985 / L2001: PNBP 8.219.700.000 vs 12.486.600.000 = −34,17% against 6% = −569,50."""
    catalog = """
policy {
  floor none
  round_realisasi half_up 2
}
field pnbp "PNBP AHU" amount
sasaran AHU "PNBP"
indicator AHU.pnbp "Persentase peningkatan PNBP" {
  sasaran AHU
  unit "%"
  value (pnbp - prev(pnbp)) / prev(pnbp)
  scale 100
  direction higher
  target 2024 = 6
}
"""
    data = '["2023"]\npnbp = 12486600000\n["2024"]\npnbp = 8219700000\n'
    results, sasaran, _, _ = run(write, catalog, data)
    r = results["AHU.pnbp"]
    assert r.realisasi == D("-34.17")
    assert r.capaian == D("-569.50")
    assert sasaran["AHU"].capaian == D("-569.50")


def test_floor_zero_prints_a_negative_capaian_as_zero(write):
    """Another office prints a negative capaian as 0: `floor 0`."""
    catalog = """
policy {
  floor 0
}
field pnbp "PNBP AHU" amount
indicator AHU.pnbp "Persentase peningkatan PNBP" {
  unit "%"
  value (pnbp - prev(pnbp)) / prev(pnbp)
  scale 100
  direction higher
  target 2024 = 6
}
"""
    results, _, _, _ = run(write, catalog, '["2023"]\npnbp = 12486600000\n["2024"]\npnbp = 8219700000\n')
    assert results["AHU.pnbp"].capaian == D("0.00")


BASAN_BARAN = """
policy {
  cap none
}
field admin "Basan diadministrasikan" count
field admin_total "Basan" count
field rekom "Rekomendasi" count
field rekom_total "Penilaian" count
field hilang_aman "Basan tidak hilang/rusak" count
field hilang_total "Basan hilang/rusak (kasus)" count
field selamat "Basan diselamatkan" count
field selamat_total "Kondisi darurat" count
field keluar "Basan dikeluarkan" count
field keluar_total "Basan siap dikeluarkan" count
indicator PAS.basan "Indeks pengelolaan basan baran" {
  unit indeks
  direction higher
  range 0 .. 4
  index {
    group basan "Basan Baran" weight 100% scale 4 cap 4 nihil achieved {
      component admin weight 25% = admin / admin_total
      component rekom weight 25% = rekom / rekom_total
      component hilang weight 1/6 = hilang_aman / hilang_total
      component selamat weight 1/6 = selamat / selamat_total
      component keluar weight 1/6 = keluar / keluar_total
    }
  }
  target 2024 = 3.6
  round half_up 3
}
"""
BASAN_DATA = """["2024"]
admin = 17
admin_total = 17
rekom = 0
rekom_total = 0
hilang_aman = 0
hilang_total = 0
selamat = 0
selamat_total = 0
keluar = 8
keluar_total = 12
"""


def test_composite_nihil_achieved_keeps_its_weight(write):
    """002 L2472-2476: Basan Baran = 4 × (0,25 + 0,25 + 1/6 + 1/6 + 1/6 × 8/12) = 3,778."""
    results, _, _, _ = run(write, BASAN_BARAN, BASAN_DATA)
    r = results["PAS.basan"]
    assert r.realisasi.quantize(D("0.001")) == D("3.778")
    nihil = [c.path for c in r.components if c.nihil == "achieved"]
    assert nihil == ["PAS.basan/basan/rekom", "PAS.basan/basan/hilang", "PAS.basan/basan/selamat"]


@pytest.mark.parametrize("rule, expected", [("excluded", "3.467"), ("zero", "1.444")])
def test_composite_other_nihil_rules_give_what_the_report_rules_out(write, rule, expected):
    """002 reference: excluding the nihil components gives 3,467, zero gives 1,444 (not printed)."""
    results, _, _, _ = run(write, BASAN_BARAN.replace("nihil achieved", f"nihil {rule}"), BASAN_DATA)
    assert results["PAS.basan"].realisasi.quantize(D("0.001")) == D(expected)


def test_dimension_is_capped_at_the_scale_maximum(write):
    """002 L2480-2490: pembinaan narapidana 4,103 -> 4 (components themselves uncapped: 183,98%)."""
    catalog = """
field a "a" count
field b "b" count
field c "c" count
field d "d" count
indicator PAS.bin "Indeks pembinaan" {
  unit indeks
  direction higher
  index {
    group g "Pembinaan" weight 100% scale 4 cap 4 {
      component x weight 50% = a / b
      component y weight 50% = c / d
    }
  }
  target 2024 = 3.6
}
"""
    results, _, _, _ = run(write, catalog, '["2024"]\na = 471\nb = 256\nc = 5\nd = 20\n')
    r = results["PAS.bin"]
    assert r.realisasi == D(4)
    assert {c.path: c.capped for c in r.components if c.kind == "group"} == {"PAS.bin": False, "PAS.bin/g": True}


def test_nihil_excluded_is_left_out_of_the_mean(write):
    """002 L1102-1198: KI aduan 0/0 is Nihil; the KI mean is mean(121,43; 102,00) = 111,71."""
    catalog = ("policy {\n  nihil excluded\n  round_realisasi half_up 2\n}\n" + 'office ki "Divisi Yankum - KI"\n'
               + fields("aduan_selesai", "aduan_masuk", "paham", "responden", "permohonan_naik", "permohonan_lalu")
               + 'sasaran KI1 "Penegakan hukum KI" {\n  office ki\n}\nsasaran KI2 "Pemahaman KI" {\n  office ki\n}\n'
               + PERCENT.format(id="KI1.aduan", label="Penyelesaian aduan KI", sasaran="KI1", num="aduan_selesai",
                                den="aduan_masuk", target=30, extra="  office ki\n")
               + PERCENT.format(id="KI2.paham", label="Masyarakat memahami KI", sasaran="KI2", num="paham",
                                den="responden", target=70, extra="  office ki\n")
               + PERCENT.format(id="KI2.mohon", label="Peningkatan permohonan KI", sasaran="KI2", num="permohonan_naik",
                                den="permohonan_lalu", target=20, extra="  office ki\n"))
    data = ('["2024".ki]\naduan_selesai = 0\naduan_masuk = 0\npaham = 1445\nresponden = 1700\n'
            'permohonan_naik = 2495\npermohonan_lalu = 12228\n')
    results, sasaran, offices, overall = run(write, catalog, data)
    assert results["KI1.aduan"].status == "nihil" and results["KI1.aduan"].capaian is None
    assert results["KI2.paham"].capaian == D("121.43")
    assert results["KI2.mohon"].capaian == D("102.00")
    assert offices["ki"].capaian == D("111.71")
    assert offices["ki"].excluded == {"KI1.aduan": "nihil (excluded)"}
    assert sasaran["KI1"].status == "empty" and sasaran["KI1"].capaian is None
    assert overall.items == ["KI2"]  # the nihil sasaran is dropped from the overall mean


def test_truncation_95_23(write):
    """002 L1593: non-litigasi 80/84 = 95,238… printed 95,23 (truncated), capaian 95,23/80 = 119,04."""
    catalog = ('sasaran B "BPHN"\n' + fields("n", "d")
               + PERCENT.format(id="B.nonlit", label="Bantuan hukum non litigasi", sasaran="B", num="n", den="d",
                                target=80, extra="  round_realisasi truncate 2\n  round truncate 2\n"))
    results, _, _, _ = run(write, catalog, '["2024"]\nn = 80\nd = 84\n')
    assert results["B.nonlit"].realisasi == D("95.23")
    assert results["B.nonlit"].capaian == D("119.03")  # 95,23/80 = 119,0375: truncated
    catalog_half_up = catalog.replace("round truncate 2", "round half_up 2")
    results, _, _, _ = run(write, catalog_half_up, '["2024"]\nn = 80\nd = 84\n')
    assert results["B.nonlit"].capaian == D("119.04")  # as printed at L1593


def test_realisasi_rounded_first_136_83(write):
    """002 L969: PNBP (165.616.525.000 − 153.055.350.000) / 153.055.350.000 = 8,21% -> 8,21/6 = 136,83."""
    catalog = """
field pnbp "PNBP AHU" amount
indicator AHU.pnbp "Persentase peningkatan PNBP" {
  unit "%"
  value (pnbp - prev(pnbp, 4)) / prev(pnbp, 4)
  scale 100
  direction higher
  target 2024 = 6
  round_realisasi half_up 2
}
"""
    # four earlier years whose mean is 153.055.350.000 (the report prints only the mean)
    data = ('["2020"]\npnbp = 153055350000\n["2021"]\npnbp = 153055350000\n["2022"]\npnbp = 153055350000\n'
            '["2023"]\npnbp = 153055350000\n["2024"]\npnbp = 165616525000\n')
    results, _, _, _ = run(write, catalog, data)
    assert results["AHU.pnbp"].capaian == D("136.83")
    unrounded, _, _, _ = run(write, catalog.replace("round_realisasi half_up 2", "round_realisasi none"), data)
    assert unrounded["AHU.pnbp"].capaian == D("136.78")


def test_sasaran_mean_100_65(write):
    """003 L976, L1036, L1076: SJ1 = mean(55/55 vs 100; 3,14 vs 3,1) = mean(100; 101,29) = 100,65."""
    catalog = ('sasaran SJ1 "RB Kanwil"\nfield ra "ra" count\nfield ra_total "ra" count\nfield ikm "ikm" score\n'
               + PERCENT.format(id="SJ1.rb", label="Rencana aksi RB", sasaran="SJ1", num="ra", den="ra_total",
                                target=100, extra="")
               + 'indicator SJ1.ikm "Indeks kepuasan unit kerja" {\n  sasaran SJ1\n  unit indeks\n  value ikm\n'
                 '  direction higher\n  range 0 .. 4\n  target 2024 = 3.1\n}\n')
    results, sasaran, _, _ = run(write, catalog, '["2024"]\nra = 55\nra_total = 55\nikm = 3.14\n')
    assert results["SJ1.ikm"].capaian == D("101.29")
    assert sasaran["SJ1"].capaian == D("100.65")


SUMSEL_IPH = """
field x "x" number
indicator PAS.iph "Indeks Penegakan Hukum Pemasyarakatan (Sumsel)" {
  unit indeks
  direction higher
  index {
%s  }
  target 2024 = 3.6
}
"""


def test_sumsel_index_sub_indices_without_cap_4_0075(write):
    """003 L1518-1529: index = Σ sub-index × 12,5% with sub-indices used uncapped (6,58 > 4) = 4,0075."""
    subs = ["3.88", "3.42", "2.95", "3.99", "6.58", "3.42", "3.84", "3.98"]
    groups = "".join(f"    group s{i} weight 12.5% {{\n      component v weight 100% = {v} * x\n    }}\n"
                     for i, v in enumerate(subs, start=1))
    results, _, _, _ = run(write, SUMSEL_IPH % groups, '["2024"]\nx = 1\n')
    assert results["PAS.iph"].realisasi == D("4.0075")


@pytest.mark.parametrize("mode, expected", [("half_up", "4.00875"), ("truncate", "4.0075")])
def test_sub_indices_rounded_before_they_are_weighted(write, mode, expected):
    """003 L1529 sums sub-indices rounded to 2 decimals: hak napi's 3,9998 is 4,00 half-up (the
    report prints 3,99, i.e. truncated, and gets 4,0075)."""
    subs = ["3.88", "3.42", "2.95", "3.9998", "6.58", "3.42", "3.84", "3.98"]
    groups = "".join(f"    group s{i} weight 12.5% round {mode} 2 {{\n      component v weight 100% = {v} * x\n"
                     "    }\n" for i, v in enumerate(subs, start=1))
    results, _, _, _ = run(write, SUMSEL_IPH % groups, '["2024"]\nx = 1\n')
    assert results["PAS.iph"].realisasi == D(expected)


def test_sumsel_sub_index_is_weighted_mean_of_component_means(write):
    """003 L1191-1209: pelayanan tahanan = (0,5 × 93,88 + 0,5 × mean(114,57; 86,33; 100)) / 25 = 3,88."""
    catalog = ("field over \"\" count\nfield over_t \"\" count\nfield bankum \"\" count\nfield bankum_t \"\" count\n"
               "field jasmani \"\" count\nfield rohani \"\" count\nfield tahanan \"\" count\n"
               'indicator PAS.th "Indeks pelayanan tahanan" {\n  unit indeks\n  direction higher\n  round half_up 2\n'
               "  index scale 4 {\n"
               '    group adm "Administrasi tahanan" weight 50% combine mean {\n'
               "      component overstay = over / over_t\n    }\n"
               '    group yan "Pelayanan tahanan" weight 50% combine mean {\n'
               "      component bankum = bankum / bankum_t\n      component jasmani = jasmani / tahanan\n"
               "      component rohani = rohani / tahanan\n    }\n  }\n  target 2024 = 3.6\n}\n")
    data = ('["2024"]\nover = 26943\nover_t = 28699\nbankum = 700\nbankum_t = 611\njasmani = 24750\n'
            'rohani = 28669\ntahanan = 28669\n')
    results, _, _, _ = run(write, catalog, data)
    assert results["PAS.th"].realisasi.quantize(D("0.01")) == D("3.88")
    assert results["PAS.th"].capaian == D("107.88")


def test_survey_index_is_the_mean_over_units_that_reported(write):
    """002 L2364-2367: UPT Imigrasi scores 99,75; 99,87; 99,42 -> mean 99,68 -> 3,987 (skala 4)."""
    catalog = ('office imi "Divisi Keimigrasian"\noffice tng "Kanim Tangerang" parent imi\n'
               'office srg "Kanim Serang" parent imi\noffice clg "Kanim Cilegon" parent imi\n'
               'office bnt "Kanim Baru" parent imi\nfield skor "Skor survei (0-100)" score\n'
               'indicator IMI.ikm "Indeks kepuasan UPT Imigrasi" {\n  office imi\n  unit indeks\n'
               '  value skor / 100 * 4\n  direction higher\n  range 0 .. 4\n  target 2024 = 3.1\n'
               '  round_realisasi half_up 3\n}\n')
    data = '[meta]\nlocale = "id"\n["2024".tng]\nskor = "99,75"\n["2024".srg]\nskor = 99.87\n["2024".clg]\nskor = "99,42"\n'
    results, _, _, _ = run(write, catalog, data)
    assert results["IMI.ikm"].realisasi == D("3.987")
    assert results["IMI.ikm"].capaian == D("128.61")  # 002 L2357


def test_lower_is_better_formulas_and_range_targets(write):
    """003 L964-970: (2T − R)/T; the t_over_r variant; a range target 80..90."""
    catalog = """
field r "r" number
indicator X.low "Lower" {
  unit "%"
  value r
  direction lower
  target 2024 = 10
}
indicator X.tr "Lower T/R" {
  unit "%"
  value r
  direction lower
  lower_formula t_over_r
  target 2024 = 10
}
indicator X.rng "Range" {
  unit "%"
  value r * 10
  direction higher
  target 2024 = 80 .. 90
}
indicator X.stab "Stabil" {
  unit "%"
  value r * 10
  direction stabilize
  target 2024 = 100 .. 110
}
"""
    results, _, _, _ = run(write, catalog, '["2024"]\nr = 8\n')
    assert results["X.low"].capaian == D("120.00")
    assert results["X.tr"].capaian == D("125.00")
    assert results["X.rng"].capaian == D("100.00")  # 80 is inside 80 .. 90
    assert results["X.stab"].capaian == D("80.00")  # below the band: 80 / 100


def test_missing_data_is_missing_never_zero(write):
    catalog = 'sasaran S "S"\n' + fields("n", "d") + PERCENT.format(id="S.a", label="A", sasaran="S", num="n", den="d",
                                                                    target=90, extra="")
    results, sasaran, _, _ = run(write, catalog, '["2024"]\nn = 5\n')
    assert results["S.a"].status == "missing" and results["S.a"].capaian is None
    assert results["S.a"].missing == ["d"]
    assert sasaran["S"].status == "incomplete"


def test_nihil_error_refuses(write):
    catalog = ('policy {\n  nihil error\n}\n' + fields("n", "d")
               + PERCENT.format(id="S.a", label="A", sasaran="S", num="n", den="d", target=90, extra="")
               ).replace("sasaran S\n", "")
    results, _, _, _ = run(write, catalog, '["2024"]\nn = 0\nd = 0\n')
    assert results["S.a"].status == "error" and "nihil" in results["S.a"].reason


def test_quarterly_data_rolls_up_by_the_declared_rule(write):
    catalog = fields("n", "d") + PERCENT.format(id="S.a", label="A", sasaran="S", num="n", den="d", target=90,
                                                extra="  target 2024 TW2 = 45\n").replace("sasaran S\n", "")
    data = '["2024-TW1"]\nn = 10\nd = 20\n["2024-TW2"]\nn = 15\nd = 20\n["2024-TW3"]\nn = 20\nd = 20\n'
    results, _, _, _ = run(write, catalog, data)  # three quarters are not the year (issue 11)
    assert results["S.a"].status == "incomplete" and results["S.a"].realisasi is None
    assert results["S.a"].reason == "`n` for 2024: 2024-TW4 missing (given: 2024-TW1, 2024-TW2, 2024-TW3)"
    results, _, _, _ = run(write, catalog, data + '["2024-TW4"]\nn = 0\nd = 0\n')
    assert results["S.a"].realisasi == D(45) / D(60) * 100
    results, _, _, _ = run(write, catalog, data, "2024-sd-TW2")  # January to June, against the TW2 target
    assert results["S.a"].realisasi == D("62.5") and results["S.a"].target == D(45)
    assert run(write, catalog, data, "2024-TW2")[0]["S.a"].realisasi == D("62.5")  # --period 2024-TW2: the same
    results, _, _, _ = run(write, catalog, data, "2024-TW2", alone=True)  # the quarter alone: TW2's target is up to TW2
    assert results["S.a"].realisasi == D(75) and results["S.a"].status == "no_target"
    assert results["S.a"].reason == ("no target for 2024-TW2: targets for TW2 2024, read as period_targets cumulative "
                                     "(default); target_fallback none (default)")


def test_json_is_exact_stable_and_validates_against_the_schema(write, kinerja):
    cat = write("c.kin", 'sasaran S "S"\n' + fields("n", "d") + PERCENT.format(
        id="S.a", label="[IKU 1] Persentase", sasaran="S", num="n", den="d", target=70, extra=""))
    data = write("d.toml", '["2024"]\nn = 100\nd = 70\n')
    code, first, _ = kinerja("eval", cat, "--data", data, "--json")
    _, second, _ = kinerja("eval", cat, "--data", data, "--json")
    assert code == 0 and first == second
    doc = json.loads(first)
    assert doc["indicators"][0]["capaian"] == "204.08"
    assert doc["indicators"][0]["realisasi"] == "142.8571428571428571428571428571429"
    code, schema_text, _ = kinerja("schema")
    schema = json.loads(schema_text)
    from kinerja_dsl.engine.evaluation.results import Evaluation
    Evaluation.model_validate_json(first)
    assert schema["title"] == "Evaluation" and set(schema["required"]) >= {"indicators", "sasaran", "period"}


def test_table_escapes_user_text_and_fits_80_columns(write, kinerja, indonesian):
    cat = write("c.kin", 'sasaran S "S"\n' + fields("n", "d") + PERCENT.format(
        id="S.a", label="[IKU 1] [bold]", sasaran="S", num="n", den="d", target=70, extra=""))
    data = write("d.toml", '["2024"]\nn = 80\nd = 84\n')
    code, out, _ = kinerja("eval", cat, "--data", data)
    assert code == 0
    assert "[IKU 1]" in out and "[bold]" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "136,05" in out  # Indonesian notation by default
    assert "\x1b[" not in out  # no colour in a pipe
    code, out, _ = kinerja("eval", cat, "--data", data, "--locale", "en")
    assert "136.05" in out


def test_explain_shows_each_step_with_numbers(write, kinerja):
    cat = write("c.kin", "policy {\n  cap 120\n}\n" + fields("n", "d") + PERCENT.format(
        id="S.a", label="A", sasaran="S", num="n", den="d", target=25, extra="").replace("sasaran S\n", ""))
    data = write("d.toml", '["2024"]\nn = 36\nd = 36\n')
    code, out, _ = kinerja("explain", cat, "--data", data, "S.a", "--locale", "id")
    assert code == 0
    for text in ("numerator: n = 36", "realisasi: 36 / 36 × 100 = 100", "R / T × 100 = 100 / 25 × 100 = 400",
                 "capped at 120", "half_up 2 : 120 -> 120,00", "rule: cap: policy at"):
        assert text in out, text
    code, out, _ = kinerja("explain", cat, "--data", data, "S.a", "--locale", "en")
    assert "half_up 2 : 120 -> 120.00" in out  # the step's numbers in the reader's notation


def test_budget_metrics_are_ordinary_indicators(write):
    """003 L3215: serapan SJ1 = 25.476.031.831 / 25.713.209.000 = 99,08%; efficiency = capaian − serapan;
    Nilai Kinerja Anggaran = 0,6 × SMART + 0,4 × IKPA (weights declared in the formula); IKPA bands."""
    catalog = """
bands ikpa_kemenkeu "Predikat IKPA" {
  "Sangat Baik" >= 95
  "Baik" >= 89 and < 95
  "Cukup" >= 70 and < 89
  "Kurang" < 70
}
field pagu "Pagu" amount
field belanja "Realisasi anggaran" amount
field ra "Rencana aksi terlaksana" count
field ra_total "Rencana aksi" count
field smart "Nilai SMART" number
field ikpa "Nilai IKPA" number
sasaran SJ1 "RB Kanwil"
indicator SJ1.rb "Rencana aksi RB" {
  sasaran SJ1
  unit "%"
  numerator ra
  denominator ra_total
  scale 100
  direction higher
  target 2024 = 100
}
indicator ANG.serapan "Serapan anggaran SJ1" {
  unit "%"
  numerator belanja
  denominator pagu
  scale 100
  direction higher
  target 2024 = 100
}
indicator ANG.efisiensi "Efisiensi SJ1" {
  unit "%"
  value capaian(SJ1.rb) - ANG.serapan
  direction higher
  target 2024 = 0 .. 100
}
indicator ANG.nka "Nilai Kinerja Anggaran" {
  unit nilai
  value 60% * smart + 40% * ikpa
  direction higher
  target 2024 = 90
}
indicator ANG.ikpa "IKPA" {
  unit nilai
  value ikpa
  direction higher
  bands ikpa_kemenkeu realisasi
  target 2024 = 95
}
"""
    data = ('["2024"]\npagu = 25713209000\nbelanja = 25476031831\nra = 55\nra_total = 55\n'
            'smart = 94.5\nikpa = 93\n')
    results, sasaran, _, overall = run(write, catalog, data)
    assert results["ANG.serapan"].realisasi.quantize(D("0.01")) == D("99.08")
    assert results["ANG.efisiensi"].realisasi.quantize(D("0.01")) == D("0.92")
    assert results["ANG.nka"].realisasi == D("93.90")
    assert results["ANG.ikpa"].predikat == "Baik"  # the IKPA score 93 is banded, not its capaian 97,89
    assert overall.items == ["SJ1"]  # budget indicators have no sasaran: outside the means


def test_nihil_option_on_the_index_itself_applies_to_its_components(write):
    """The index block's own `nihil achieved` overrides the policy (helper report on 002 Basan Baran)."""
    catalog = BASAN_BARAN.replace("policy {\n  cap none\n}", "policy {\n  cap none\n  nihil excluded\n}").replace(
        'group basan "Basan Baran" weight 100% scale 4 cap 4 nihil achieved {',
        'group basan "Basan Baran" weight 100% scale 4 cap 4 {').replace("  index {", "  index nihil achieved {")
    results, _, _, _ = run(write, catalog, BASAN_DATA)
    assert results["PAS.basan"].realisasi.quantize(D("0.001")) == D("3.778")


@pytest.mark.parametrize("rule, expected", [("excluded", "3"), ("zero", "2")])
def test_unreported_offices_are_left_out_or_count_as_zero(write, rule, expected):
    """003 L1653-1703: 4 of 26 UPT did not take part in the ILK survey; Tabel 34 counts them as 0
    (2,0985), while the Kanim that were not surveyed are left out (L1941-1943). An office that
    gives `-` was asked and did not report; one that is absent was not asked."""
    catalog = ('office div "Divisi"\noffice u1 "UPT 1" parent div\noffice u2 "UPT 2" parent div\n'
               'office u3 "UPT 3" parent div\noffice u4 "UPT 4 (not surveyed)" parent div\n'
               'field ilk "Indeks layanan" score\n'
               f'indicator D.ilk "ILK UPT" {{\n  office div\n  unit indeks\n  value ilk\n  direction higher\n'
               f'  tidak_lapor {"nol" if rule == "zero" else "dikecualikan"}\n  target 2024 = 3.1\n}}\n')
    data = '["2024".u1]\nilk = 3.5\n["2024".u2]\nilk = 2.5\n["2024".u3]\nilk = "-"\n'
    results, _, _, _ = run(write, catalog, data)
    r = results["D.ilk"]
    assert r.realisasi == D(expected)
    step = r.steps[0]
    assert step.step == "data"
    if rule == "zero":
        assert step_text(step) == ("ilk = 2.0: mean over 3 offices below div: 2 reported, 1 did not and count as 0 "
                               "(unreported zero)")
        assert step.rule.startswith("indicator at")
    else:
        assert step_text(step) == "ilk = 3.0: mean over the 2 offices below div that reported it (1 did not report: left out)"


def test_unreported_policy_formats_to_canonical_english(write):
    from kinerja_dsl.formatter import format_file
    from kinerja_dsl.parser import parse

    parsed, problems = parse("policy {\n  tidak_lapor nol\n}\n", "c.kin")
    assert problems == []
    assert format_file(parsed, "en") == "policy {\n  unreported zero\n}\n"
    # two of its three words are Indonesian: fmt keeps the file Indonesian, `policy` too
    assert format_file(parsed) == "kebijakan {\n  tidak_lapor nol\n}\n"


def test_an_indicator_reads_the_mean_of_a_sasaran_an_office_and_overall(write, kinerja):
    """DESIGN 3.6, 002 L730-746: efisiensi = capaian − serapan, performance = (capaian + serapan +
    kinerja anggaran) / 3, where capaian is a mean the engine computes (here of one sasaran)."""
    catalog = ('office kw "Kanwil"\nfield selesai "" count\nfield masuk "" count\nfield belanja "" amount\n'
               'field pagu "" amount\nsasaran S1 "Sasaran"\n'
               + PERCENT.format(id="S1.p", label="P", sasaran="S1", num="selesai", den="masuk", target=80,
                                extra="  office kw\n")
               + 'indicator ANG.serapan "Serapan" {\n  office kw\n  unit "%"\n  numerator belanja\n'
                 '  denominator pagu\n  scale 100\n  direction higher\n}\n'
                 'indicator ANG.efisiensi "Efisiensi" {\n  office kw\n  unit "%"\n'
                 '  value capaian(S1) - ANG.serapan\n  direction higher\n}\n'
                 'indicator ANG.kw "Capaian Kanwil" {\n  office kw\n  unit "%"\n'
                 '  value (capaian(kw) + capaian(overall)) / 2\n  direction higher\n}\n')
    data = '["2024".kw]\nselesai = 90\nmasuk = 100\nbelanja = 87\npagu = 100\n'
    cat = write("catalog.kin", catalog)
    code, out, err = kinerja("eval", cat, "--data", write("d.toml", data), "--json")
    assert code == 0, err
    import json
    by_id = {r["id"]: r for r in json.loads(out)["indicators"]}
    assert by_id["S1.p"]["capaian"] == "112.50"
    assert D(by_id["ANG.efisiensi"]["realisasi"]) == D("25.5")    # 112,5 − 87
    assert D(by_id["ANG.kw"]["realisasi"]) == D("112.5")
    code, out, _ = kinerja("explain", cat, "--data", write("d.toml", data), "ANG.efisiensi", "--locale", "id")
    assert "capaian(S1) - ANG.serapan = 25,5" in out


def test_out_to_a_missing_folder_or_an_unknown_format_is_a_clear_error(write, kinerja, tmp_path):
    cat = write("c.kin", 'sasaran S "S"\n' + fields("n", "d") + PERCENT.format(
        id="S.a", label="A", sasaran="S", num="n", den="d", target=70, extra=""))
    data = write("d.toml", '["2024"]\nn = 80\nd = 84\n')
    code, _, err = kinerja("eval", cat, "--data", data, "--out", tmp_path / "no" / "such" / "x.md")
    assert code == 3
    assert f"{tmp_path}/no/such/x.md: error[E006]: cannot write the file: No such file or directory" in err
    assert "internal error" not in err
    code, _, err = kinerja("eval", cat, "--data", data, "--out", tmp_path / "x.pdf")
    assert code == 4 and "--out writes .json, .txt, .xlsx, .csv, .md, not `.pdf`" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_component_ratio_rounded_before_it_is_weighted(write):
    """002 L2509: klien 3913/4572 = 85,586% is printed 85,6% and the dimension 4 × 85,6% = 3,424
    (the exact ratio gives 3,423): `round half_up 3` on the component rounds the ratio."""
    catalog = (fields("siap", "total") + 'indicator P.k "Klien" {\n  unit indeks\n  direction higher\n'
               "  index {\n    group klien weight 100% scale 4 cap 4 {\n"
               "      component siap weight 100% round half_up 3 = siap / total\n    }\n  }\n"
               "  target 2024 = 3.6\n}\n")
    results, _, _, _ = run(write, catalog, '["2024"]\nsiap = 3913\ntotal = 4572\n')
    r = results["P.k"]
    assert r.realisasi == D("3.424")
    component = next(c for c in r.components if c.path == "P.k/klien/siap")
    assert component.value == D("0.856") and "half_up 3 -> 0.856" in node_text(component)


def test_a_sub_index_has_its_own_target_and_capaian(write, kinerja):
    """003 L1206: the tahanan sub-index 3,88 against its own target 3,6 = 107,8%."""
    catalog = (fields("a", "b") + 'indicator P.i "Indeks" {\n  unit indeks\n  direction higher\n  index {\n'
               "    group tahanan weight 100% scale 4 round half_up 2 {\n      target 2024 = 3.6\n"
               "      component c weight 100% = a / b\n    }\n  }\n  target 2024 = 3.5\n}\n")
    results, _, _, _ = run(write, catalog, '["2024"]\na = 97\nb = 100\n')
    group = next(c for c in results["P.i"].components if c.path == "P.i/tahanan")
    assert (group.value, group.target) == (D("3.88"), D("3.6"))
    assert group.capaian.quantize(D("0.1")) == D("107.8")
    assert "capaian 3.88 / 3.6 × 100 = 107.777777…" in node_text(group)
    # the formatter keeps the target inside its group, and a bad period is E117
    path = write("bad.kin", catalog.replace("      target 2024 = 3.6", "      target 2024 TW5 = 3.6"))
    code, out, _ = kinerja("check", path)
    assert "error[E117]: unknown period `TW5`" in out and code == 1


def test_a_range_target_reads_in_the_reader_notation(write, kinerja):
    cat = write("c.kin", 'sasaran S "S"\n' + fields("n", "d") + PERCENT.format(
        id="S.a", label="A", sasaran="S", num="n", den="d", target="80.5 .. 90", extra=""))
    data = write("d.toml", '["2024"]\nn = 85\nd = 100\n')
    _, out, _ = kinerja("eval", cat, "--data", data, "--locale", "id")
    assert "80,5 .. 90" in out and ",," not in out
    _, out, _ = kinerja("kamus", cat, "--locale", "id")
    assert "   Target: 2024: 80,5 .. 90" in out.splitlines()


def test_the_eval_header_states_every_policy_as_each_indicator_does(write, kinerja):
    """One policy summary: the eval --json header (the catalog's) carries every policy an
    indicator's own `policy` does, lower_formula and rollup included, and the aggregations."""
    from kinerja_dsl.engine.evaluation.policies import catalog_policy_summary

    cat = write("c.kin", 'policy {\n  lower_formula t_over_r\n}\nsasaran S "S"\n' + fields("n", "d") + PERCENT.format(
        id="S.a", label="A", sasaran="S", num="n", den="d", target=70, extra=""))
    code, out, _ = kinerja("eval", cat, "--data", write("d.toml", '["2024"]\nn = 80\nd = 84\n'), "--json")
    assert code == 0
    doc = json.loads(out)
    header = doc["policy"]
    assert header["lower_formula"] == f"t_over_r (policy at {cat}:2)" and header["rollup"] == "by_kind (default)"
    assert header == catalog_policy_summary(load_catalog([cat]).compiled())
    own = doc["indicators"][0]["policy"]
    assert {k: v for k, v in header.items() if not k.startswith("aggregate ")} == own

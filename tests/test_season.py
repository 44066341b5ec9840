"""The reporting season on real figures: indicators/banten-2024/realisasi-triwulan.toml.

The quarterly file is constructed (the LKjIP prints annual figures only): every 2024 value of
realisasi.toml split into TW1-TW4 so that the quarters roll up, by each name's rule, to the
printed annual value exactly. These tests hold the invariants that make it a proof of the
roll-up: the year built from quarters (or from semesters built from them) is the annual
evaluation to the last digit; a quarter alone is not the year; s.d. TW3 is the first three
quarters; a missing quarter is named, never a smaller `ok`. Every figure is read from the shipped
files under indicators/ or written here.
"""
from __future__ import annotations

import functools
import json
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest

from conftest import ROOT
from kinerja_dsl.catalog import Catalog
from kinerja_dsl.engine import application
from kinerja_dsl.engine.evaluation.evaluate import Evaluated, evaluate_period
from kinerja_dsl.engine.periods import Period
from kinerja_dsl.engine.readers.data import Dataset, Value, check_data, read_data
from kinerja_dsl.vocabulary import Rollup

D = Decimal
FOLDER = ROOT / "indicators" / "banten-2024"
ANNUAL = FOLDER / "realisasi.toml"
QUARTERLY = FOLDER / "realisasi-triwulan.toml"
YEAR = Period.parse("2024")
QUARTERS = [Period.parse(f"2024-TW{n}") for n in range(1, 5)]
TW3 = Period.parse("2024-TW3")
SD_TW3 = Period.parse("2024-sd-TW3")

# What the split declares (catalog.kin, NOTES.md section 5): names per rule, and the indicators
# whose periods add up (a count, or a growth rate of a summed field).
RULES = {Rollup.SUM: 93, Rollup.AVERAGE: 6, Rollup.LAST: 19}
LAST = {"pagu", "ra_rb_total", "upt_rb_terlaksana", "upt_total", "jdih_dikelola", "jdih_anggota",
        "pemda_diseminasi_ham", "pemda_total", "kabkota_peduli_ham", "kabkota_peduli_ham_peserta",
        "ranham_tercapai", "ranham_peserta", "upt_lp_rutan_lpka", "upt_kesling", "faskes_berizin",
        "faskes_total", "upt_deteksi_dini", "upt_kontijensi", "upt_penggeledahan"}
SUMMED_INDICATORS = {"PP.perancang", "BPHN.anev", "BPHN.fasilitasi"}
GROWTH = {"AHU.pnbp", "KI.permohonan"}  # prev() reads the same quarter of earlier years: printed only annually


@functools.lru_cache(maxsize=None)
def catalog() -> Catalog:
    loaded = application.load_catalog([FOLDER])
    assert [d.render() for d in loaded.diagnostics if d.severity == "error"] == []
    assert loaded.catalog is not None
    return loaded.catalog


@functools.lru_cache(maxsize=None)
def dataset(name: str) -> Dataset:
    """A shipped data file, read once (tests that change it take a copy)."""
    data, problems = read_data(FOLDER / name)
    assert [d.render() for d in problems] == []
    return data


def annual() -> Dataset:
    return dataset(ANNUAL.name)


def quarterly() -> Dataset:
    return dataset(QUARTERLY.name)


def evaluated(data: Dataset, period: Period) -> Evaluated:
    return evaluate_period(catalog(), data, period)


@functools.lru_cache(maxsize=None)
def printed_year() -> Evaluated:
    return evaluated(annual(), YEAR)


def figures(ev: Evaluated) -> dict[str, tuple[str, ...]]:
    """Every figure of an evaluation as text (Decimal-exact: 3.10 is not 3.1), by indicator and mean."""
    out: dict[str, tuple[str, ...]] = {}
    for r in ev.indicators:
        out[r.id] = tuple(str(getattr(r, k)) for k in ("target", "realisasi", "capaian", "capaian_exact", "predikat",
                                                       "status", "nihil", "missing"))
    for a in [*ev.sasaran, *ev.offices, *([ev.overall] if ev.overall else [])]:
        out[f"{a.level} {a.id}"] = tuple(str(getattr(a, k)) for k in ("capaian", "capaian_exact", "predikat",
                                                                      "status", "items", "excluded"))
    return out


def rolled(rule: Rollup, values: list[Decimal]) -> Decimal:
    """Periods in time order made one, as the resolver does: summed, averaged or the last."""
    if rule == Rollup.SUM:
        return sum(values, D(0))
    if rule == Rollup.AVERAGE:
        return sum(values, D(0)) / len(values)
    return values[-1]


def copy(data: Dataset, values: dict) -> Dataset:
    return Dataset(data.file, data.locale, values, dict(data.unreported), dict(data.office_at))


def at(data: Dataset, period: Period, office: str, name: str) -> Decimal:
    return data.values[(period, office)][name].value


# ---- the file ----------------------------------------------------------------------------------

def test_the_quarterly_file_holds_every_annual_value_as_four_quarters():
    """Same offices and names as the annual file, each in TW1-TW4 and never for the year itself
    (D011); the earlier years (growth bases) are the annual ones; the catalog finds nothing."""
    a, q = annual(), quarterly()
    assert check_data(q, catalog()) == []
    offices = sorted(o for p, o in a.values if p == YEAR)
    assert len(offices) == 31
    for office in offices:
        names = set(a.values[(YEAR, office)])
        for quarter in QUARTERS:
            assert set(q.values[(quarter, office)]) == names, (office, quarter.label)
    assert {p for p, _ in q.values if p.year == 2024} == set(QUARTERS)
    earlier = {k: {n: v.value for n, v in c.items()} for k, c in a.values.items() if k[0].year < 2024}
    assert {k: {n: v.value for n, v in c.items()} for k, c in q.values.items() if k[0].year < 2024} == earlier


def test_every_name_rolls_up_to_its_printed_annual_value():
    """Field by field and office by office, by the rule that applies to the name (no indicator
    declares a rule of its own, so the field's rule applies whichever indicator reads it)."""
    cat, a, q = catalog(), annual(), quarterly()
    assert {ind.policy.rollup.value for ind in cat.indicators.values()} == {Rollup.BY_KIND}
    names: dict[Rollup, set[str]] = {rule: set() for rule in RULES}
    for (period, office), cell in a.values.items():
        if period != YEAR:
            continue
        for name, printed in cell.items():
            rule = cat.field_rule(name)
            names[rule].add(name)
            parts = [at(q, quarter, office, name) for quarter in QUARTERS]
            assert rolled(rule, parts) == printed.value, (office, name, rule, parts)
            assert str(rolled(rule, parts)) == str(printed.value), (office, name)  # 98.56, not 98.5600
            if rule == Rollup.SUM:
                assert all(p >= 0 and p == p.to_integral_value() for p in parts), (office, name, parts)
    assert {rule: len(found) for rule, found in names.items()} == RULES
    assert names[Rollup.LAST] == LAST


def test_averaged_scores_stay_on_their_scale_and_stocks_end_at_the_year():
    q = quarterly()
    for (period, office), cell in q.values.items():
        if period.year != 2024:
            continue
        for name in ("ikm_skor", "nilai_perencanaan", "nilai_ikpa", "rekomendasi_ham_ditindaklanjuti"):
            if name in cell:
                assert D(0) <= cell[name].value <= D(100), (period.label, office, name)
        if "ikm_ham" in cell:
            assert D(0) <= cell["ikm_ham"].value <= D(4)
    # a pagu is the same every quarter (a ceiling, not a flow)
    for (period, office), cell in annual().values.items():
        if period == YEAR and "pagu" in cell:
            assert [at(q, quarter, office, "pagu") for quarter in QUARTERS] == [cell["pagu"].value] * 4


# ---- the year --------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["2024", "2024-sd-TW4"])
def test_the_year_from_quarters_is_the_printed_year(label):
    """Every indicator's target, realisasi, capaian (rounded and exact), predikat, status and
    every sasaran, office and overall mean: the same digits as the annual file gives."""
    period = Period.parse(label)
    assert period == YEAR  # s.d. TW4 is the year
    expected, got = figures(printed_year()), figures(evaluated(quarterly(), period))
    assert len(expected) == 203
    assert {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v} == {}
    assert got.keys() == expected.keys()


def test_the_year_from_semesters_built_from_the_quarters_is_the_printed_year():
    """S1 = TW1 with TW2 and S2 = TW3 with TW4, each name by its rule; 2024-sd-S2 is the year."""
    cat, q = catalog(), quarterly()
    values: dict = {k: c for k, c in q.values.items() if k[0].year < 2024}
    offices = {o for p, o in q.values if p.year == 2024}
    for semester, (first, second) in ((Period.parse("2024-S1"), QUARTERS[:2]), (Period.parse("2024-S2"), QUARTERS[2:])):
        for office in offices:
            cell = {}
            for name in q.values[(first, office)]:
                parts = [at(q, first, office, name), at(q, second, office, name)]
                cell[name] = Value(rolled(cat.field_rule(name), parts), "", "built in the test", 0)
            values[(semester, office)] = cell
    semesters = copy(q, values)
    period = Period.parse("2024-sd-S2")
    assert period == YEAR
    expected, got = figures(printed_year()), figures(evaluated(semesters, period))
    assert {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v} == {}


def test_the_cli_prints_the_same_year_from_either_file(kinerja):
    """`eval --json`: the same document but for the data file and the explain steps (which show
    each roll-up: `pagu = …: last of 2024-TW1 …`)."""
    code_a, out_a, _ = kinerja("eval", FOLDER, "--data", ANNUAL, "--json")
    code_q, out_q, _ = kinerja("eval", FOLDER, "--data", QUARTERLY, "--period", "2024", "--json")
    assert code_a == code_q

    def without_steps(out: str) -> dict:
        doc = json.loads(out)
        doc.pop("data")
        for r in doc["indicators"]:
            r.pop("steps")
        return doc

    assert without_steps(out_q) == without_steps(out_a)


def test_each_office_on_columns_gives_the_same_year_from_either_file(kinerja):
    pytest.importorskip("numpy")
    _, out_a, _ = kinerja("eval", FOLDER, "--data", ANNUAL, "--each-office", "--json")
    _, out_q, _ = kinerja("eval", FOLDER, "--data", QUARTERLY, "--period", "2024", "--each-office", "--json")
    assert out_q == out_a and len(out_a.splitlines()) > 6000


# ---- parts of the year -----------------------------------------------------------------------

def test_the_indicators_that_add_their_periods_up():
    """By_kind: a value indicator whose fields are all summed adds its periods up (its period
    targets would too); ratios, growth rates (a division, prev()), indices and scores average."""
    cat = catalog()
    summed = {i.id for i in cat.indicators.values() if i.targets and cat.period_rule(i) == Rollup.SUM}
    assert summed == SUMMED_INDICATORS


def test_a_quarter_alone_is_not_the_year_for_the_summed_indicators():
    year = {r.id: r for r in printed_year().indicators}
    tw3 = {r.id: r for r in evaluated(quarterly(), TW3).indicators}
    q = quarterly()
    for ident, field in (("PP.perancang", "perancang_dibina"), ("BPHN.anev", "anev_produk_hukum"),
                         ("BPHN.fasilitasi", "fasilitasi_perencanaan_perda")):
        assert tw3[ident].realisasi == at(q, TW3, catalog().indicators[ident].office or "", field)
        assert tw3[ident].realisasi != year[ident].realisasi, ident
    # budget absorption of the quarter alone: its realisation over the (unchanged) pagu
    assert tw3["ANG.kanwil.serapan"].realisasi < year["ANG.kanwil.serapan"].realisasi
    assert tw3["ANG.adm.serapan"].realisasi != year["ANG.adm.serapan"].realisasi


def _half_up(x: Decimal, places: int) -> Decimal:
    return x.quantize(D(1).scaleb(-places), ROUND_HALF_UP)


def test_s_d_tw3_is_the_first_three_quarters_built_by_hand():
    q = quarterly()
    first = QUARTERS[:3]
    got = {r.id: r for r in evaluated(q, SD_TW3).indicators}

    def series(office: str, name: str) -> list[Decimal]:
        return [at(q, p, office, name) for p in first]

    # a count: the sum of the three quarters
    assert got["PP.perancang"].realisasi == sum(series("pp", "perancang_dibina"), D(0)) == D(9)
    # a ratio of summed counts: sums over sums, not a mean of the quarters' ratios
    litigasi = sum(series("bphn", "bankum_litigasi_selesai"), D(0)) / sum(series("bphn", "bankum_litigasi_permohonan"), D(0))
    assert got["BPHN.litigasi"].realisasi == _half_up(litigasi * 100, 2)
    assert got["BPHN.litigasi"].capaian == _half_up(got["BPHN.litigasi"].realisasi / 82 * 100, 2)
    # a survey score: the mean of the quarters, on scale 4, three decimals; target 3,1 all year
    ikm = sum(series("adm", "ikm_skor"), D(0)) / 3 / 100 * 4
    assert got["ADM.ikm"].realisasi == _half_up(ikm, 3)
    assert got["ADM.ikm"].target == D("3.1")
    # realisasi anggaran s.d. TW3 over the pagu (a stock: TW3's) — the serapan of a monitoring report
    serapan = sum(series("adm", "realisasi_anggaran"), D(0)) / at(q, TW3, "adm", "pagu") * 100
    assert got["ANG.adm.serapan"].realisasi == _half_up(serapan, 2)
    # stocks: the K/L/D reached by the end of September over the region's K/L/D, truncated (L1767)
    diseminasi = at(q, TW3, "ham", "pemda_diseminasi_ham") / at(q, TW3, "ham", "pemda_total") * 100
    assert got["HAM.diseminasi"].realisasi == diseminasi.quantize(D("0.01"), ROUND_DOWN)
    # an office mean of averaged scores: the UPT's quarters, then the 14 UPT that reported
    upt = [o for (p, o), c in q.values.items() if p == TW3 and "ikm_skor" in c and catalog().offices[o].parent == "pas"]
    assert len(upt) == 14
    pas = sum((sum(series(o, "ikm_skor"), D(0)) / 3 for o in upt), D(0)) / len(upt)
    assert got["PAS.ikm"].realisasi == _half_up(pas / 100 * 4, 3)


def test_sub_year_targets_are_the_annual_ones_except_for_sums():
    """target_fallback annual (policy): a percentage or an index is held to the year's target in
    any quarter; the counts declare `none` and say no_target; the growth rates have no sub-year
    value (prev() reads 2023-TW3, printed only for the year). Written against the evaluator's
    target_fallback (engine/evaluation/policies.py target_for)."""
    cat = catalog()
    for period in (TW3, SD_TW3):
        for r in evaluated(quarterly(), period).indicators:
            ind = cat.indicators[r.id]
            if not ind.targets:
                continue
            if r.id in GROWTH:
                assert r.status == "missing" and f"2023-{'sd-' if period.cumulative else ''}TW3" in (r.reason or "")
            elif r.id in SUMMED_INDICATORS | GROWTH:
                assert r.status == "no_target" and r.capaian is None, r.id
                assert "target_fallback none (indicator at" in (r.reason or ""), r.reason
            else:
                annual_target = ind.targets[(2024, None)].low
                assert (r.status, r.target) in (("ok", annual_target), ("nihil", annual_target)), (r.id, r.status)


@pytest.mark.parametrize("label", ["2024-TW1", "2024-TW2", "2024-TW3", "2024-TW4", "2024-sd-TW2", "2024-sd-TW3"])
def test_no_quarter_breaks_a_range_and_nihil_only_where_the_year_has_too_few_cases(label):
    """No numerator above its denominator in any quarter (a range error), and 0/0 only where the
    year is 0/0 (KI aduan) or has fewer than four cases: Pro Yustisia (1, in TW3), BSK (3, none in TW1)."""
    period = Period.parse(label)
    results = evaluated(quarterly(), period).indicators
    assert [(r.id, r.reason) for r in results if r.status == "error"] == []
    nihil = {r.id for r in results if r.status == "nihil"}
    expected = {"KI.aduan"}
    if 9 not in period.months():  # the one Pro Yustisia case came in TW3
        expected.add("IMI.proyustisia")
    if period.months() == range(1, 4):
        expected.add("BSK.rekomendasi")
    assert nihil == expected


# ---- a missing quarter -----------------------------------------------------------------------

def _without_bphn_tw3() -> Dataset:
    q = quarterly()
    return copy(q, {k: c for k, c in q.values.items() if k != (TW3, "bphn")})


GIVEN = "2024-TW1, 2024-TW2, 2024-TW4"
BPHN_INCOMPLETE = {
    "BPHN.anev": "`anev_produk_hukum` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "BPHN.fasilitasi": "`fasilitasi_perencanaan_perda` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "BPHN.litigasi": "`bankum_litigasi_selesai` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "BPHN.nonlitigasi": "`bankum_nonlitigasi_selesai` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "BPHN.desa": "`desa_binaan_dikukuhkan` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "ANG.bphn.serapan": "`realisasi_anggaran` for 2024: 2024-TW3 missing (given: " + GIVEN + ")",
    "ANG.kanwil.serapan": "`realisasi_anggaran` for 2024 at bphn: 2024-TW3 missing (given: " + GIVEN + ")",
}


def test_a_missing_quarter_makes_the_year_incomplete_and_names_it():
    """Without BPHN's TW3 every BPHN figure built from a summed or averaged field is
    `incomplete`, naming 2024-TW3, and so are its sasaran, its office, the Kanwil's budget roll-up
    and the overall mean; never a smaller `ok`. The JDIHN indicator reads stocks (`last`): the
    year needs only TW4, so BPHN2 keeps its printed capaian."""
    ev = evaluated(_without_bphn_tw3(), YEAR)
    by_id = {r.id: r for r in ev.indicators}
    for ident, reason in BPHN_INCOMPLETE.items():
        assert (by_id[ident].status, by_id[ident].reason) == ("incomplete", reason), ident
    printed = {r.id: r for r in printed_year().indicators}
    changed = {i for i, r in by_id.items() if (r.status, r.realisasi) != (printed[i].status, printed[i].realisasi)}
    anggaran = {f"ANG.{o}.{m}" for o in ("bphn", "kanwil")
                for m in ("serapan", "perencanaan", "ikpa", "kinerja", "efisiensi", "performance")}
    assert changed == set(BPHN_INCOMPLETE) - {"ANG.bphn.serapan", "ANG.kanwil.serapan"} | anggaran
    assert all(by_id[i].status in ("incomplete", "missing") and by_id[i].realisasi is None for i in changed)
    sasaran = {s.id: s for s in ev.sasaran}
    assert {s for s in ("BPHN1", "BPHN2", "BPHN3", "BPHN4") if sasaran[s].status == "incomplete"} == {"BPHN1", "BPHN3", "BPHN4"}
    assert sasaran["BPHN3"].excluded["BPHN.litigasi"] == "incomplete: " + BPHN_INCOMPLETE["BPHN.litigasi"]
    assert figures(ev)["sasaran BPHN2"] == figures(printed_year())["sasaran BPHN2"]
    assert {o.id: o.status for o in ev.offices}["bphn"] == "incomplete"
    assert ev.overall is not None and ev.overall.status == "incomplete"


def test_a_missing_quarter_makes_s_d_tw3_incomplete_also_for_stocks():
    """Up to September, TW3 is the part that ends the period: a stock needs it too."""
    ev = evaluated(_without_bphn_tw3(), SD_TW3)
    by_id = {r.id: r for r in ev.indicators}
    assert (by_id["BPHN.litigasi"].status, by_id["BPHN.litigasi"].reason) == (
        "incomplete", "`bankum_litigasi_selesai` for 2024-sd-TW3: 2024-TW3 missing (given: 2024-TW1, 2024-TW2)")
    assert by_id["BPHN.jdihn"].status == "incomplete" and "2024-TW3 missing" in (by_id["BPHN.jdihn"].reason or "")
    assert {s.id: s.status for s in ev.sasaran}["BPHN2"] == "incomplete"
    # TW2 and before do not need TW3
    earlier = evaluated(_without_bphn_tw3(), Period.parse("2024-sd-TW2"))
    assert figures(earlier) == figures(evaluated(quarterly(), Period.parse("2024-sd-TW2")))

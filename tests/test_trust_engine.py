"""Issue 11, the engine's semantics: no silent wrong answer.

Each reproducer of the issue is a test with its exact outcome (status, note, figures,
diagnostic code, exit code): partial periods, overlapping granularities (D011), office
means over a tree, `diff --data` across a revision, an index component without data,
very large numbers, JSON without exponents, half-up of negative halves.
"""
from __future__ import annotations

import json
import os
import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kinerja_dsl.catalog import Rounding
from kinerja_dsl.engine.evaluation.aggregate import aggregate
from kinerja_dsl.engine.readers.data import Dataset, Value, check_data, read_data
from kinerja_dsl.engine.evaluation.evaluate import evaluate_all, evaluate_period
from kinerja_dsl.engine.rendering.narrate import step_text
from kinerja_dsl.engine.evaluation.policies import PRECISION
from kinerja_dsl.engine.numbers import plain
from kinerja_dsl.engine.periods import Period
from kinerja_dsl.loader import load_catalog

D = Decimal
settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RATIO = '''office kanwil "Kanwil"
field a "a" count
field b "b" count
indicator X.r "Rasio" {
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  rollup ROLLUP
  target 2024 = 100
}
'''


def _catalog(write, text: str, rollup: str = "sum"):
    return load_catalog(write("c.kin", text.replace("ROLLUP", rollup)))


def _data(write, text: str) -> Dataset:
    data, problems = read_data(write("d.toml", text))
    assert problems == []
    return data


def _one(catalog, data, period="2024", office=None):
    (result,) = evaluate_all(catalog, data, Period.parse(period), office)
    return result


def _agrees_with_fast_path(catalog, data, period="2024"):
    """Evaluation without a trace (bulk) gives what the traced evaluation gives: one evaluator,
    the recorder only watching."""
    p = Period.parse(period)
    traced = evaluate_all(catalog, data, p)
    bulk = evaluate_all(catalog, data, p, traced=False)
    for t, q in zip(traced, bulk, strict=True):
        assert (q.id, q.status, q.realisasi, q.capaian_exact, q.capaian, q.predikat, q.reason) == (
            t.id, t.status, t.realisasi, t.capaian_exact, t.capaian, t.predikat, t.reason), q.id


# ---- 1. partial periods never count as the whole --------------------------------------------

TW1_TW2 = '["2024-TW1".kanwil]\na = 10\nb = 50\n["2024-TW2".kanwil]\na = 15\nb = 60\n'


def test_two_quarters_are_not_the_year(write, kinerja):
    """The reproducer: 25/110 used to be `ok` 22,73 "Sangat Kurang"; the year lacks TW3 and TW4."""
    cat, data = write("c.kin", RATIO.replace("ROLLUP", "sum")), write("d.toml", TW1_TW2)
    code, out, err = kinerja("eval", cat, "--data", data, "--period", "2024", "--json")
    assert code == 1, err  # documented: an indicator without a capaian exits 1, results still printed
    (r,) = json.loads(out)["indicators"]
    assert (r["status"], r["realisasi"], r["capaian"], r["predikat"]) == ("incomplete", None, None, None)
    assert r["reason"] == "`a` for 2024: 2024-TW3, 2024-TW4 missing (given: 2024-TW1, 2024-TW2)"
    assert r["missing"] == ["a"]
    code, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024")  # the table says it too
    assert "X.r: incomplete — `a` for 2024: 2024-TW3, 2024-TW4 missing" in " ".join(out.split())
    code, out, _ = kinerja("eval", cat, "--data", data, "--period", "2024-S1", "--json")
    (r,) = json.loads(out)["indicators"]  # the half-year they do cover: 25/110, no target for S1
    assert (r["status"], r["realisasi"], code) == ("no_target", "22.72727272727272727272727272727273", 1)
    assert r["reason"] == ("no target for 2024-S1: no period targets 2024, read as period_targets cumulative "
                           "(default); target_fallback none (default)")


def test_a_quarter_and_two_months_do_not_make_the_year(write):
    """TW1 = 10 plus months 04 and 05 (7 + 7): the year used to be 10 (the months ignored)."""
    cat = _catalog(write, RATIO)
    data = _data(write, '["2024-TW1".kanwil]\na = 10\nb = 10\n["2024-04".kanwil]\na = 7\nb = 7\n'
                        '["2024-05".kanwil]\na = 7\nb = 7\n')
    r = _one(cat, data)
    assert r.status == "incomplete" and r.realisasi is None and r.capaian is None
    assert r.reason == "`a` for 2024: 2024-B06, 2024-TW3, 2024-TW4 missing (given: 2024-TW1, 2024-B04, 2024-B05)"
    r = _one(cat, data, "2024-S1")
    assert r.reason == "`a` for 2024-S1: 2024-B06 missing (given: 2024-TW1, 2024-B04, 2024-B05)"
    _agrees_with_fast_path(cat, data)


def test_a_mix_of_granularities_that_covers_the_year_rolls_up(write, kinerja, monkeypatch):
    """TW1 + months 04-06 + S2 cover 2024 without overlap: the sum of all five parts."""
    monkeypatch.setenv("COLUMNS", "200")
    cat = write("c.kin", RATIO.replace("ROLLUP", "sum"))
    data = write("d.toml", '["2024-TW1".kanwil]\na = 10\nb = 20\n["2024-04".kanwil]\na = 7\nb = 10\n'
                           '["2024-05".kanwil]\na = 7\nb = 10\n["2024-06".kanwil]\na = 7\nb = 10\n'
                           '["2024-S2".kanwil]\na = 30\nb = 50\n')
    r = _one(load_catalog(cat), read_data(data)[0])
    assert (r.status, r.realisasi, r.capaian, r.predikat) == ("ok", D(61) / D(100) * 100, D("61.00"), "Kurang")
    code, out, _ = kinerja("explain", cat, "--data", data, "X.r")
    assert code == 0
    assert "1. data: a = 61: sum of 2024-TW1 (10), 2024-B04 (7), 2024-B05 (7), 2024-B06 (7), 2024-S2 (30)" in out
    _agrees_with_fast_path(load_catalog(cat), read_data(data)[0])


def test_average_weighs_each_part_by_its_months_and_last_needs_the_end(write):
    cat = _catalog(write, RATIO.replace("count", "score"), "average")
    mixed = _data(write, '["2024-S1".kanwil]\na = 80\nb = 100\n["2024-TW3".kanwil]\na = 60\nb = 100\n'
                         '["2024-10".kanwil]\na = 90\nb = 100\n["2024-11".kanwil]\na = 90\nb = 100\n'
                         '["2024-12".kanwil]\na = 90\nb = 100\n')
    r = _one(cat, mixed)  # (80 × 6 + 60 × 3 + 90 × 3) / 12 = 77,5, not the mean of 5 parts (82)
    assert r.status == "ok" and r.realisasi == D("77.5") * 100 / 100
    assert step_text(r.steps[0]) == ("a = 77.5: average of 2024-S1 (80), 2024-TW3 (60), 2024-B10 (90), "
                                 "2024-B11 (90), 2024-B12 (90)")
    cat = _catalog(write, RATIO.replace("count", "score"), "last")
    r = _one(cat, _data(write, '["2024-TW2".kanwil]\na = 40\nb = 100\n["2024-TW4".kanwil]\na = 70\nb = 100\n'))
    assert r.status == "ok" and r.realisasi == D(70)  # the value at the end of the year; TW1, TW3 not needed
    assert step_text(r.steps[0]) == "a = 70: last of 2024-TW2, 2024-TW4: 2024-TW4 (70)"
    r = _one(cat, _data(write, '["2024-TW1".kanwil]\na = 40\nb = 100\n["2024-TW3".kanwil]\na = 70\nb = 100\n'))
    assert r.status == "incomplete"
    assert r.reason == "`a` for 2024: 2024-TW4 missing (given: 2024-TW1, 2024-TW3)"


def test_an_office_below_with_a_missing_quarter_makes_the_total_incomplete(write):
    """A sum over offices without one office's fourth quarter is not the Kanwil's total."""
    cat = _catalog(write, RATIO.replace('office kanwil "Kanwil"\n',
                                        'office kanwil "Kanwil"\noffice upt1 "UPT 1" parent kanwil\n'
                                        'office upt2 "UPT 2" parent kanwil\n'))
    quarters = "".join(f'["2024-TW{q}".upt1]\na = 5\nb = 10\n' for q in (1, 2, 3, 4))
    data = _data(write, quarters + "".join(f'["2024-TW{q}".upt2]\na = 5\nb = 10\n' for q in (1, 2, 3)))
    r = _one(cat, data)
    assert r.status == "incomplete"
    assert r.reason == "`a` for 2024 at upt2: 2024-TW4 missing (given: 2024-TW1, 2024-TW2, 2024-TW3)"
    _agrees_with_fast_path(cat, data)
    data = _data(write, quarters + '["2024".upt2]\na = 20\nb = 40\n')  # upt2's year given whole: complete
    assert _one(cat, data).realisasi == D(40) / D(80) * 100


def test_prev_of_a_partly_reported_year_is_incomplete(write):
    text = RATIO.replace("  numerator a\n  denominator b\n", "  value (a - prev(a)) / prev(a)\n")
    cat = _catalog(write, text)
    data = _data(write, '["2024".kanwil]\na = 12\n["2023-S1".kanwil]\na = 5\n')
    r = _one(cat, data)
    assert r.status == "incomplete" and r.reason == "`a` for 2023: 2023-S2 missing (given: 2023-S1)"


def test_the_same_field_at_two_granularities_is_d011_with_both_places(write, kinerja):
    cat = write("c.kin", RATIO.replace("ROLLUP", "sum"))
    data = write("d.toml", '["2024-TW1".kanwil]\na = 10\nb = 20\n["2024-01".kanwil]\na = 3\n'
                           '["2024-02".kanwil]\na = 3\n')
    problems = check_data(read_data(data)[0], load_catalog(cat))
    assert [(d.code, d.line, d.message, d.hint) for d in problems] == [
        ("D011", 5, "`a` is given for 2024-TW1 (line 2) and for 2024-B01 inside it at kanwil",
         "keep one granularity: 2024-TW1 or the periods inside it; a roll-up would count both"),
        ("D011", 7, "`a` is given for 2024-TW1 (line 2) and for 2024-B02 inside it at kanwil",
         "keep one granularity: 2024-TW1 or the periods inside it; a roll-up would count both")]
    code, out, err = kinerja("eval", cat, "--data", data, "--period", "2024-TW1")
    assert code == 1 and out == "" and f"{data}:5:1: error[D011]:" in err and "2 errors" in err
    # the engine on its own (no check) does not choose either: the result is an error naming both
    r = _one(load_catalog(cat), read_data(data)[0], "2024-TW1")
    assert r.status == "error" and r.reason == (
        "`a` for 2024-TW1: given for 2024-TW1 (line 2) and for 2024-B01 inside it (line 5); the same field at "
        "two granularities that overlap would be counted twice (D011)")


def test_a_year_and_its_quarter_overlap_too(write):
    cat = _catalog(write, RATIO)
    data = _data(write, '["2024".kanwil]\na = 50\nb = 100\n["2024-TW3".kanwil]\nb = 30\n')
    (d011,) = check_data(data, cat)
    assert (d011.code, d011.line, d011.message) == ("D011", 5, "`b` is given for 2024 (line 3) and for 2024-TW3 "
                                                              "inside it at kanwil")
    assert _one(cat, data).status == "error"
    assert _one(cat, data, "2024-TW3").status == "missing"  # TW3 itself is unambiguous: `a` is not given for it


@given(st.sets(st.sampled_from(["2024-S1", "2024-S2", "2024-TW1", "2024-TW2", "2024-TW3", "2024-TW4",
                                "2024-01", "2024-02", "2024-03", "2024-07", "2024-12"]), max_size=6),
       st.sampled_from(["sum", "average", "last"]))
def test_roll_up_is_complete_exactly_when_every_needed_month_is_covered_once(tmp_path_factory, labels, rule):
    """Any set of parts: `ok` only when they cover the year's months once (for `last`: the end)
    and the fast path says the same; overlapping parts are an error, missing ones incomplete."""
    path = tmp_path_factory.mktemp("roll") / "c.kin"
    path.write_text(RATIO.replace("ROLLUP", rule), encoding="utf-8")
    cat = load_catalog(path)
    data = Dataset("random")
    for label in labels:
        p = Period.parse(label)
        data.values[(p, "kanwil")] = {"a": Value(D(p.size), str(p.size), "random", 1),
                                      "b": Value(D(12), "12", "random", 2)}
    r = _one(cat, data)
    parts = [Period.parse(x) for x in labels]
    months = [m for p in parts for m in p.months()]
    if len(months) != len(set(months)):
        assert r.status == "error" and "(D011)" in r.reason
    elif (rule == "last" and 12 in months) or set(months) == set(range(1, 13)):
        assert r.status == "ok"
        if rule == "sum":
            with localcontext() as ctx:
                ctx.prec = PRECISION
                assert r.realisasi == D(12) / D(12 * len(parts)) * 100  # every month once: a = 12
    else:
        assert r.status == ("missing" if not parts else "incomplete")
    _agrees_with_fast_path(cat, data)


# ---- 2. office means over a tree of offices ---------------------------------------------------

TREE = '''policy {
  aggregate office METHOD indicators
  aggregate overall OVERALL office
}
office kanwil "Kanwil"
office div "Divisi" parent kanwil
office upt "UPT" parent div
office grup "Kelompok tanpa indikator sendiri" parent kanwil
office upt2 "UPT 2" parent grup
field n "n" count
sasaran S "S"
''' + "".join(f'''indicator S.{i} "{i}" {{
  sasaran S
  office {office}
  unit "%"
  value n
  direction higher
  weight {weight}
  target 2024 = {target}
}}
''' for i, office, weight, target in (("k", "kanwil", "10%", 50), ("d1", "div", "20%", 100), ("d2", "div", "30%", 125),
                                      ("u", "upt", "15%", 62.5), ("u2", "upt2", "25%", 50)))


def _tree(write, method: str, overall: str):
    cat = load_catalog(write("tree.kin", TREE.replace("OVERALL", overall).replace("METHOD", method)))
    data = _data(write, '["2024".kanwil]\nn = 50\n["2024".div]\nn = 50\n["2024".upt]\nn = 50\n["2024".upt2]\nn = 50\n')
    results = evaluate_all(cat, data, Period.parse("2024"))
    assert [r.capaian for r in results] == [D("100.00"), D("50.00"), D("40.00"), D("80.00"), D("100.00")]
    _, offices, overall = aggregate(cat, results)
    return {o.id: (o.capaian, o.items) for o in offices}, overall


def test_each_indicator_counts_once_at_its_own_office(write):
    """An office's capaian is the mean of its own indicators; an office with none has no row; the
    overall over offices is the mean of those rows (mean(100; 45; 80; 100), no indicator twice)."""
    offices, overall = _tree(write, "mean", "mean")
    assert offices == {"kanwil": (D("100.00"), ["S.k"]), "div": (D("45.00"), ["S.d1", "S.d2"]),
                       "upt": (D("80.00"), ["S.u"]), "upt2": (D("100.00"), ["S.u2"])}
    assert (overall.capaian, overall.status, overall.items) == (D("81.25"), "ok", ["kanwil", "div", "upt", "upt2"])
    assert overall.method.startswith("mean of office (policy at ")


def test_weighted_overall_of_offices_is_the_mean_of_every_indicator_once(write):
    """`weighted` used to give null; each office weighs what its own mean holds: the number of its
    indicators under `aggregate office mean` (370 / 5 = 74), their weights under `weighted`."""
    _, overall = _tree(write, "mean", "weighted")
    assert (overall.capaian, overall.status) == (D("74.00"), "ok")
    offices, overall = _tree(write, "weighted", "weighted")
    assert offices["div"][0] == D("44.00")  # (20 × 50 + 30 × 40) / 50
    # (10 × 100 + 20 × 50 + 30 × 40 + 15 × 80 + 25 × 100) / 100
    assert (overall.capaian, overall.status) == (D("69.00"), "ok")


def test_the_issue_reproducer_75_not_62_50(write):
    """Kanwil's own indicator 100, its division's 50: the overall of offices is 75,00 (it was
    mean(mean(100; 50); 50) = 62,50 with `mean`, and null with `weighted`)."""
    for method in ("mean", "weighted"):
        text = (f'policy {{\n  aggregate overall {method} office\n}}\noffice kanwil "K"\noffice div "D" parent kanwil\n'
                'field n "n" count\nsasaran S "S"\n' + "".join(
                    f'indicator S.{o} "{o}" {{\n  sasaran S\n  office {o}\n  unit "%"\n  value n\n  direction higher\n'
                    f'  target 2024 = {t}\n}}\n' for o, t in (("kanwil", 50), ("div", 100))))
        cat = load_catalog(write(f"{method}.kin", text))
        data = _data(write, '["2024".kanwil]\nn = 50\n["2024".div]\nn = 50\n')
        *_, overall = evaluate_period(cat, data, Period.parse("2024"))
        assert (overall.capaian, overall.status) == (D("75.00"), "ok"), method


def test_a_mean_built_on_an_incomplete_one_is_incomplete(write):
    cat = load_catalog(write("c.kin", 'field n "n" count\nfield m "m" count\nsasaran S "S"\nsasaran T "T"\n' + "".join(
        f'indicator {s}.{i} "{i}" {{\n  sasaran {s}\n  unit "%"\n  value {f}\n  direction higher\n  target 2024 = 100\n}}\n'
        for s, i, f in (("S", "a", "n"), ("S", "b", "m"), ("T", "c", "n")))))
    results, sasaran, _, overall = evaluate_period(cat, _data(write, '["2024"]\nn = 80\n'), Period.parse("2024"))
    assert [(s.id, s.capaian, s.status) for s in sasaran] == [("S", D("80.00"), "incomplete"),
                                                               ("T", D("80.00"), "ok")]
    assert (overall.capaian, overall.status) == (D("80.00"), "incomplete")  # not a silent `ok`


# ---- 3. diff across a Renstra revision ---------------------------------------------------------

OLD = '''office kanwil "Kanwil"
field a "a" count
field b "b" count
sasaran S "S"
indicator S.r "Rasio" {
  sasaran S
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 80
}
'''
NEW = OLD.replace("target 2024 = 80", "target 2024 = 100") + '''field c "c" count
field d "d" count
indicator S.baru "Indikator baru" {
  sasaran S
  office kanwil
  unit "%"
  numerator c
  denominator d
  scale 100
  direction higher
  target 2024 = 50
}
'''


def test_diff_reads_the_data_of_a_field_only_the_new_catalog_declares(write, kinerja):
    old, new = write("old.kin", OLD), write("new/new.kin", NEW)
    data = write("d.toml", '["2024".kanwil]\na = 40\nb = 50\nc = 10\nd = 40\n')
    code, out, err = kinerja("diff", old, new, "--data", data, "--json")
    assert code == 0, err
    effects = {(e["level"], e["id"]): (e["old"], e["new"], e["old_status"], e["new_status"], e["changed"])
               for e in json.loads(out)["effects"]}
    assert effects == {
        ("indicator", "S.r"): ("100.00", "80.00", "ok", "ok", True),
        ("indicator", "S.baru"): (None, "50.00", None, "ok", True),
        ("sasaran", "S"): ("100.00", "65.00", "ok", "ok", True),
        ("overall", "overall"): ("100.00", "65.00", "ok", "ok", True)}
    # a field neither catalog declares is still an error
    code, _, err = kinerja("diff", old, new, "--data", write("e.toml", '["2024".kanwil]\na = 40\nb = 50\nzz = 1\n'))
    assert code == 1 and "error[D001]: unknown field or indicator `zz`" in err


def test_diff_without_the_new_data_shows_what_went_missing(write, kinerja, monkeypatch):
    """Without the new fields the new indicator is `missing` and its sasaran `incomplete`: listed
    as changes, never counted among the unchanged."""
    monkeypatch.setenv("COLUMNS", "100")
    old, new = write("old.kin", OLD), write("new/new.kin", NEW.replace("target 2024 = 100", "target 2024 = 80"))
    data = write("d.toml", '["2024".kanwil]\na = 40\nb = 50\n')
    code, out, err = kinerja("diff", old, new, "--data", data)
    assert code == 0, err
    rows = [line.split() for line in out.split("Effect on capaian 2024", 1)[1].splitlines()
            if line.strip().startswith(("indicator", "sasaran", "overall"))]
    assert rows == [["indicator", "S.baru", "absent", "missing", "-"],
                    ["sasaran", "S", "100.00", "100.00", "(incomplete)", "0.00"],
                    ["overall", "overall", "100.00", "100.00", "(incomplete)", "0.00"]]
    assert "1 unchanged (capaian and status)" in out  # S.r: 100.00 ok under both


def test_a_changed_formula_keeps_its_parentheses(write, kinerja):
    """`(lulus + susulan) / peserta` was shown as `lulus + susulan / peserta`, which reads as
    another formula, in diff and in the kamus."""
    ratio = ('field lulus "L" count\nfield susulan "S" count\nfield peserta "P" count\n'
             'indicator A.r "Rasio" {\n  unit "%"\n  numerator NUM\n  denominator peserta\n  scale 100\n'
             '  direction higher\n  nihil achieved\n  target 2024 = 80\n}\n')
    old, new = write("old.kin", ratio.replace("NUM", "lulus")), write("new/new.kin", ratio.replace("NUM", "lulus + susulan"))
    code, out, _ = kinerja("diff", old, new, "--json")
    (change,) = json.loads(out)["changes"]
    assert (code, change["field"], change["old"], change["new"]) == (
        0, "formula", "lulus / peserta", "(lulus + susulan) / peserta")
    code, out, _ = kinerja("kamus", new)
    assert "(lulus + susulan) / peserta × 100" in out


# ---- 4. an index component without data --------------------------------------------------------

INDEX = '''office kanwil "Kanwil"
field a "a" count
field b "b" count
indicator X.idx "Indeks" {
  office kanwil
  unit "%"
  index scale 100 combine mean {
    component p = a / b
  }
  direction higher
  target 2023 = 80
}
'''


def test_a_component_without_data_is_missing_never_null(write, kinerja):
    cat, data = write("c.kin", INDEX), write("d.toml", '["2023".kanwil]\na = 1\n')
    published = write("p.toml", '[[figure]]\nlevel = "indicator"\nid = "X.idx"\nmeasure = "target"\n'
                                'printed = "80"\nline = 1\n\n[[figure]]\nlevel = "indicator"\nid = "X.idx"\n'
                                'measure = "capaian"\nprinted = "50"\nline = 2\n')
    code, out, err = kinerja("audit", cat, "--data", data, "--published", published, "--json")
    assert code == 0, err  # it was 70: AttributeError 'NoneType' has no attribute 'target'
    rows = [(r["measure"], r["verdict"], r["explanation"]) for r in json.loads(out)["rows"]]
    assert rows == [("target", "reproduced", ""), ("capaian", "not computed", "no recomputed value")]
    code, out, err = kinerja("explain", cat, "--data", data, "X.idx")
    assert code == 1 and "internal error" not in err  # it was 70: no attribute 'path'
    assert "a / b: missing, no value for `b` in 2023" in out and "no value for `b` in 2023" in out
    code, out, _ = kinerja("eval", cat, "--data", data, "--json")
    (r,) = json.loads(out)["indicators"]
    assert (r["status"], r["reason"], r["missing"]) == ("missing", "no value for `b` in 2023", ["b"])
    assert [(c["path"], c["kind"], c["value"], c["missing"], c["detail"]) for c in r["components"]] == [
        ("X.idx", "group", None, ["b"], "missing: no value for `b` (p)"),
        ("X.idx/p", "component", None, ["b"], "a / b: missing, no value for `b` in 2023")]


def test_every_missing_component_is_named_and_the_others_are_computed(write):
    text = INDEX.replace("    component p = a / b\n", "    component p = a / b\n    component q = a / a\n"
                                                          "    component r = c / a\n").replace(
        'field b "b" count\n', 'field b "b" count\nfield c "c" count\n')
    r = _one(load_catalog(write("c.kin", text)), _data(write, '["2023".kanwil]\na = 1\n'), "2023")
    assert (r.status, r.missing, r.reason) == ("missing", ["b", "c"], "no value for `b`, `c` in 2023")
    assert [(c.path, c.value, c.missing) for c in r.components] == [
        ("X.idx", None, ["b", "c"]), ("X.idx/p", None, ["b"]), ("X.idx/q", D(1), []), ("X.idx/r", None, ["c"])]


def test_a_component_over_a_partly_reported_field_is_incomplete(write):
    r = _one(load_catalog(write("c.kin", INDEX)),
             _data(write, '["2023".kanwil]\na = 1\n["2023-S1".kanwil]\nb = 4\n'), "2023")
    assert (r.status, r.reason) == ("incomplete", "`b` for 2023: 2023-S2 missing (given: 2023-S1)")
    assert None not in r.components


# ---- 5. very large numbers: rounding, cap/floor, bands, means and JSON at every magnitude ----

EXTREME = '''policy {
  CAP
}
office kanwil "Kanwil"
field a "a" number
field b "b" number
sasaran S "S"
indicator S.hi "Tinggi" {
  sasaran S
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  target 2024 = 0.000000000000000001
}
indicator S.lo "Rendah" {
  sasaran S
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  direction lower
  target 2024 = 0.000000000000000003
}
'''


@pytest.mark.parametrize("a, b", [("100000000000000000", "0.000000000000000003"),
                                  ("999999999999999999", "0.000000000000000001"),
                                  ("0.000000000000000001", "999999999999999999")])
def test_extreme_but_valid_inputs_round_exactly(write, kinerja, a, b):
    """Ratios of 18-digit inputs reach 1e38, their capaian 1e58: rounding used to raise
    InvalidOperation (exit 70) from about 1e32 on. Every figure is exact, JSON without exponent."""
    cat = write("c.kin", EXTREME.replace("CAP", "cap none"))
    data = write("d.toml", f'["2024".kanwil]\na = {a}\nb = {b}\n')
    code, out, err = kinerja("eval", cat, "--data", data, "--json")
    assert code == 0, err
    assert not re.search(r'"-?[0-9.]+E', out, re.IGNORECASE)
    doc = json.loads(out)
    hi, lo = doc["indicators"]
    with localcontext() as ctx:
        ctx.prec = PRECISION  # the engine's arithmetic: 34 significant digits
        realisasi = D(a) / D(b) * 100
        assert D(hi["realisasi"]) == realisasi
        assert D(hi["capaian_exact"]) == realisasi / D("0.000000000000000001") * 100
    assert hi["capaian"] == plain(Rounding("half_up", 2).apply(D(hi["capaian_exact"])))
    assert hi["capaian"].endswith(".00") if D(a) > 1 else True
    assert lo["capaian"] == plain(Rounding("half_up", 2).apply(D(lo["capaian_exact"])))
    assert doc["sasaran"][0]["capaian"] == plain(Rounding("half_up", 2).apply(D(doc["sasaran"][0]["capaian_exact"])))
    assert doc["overall"]["status"] == "ok"
    assert hi["predikat"] == ("Sangat Baik" if realisasi > 1 else "Sangat Kurang")
    for command in (("explain", cat, "--data", data, "S.hi"), ("eval", cat, "--data", data)):
        code, _, err = kinerja(*command)
        assert code == 0, err
    _agrees_with_fast_path(load_catalog(cat), read_data(data)[0])


def test_cap_and_floor_apply_at_any_magnitude(write):
    cat = load_catalog(write("c.kin", EXTREME.replace("CAP", "cap 120\n  floor 0")))
    data = _data(write, '["2024".kanwil]\na = 999999999999999999\nb = 0.000000000000000001\n')
    hi, lo = evaluate_all(cat, data, Period.parse("2024"))
    assert (hi.capaian, hi.capaian_exact, hi.predikat) == (D("120.00"), D(120), "Sangat Baik")
    assert (lo.capaian, lo.capaian_exact, lo.predikat) == (D("0.00"), D(0), "Sangat Kurang")


def test_audit_of_a_huge_capaian_classifies_instead_of_crashing(write, kinerja):
    cat = write("c.kin", EXTREME.replace("CAP", "cap none"))
    data = write("d.toml", '["2024".kanwil]\na = 100000000000000000\nb = 0.000000000000000003\n')
    published = write("p.toml", '[[figure]]\nlevel = "indicator"\nid = "S.hi"\nmeasure = "capaian"\n'
                                'printed = "12,5"\nline = 1\n')
    code, out, err = kinerja("audit", cat, "--data", data, "--published", published, "--json")
    assert code == 1, err  # an unexplained difference, said as such
    (row,) = json.loads(out)["rows"]
    assert row["verdict"] == "unexplained"
    assert row["difference"] == "-333333333333333333333333333333333299999999999999999999987.5"  # exact


@settings(max_examples=300)
@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_plain_never_writes_an_exponent(x):
    text = plain(x)
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    assert D(text) == x
    assert not text.startswith("-") or x < 0  # -0 is written 0


def test_plain_on_the_forms_the_issue_saw():
    assert [plain(D(x)) for x in ("1E-30", "1.500E+5", "-0.00", "102.84", "1E+2")] == [
        "0.000000000000000000000000000001", "150000", "0.00", "102.84", "100"]
    assert plain(None) is None and plain(D("NaN")) is None and plain(D("-Infinity")) is None


def test_json_of_an_input_in_exponent_form_is_plain(write, kinerja):
    """TOML `1e2` is read exactly as Decimal('1E+2'); JSON used to print "1E+2"."""
    cat = write("c.kin", RATIO.replace("ROLLUP", "sum"))
    code, out, _ = kinerja("eval", cat, "--data", write("d.toml", '["2024".kanwil]\na = 1e1\nb = 1e2\n'), "--json")
    assert code == 0
    (r,) = json.loads(out)["indicators"]
    assert [s["value"] for s in r["steps"][:2]] == ["10", "100"] and r["realisasi"] == "10.0"


# ---- 6. half-up of negative halves ------------------------------------------------------------

def test_half_up_rounds_negative_halves_away_from_zero(write):
    """−2,505 -> −2,51 (README says so); truncate cuts toward zero."""
    assert Rounding("half_up", 2).apply(D("-2.505")) == D("-2.51")
    assert Rounding("half_up", 2).apply(D("2.505")) == D("2.51")
    assert Rounding("truncate", 2).apply(D("-2.509")) == D("-2.50")
    text = ('field r "r" number\nindicator X.l "Lebih rendah" {\n  unit "%"\n  value r\n  direction lower\n'
            '  target 2024 = 100\n}\n')
    r = _one(load_catalog(write("c.kin", text)), _data(write, '["2024"]\nr = 202.505\n'))
    assert (r.capaian_exact, r.capaian) == (D("-2.505"), D("-2.51"))  # (2 × 100 − 202,505) / 100 × 100


def test_display_rounds_half_up_as_the_reports_do():
    """A figure shortened for a table or a workbook rounds as the reports do (half-up, negative
    halves away from zero), not by Python's default half-even: 2,505 shown at 2 places is 2,51."""
    from kinerja_dsl.engine.numbers import format_number, shown

    assert [format_number(D(x), "id", 2) for x in ("2.505", "-2.505", "2.515", "0.125")] == [
        "2,51", "-2,51", "2,52", "0,13"]
    assert (shown(D("2.5055")), shown(D("12.345001")), shown(D("-12.3450001"))) == (D("2.506"), D("12.35"), D("-12.35"))


def test_diff_lists_added_and_removed_sasaran_in_declaration_order_whatever_the_hash_seed(write):
    """They came from a set difference, so their order changed from run to run (PYTHONHASHSEED)."""
    import subprocess
    import sys

    old = write("old.kin", "".join(f'sasaran S{k} "Sasaran {k}"\n' for k in range(8)))
    new = write("new.kin", "".join(f'sasaran T{k} "Sasaran baru {k}"\n' for k in range(8)))
    outs = set()
    for seed in ("0", "1", "2"):
        run = subprocess.run([sys.executable, "-m", "kinerja_dsl.engine.cli", "diff", str(old), str(new), "--json"],
                             capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outs.add(run.stdout)
    assert len(outs) == 1
    ids = [c["id"] for c in json.loads(outs.pop())["changes"]]
    assert ids == [f"sasaran S{k}" for k in range(8)] + [f"sasaran T{k}" for k in range(8)]

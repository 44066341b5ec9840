"""Period targets read by the declared convention (issue 13): `check` (E122, W122) and `validate-pk`
(P005) apply one rule, `kinerja_dsl.period_targets`, to a catalog's targets and to a PK's."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja_dsl.catalog import TargetSpec
from kinerja_dsl.loader import load_catalog
from kinerja_dsl.period_targets import GRANULARITIES, findings

# S1.a counts cases (a value of a count: its periods add up under by_kind), S1.p is a percentage
# (averaged under by_kind), S1.d a stock of arrears that should fall (lower; its field is read at
# the end of a period, so by_kind averages it), S1.r the mean of
# monthly scores (rollup average declared), S1.l an index whose year is its last quarter (rollup last)
CATALOG = '''
field a "Kasus selesai" count
field b "Kasus masuk" count
field t "Tunggakan perkara" count last
sasaran S1 "Sasaran satu"
indicator S1.a "Jumlah kasus selesai" {{
  sasaran S1
  unit kasus
  value a
  direction higher
{a}  target 2024 = 100
}}
indicator S1.p "Persentase kasus selesai" {{
  sasaran S1
  unit "%"
  numerator a
  denominator b
  scale 100
  nihil excluded
  direction higher
{p}  target 2024 = 90
}}
indicator S1.d "Tunggakan perkara" {{
  sasaran S1
  unit perkara
  value t
  direction lower
{d}  target 2024 = 10
}}
indicator S1.r "Rata-rata skor layanan" {{
  sasaran S1
  unit skor
  value a / b
  nihil excluded
  direction higher
  rollup average
{r}  target 2024 = 80
}}
indicator S1.l "Indeks kepuasan" {{
  sasaran S1
  unit indeks
  value a / b
  nihil excluded
  direction higher
  rollup last
{l}  target 2024 = 3.6
}}
'''

PK_ANNUAL = {"a": "100", "p": "90", "d": "10", "r": "80", "l": "3.6"}


def catalog(**lines: str) -> str:
    """The catalog with extra lines (settings, targets) in the indicators named by letter."""
    return CATALOG.format(**{k: lines.get(k, "") for k in "apdrl"})


def quarters(*values: str, prefix: str = "TW") -> str:
    return "".join(f"  target 2024 {prefix}{i} = {v}\n" for i, v in enumerate(values, start=1))


def pk(**targets: tuple[str, ...]) -> str:
    """A PK signing every indicator for its annual target, with period targets (label, value) per letter."""
    body = ""
    for k in "apdrl":
        body += f"  target S1.{k} = {PK_ANNUAL[k]}\n"
        body += "".join(f"  target S1.{k} {label} = {v}\n" for label, v in targets.get(k, ()))
    return f'agreement "PK 2024" {{\n  year 2024\n  office kanwil\n{body}}}\n'


def tw(*values: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"TW{i}", v) for i, v in enumerate(values, start=1))


@pytest.fixture
def check(write, kinerja, monkeypatch, tmp_path):
    """`kinerja check catalog.kin` on the catalog with these lines: (exit code, finding lines, output)."""
    monkeypatch.chdir(tmp_path)

    def run(**lines: str):
        write("catalog.kin", catalog(**lines))
        code, out, _ = kinerja("check", "catalog.kin")
        return code, [x for x in out.splitlines() if "error[" in x or "warning[" in x], out
    return run


@pytest.fixture
def validate(write, kinerja, monkeypatch, tmp_path):
    """`kinerja validate-pk pk.kin` against the catalog with `lines`: (exit code, finding lines, output)."""
    monkeypatch.chdir(tmp_path)

    def run(lines: dict[str, str] | None = None, **targets: tuple[tuple[str, str], ...]):
        write("cat/catalog.kin", catalog(**(lines or {})))
        write("pk.kin", pk(**targets))
        code, out, _ = kinerja("validate-pk", "pk.kin", "--catalog", "cat")
        return code, [x for x in out.splitlines() if "error[" in x or "warning[" in x], out
    return run


PER_PERIOD = "  period_targets per_period\n"


# ---- the acceptance cases: a PK ------------------------------------------------------------

def test_pk_cumulative_quarters_ending_at_the_year_are_clean_by_default(validate):
    code, found, out = validate(a=tw("25", "50", "75", "100"))
    assert (code, found) == (0, []), out


def test_pk_cumulative_quarters_that_decrease_are_p005(validate):
    code, found, out = validate(a=tw("25", "50", "40", "100"))
    assert code == 1
    assert found == ["pk.kin:7:3: error[P005]: cumulative TW targets of `S1.a` for 2024 decrease (TW2 50 then TW3 40); "
                     "period_targets cumulative (default)"]
    assert ("  = hint: with period_targets cumulative each target is the total up to its quarter: 25, 50, 75, 100 for "
            "a year of 100; declare `period_targets per_period` if these are the quarters' own targets") in out


def test_pk_per_period_quarters_of_a_sum_add_up_to_the_year(validate):
    code, found, out = validate({"a": PER_PERIOD}, a=tw("25", "25", "25", "25"))
    assert (code, found) == (0, []), out
    code, found, out = validate({"a": PER_PERIOD}, a=tw("25", "50", "75", "100"))
    assert code == 1
    assert found == ["pk.kin:8:3: error[P005]: TW targets of `S1.a` for 2024 sum to 250, not the annual 100; "
                     "period_targets per_period (indicator at cat/catalog.kin:10)"]
    assert ("  = hint: with period_targets per_period each target is its quarter's own, and the quarters add up to "
            "the year (rollup by_kind (default): its fields summed); declare `period_targets cumulative` if each is "
            "the total up to its quarter (25, 50, 75, 100 for a year of 100)") in out


def test_pk_semesters_and_months_are_checked_too(validate):
    semesters = (("S1", "60"), ("S2", "50"))
    months = tuple((f"B{m:02d}", str(m * 10)) for m in range(1, 13))  # cumulative, ending at 120, not 100
    code, found, _ = validate(a=semesters + months)
    assert found == [
        "pk.kin:6:3: error[P005]: cumulative semester targets of `S1.a` for 2024 decrease (S1 60 then S2 50); "
        "period_targets cumulative (default)",
        "pk.kin:6:3: error[P005]: cumulative semester target S2 of `S1.a` for 2024 is 50, not the annual 100; "
        "period_targets cumulative (default)",
        "pk.kin:18:3: error[P005]: cumulative monthly target B12 of `S1.a` for 2024 is 120, not the annual 100; "
        "period_targets cumulative (default)",
    ]
    code, found, _ = validate({"a": PER_PERIOD}, a=(("S1", "60"), ("S2", "40")) + tuple(
        (f"B{m:02d}", "8") for m in range(1, 13)))
    assert found == ["pk.kin:18:3: error[P005]: monthly targets of `S1.a` for 2024 sum to 96, not the annual 100; "
                     "period_targets per_period (indicator at cat/catalog.kin:10)"]


def test_p013_stays_and_an_unknown_label_takes_no_part(validate):
    code, found, _ = validate(a=tw("25", "50", "75", "100") + (("TW5", "10"),))
    assert found == ["pk.kin:9:3: error[P013]: unknown period `TW5`"]


# ---- the same cases as catalog targets: `kinerja check` ------------------------------------

def test_catalog_cumulative_quarters_ending_at_the_year_are_clean(check):
    code, found, out = check(a=quarters("25", "50", "75", "100"))
    assert (code, found) == (0, []), out


def test_catalog_cumulative_quarters_that_decrease_are_e122(check):
    code, found, out = check(a=quarters("25", "50", "40", "100"))
    assert code == 1
    assert found == ["catalog.kin:12:21: error[E122]: cumulative TW targets of `S1.a` for 2024 decrease (TW2 50 then "
                     "TW3 40); period_targets cumulative (default)"]
    assert (" 12 |   target 2024 TW3 = 40\n"
            "    |                     ^^\n"
            "  = hint: with period_targets cumulative each target is the total up to its quarter: 25, 50, 75, 100 for "
            "a year of 100; declare `period_targets per_period` if these are the quarters' own targets") in out


def test_catalog_per_period_quarters_of_a_sum_add_up_to_the_year(check):
    code, found, out = check(a=PER_PERIOD + quarters("25", "25", "25", "25"))
    assert (code, found) == (0, []), out
    code, found, out = check(a=PER_PERIOD + quarters("25", "50", "75", "100"))
    assert code == 1
    assert found == ["catalog.kin:14:21: error[E122]: TW targets of `S1.a` for 2024 sum to 250, not the annual 100; "
                     "period_targets per_period (indicator at catalog.kin:10)"]


def test_per_period_declared_in_the_policy_says_so(check, write, kinerja):
    write("catalog.kin", "policy {\n  period_targets per_period\n}\n" + catalog(a=quarters("25", "50", "75", "100")))
    _, out, _ = kinerja("check", "catalog.kin")
    assert ("catalog.kin:17:21: error[E122]: TW targets of `S1.a` for 2024 sum to 250, not the annual 100; "
            "period_targets per_period (policy at catalog.kin:2)") in out.splitlines()


def test_all_findings_are_collected(check):
    code, found, _ = check(a=quarters("25", "50", "40", "30"), p=quarters("70", "60", "80", "85"),
                           l="  target 2024 S1 = 3.7\n  target 2024 S2 = 3.5\n")
    assert [x.split(": ", 2)[2] for x in found] == [
        "cumulative TW targets of `S1.a` for 2024 decrease (TW2 50 then TW3 40); period_targets cumulative (default)",
        "cumulative TW targets of `S1.a` for 2024 decrease (TW3 40 then TW4 30); period_targets cumulative (default)",
        "cumulative TW target TW4 of `S1.a` for 2024 is 30, not the annual 100; period_targets cumulative (default)",
        "cumulative TW targets of `S1.p` for 2024 decrease (TW1 70 then TW2 60); period_targets cumulative (default)",
        "cumulative TW target TW4 of `S1.p` for 2024 is 85, not the annual 90; period_targets cumulative (default)",
        "cumulative semester targets of `S1.l` for 2024 decrease (S1 3.7 then S2 3.5); "
        "period_targets cumulative (default)",
        "cumulative semester target S2 of `S1.l` for 2024 is 3.5, not the annual 3.6; "
        "period_targets cumulative (default)",
    ]


def test_a_lower_indicator_may_fall_but_ends_at_the_year(check):
    code, found, _ = check(d=quarters("16", "14", "12", "10"))
    assert (code, found) == (0, [])
    code, found, _ = check(d=quarters("16", "14", "12", "11"))
    assert found == ["catalog.kin:30:21: error[E122]: cumulative TW target TW4 of `S1.d` for 2024 is 11, not the "
                     "annual 10; period_targets cumulative (default)"]


def test_per_period_average_and_last(check):
    code, found, out = check(r=PER_PERIOD + quarters("70", "80", "80", "90"),
                             l=PER_PERIOD + quarters("3", "3.2", "3.4", "3.6"))
    assert (code, found) == (0, []), out  # the mean is 80; the last quarter is the year's 3.6
    code, found, out = check(r=PER_PERIOD + quarters("70", "80", "80", "80"),
                             l=PER_PERIOD + quarters("3", "3.2", "3.4", "3.5"))
    assert [x.split(": ", 2)[2] for x in found] == [
        "TW targets of `S1.r` for 2024 average 77.5, not the annual 80; period_targets per_period "
        "(indicator at catalog.kin:36)",
        "TW target TW4 of `S1.l` for 2024 is 3.5, not the annual 3.6; period_targets per_period "
        "(indicator at catalog.kin:50)",
    ]
    assert "  = hint: with rollup average (indicator at catalog.kin:35) the year is the mean of its quarters' own " \
           "targets" in out
    assert "  = hint: with rollup last (indicator at catalog.kin:49) the year's value is its last quarter's, so the " \
           "TW4 target is the annual one" in out


def test_a_mean_that_does_not_end_says_about(check):
    months = "".join(f"  target 2024 B{m:02d} = {81 if m == 12 else 80}\n" for m in range(1, 13))
    _, found, _ = check(r=PER_PERIOD + months)
    assert found[0].endswith("monthly targets of `S1.r` for 2024 average about 80.08, not the annual 80; "
                             "period_targets per_period "
                             "(indicator at catalog.kin:36)")


def test_range_targets_take_no_part(check, validate):
    # a range in the middle: the neighbours are compared with each other; a range at the end, or an
    # annual range, is compared with nothing
    code, found, out = check(a=quarters("25", "40 .. 60", "75", "90 .. 110"),
                             p=PER_PERIOD + quarters("80", "85 .. 95", "90", "90"))
    assert (code, found) == (0, []), out
    code, found, out = check(a=quarters("25", "40 .. 60", "20", "100"))
    assert [x.split(": ", 2)[2] for x in found] == [
        "cumulative TW targets of `S1.a` for 2024 decrease (TW1 25 then TW3 20); period_targets cumulative (default)"]
    code, found, out = check(a=PER_PERIOD + quarters("25", "25", "25", "25").replace("TW4 = 25", "TW4 = 20 .. 30"))
    assert (code, found) == (0, []), out
    code, found, out = validate(a=tw("25", "40 .. 60", "75", "90 .. 110"))
    assert (code, found) == (0, []), out


# ---- the fallback warning ------------------------------------------------------------------

def test_fallback_annual_on_a_sum_warns(check):
    code, found, out = check(a="  target_fallback annual\n")
    assert code == 0
    assert found == ["catalog.kin:10:3: warning[W122]: `S1.a` adds its periods up (rollup by_kind (default): its fields "
                     "summed), but target_fallback annual (indicator at catalog.kin:10) compares each period without a "
                     "target of its own with the whole year's target (100 for 2024)"]
    assert ("  = hint: declare its period targets (`target 2024 TW1 = …`, or per month or semester), or "
            "`target_fallback none` on the indicator") in out


def test_fallback_annual_in_the_policy_warns_at_each_sum_only(check, write, kinerja):
    write("catalog.kin", "policy {\n  target_fallback annual\n}\n" + catalog(d="  rollup average\n"))
    code, out, _ = kinerja("check", "catalog.kin")
    assert code == 0
    assert [x for x in out.splitlines() if "warning[" in x] == [
        "catalog.kin:9:11: warning[W122]: `S1.a` adds its periods up (rollup by_kind (default): its fields summed), "
        "but target_fallback annual (policy at catalog.kin:2) compares each period without a target of its own with "
        "the whole year's target (100 for 2024)"]  # S1.d averages (declared), the others are ratios and indices
    code, out, _ = kinerja("check", "catalog.kin", "--strict")
    assert code == 1


def test_fallback_none_or_a_ratio_does_not_warn(check):
    assert check(p="  target_fallback annual\n")[:2] == (0, [])
    assert check(a="  target_fallback none\n")[:2] == (0, [])


# ---- one rule for both commands -------------------------------------------------------------

AGREEING = [
    ("a", "", tw("25", "50", "40", "100")),
    ("a", "", tw("25", "50", "75", "90")),
    ("a", PER_PERIOD, tw("25", "50", "75", "100")),
    ("a", PER_PERIOD, (("S1", "30"), ("S2", "30"))),
    ("p", "", tw("90", "80", "85", "91")),
    ("d", "", tw("20", "25", "15", "12")),
    ("r", PER_PERIOD, tw("70", "80", "80", "80")),
    ("l", PER_PERIOD, tw("3", "3.2", "3.4", "3.5")),
    ("l", "", tuple((f"B{m:02d}", "3.7" if m < 6 else "3.5") for m in range(1, 13))),
]


@pytest.mark.parametrize("letter, setting, targets", AGREEING)
def test_check_and_validate_pk_say_the_same(letter, setting, targets, write, kinerja, monkeypatch, tmp_path):
    """The same targets written in the catalog (check: E122) and in a PK (validate-pk: P005) give the
    same findings, message and hint, one for one."""
    monkeypatch.chdir(tmp_path)
    in_catalog = setting + "".join(f"  target 2024 {label} = {v}\n" for label, v in targets)
    write("catalog.kin", catalog(**{letter: in_catalog}))
    write("cat/catalog.kin", catalog(**{letter: setting}))
    write("pk.kin", pk(**{letter: targets}))
    _, checked, _ = kinerja("check", "catalog.kin", "--json")
    _, validated, _ = kinerja("validate-pk", "pk.kin", "--catalog", "cat", "--json")
    import json

    def said(text: str, code: str) -> list[tuple[str, str]]:
        """(message, hint) of each finding with the code; the PK's catalog is cat/catalog.kin"""
        return [(d["message"].replace("cat/", ""), d["hint"].replace("cat/", ""))
                for d in json.loads(text)["diagnostics"] if d["code"] == code]

    from_check, from_pk = said(checked, "E122"), said(validated, "P005")
    assert from_check, checked
    assert sorted(from_check) == sorted(from_pk)


# ---- the shared rule, directly ------------------------------------------------------------

def _spec(text: str) -> TargetSpec:
    low, _, high = text.partition(" .. ")
    return TargetSpec(Decimal(low), Decimal(high) if high else None, text)


def test_findings_point_at_what_the_caller_gave(write):
    path = write("c.kin", catalog(a=PER_PERIOD))
    cat = load_catalog(path)
    ind = cat.indicators["S1.a"]
    targets = [(f"TW{i}", _spec(v), f"place {i}") for i, v in enumerate(("25", "50", "75", "100"), start=1)]
    found = findings(cat, ind, None, _spec("100"), targets)
    assert [(f.at, f.message) for f in found] == [
        ("place 4", "TW targets of `S1.a` sum to 250, not the annual 100; period_targets per_period "
                    f"(indicator at {path}:10)")]
    assert findings(cat, ind, 2024, None, targets) == []  # no annual target: nothing to add up to


def test_granularities_cover_every_period_label():
    from kinerja_dsl.vocabulary import PERIOD_LABELS

    assert sorted(label for g in GRANULARITIES for label in g.labels) == sorted(PERIOD_LABELS)

"""`policy for SELECTORS { … }`: a policy stated once for a group of indicators or for a year.

A report that rounds percentages' realisasi to whole numbers before capaian, indices to 2 places,
and that cut its 2023 figures where 2024 rounds them half-up, is four lines of policy, not a
`round_realisasi` repeated on every indicator. The office-wide policy, then the policy of the year,
then the policies that select the indicator (in the order written), then its own settings; explain
names the one that decided.
"""
from __future__ import annotations

import json

import pytest

CATALOG = """
policy {
  round_realisasi none
}
policy for unit "%%" {
  round_realisasi half_up 0
}
policy for kind index {
  round_realisasi half_up 2
}
policy for year 2023 {
  round truncate 2
}
%s
field a "A" count
field b "B" count
field s "S" score
sasaran S1 "Satu"
indicator P "Persentase" {
  sasaran S1
  unit "%%"
  numerator a
  denominator b
  scale 100
  direction higher
  nihil excluded
  target 2024 = 80
  target 2023 = 70
}
indicator I "Indeks" {
  sasaran S1
  unit indeks
  index {
    component c weight 100%% = s
  }
  direction higher
  target 2024 = 3
  target 2023 = 3
}
indicator Q "Persentase sendiri" {
  unit "%%"
  numerator a
  denominator b
  scale 100
  direction higher
  nihil excluded
  round_realisasi half_up 1
}
"""
DATA = '["2024"]\na = 91\nb = 113\ns = 3.14159\n["2023"]\na = 91\nb = 113\ns = 3.14159\n'


def evaluate(write, kinerja, extra: str = "", period: str = "2024") -> dict:
    catalog = write("catalog.kin", CATALOG % extra)
    code, out, err = kinerja("eval", catalog, "--data", write("data.toml", DATA), "--period", period, "--json")
    assert code == 0, err
    return {r["id"]: r for r in json.loads(out)["indicators"]}


def test_each_group_gets_its_rounding_and_the_indicator_keeps_its_own(write, kinerja):
    rows = evaluate(write, kinerja)
    assert rows["P"]["realisasi"] == "81"           # 80,53…: a percentage to a whole number
    assert rows["P"]["capaian"] == "101.25"         # 81 / 80
    assert rows["I"]["realisasi"] == "3.14"         # an index to 2 places
    assert rows["Q"]["realisasi"] == "80.5"         # its own `round_realisasi half_up 1` wins
    assert rows["P"]["policy"]["round_realisasi"].startswith('half_up 0 (policy for unit "%" at ')
    assert rows["I"]["policy"]["round_realisasi"].startswith("half_up 2 (policy for kind index at ")
    assert rows["Q"]["policy"]["round_realisasi"].startswith("half_up 1 (indicator at ")


def test_a_year_has_its_own_policy(write, kinerja):
    assert evaluate(write, kinerja, period="2023")["P"]["capaian"] == "115.71"  # 81 / 70 = 115,714… cut
    assert evaluate(write, kinerja, period="2024")["P"]["capaian"] == "101.25"
    rows = evaluate(write, kinerja, period="2023")
    assert rows["P"]["policy"]["round"].startswith("truncate 2 (policy for year 2023 at ")


def test_the_year_policy_rounds_that_year_s_means_too(write, kinerja):
    catalog = write("catalog.kin", CATALOG % "")
    code, out, _ = kinerja("eval", catalog, "--data", write("data.toml", DATA), "--period", "2023", "--json")
    result = json.loads(out)
    # S1 = mean(81/70 = 115,714…; 3,14/3 = 104,666…) = 110,190…: cut to 110,19 in 2023
    assert result["sasaran"][0]["capaian"] == "110.19"
    assert result["policy"]["round"].startswith("truncate 2 (policy for year 2023 at ")


def test_selectors_combine_with_and_and_a_later_policy_overrides_an_earlier(write, kinerja):
    extra = 'policy for unit "%" and indicators Q {\n  round_realisasi truncate 0\n}\n'
    rows = evaluate(write, kinerja, extra)
    assert rows["P"]["realisasi"] == "81"    # not selected: `indicators Q` does not hold
    assert rows["Q"]["realisasi"] == "80.5"  # selected, but its own setting still wins
    extra = 'policy for sasaran S1 {\n  round_realisasi truncate 0\n}\n'
    rows = evaluate(write, kinerja, extra)
    assert rows["P"]["realisasi"] == "80"    # the sasaran's policy comes after the unit's
    assert rows["I"]["realisasi"] == "3"


def test_explain_names_the_scope_that_decided(write, kinerja):
    catalog = write("catalog.kin", CATALOG % "")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", DATA), "I")
    assert code == 0
    said = " ".join(out.split())
    assert "2. round realisasi: half_up 2 : 3.14159 -> 3.14 rule: policy for kind index at" in said


def test_explain_in_indonesian(write, kinerja, indonesian):
    catalog = write("catalog.kin", CATALOG % "")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", DATA), "I")
    assert "aturan: kebijakan untuk kind index di" in out


def test_indonesian_keywords_and_fmt(write, kinerja):
    text = (CATALOG % "").replace('policy for unit "%" {', 'kebijakan untuk satuan "%" {').replace(
        "policy for kind index {", "kebijakan untuk jenis indeks {")
    path = write("catalog.kin", text)
    code, _, err = kinerja("check", path)
    assert code == 0, err
    code, _, _ = kinerja("fmt", path, "--keywords", "en")
    written = path.read_text(encoding="utf-8")
    assert 'policy for unit "%" {' in written and "policy for kind index {" in written


@pytest.mark.parametrize("extra, message", [
    ("policy for unit \"%\" {\n  aggregate overall mean indicators\n}\n",
     "error[E115]: unknown setting `aggregate` in a policy for some indicators"),
    ("policy for colour red {\n  cap 100\n}\n", "error[E115]: unknown setting `colour` in the selectors of a policy"),
    ("policy for sasaran S9 {\n  cap 100\n}\n", "error[E101]: unknown sasaran `S9`"),
    ("policy for indicators X {\n  cap 100\n}\n", "error[E101]: no indicator is `X` or under it"),
    ("policy for kind formula {\n  cap 100\n}\n", "error[E111]: `formula` is not a value of `kind`"),
    ("policy for year 2023 and year 2024 {\n  cap 100\n}\n", "error[E114]: `year` is stated twice in this policy"),
    ("policy for unit \"orang\" {\n  cap 100\n}\n", "warning[W140]: this policy applies to no indicator of the catalog"),
])
def test_what_a_scoped_policy_may_not_say(write, kinerja, extra, message):
    code, out, err = kinerja("check", write("catalog.kin", CATALOG % extra))
    assert message in out + err

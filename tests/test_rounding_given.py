"""A declared `round_realisasi` rounds the realisasi the engine computes; a realisasi given in the
data under the indicator's id is a printed figure and is kept as given (82,35 stays 82,35 under
`round_realisasi half_up 1`) unless the declaration says `also_given`. A realisasi the engine
rolls up from the quarters inside the period is computed, so it is rounded."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

CATALOG = """
policy {
  round_realisasi half_up 1%s
}
field a "A" percent
indicator X "Persentase yang diberikan" {
  unit "%%"
  value a
  direction higher
  target 2024 = 80
  target_fallback annual
}
"""


def realisasi(write, kinerja, scope: str, data: str, period: str = "2024") -> tuple[str, str]:
    catalog = write("catalog.kin", CATALOG % scope)
    code, out, err = kinerja("eval", catalog, "--data", write("data.toml", data), "--period", period, "--json")
    assert code == 0, err
    row = json.loads(out)["indicators"][0]
    return row["realisasi"], row["capaian"]


@pytest.mark.parametrize("scope", ["", " computed", " dihitung"])
def test_a_given_realisasi_is_kept_as_given(write, kinerja, scope):
    assert realisasi(write, kinerja, scope, '["2024"]\nX = 82.35\n') == ("82.35", "102.94")


@pytest.mark.parametrize("scope", [" also_given", " termasuk_data"])
def test_also_given_rounds_it_too(write, kinerja, scope):
    assert realisasi(write, kinerja, scope, '["2024"]\nX = 82.35\n') == ("82.4", "103.00")


def test_a_computed_realisasi_is_rounded(write, kinerja):
    assert realisasi(write, kinerja, "", '["2024"]\na = 82.35\n') == ("82.4", "103.00")


def test_a_realisasi_rolled_up_from_the_quarters_is_computed_and_rounded(write, kinerja):
    """s.d. TW II of a realisasi given per quarter is their mean (82,35 + 82,40) / 2 = 82,375 -> 82,4."""
    data = '["2024-TW1"]\nX = 82.35\n["2024-TW2"]\nX = 82.40\n'
    found, _ = realisasi(write, kinerja, "", data, period="2024-TW2")
    assert Decimal(found) == Decimal("82.4")


def test_explain_says_the_rounding_left_the_given_value_alone(write, kinerja):
    catalog = write("catalog.kin", CATALOG % "")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", '["2024"]\nX = 82.35\n'), "X")
    assert code == 0
    said = " ".join(out.split())
    assert ("2. round realisasi: half_up 1 rounds computed realisasi; 82.35 is given in the data and kept as "
            "given (`also_given` would round it) rule: policy at") in said


def test_explain_in_indonesian(write, kinerja, indonesian):
    catalog = write("catalog.kin", CATALOG % "")
    code, out, _ = kinerja("explain", catalog, "--data", write("data.toml", '["2024"]\nX = 82.35\n'), "X")
    assert code == 0
    assert ("half_up 1 membulatkan realisasi yang dihitung; 82,35 diberikan dalam data dan dipakai apa adanya"
            in " ".join(out.split()))


@pytest.mark.parametrize("setting, message", [
    ("round_realisasi half_up 1 everything", "error[E111]: `everything` is not a value of `round_realisasi`"),
    ("round half_up 1 also_given", "error[E111]: `round` takes 1 to 2 values, found 3"),
    ("round_realisasi none also_given", "error[E111]: `round_realisasi none` takes no decimal places"),
])
def test_a_wrong_scope_is_e111(write, kinerja, setting, message):
    text = (CATALOG % "").replace("  round_realisasi half_up 1\n", f"  {setting}\n")
    code, out, err = kinerja("check", write("catalog.kin", text))
    assert code == 1
    assert message in out + err


def test_fmt_writes_the_english_scope(write, kinerja):
    path = write("catalog.kin", CATALOG % " termasuk_data")
    code, _, _ = kinerja("fmt", path)
    assert code == 0
    assert "  round_realisasi half_up 1 also_given\n" in path.read_text(encoding="utf-8")

"""Property tests: random input only ever yields our diagnostics, never a crash.

The number of examples is bounded (CI profile) so the suite stays fast; set
HYPOTHESIS_PROFILE=thorough for a longer run.
"""
from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from kinerja_dsl.formatter import format_file
from kinerja_dsl.loader import load
from kinerja_dsl.parser import parse

settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

VALID = '''policy {
  cap none
  nihil excluded
}
field a "Selesai" count
field b "Masuk" count
sasaran S1 "Sasaran satu"
indicator S1.a "Persentase" {
  sasaran S1
  unit "%"
  numerator a + 1
  denominator b
  scale 100
  direction higher
  range 0 .. 100
  target 2024 = 80 .. 90
}
indicator S1.i "Indeks" {
  unit indeks
  direction higher
  index {
    group g weight 100% scale 4 cap 4 {
      component c1 weight 1/3 = a / b
      component c2 weight 2/3 nihil achieved = min(a, b) / max(a, b)
    }
  }
  target 2024 = 3.6
}
bands x {
  "A" >= 90
  "B" < 90
}
'''

TOKENS = ["policy", "indicator", "field", "sasaran", "index", "group", "component", "bands", "{", "}",
          "(", ")", "=", "..", "+", "-", "*", "/", "%", "\n", " ", "a", "b", "S1", "S1.a", '"x"', "12.5",
          "3,6", "if", "then", "else", "min(", ",", "target", "2024", "TW1", "nihil", "cap", "#c\n", "\r\n",
          "\t", "×", "\u00e9", "\x00", "\ufeff", "include", '"self.kin"', "extends"]

CODE = re.compile(r"^[EWD]\d{3}$")


def _check_text(tmp_path, text: str) -> None:
    path = tmp_path / "random.kin"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load([path])
    for d in loaded.diagnostics:
        assert CODE.match(d.code), d
        d.render()  # rendering never fails either
    parsed, diagnostics = parse(text, "random.kin")
    if not any(d.is_error for d in diagnostics):
        again, problems = parse(format_file(parsed), "formatted.kin")
        assert not any(d.is_error for d in problems), format_file(parsed)


@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_random_token_soup_yields_only_diagnostics(tmp_path, text):
    _check_text(tmp_path, text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_yields_only_diagnostics(tmp_path, text):
    _check_text(tmp_path, text)


@given(st.integers(0, len(VALID) - 1), st.integers(0, 8), st.sampled_from(TOKENS))
def test_mutated_valid_catalog_yields_only_diagnostics(tmp_path, at, cut, insert):
    _check_text(tmp_path, VALID[:at] + insert + VALID[at + cut:])


@given(st.integers(0, len(VALID) - 1), st.integers(1, 12))
def test_formatting_twice_is_stable_on_mutations(at, cut):
    text = VALID[:at] + VALID[at + cut:]
    parsed, diagnostics = parse(text, "m.kin")
    if any(d.is_error for d in diagnostics):
        return
    once = format_file(parsed)
    twice = format_file(parse(once, "m.kin")[0])
    assert once == twice

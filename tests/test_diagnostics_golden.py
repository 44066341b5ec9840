"""One golden case per diagnostic code: the exact text a planner sees, and the exit code.

Each `tests/golden/diagnostics/<CODE>.kin` (or `<CODE>.dir`) triggers one code;
`<CODE>.out` holds the rendered output followed by `exit N`. Regenerate after an
intended change with KINERJA_UPDATE_GOLDEN=1 and review the diff.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import GOLDEN

CASES = sorted(p for p in (GOLDEN / "diagnostics").iterdir()
               if (p.suffix == ".kin" and "_" not in p.stem) or p.suffix == ".dir")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_diagnostic_renders_exactly(case: Path, kinerja, monkeypatch):
    monkeypatch.chdir(case.parent)
    code, out, err = kinerja("check", case.name)
    actual = out + err + f"exit {code}\n"
    expected_file = case.with_suffix(".out")
    if os.environ.get("KINERJA_UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
    assert re.search(rf"(error|warning)\[{case.stem}\]", actual), "the case must trigger its own code"


def test_every_code_has_a_golden_case():
    from kinerja_dsl import checker  # noqa: F401  (codes are emitted from these modules)
    sources = "".join(p.read_text(encoding="utf-8") for p in (GOLDEN.parent.parent / "kinerja_dsl").rglob("*.py"))
    codes = set(re.findall(r'"([EW]\d{3})"', sources))
    covered = {p.stem for p in CASES} | set(ELSEWHERE)
    assert codes - covered == set()


def test_catalogue_covers_every_emitted_code_and_readme_is_current():
    from kinerja_dsl.codes import CODES, catalogue_markdown

    root = GOLDEN.parent.parent
    sources = "".join(p.read_text(encoding="utf-8") for folder in ("kinerja_dsl", "engine")
                      for p in (root / folder).rglob("*.py") if p.name != "codes.py")
    emitted = set(re.findall(r'"([EWDP]\d{3})"', sources))
    assert emitted - set(CODES) == set(), "every emitted code needs a catalogue entry"
    assert set(CODES) - emitted == set(), "every catalogue entry must be emitted somewhere"
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- codes:start -->\n", 1)[1].split("<!-- codes:end -->", 1)[0]
    assert section == catalogue_markdown()


# codes whose example cannot be a small file in the repository, and the test that triggers each
ELSEWHERE = {"E011": "tests/test_trust_files.py::test_a_catalog_over_the_limit_is_refused_by_its_size"}


def test_every_catalog_code_has_an_example_that_triggers_it():
    from kinerja_dsl.codes import CODES

    catalog_codes = {c for c in CODES if c[0] in "EW"}
    assert catalog_codes - {p.stem for p in CASES} == set(ELSEWHERE)

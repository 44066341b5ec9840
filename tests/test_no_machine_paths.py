"""No shipped example or test names a folder of the machine it was written on (issue 11, §5).

The catalogs and NOTES once cited the seed reports by the absolute folder they had on the machine
that wrote them: true on one machine, a dead reference on every other. A seed is cited by its file name (`003_….txt` L964)
and a path, where one is needed, is relative (`../shared/seeds/`).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

# a home or work folder of a Unix, macOS or Windows machine
MACHINE_PATH = re.compile(rb"(?<![\w.~-])/(?:home|Users|root|work|mnt|srv)/|\b[A-Za-z]:[\\/]+(?:Users|Documents and Settings)[\\/]")


def _shipped_files():
    for top in ("indicators", "tests"):
        for path in sorted((ROOT / top).rglob("*")):
            if (path.is_file() and path != Path(__file__).resolve()  # this file shows examples
                    and not {"__pycache__", ".pytest_cache", ".hypothesis"} & set(path.parts)):
                yield path


def test_no_file_under_indicators_or_tests_holds_an_absolute_machine_path():
    """Every hit as file:line, so the failure says where to cite a seed by its file name instead."""
    found = []
    for path in _shipped_files():
        data = path.read_bytes()
        for m in MACHINE_PATH.finditer(data):
            line = data.count(b"\n", 0, m.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {m.group().decode(errors='replace')}")
    assert found == []


# each written in two parts, so that this file holds no machine path of its own
@pytest.mark.parametrize("text", [b"# Source: /" + b"work/shared/seeds/003_x.txt", b"see /" + b"home/ana/seeds",
                                  b"/" + b"Users/ana/x", b"C:" + b"\\Users\\ana\\lkjip.xlsx"])
def test_the_pattern_finds_each_kind_of_machine_path(text):
    """The check is not vacuous: each kind of absolute machine path is caught."""
    assert MACHINE_PATH.search(text)


@pytest.mark.parametrize("text", [b"seed 003_x.txt (../shared/seeds/) L964", b"include \"/proc/self/environ\"",
                                  b"https://example.org/home/page", b"realisasi/work/plan"])
def test_the_pattern_leaves_relative_paths_urls_and_reproducers_alone(text):
    """Relative seed paths, the issue's /proc and /etc reproducers and URLs are not machine paths."""
    assert not MACHINE_PATH.search(text)

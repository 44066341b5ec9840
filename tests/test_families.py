"""Families of indicators (issue 15.4): `template` and `use`, expanded before checking.

Small catalogs with their exact output: what the expansion declares, a finding inside a family
shown at the template's line with the instance named, fmt keeping the construct as written,
kamus, explain and diff naming the template; and a property: expansion never crashes.
"""
from __future__ import annotations

import re
import textwrap

from hypothesis import given, settings, strategies as st

from kinerja_dsl.formatter import format_file
from kinerja_dsl.loader import load
from kinerja_dsl.parser import parse

FAMILY = """\
office kanwil "Kantor Wilayah"
office adm "Divisi Administrasi" parent kanwil
office yankum "Divisi Pelayanan Hukum" parent kanwil
field realisasi "Realisasi anggaran" amount
field pagu "Pagu" amount

# the budget absorption of one office, declared once
template serapan(office, office_label, top) {
  indicator ANG.$office.serapan "Serapan - $office_label" {
    office $office
    unit "%"
    numerator realisasi
    denominator pagu
    scale 100
    direction higher
    nihil excluded
    range 0 .. 100
    target 2024 = $top  # the instance's target
  }
}

use serapan(top = 95) per office under kanwil
use serapan(office = kanwil, office_label = "Kantor Wilayah", top = 90)  # L2780
"""


def test_a_use_per_office_under_a_parent_and_a_named_use_expand_to_ordinary_indicators(tmp_path):
    path = tmp_path / "catalog.kin"
    path.write_text(FAMILY, encoding="utf-8")
    loaded = load([path])
    assert loaded.catalog is not None, [d.render() for d in loaded.diagnostics]
    inds = loaded.catalog.indicators
    assert list(loaded.catalog.declared_order) == ["ANG.adm.serapan", "ANG.yankum.serapan", "ANG.kanwil.serapan"]
    assert inds["ANG.adm.serapan"].label == "Serapan - Divisi Administrasi"
    assert inds["ANG.adm.serapan"].office == "adm"
    assert str(inds["ANG.adm.serapan"].target(2024).low) == "95"
    assert str(inds["ANG.kanwil.serapan"].target(2024).low) == "90"
    assert inds["ANG.adm.serapan"].family == f"serapan per office adm ({path}:22)"
    assert inds["ANG.kanwil.serapan"].family == f"serapan ({path}:23)"
    assert inds["ANG.adm.serapan"].line == 9  # the template's line: where the text stands


def test_a_finding_in_an_expanded_indicator_shows_the_template_line_and_names_the_instance(write, kinerja,
                                                                                           monkeypatch):
    path = write("catalog.kin", FAMILY.replace("top = 95", "top = 150"))
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("check", "catalog.kin")
    assert code == 1
    assert out == textwrap.dedent("""\
        catalog.kin:18:19: error[E105]: target 150 for 2024 is outside the range 0 .. 100 of `ANG.adm.serapan`
         18 |     target 2024 = $top  # the instance's target
            |                   ^^^^
          = note: in the instance for office adm of template `serapan` (catalog.kin:22)
          = hint: check the scale: a percentage is written 90, an index on a 0..4 scale 3.6
        catalog.kin:18:19: error[E105]: target 150 for 2024 is outside the range 0 .. 100 of `ANG.yankum.serapan`
         18 |     target 2024 = $top  # the instance's target
            |                   ^^^^
          = note: in the instance for office yankum of template `serapan` (catalog.kin:22)
          = hint: check the scale: a percentage is written 90, an index on a 0..4 scale 3.6
        2 errors, 0 warnings
        """)


def test_the_same_finding_in_every_instance_is_said_once_with_its_instances(write, kinerja, monkeypatch):
    path = write("catalog.kin", FAMILY.replace("denominator pagu", "denominator pagu_x"))
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("check", "catalog.kin")
    assert code == 1
    assert out == textwrap.dedent("""\
        catalog.kin:13:17: error[E101]: unknown name `pagu_x`
         13 |     denominator pagu_x
            |                 ^^^^^^
          = note: in the instance for office adm of template `serapan` (catalog.kin:22)
          = note: and in 2 more instances of template `serapan` (lines 22, 23)
          = hint: did you mean `pagu`?
        1 error, 0 warnings
        """)


def test_columns_after_a_placeholder_point_at_the_template_text(write, kinerja, monkeypatch):
    path = write("catalog.kin", FAMILY.replace("numerator realisasi", "numerator $top + realisasi_x"))
    monkeypatch.chdir(path.parent)
    _, out, _ = kinerja("check", "catalog.kin")
    # `realisasi_x` stands at column 22 of the template line, whatever the argument put before it
    assert re.findall(r"catalog\.kin:12:(\d+): error\[E101\]: unknown name `realisasi_x`", out) == ["22"]
    assert "and in 2 more instances of template `serapan`" in out


def test_a_syntax_error_of_an_instance_is_shown_at_the_template_with_its_instance(write, kinerja, monkeypatch):
    path = write("catalog.kin", FAMILY.replace('top = 90)', 'top = "x")'))
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("check", "catalog.kin")
    assert code == 2
    assert out.startswith("catalog.kin:18:19: error[E001]: unexpected `\"x\"`\n")
    assert '= note: in the instance `serapan(office = kanwil, office_label = "Kantor Wilayah", top = "x")` ' \
           "(catalog.kin:23)" in out


def test_fmt_keeps_the_template_and_its_uses_as_written(write, kinerja):
    messy = FAMILY.replace("template serapan(office, office_label, top) {",
                           "template  serapan(office,office_label, top) {") \
        .replace("    office $office\n", "      office $office   # whose\n") \
        .replace("use serapan(top = 95)", "use   serapan(top=95)")
    path = write("catalog.kin", messy)
    code, _, _ = kinerja("fmt", path)
    assert code == 0
    expected = FAMILY.replace("    office $office\n", "    office $office  # whose\n")
    assert path.read_text(encoding="utf-8") == expected
    parsed, _ = parse(expected, "catalog.kin")
    assert format_file(parsed) == expected  # idempotent


def test_fmt_writes_the_indonesian_words_of_a_use_in_an_indonesian_file():
    text = ('satker kanwil "K"\nsatker adm "A" induk kanwil\n\n'
            "templat t(office) {\n  indikator X.$office \"x\" {\n    nilai 1\n  }\n}\n\n"
            "pakai t() per satker bawahan kanwil\npakai t() per satker adm\n")
    parsed, problems = parse(text, "id.kin")
    assert problems == []
    assert format_file(parsed) == text


def test_kamus_names_the_template_of_each_expanded_indicator(write, kinerja, monkeypatch):
    path = write("catalog.kin", FAMILY)
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("kamus", "catalog.kin")
    assert code == 0
    words = " ".join(out.split())  # the terminal wraps long lines
    assert "Template: serapan per office adm (catalog.kin:22) 2. ANG.yankum.serapan" in words
    assert words.endswith("Template: serapan (catalog.kin:23)")


def test_explain_of_an_expanded_indicator_names_its_template(write, kinerja, monkeypatch):
    path = write("catalog.kin", FAMILY)
    write("data.toml", """\
        [2024.adm]
        realisasi = 90
        pagu = 100
        """)
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("explain", "catalog.kin", "--data", "data.toml", "ANG.adm.serapan", "--unit", "adm")
    assert code == 0, out
    assert out.splitlines()[:2] == ["ANG.adm.serapan Serapan - Divisi Administrasi",
                                    "  from template: serapan per office adm (catalog.kin:22)"]


def test_diff_shows_a_change_in_the_template_in_every_instance(write, kinerja, monkeypatch):
    old = write("old/catalog.kin", FAMILY)
    write("new/catalog.kin", FAMILY.replace("direction higher", "direction lower"))
    monkeypatch.chdir(old.parent.parent)
    code, out, _ = kinerja("diff", "old", "new", "--json")
    assert code == 0
    changed = sorted(re.findall(r'"id": "(ANG\.\w+\.serapan)"', out))
    assert changed == ["ANG.adm.serapan", "ANG.kanwil.serapan", "ANG.yankum.serapan"]


def test_a_template_in_a_base_catalog_serves_the_files_that_extend_it(write, kinerja, monkeypatch):
    base_text = FAMILY.split("\nuse ")[0]
    write("base.kin", base_text)
    path = write("office.kin", 'extends "base.kin"\n\nuse serapan(adm, "Administrasi", 80)\n')
    monkeypatch.chdir(path.parent)
    code, out, _ = kinerja("check", "office.kin")
    assert (code, out) == (0, "ok: 2 files, 1 indicator, 0 sasaran\n")


# ---- property: expansion never crashes ------------------------------------------------------

PIECES = ["$office", "$top", "$nope", "$", "{", "}", "\n", " ", '"', "(", ")", ",", "=", "use ", "template ",
          "serapan", "per office ", "under ", "kanwil", "adm", "1", "1.5", "%", "#", "indicator ", "..", "\\"]


def _survives(tmp_path, text: str) -> None:
    path = tmp_path / "random.kin"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load([path])
    for d in loaded.diagnostics:
        assert re.fullmatch(r"[EWD]\d{3}", d.code), d
        d.render()
    parsed, problems = parse(text, "random.kin")
    if not any(d.is_error for d in problems):
        once = format_file(parsed)
        again, more = parse(once, "random.kin")
        assert not any(d.is_error for d in more), once
        assert format_file(again) == once


@settings(deadline=None, max_examples=150)
@given(st.integers(0, len(FAMILY)), st.integers(0, 6), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))
def test_a_mutated_family_yields_only_diagnostics(tmp_path_factory, at, cut, insert):
    _survives(tmp_path_factory.mktemp("f"), FAMILY[:at] + insert + FAMILY[at + cut:])


@settings(deadline=None, max_examples=100)
@given(st.lists(st.one_of(st.sampled_from(["adm", "kanwil", "x.y", "1", "-2", "50%", "1/3", '"a\\"b"', '""',
                                           "top = 1", "office = adm", "nope = 1", "top = top"])), max_size=5),
       st.sampled_from(["", " per office under kanwil", " per office adm yankum", " per office under adm",
                        " per office zzz"]))
def test_random_arguments_yield_only_diagnostics(tmp_path_factory, args, per):
    text = FAMILY.split("\nuse ")[0] + f"\nuse serapan({', '.join(args)}){per}\n"
    _survives(tmp_path_factory.mktemp("a"), text)

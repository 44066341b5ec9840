"""Where each id is declared and used (kinerja_dsl/navigation.py), and the editor's answers built on
it (engine/language_server.Session), in-process: the cases the stdio tests do not reach, and
random text, which must never make the server fail (issue 16)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp

from conftest import ROOT
from kinerja_dsl import navigation
from kinerja_dsl.engine.language_server import Session
from kinerja_dsl.loader import load

CATALOG = """\
office kanwil "Kantor Wilayah"
office adm "Divisi Administrasi" parent kanwil
field done "Selesai" count
field total "Masuk" count
field both "Semua" count = done + total
sasaran S1 "Sasaran satu"
template persen(id, office) {
  indicator $id.p "Persentase" {
    sasaran S1
    office $office
    unit "%"
    numerator done
    denominator total
    direction higher
  }
}
use persen(A, adm)
indicator S1.a "Rasio" {
  sasaran S1
  office kanwil
  unit "%"
  numerator done
  denominator both
  direction higher
  target 2024 = 90
}
agreement "PK 2024" {
  year 2024
  office kanwil
  target S1.a = 90
}
bands mine "Predikat kantor" {
  "Baik" >= 80
  "Kurang" < 80
}
policy {
  bands mine
}
"""


@pytest.fixture
def nav(write) -> navigation.Navigation:
    path = write("kat/catalog.kin", CATALOG)
    loaded = load([str(path.parent)])
    assert loaded.ok, [d.render() for d in loaded.diagnostics]
    return navigation.build(loaded.parsed, loaded.files, loaded.model)


def places(found: list[navigation.Occurrence]) -> list[tuple[int, int, bool]]:
    return sorted((o.span.line, o.span.column, o.definition) for o in found)


def test_every_use_of_a_field_is_found_in_formulas_totals_and_templates(nav):
    assert places(nav.references("field", "done")) == [(3, 7, True), (5, 28, False), (12, 15, False),
                                                       (22, 13, False)]
    assert places(nav.references("field", "both")) == [(5, 7, True), (23, 15, False)]


def test_offices_sasaran_and_indicators_are_found_where_the_syntax_names_them(nav):
    assert places(nav.references("office", "kanwil")) == [(1, 8, True), (2, 41, False), (20, 10, False),
                                                          (29, 10, False)]
    assert places(nav.references("office", "adm")) == [(2, 8, True), (17, 15, False)]  # `use persen(A, adm)`
    assert places(nav.references("indicator", "S1.a")) == [(18, 11, True), (30, 10, False)]
    assert places(nav.references("template", "persen")) == [(7, 10, True), (17, 5, False)]
    assert places(nav.references("bands", "mine")) == [(32, 7, True), (37, 9, False)]


def test_an_id_a_template_makes_is_declared_in_the_template_and_cannot_be_renamed(nav):
    made = nav.definitions("indicator", "A.p")
    assert [(o.span.line, o.exact) for o in made] == [(8, False)]
    with pytest.raises(navigation.RenameRefused, match="made by template `persen`"):
        nav.rename("indicator", "A.p", "A.q")


def test_the_cursor_finds_an_id_from_its_first_character_to_just_past_its_last(nav):
    assert nav.at(nav.files[0].path, 18, 11).id == "S1.a"
    assert nav.at(nav.files[0].path, 18, 15).id == "S1.a"
    assert nav.at(nav.files[0].path, 18, 16) is None
    assert nav.at(nav.files[0].path, 18, 1) is None  # the keyword


@pytest.mark.parametrize("new, reason", [
    ("total", "the catalog already declares data field `total`"),
    ("9x", "`9x` is not an id"),
    ("a b", "`a b` is not an id"),
])
def test_rename_refuses_with_a_reason(nav, new, reason):
    with pytest.raises(navigation.RenameRefused, match=reason):
        nav.rename("field", "done", new)


def test_rename_gives_every_place_and_no_comment(nav):
    assert places(nav.rename("field", "done", "selesai")) == places(nav.references("field", "done"))


def test_the_outline_puts_the_indicators_under_their_sasaran(nav):
    outline = nav.outline(nav.files[0].path)
    assert [(s.name, s.kind) for s in outline] == [
        ("office", "group"), ("field", "group"), ("S1", "sasaran"), ("template", "group"), ("use", "group"),
        ("PK 2024", "agreement"), ("bands", "group"), ("policy", "policy")]
    sasaran = outline[2]
    assert [c.name for c in sasaran.children] == ["S1.a"] and sasaran.detail == "Sasaran satu"


def test_lsp_without_pygls_says_which_extra_to_install(kinerja, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pygls" else real(name, *a))
    code, out, err = kinerja("lsp")
    assert code == 4 and out == ""
    assert err == ("kinerja lsp needs pygls, the `lsp` extra: pip install 'kinerja-dsl[lsp]' "
                   "(or -e '.[lsp]' in a clone)\n")


def test_hover_on_a_sasaran_an_office_a_band_set_and_a_template(write):
    path = write("kat/catalog.kin", CATALOG)
    session = Session()
    uri = path.resolve().as_uri()

    def hover(line: int, column: int) -> str:
        found = session.hover(uri, lsp.Position(line=line - 1, character=column - 1))
        assert found is not None
        return found.contents.value
    assert hover(6, 9) == "**S1** · sasaran\n\nSasaran satu\n\nindicators: A.p, S1.a\n\ndeclared at catalog.kin:6"
    assert hover(1, 8) == ("**kanwil** · office (satker)\n\nKantor Wilayah\n\noffices below: adm\n\n"
                           "declared at catalog.kin:1")
    assert hover(37, 9) == ("**mine** · band set (predikat)\n\nPredikat kantor\n\n- Baik: >= 80\n- Kurang: < 80\n\n"
                            "declared at catalog.kin:32")
    assert hover(17, 5) == "**persen** · template\n\nused 1 time\n\ndeclared at catalog.kin:7"
    assert hover(5, 7).startswith("**both** · data field\n\nSemua\n\nkind: count\n\nboth = done + total\n\n")


# ---- random text never makes the server fail -------------------------------------------------------

WORDS = ["indicator", "indikator", "field", "office", "sasaran", "policy", "for", "template", "use", "per",
         "agreement", "target", "numerator", "value", "{", "}", "(", ")", "=", "+", "/", '"x"', "2024", "1/3",
         "12.5%", "S1", "S1.a", "done", "total", "kanwil", "adm", "$id", "capaian", "#", "\n", "\n", " "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.integers(0, 40), st.integers(0, 30))
def test_any_text_gets_diagnostics_and_answers_never_an_exception(tmp_path, words, line, character):
    path = tmp_path / "fuzz" / "catalog.kin"
    path.parent.mkdir(exist_ok=True)
    path.write_text(CATALOG, "utf-8")
    session = Session()
    uri = path.resolve().as_uri()
    text = CATALOG + " ".join(words)
    session.opened(uri, text, 1)
    published = session.check(str(path.resolve()))
    assert uri in published
    position = lsp.Position(line=line, character=character)
    session.hover(uri, position)
    session.definition(uri, position)
    session.references(uri, position, True)
    session.complete(uri, position)
    session.symbols(uri)
    session.format(uri)
    try:
        session.rename(uri, position, "renamed")
    except navigation.RenameRefused:
        pass


def test_a_shipped_catalog_is_indexed_without_a_duplicate_place():
    loaded = load([str(ROOT / "indicators" / "banten-2024")])
    nav = navigation.build(loaded.parsed, loaded.files, loaded.model)
    spans = [(o.kind, o.id, o.span.file, o.span.line, o.span.column) for o in nav.occurrences]
    assert len(spans) == len(set(spans))
    assert {Path(o.span.file).name for o in nav.occurrences} == {"catalog.kin", "pk-2024.kin", "pk-2024-bab2.kin"}


# ---- completion where the stdio tests do not go ------------------------------------------------------

@pytest.fixture
def complete(write):
    """Complete at the end of `typed` (one line or more), put after the catalog's line `after` (1-based)."""
    path = write("kat/catalog.kin", CATALOG)
    session = Session()
    uri = path.resolve().as_uri()

    def run(typed: str, after: int) -> set[str]:
        lines = CATALOG.split("\n")
        typed_lines = typed.split("\n")
        session.opened(uri, "\n".join(lines[:after] + typed_lines + lines[after:]), 1)
        cursor = lsp.Position(line=after + len(typed_lines) - 1, character=len(typed_lines[-1]))
        return {i.label for i in session.complete(uri, cursor)}
    return run


def test_completion_of_a_scoped_policy_offers_selectors_then_their_values(complete):
    assert complete("policy ", 1) == {"for", "untuk"}
    assert {"unit", "satuan", "kind", "jenis", "indicators", "daftar", "year", "tahun"} <= complete("policy for ", 1)
    assert {"ratio", "rasio", "value", "nilai", "index", "indeks"} == complete("policy for unit \"%\" and kind ", 1)
    assert {"S1.a", "S1"} <= complete("policy for indicators ", 1)
    assert {"kanwil", "adm"} == complete("policy untuk satker ", 1)


def test_completion_in_a_template_body_offers_declarations(complete):
    assert {"indicator", "indikator", "field", "sasaran"} <= complete("  ", 7)
    assert {"numerator", "unit", "office"} <= complete("    ", 8)  # inside the template's indicator


def test_completion_reads_braces_in_texts_and_comments_as_text(complete):
    assert {"numerator", "pembilang", "target"} <= complete('  note "a } in a text"  # and { in a comment\n  ', 19)
    assert "numerator" not in complete("", 26)  # after the indicator's closing brace: top level
    assert {"target", "year", "office", "pagu"} <= complete("  ", 28)  # in the agreement


def test_completion_in_a_target_line_offers_no_field(complete):
    assert complete("  target 2024 = ", 19) == set()

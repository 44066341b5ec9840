"""`kinerja lsp` driven over stdio by pygls's own LanguageClient, on the shipped catalogs (issue 16).

One server for the module, started as an editor starts it (`python -m … lsp`), on a copy of
indicators/ (the server never writes, but a test must not be able to touch the shipped files).
Each feature is asked what a planner would ask on a real catalog: Banten (templates, a base it
extends, two PK files), Sumsel (the largest file) and Babel (a PK kept as TOML).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from conftest import ROOT
from lsp_client import Editor

@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    root = tmp_path_factory.mktemp("lsp")
    shutil.copytree(ROOT / "indicators", root / "indicators")
    ed = Editor(root)
    ed.start()
    yield ed
    ed.stop()


def line_of(path: Path, starts: str) -> int:
    """0-based number of the first line that starts with `starts` (after its indentation)."""
    return next(k for k, line in enumerate(path.read_text("utf-8").split("\n")) if line.strip().startswith(starts))


def where(locations: list[lsp.Location], root: Path) -> list[tuple[str, int]]:
    """(file relative to indicators/, 1-based line) of each location, sorted."""
    return sorted((str(Path(lsp_path(x.uri)).relative_to(root / "indicators")), x.range.start.line + 1)
                  for x in locations)


def lsp_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return str(Path(to_fs_path(uri)).resolve())


def edited(editor: Editor, relative: str, starts: str, old: str, new: str):
    """Open a file of the copy and change, in its first line starting with `starts`, `old` into `new`:
    (uri, that line's number, the file's text, the line as edited, the diagnostics published for it)."""
    uri, _ = editor.open(relative)
    path = editor.root / relative
    text = path.read_text("utf-8")
    k = line_of(path, starts)
    lines = text.split("\n")
    lines[k] = lines[k].replace(old, new, 1)
    found, _ = editor.change(uri, "\n".join(lines))
    return uri, k, text, lines[k], found


BANTEN = "indicators/banten-2024/catalog.kin"
BANTEN_PK = "indicators/banten-2024/pk-2024.kin"
SUMSEL = "indicators/sumsel-2024/catalog.kin"
BABEL = "indicators/babel-iku-2023/catalog.kin"


# ---- diagnostics ------------------------------------------------------------------------------------

def test_a_shipped_catalog_opens_clean_with_its_base_and_pk_files(editor):
    uri, found = editor.open(BANTEN)
    assert found == []
    for other in ("indicators/banten-2024/pk-2024.kin", "indicators/banten-2024/pk-2024-bab2.kin",
                  "indicators/kemenkumham-iku-2024/catalog.kin"):
        assert editor.latest.get(editor.uri(other), []) == []  # a clean file is published only to clear it


def test_an_edit_that_misspells_a_field_gets_E101_on_the_name_and_the_fix_clears_it(editor):
    uri, k, text, _, found = edited(editor, BANTEN, "numerator ra_rb_terlaksana", "ra_rb_terlaksana",
                                    "ra_rb_terlaksanaa")
    assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.character, d.severity)
            for d in found] == [("E101", k, 12, 29, lsp.DiagnosticSeverity.Error)]
    assert found[0].message == "unknown name `ra_rb_terlaksanaa`\nhint: did you mean `ra_rb_terlaksana`?"
    assert found[0].source == "kinerja"
    found, _ = editor.change(uri, text)
    assert found == []


def test_a_misspelt_key_and_a_syntax_error_are_said_with_code_range_and_hint(editor):
    uri, k, text, line, found = edited(editor, SUMSEL, "denominator ", "denominator", "denominatr")
    column = line.index("denominatr")
    misspelt = [d for d in found if d.code == "E115"]
    assert {d.code for d in found} == {"E113", "E115"}  # the key is unknown, so the ratio lacks its denominator
    assert (misspelt[0].range.start.line, misspelt[0].range.start.character, misspelt[0].range.end.character) == (
        k, column, column + len("denominatr"))
    assert misspelt[0].message == "unknown setting `denominatr` in an indicator\nhint: did you mean `denominator`?"
    lines = text.split("\n")
    lines[k] = lines[k].split("#")[0].rstrip() + " )"
    found, _ = editor.change(uri, "\n".join(lines))
    assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [
        ("E001", k, len(lines[k]) - 1)]
    assert found[0].message.startswith("unexpected `)`")
    found, _ = editor.change(uri, text)
    assert found == []


def test_a_pk_file_that_names_an_unknown_indicator_is_flagged_in_the_pk_file(editor):
    uri, k, text, line, found = edited(editor, BANTEN_PK, "target ADM.ikm", "ADM.ikm", "ADM.ikn")
    assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [
        ("E101", k, line.index("ADM.ikn"))]
    assert "did you mean `ADM.ikm`?" in found[0].message
    found, _ = editor.change(uri, text)
    assert found == []


def test_a_finding_in_a_template_names_its_instance(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    text = path.read_text("utf-8")
    k = line_of(path, "template ")
    body = text.split("\n")
    j = next(i for i in range(k, len(body)) if body[i].strip().startswith(("numerator", "value")))
    word = body[j].split()[1]
    body[j] = body[j].replace(word, word + "_x", 1)
    found, _ = editor.change(uri, "\n".join(body))
    assert found and found[0].range.start.line == j and "in the instance" in found[0].message
    editor.change(uri, text)


# ---- hover --------------------------------------------------------------------------------------------

def test_hover_on_an_indicator_shows_its_kamus_entry(editor):
    uri, _ = editor.open(BANTEN)
    k = line_of(editor.root / BANTEN, "indicator ADM.ikm ")
    text = editor.hover(uri, k, 12)
    assert text.startswith("**ADM.ikm** · indicator")
    for expected in ("Indeks kepuasan unit kerja", "**Sasaran**: ADM1", "**Formula**: ikm_skor / 100 * 4",
                     "**Direction**: higher is better", "**Nihil**: excluded", "**Target**: 2023: 3.1; 2024: 3.1",
                     "**Renstra**: 2020: 2.84", "declared at catalog.kin:22, catalog.kin:306"):
        assert expected in text, expected


def test_hover_on_a_field_shows_its_label_kind_and_users(editor):
    uri, _ = editor.open(SUMSEL)
    k = line_of(editor.root / SUMSEL, "field ra_rb_kanwil_terlaksana ")
    assert editor.hover(uri, k, 7) == (
        "**ra_rb_kanwil_terlaksana** · data field\n\nRencana aksi RB terkait Kantor Wilayah yang terlaksana\n\n"
        f"kind: count\n\nused by: ADM.rb\n\ndeclared at catalog.kin:{k + 1}")


def test_hover_on_an_office_in_a_pk_file(editor):
    uri, _ = editor.open(BANTEN_PK)
    k = line_of(editor.root / BANTEN_PK, "office kanwil")
    text = editor.hover(uri, k, 10)
    assert text.startswith("**kanwil** · office (satker)")
    assert "Kantor Wilayah Kementerian Hukum dan HAM Banten" in text and "offices below: adm, yankum" in text


def test_hover_on_a_keyword_says_its_meaning_in_both_languages(editor):
    uri, _ = editor.open(BANTEN)
    k = line_of(editor.root / BANTEN, "indicator ADM.ikm ")
    text = editor.hover(uri, k, 3)
    assert text.startswith("**indicator** (keyword) `indicator` · `indikator`")
    from kinerja_dsl.vocabulary import meanings_of

    meaning = meanings_of("indicator")[0]
    assert meaning.shown("en") in text and meaning.shown("id") in text and meaning.shown("id") != meaning.shown("en")
    k = line_of(editor.root / BANTEN, "cap none")  # a setting key, by its Indonesian spelling too
    assert editor.hover(uri, k, 3).startswith("**cap** (setting) `cap` · `batas_atas`")


def test_hover_in_a_comment_or_past_the_end_says_nothing(editor):
    uri, _ = editor.open(BANTEN)
    assert editor.hover(uri, 0, 5) is None          # `# LKjIP 2024 …`
    assert editor.hover(uri, 99999, 0) is None


# ---- go to definition and references ---------------------------------------------------------------------

def test_definition_of_an_indicator_from_a_pk_file_is_the_base_and_the_office_block(editor):
    uri, _ = editor.open(BANTEN_PK)
    k = line_of(editor.root / BANTEN_PK, "target ADM.ikm")
    assert where(editor.definition(uri, k, 9), editor.root) == [
        ("banten-2024/catalog.kin", 306), ("kemenkumham-iku-2024/catalog.kin", 22)]


def test_definition_of_a_field_an_office_and_a_sasaran(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    lines = path.read_text("utf-8").split("\n")
    k = line_of(path, "numerator ra_rb_terlaksana")
    field = where(editor.definition(uri, k, 14), editor.root)
    assert field == [("banten-2024/catalog.kin", line_of(path, "field ra_rb_terlaksana ") + 1)]
    k = line_of(path, "office adm ")
    parent = lines[k].index("parent kanwil") + len("parent ")
    assert where(editor.definition(uri, k, parent), editor.root) == [
        ("banten-2024/catalog.kin", line_of(path, "office kanwil ") + 1)]
    k = line_of(path, "indicator ADM.ikm ") + 1
    while not lines[k].strip().startswith("sasaran"):
        k += 1
    column = lines[k].index("sasaran ") + len("sasaran ")
    assert where(editor.definition(uri, k, column), editor.root) == [
        ("banten-2024/catalog.kin", line_of(path, "sasaran ADM1 ") + 1)]


def test_references_of_an_iku_reach_every_office_that_extends_the_base(editor):
    uri, _ = editor.open(BANTEN)
    k = line_of(editor.root / BANTEN, "indicator ADM.ikm ")
    found = where(editor.references(uri, k, 12), editor.root)
    files = {f for f, _ in found}
    assert files == {"kemenkumham-iku-2024/catalog.kin", "banten-2024/catalog.kin", "banten-2024/pk-2024.kin",
                     "banten-2024/pk-2024-bab2.kin", "sumsel-2024/catalog.kin", "sumsel-2024/pk-2024.kin"}
    assert ("banten-2024/catalog.kin", 39) in found  # `policy for indicators ADM.ikm …`


def test_references_of_an_office_stay_in_its_catalogs_and_count_template_uses(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    k = line_of(path, "office adm ")
    found = where(editor.references(uri, k, 8), editor.root)
    lines = path.read_text("utf-8").split("\n")
    uses = [n + 1 for n, line in enumerate(lines) if line.startswith("use anggaran(adm,")]
    assert uses and all(("banten-2024/catalog.kin", n) in found for n in uses)
    assert ("banten-2024/pk-2024.kin", line_of(editor.root / BANTEN_PK, "pagu adm ") + 1) in found
    assert {f for f, _ in found} <= {"banten-2024/catalog.kin", "banten-2024/pk-2024.kin",
                                      "banten-2024/pk-2024-bab2.kin", "banten-2024-revisi/catalog.kin"}


# ---- completion -----------------------------------------------------------------------------------------

def test_completion_at_a_statement_start_offers_the_words_of_the_block_in_both_languages(editor):
    uri, _ = editor.open(BANTEN)
    k = line_of(editor.root / BANTEN, "indicator ADM.ikm ")
    labels = editor.complete(uri, k + 1, 2)
    assert {"numerator", "pembilang", "denominator", "penyebut", "target", "unit", "satuan", "direction",
            "arah", "nihil"} <= set(labels)
    assert "agreement" not in labels and "first_party" not in labels
    top = editor.complete(uri, k - 1, 0) if not (editor.root / BANTEN).read_text().split("\n")[k - 1].strip() \
        else editor.complete(uri, 0, 0)
    assert {"indicator", "indikator", "field", "variabel", "template", "templat"} <= set(top)


def test_completion_of_values_ids_and_formula_names(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    text = path.read_text("utf-8")
    lines = text.split("\n")
    k = line_of(path, "indicator ADM.ikm ") + 1
    for typed, expected, refused in (
            ("  direction ", {"higher", "naik", "lower", "turun"}, {"ADM1"}),
            ("  nihil ", {"achieved", "excluded", "dikecualikan", "zero", "error"}, set()),
            ("  sasaran ", {"ADM1", "AHU1", "PAS1"}, {"higher"}),
            ("  office ", {"kanwil", "adm", "kanim_serang"}, set()),
            ("  numerator ", {"ra_rb_terlaksana", "ikm_skor", "ADM.rb", "capaian", "exact", "prev"}, {"higher"}),
            ("  round ", {"half_up", "truncate", "potong"}, set())):
        edited = lines[:k] + [typed] + lines[k:]
        editor.change(uri, "\n".join(edited))
        labels = set(editor.complete(uri, k, len(typed)))
        assert expected <= labels, (typed, expected - labels)
        assert not refused & labels, (typed, refused & labels)
    editor.change(uri, text)


def test_completion_of_an_agreement_target_offers_indicator_ids(editor):
    uri, _ = editor.open(BANTEN_PK)
    path = editor.root / BANTEN_PK
    k = line_of(path, "target ADM.ikm")
    labels = set(editor.complete(uri, k, len("  target ")))
    assert {"ADM.ikm", "ADM.rb", "PAS.ikm"} <= labels


# ---- formatting, outline, rename --------------------------------------------------------------------------

def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """The text with LSP edits applied (positions in UTF-16 units, as the client asked)."""
    lines = text.split("\n")

    def offset(p: lsp.Position) -> int:
        before = sum(len(x) + 1 for x in lines[:p.line])
        units = lines[p.line].encode("utf-16-le")[:2 * p.character].decode("utf-16-le") if p.line < len(lines) else ""
        return before + len(units)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def test_formatting_gives_what_kinerja_fmt_writes(editor, kinerja):
    path = editor.root / "indicators/babel-iku-2023/catalog.kin"
    messy = path.read_text("utf-8").replace("\n  ", "\n      ").replace("policy {", "policy   {")
    shutil.copytree(path.parent, editor.root / "messy")
    (editor.root / "messy/catalog.kin").write_text(messy, "utf-8")
    uri, _ = editor.open("messy/catalog.kin")
    edits = editor.format(uri)
    assert edits
    code, _, _ = kinerja("fmt", str(editor.root / "messy/catalog.kin"))
    assert code == 0
    assert apply(messy, edits) == (editor.root / "messy/catalog.kin").read_text("utf-8")
    (editor.root / "messy/catalog.kin").write_text(messy, "utf-8")  # the copy stays as the editor holds it


def test_formatting_a_file_with_a_syntax_error_changes_nothing(editor):
    uri, _ = editor.open(SUMSEL)
    text = (editor.root / SUMSEL).read_text("utf-8")
    editor.change(uri, text + "\nindicator {\n")
    assert not editor.format(uri)
    editor.change(uri, text)


def test_the_outline_is_by_sasaran_with_the_indicators_under_each(editor):
    uri, _ = editor.open(SUMSEL)
    symbols = editor.symbols(uri)
    names = [s.name for s in symbols]
    assert "SJ1" in names and "data field" in names and "office (satker)" in names
    sj1 = symbols[names.index("SJ1")]
    assert sj1.kind == lsp.SymbolKind.Namespace and [c.name for c in sj1.children] == ["ADM.rb", "ADM.ikm"]
    for s in symbols:
        for c in s.children or []:  # a child's range lies inside its parent's
            assert (s.range.start.line, s.range.start.character) <= (c.range.start.line, c.range.start.character)
            assert (c.range.end.line, c.range.end.character) <= (s.range.end.line, s.range.end.character)


def test_rename_a_field_rewrites_its_declaration_and_every_formula(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    k = line_of(path, "field ra_rb_terlaksana ")
    edit = editor.rename(uri, k, 8, "rb_done")
    changes = {str(Path(lsp_path(u)).relative_to(editor.root / "indicators")): e for u, e in edit.changes.items()}
    assert set(changes) == {"banten-2024/catalog.kin"}
    before = path.read_text("utf-8")
    renamed = apply(before, changes["banten-2024/catalog.kin"])
    code = [line.split("#")[0] for line in renamed.split("\n")]  # comments are the author's: never rewritten
    assert not any("ra_rb_terlaksana" in c for c in code) and sum(c.count("rb_done") for c in code) == 2
    assert [line.split("#", 1)[1] for line in renamed.split("\n") if "#" in line] == [
        line.split("#", 1)[1] for line in before.split("\n") if "#" in line]


def test_rename_an_iku_reaches_the_base_every_office_and_their_pk_files(editor):
    uri, _ = editor.open(BANTEN)
    k = line_of(editor.root / BANTEN, "indicator ADM.ikm ")
    edit = editor.rename(uri, k, 12, "ADM.kepuasan")
    changes = {str(Path(lsp_path(u)).relative_to(editor.root / "indicators")): e for u, e in edit.changes.items()}
    assert set(changes) == {"kemenkumham-iku-2024/catalog.kin", "banten-2024/catalog.kin", "banten-2024/pk-2024.kin",
                            "banten-2024/pk-2024-bab2.kin", "sumsel-2024/catalog.kin", "sumsel-2024/pk-2024.kin"}
    for relative, edits in changes.items():
        before = (editor.root / "indicators" / relative).read_text("utf-8")
        after = apply(before, edits)
        assert after.count("ADM.kepuasan") == len(edits) and after.count("ADM.ikm") == before.count("ADM.ikm") - len(edits)


def test_references_reach_a_pk_kept_as_toml_and_a_template_made_id_is_not_renamed(editor):
    pk = (editor.root / "indicators/babel-iku-2023/pk-2023.toml").read_text("utf-8").split("\n")
    uri, _ = editor.open("indicators/babel-iku-2023/pk-2023.kin")
    k = line_of(editor.root / "indicators/babel-iku-2023/pk-2023.kin", "target ADM1.ikl")
    found = where(editor.references(uri, k, 9), editor.root)
    toml = pk.index('indicator = "ADM1.ikl"') + 1
    assert ("babel-iku-2023/pk-2023.toml", toml) in found and ("babel-iku-2023/pk-2023.kin", k + 1) in found
    with pytest.raises(Exception, match="`ADM1.ikl` is made by template `iku`; rename it in the template's `use`"):
        editor.rename(uri, k, 9, "ADM1.ikl2")


def test_rename_in_a_pk_kept_as_toml(editor):
    pk = editor.root / "indicators/babel-iku-2023/pk-2023.toml"
    catalog = editor.root / BABEL
    k = line_of(catalog, "indicator BSK1.ikk ")
    uri, _ = editor.open(BABEL)
    edit = editor.rename(uri, k, 12, "BSK1.kualitas")
    changes = {Path(lsp_path(u)).name: e for u, e in edit.changes.items()}
    assert set(changes) == {"catalog.kin", "pk-2023.kin", "pk-2023.toml"}
    assert 'indicator = "BSK1.kualitas"' in apply(pk.read_text("utf-8"), changes["pk-2023.toml"])


def test_rename_is_refused_with_a_reason(editor):
    uri, _ = editor.open(BANTEN)
    path = editor.root / BANTEN
    k = line_of(path, "field ra_rb_terlaksana ")
    with pytest.raises(Exception, match="the catalog already declares data field `ikm_skor`"):
        editor.rename(uri, k, 8, "ikm_skor")
    with pytest.raises(Exception, match="`9x` is not an id"):
        editor.rename(uri, k, 8, "9x")


def test_the_server_survives_a_request_it_cannot_answer(editor):
    uri = editor.uri("indicators/no-such-folder/nothing.kin")
    assert editor.hover(uri, 0, 0) is None
    assert editor.definition(uri, 3, 3) == []
    uri, _ = editor.open(BANTEN)
    assert editor.hover(uri, line_of(editor.root / BANTEN, "indicator ADM.ikm "), 12) is not None


def test_quick_edits_are_checked_once_for_the_last_version(editor):
    """The debounce: three changes sent together (faster than language_server.DEBOUNCE) give one
    check, of the last text; the versions before it get no diagnostics of their own."""
    uri, _ = editor.open(SUMSEL)
    text = (editor.root / SUMSEL).read_text("utf-8")
    first = editor.versions[uri] + 1
    for n in range(3):
        editor.versions[uri] += 1
        editor.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=editor.versions[uri]),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text + f"\n# edit {n}\n")]))
    seen = []

    async def until_last() -> None:
        while True:
            _, params = await editor.published.get()
            if params.uri == uri:
                seen.append(params.version)
                if params.version == editor.versions[uri]:
                    return
    editor.run(until_last())
    assert seen[-1] == first + 2 and first not in seen and first + 1 not in seen


def test_an_editor_in_indonesian_by_default(tmp_path, indonesian):
    """Without --lang (and without $KINERJA_LANG) the server speaks as every command does: Indonesian."""
    shutil.copytree(ROOT / "indicators", tmp_path / "indicators")
    ed = Editor(tmp_path)
    ed.start(lang=None)
    try:
        uri, found = ed.open(SUMSEL)
        assert found == []
        k = line_of(tmp_path / SUMSEL, "indicator ADM.ikm ")
        text = ed.hover(uri, k, 12)
        assert text.startswith("**ADM.ikm** · indikator") and "dideklarasikan di catalog.kin:22" in text
        assert "- **Arah**: " in text and "- **Satuan**: " in text
    finally:
        ed.stop()


def test_an_edit_of_the_base_is_checked_as_each_office_reads_it(editor):
    """A planner editing the national base sees what it breaks in the offices' catalogs that extend
    it: checked when typing pauses (language_server.READERS), after the base's own diagnostics."""
    uri, k, text, _, found = edited(editor, "indicators/kemenkumham-iku-2024/catalog.kin", "indicator ADM.ikm ",
                                    "ADM.ikm", "ADM.ikx")
    # checked as the offices read it (alone, its 30 IKU lack formulas): no office gives ADM.ikx one
    assert [(d.code, d.range.start.line) for d in found] == [("E113", k)]
    banten, sumsel = editor.uri(BANTEN), editor.uri(SUMSEL)

    async def offices(empty: bool) -> dict[str, list[lsp.Diagnostic]]:
        seen: dict[str, list[lsp.Diagnostic]] = {}
        while not (banten in seen and sumsel in seen):
            _, params = await editor.published.get()
            if params.uri in (banten, sumsel) and (not params.diagnostics) == empty:
                seen[params.uri] = list(params.diagnostics)
        return seen
    broken = editor.run(offices(empty=False))
    # each office's ADM.ikm block no longer refines the base's: it lacks what the base gave it
    assert any(d.code == "E103" and "ADM.ikm" in d.message for d in broken[banten]), broken[banten]
    assert any("ADM.ikm" in d.message for d in broken[sumsel])
    found, _ = editor.change(uri, text)
    assert found == []
    assert editor.run(offices(empty=True)) == {banten: [], sumsel: []}


def test_a_fix_is_not_shadowed_by_what_a_reading_catalog_found_before_it(editor):
    """banten-2024-revisi extends Banten's catalog: after a pause it has checked the broken text too.
    The fix's diagnostics are Banten's own (clean), not revisi's older finding in Banten's file."""
    import asyncio

    uri, _, text, _, found = edited(editor, BANTEN, "numerator ra_rb_terlaksana", "ra_rb_terlaksana", "ra_rb_x")
    assert [d.code for d in found] == ["E101"]
    editor.run(asyncio.sleep(1.2))  # the catalogs that read Banten's catalog are checked at the pause
    found, _ = editor.change(uri, text)
    assert found == []

"""Issue 11, files and the command line: only the files the user named are read (regular
files, within the size limit, includes confined to the named catalog's folder), --out never
overwrites an input, fmt keeps every comment and the file it rewrites, and the exit code
tells a script when an IKU has no capaian. Each reproducer with its exact outcome."""
from __future__ import annotations

import codecs
import errno
import functools
import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from kinerja_dsl import loader
from kinerja_dsl.formatter import format_file
from kinerja_dsl.loader import MAX_FILE_BYTES, read_bytes
from kinerja_dsl.parser import parse

MINI = '''field a "A" count
field b "B" count

indicator X.a "Rasio" {
  unit "%"
  numerator a
  denominator b
  scale 100
  direction higher
  nihil achieved
  target 2024 = 80
  iku
}
'''
DATA_CSV = "period,office,field,value\n2024,,a,4\n2024,,b,5\n"
HINT = "  = hint: name the catalog, data or PK file itself\n"


@pytest.fixture
def mini(tmp_path):
    (tmp_path / "mini.kin").write_text(MINI, encoding="utf-8")
    (tmp_path / "data.csv").write_text(DATA_CSV, encoding="utf-8")
    return tmp_path


# ---- 1. one safe reader for every input ----------------------------------------------------

def test_check_dev_zero_is_refused_not_read(kinerja):
    code, out, _ = kinerja("check", "/dev/zero")
    assert (code, out) == (3, "/dev/zero: error[E010]: is a character device, not a regular file\n"
                              + HINT + "1 error, 0 warnings\n")


def test_data_from_dev_zero_is_refused(mini, kinerja):
    code, _, err = kinerja("eval", mini / "mini.kin", "--data", "/dev/zero")
    assert (code, err) == (3, "/dev/zero: error[E010]: is a character device, not a regular file\n"
                              + HINT + "1 error, 0 warnings\n")


@pytest.mark.parametrize("role", ["catalog", "data", "xlsx", "mapping", "pk", "published"])
def test_a_fifo_never_hangs_whatever_it_stands_for(mini, kinerja, role):
    fifo = mini / {"catalog": "f.kin", "data": "f.csv", "xlsx": "f.xlsx", "mapping": "f.toml", "pk": "f.toml",
                   "published": "f.toml"}[role]
    os.mkfifo(fifo)
    cat, data = mini / "mini.kin", mini / "data.csv"
    argv = {"catalog": ("check", fifo), "data": ("eval", cat, "--data", fifo), "xlsx": ("eval", cat, "--data", fifo),
            "mapping": ("validate-pk", mini / "pk.xlsx", "--catalog", cat, "--mapping", fifo),
            "pk": ("validate-pk", fifo, "--catalog", cat),
            "published": ("audit", cat, "--data", data, "--published", fifo)}[role]
    if role == "mapping":
        pytest.importorskip("openpyxl")
        (mini / "pk.xlsx").write_bytes(b"")
    code, out, err = kinerja(*argv)
    assert code == 3
    assert f"{fifo}: error[E010]: is a FIFO (named pipe), not a regular file\n" in out + err


@pytest.mark.parametrize("command", ["eval", "explain", "audit"])
def test_the_data_file_is_read_once(mini, kinerja, monkeypatch, command):
    """One read gives the values and the source lines of their diagnostics: a file that changes
    meanwhile (or a pipe) cannot show a line the values were not read from."""
    (mini / "data.csv").write_text(DATA_CSV + "2024,,zz,1\n", encoding="utf-8")
    (mini / "published.toml").write_text('[[figure]]\nlevel = "indicator"\nid = "X.a"\nmeasure = "capaian"\n'
                                         'printed = "100"\nline = 1\n', encoding="utf-8")
    opened = []
    real_open = os.open

    def counting(path, *args, **kwargs):
        opened.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting)
    extra = {"eval": (), "explain": ("X.a",), "audit": ("--published", mini / "published.toml")}[command]
    code, _, err = kinerja(command, mini / "mini.kin", "--data", mini / "data.csv", *extra)
    assert code == 1 and " 4 | 2024,,zz,1" in err  # D001, shown at its line
    assert opened.count("data.csv") == 1


def test_data_named_through_dot_slash_still_shows_its_lines(mini, kinerja, monkeypatch):
    (mini / "data.csv").write_text(DATA_CSV + "2024,,zz,1\n", encoding="utf-8")
    monkeypatch.chdir(mini)
    code, _, err = kinerja("eval", "mini.kin", "--data", "./data.csv")
    assert code == 1
    assert err.startswith("data.csv:4:1: error[D001]: unknown field or indicator `zz`\n 4 | 2024,,zz,1\n")


def test_size_is_counted_while_reading_not_taken_from_stat(tmp_path, monkeypatch):
    """/dev/zero and a growing file: stat says little, the read stops at the limit."""
    path = tmp_path / "growing.toml"
    path.write_bytes(b"x" * 100)
    real_stat = os.stat

    def small(p, *a, **k):  # a file that grows after it was looked at
        st = real_stat(p, *a, **k)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 1,
                               st.st_atime, st.st_mtime, st.st_ctime)) if str(p) == str(path) else st

    monkeypatch.setattr(loader.os, "stat", small)
    data, problem = read_bytes(path, limit=64)
    assert data is None and (problem.code, problem.message) == ("E011", "the file holds more than 64 bytes, the limit")
    assert read_bytes(path, limit=100)[0] == b"x" * 100


def test_a_catalog_over_the_limit_is_refused_by_its_size(tmp_path, kinerja):
    path = tmp_path / "big.kin"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    code, out, _ = kinerja("check", path)
    assert out == (f"{path}: error[E011]: the file is 8,388,609 bytes; the limit is 8,388,608\n"
                   "  = hint: split the catalog into several files joined with `include`\n1 error, 0 warnings\n")
    assert code == 3


def test_symlink_loop_named_or_inside_a_folder_exits_3(tmp_path, kinerja):
    os.symlink("b.kin", tmp_path / "a.kin")
    os.symlink("a.kin", tmp_path / "b.kin")
    loop = ": error[E010]: is a symlink loop (too many levels of symbolic links)\n  = hint: point the link at the file itself\n"
    code, out, _ = kinerja("check", tmp_path / "a.kin")
    assert (code, out) == (3, f"{tmp_path / 'a.kin'}{loop}1 error, 0 warnings\n")
    code, out, _ = kinerja("check", tmp_path)
    assert (code, out) == (3, f"{tmp_path / 'a.kin'}{loop}{tmp_path / 'b.kin'}{loop}2 errors, 0 warnings\n")
    code, _, err = kinerja("eval", tmp_path / "a.kin", "--data", tmp_path / "b.kin")
    assert code == 3 and "error[E010]" in err and "Traceback" not in err


def test_a_file_name_over_255_characters_exits_3(mini, kinerja):
    long = mini / ("x" * 300 + ".csv")
    for argv in (("check", mini / ("x" * 300 + ".kin")), ("eval", mini / "mini.kin", "--data", long),
                 ("validate-pk", mini / ("x" * 300 + ".xlsx"), "--catalog", mini / "mini.kin")):
        code, out, err = kinerja(*argv)
        assert code == 3 and "error[E006]: the file name is too long\n" in out + err, (argv, out, err)


def test_a_folder_the_user_cannot_open_exits_3(mini, kinerja, monkeypatch):
    """PermissionError (as root no folder is closed, so the system call is made to refuse)."""
    closed = mini / "closed"
    real_stat = os.stat

    def refuse(p, *a, **k):
        if str(p).startswith(str(closed)):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_stat(p, *a, **k)

    monkeypatch.setattr(loader.os, "stat", refuse)
    code, out, _ = kinerja("check", closed / "c.kin")
    assert (code, out) == (3, f"{closed / 'c.kin'}: error[E006]: permission denied\n1 error, 0 warnings\n")
    code, _, err = kinerja("eval", mini / "mini.kin", "--data", closed / "d.csv")
    assert (code, err) == (3, f"{closed / 'd.csv'}: error[E006]: permission denied\n1 error, 0 warnings\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens every folder")
def test_a_really_closed_folder_exits_3(mini, kinerja):
    closed = mini / "closed"
    closed.mkdir()
    (closed / "c.kin").write_text(MINI, encoding="utf-8")
    closed.chmod(0)
    try:
        code, out, _ = kinerja("check", closed / "c.kin")
    finally:
        closed.chmod(0o755)
    assert code == 3 and "permission denied" in out


@pytest.mark.parametrize("encoding, message", [
    ("utf-32", "E005]: the file is not UTF-8 text (it is UTF-32)"),
    ("utf-32-le", "1:2: error[E005]: the file is not UTF-8 text (a NUL character)"),
    ("utf-32-be", "1:1: error[E005]: the file is not UTF-8 text (a NUL character)"),
    ("utf-16-le", "1:2: error[E005]: the file is not UTF-8 text (a NUL character)"),
])
def test_utf32_and_bomless_utf16_say_not_utf8_not_nonsense_syntax_errors(tmp_path, kinerja, encoding, message):
    path = tmp_path / "c.kin"
    path.write_bytes(MINI.encode(encoding))
    code, out, _ = kinerja("check", path)
    assert code == 3 and message in out and "E001" not in out and "E003" not in out


def test_read_text_keeps_utf16_with_bom():
    assert loader.decode(codecs.BOM_UTF16_LE + "field a".encode("utf-16-le"), "x.kin") == ("field a", None)


# ---- 2. include and extends stay inside the named catalog's folder -------------------------

def test_include_of_an_absolute_path_never_prints_the_file(tmp_path, kinerja):
    (tmp_path / "c.kin").write_text('include "/proc/self/environ"\n' + MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "c.kin")
    assert code == 3
    assert out == (f'{tmp_path / "c.kin"}:1:1: error[E009]: `/proc/self/environ` is an absolute path\n'
                   ' 1 | include "/proc/self/environ"\n'
                   '   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n'
                   "  = hint: keep shared catalogs inside the catalog's folder (a subfolder is fine) and include "
                   "them by a relative path, or declare a catalog tree: a file `kinerja.toml` in a folder above "
                   "both\n1 error, 0 warnings\n")


def test_include_climbing_out_of_the_folder_never_prints_the_file(tmp_path, kinerja):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$saltsalt$HASHHASHHASH:19000:0:99999:7:::\n", encoding="utf-8")
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "c.kin").write_text('extends "../shadow"\n' + MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "cat")
    assert code == 3 and "HASH" not in out
    assert out.startswith(f"{tmp_path / 'cat' / 'c.kin'}:1:1: error[E009]: `../shadow` leaves the folder "
                          f"`{tmp_path / 'cat'}` of the catalog named on the command line\n")


def test_a_symlink_pointing_out_is_resolved_before_the_check(tmp_path, kinerja):
    (tmp_path / "outside.kin").write_text('field z "Z" count\n', encoding="utf-8")
    (tmp_path / "cat").mkdir()
    os.symlink(tmp_path / "outside.kin", tmp_path / "cat" / "shared.kin")
    (tmp_path / "cat" / "c.kin").write_text('include "shared.kin"\n' + MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "cat" / "c.kin")
    assert code == 3 and "error[E009]: `shared.kin` leaves the folder" in out


def test_includes_inside_the_folder_and_its_subfolders_still_work(tmp_path, kinerja):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "fields.kin").write_text('field a "A" count\n', encoding="utf-8")
    (tmp_path / "sub" / "more.kin").write_text('include "../b.kin"\n', encoding="utf-8")
    (tmp_path / "b.kin").write_text('field b "B" count\n', encoding="utf-8")
    body = MINI.replace('field a "A" count\nfield b "B" count\n', "")
    (tmp_path / "c.kin").write_text('include "sub/fields.kin"\ninclude "sub/more.kin"\n' + body, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "c.kin")
    assert code == 0, out


def test_an_included_file_that_is_not_a_catalog_shows_only_the_token(tmp_path, kinerja):
    (tmp_path / "notes.txt").write_text("password = hunter2 secret\n", encoding="utf-8")
    (tmp_path / "c.kin").write_text('include "notes.txt"\n' + MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "c.kin")
    assert code == 2 and "hunter2" not in out and "| " not in out
    assert out.startswith(f"{tmp_path / 'notes.txt'}:1:1: error[E001]: unexpected `password`\n  = hint:")


def test_an_include_of_a_fifo_or_a_loop_is_refused_at_the_include(tmp_path, kinerja):
    os.mkfifo(tmp_path / "pipe.kin")
    os.symlink("loop.kin", tmp_path / "loop.kin")
    (tmp_path / "c.kin").write_text('include "pipe.kin"\ninclude "loop.kin"\n' + MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tmp_path / "c.kin")
    assert code == 3
    assert "1:1: error[E010]: cannot include `pipe.kin`: is a FIFO (named pipe), not a regular file" in out
    assert "2:1: error[E010]: cannot include `loop.kin`: is a symlink loop" in out


BASE = 'field a "A" count\nfield b "B" count\n\nindicator X.a "Rasio" {\n  unit "%"\n  scale 100\n  direction higher\n}\n'
OFFICE = ('extends "../base/base.kin"\n\nindicator X.a {\n  numerator a\n  denominator b\n  nihil achieved\n'
          '  target 2024 = 80\n}\n')


@pytest.fixture
def tree(tmp_path):
    """A catalog tree: a base beside an office's folder under a folder marked by kinerja.toml."""
    (tmp_path / "tree" / "base").mkdir(parents=True)
    (tmp_path / "tree" / "office").mkdir()
    (tmp_path / "tree" / "kinerja.toml").write_text("# the root of a catalog tree\n", encoding="utf-8")
    (tmp_path / "tree" / "base" / "base.kin").write_text(BASE, encoding="utf-8")
    (tmp_path / "tree" / "office" / "c.kin").write_text(OFFICE, encoding="utf-8")
    return tmp_path / "tree"


def test_a_catalog_tree_lets_an_office_extend_a_base_beside_it(tree, kinerja):
    code, out, _ = kinerja("check", tree / "office")
    assert (code, out) == (0, "ok: 2 files, 1 indicator, 0 sasaran\n")
    (tree / "kinerja.toml").unlink()  # without the marker the base is outside the office's folder
    code, out, _ = kinerja("check", tree / "office")
    assert code == 3 and "error[E009]: `../base/base.kin` leaves the folder" in out


def test_an_include_leaving_the_tree_says_which_marker_declares_it(tree, kinerja, monkeypatch):
    (tree.parent / "outside.kin").write_text('field z "Z" count\n', encoding="utf-8")
    (tree / "office" / "c.kin").write_text('include "../../outside.kin"\n' + OFFICE, encoding="utf-8")
    monkeypatch.chdir(tree)
    code, out, _ = kinerja("check", "office")
    assert code == 3
    assert out == ("office/c.kin:1:1: error[E009]: `../../outside.kin` leaves the catalog tree `.` (declared by "
                   "`kinerja.toml`)\n"
                   ' 1 | include "../../outside.kin"\n'
                   "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
                   "  = hint: keep shared catalogs inside the tree, or move `kinerja.toml` up to a folder that "
                   "holds both\n1 error, 0 warnings\n")


def test_an_absolute_include_is_refused_inside_a_tree_too(tree, kinerja, monkeypatch):
    (tree / "office" / "c.kin").write_text(f'extends "{tree / "base" / "base.kin"}"\n' + MINI, encoding="utf-8")
    monkeypatch.chdir(tree)
    code, out, _ = kinerja("check", "office")
    assert code == 3
    absolute = str(tree / "base" / "base.kin")
    assert out == (f"office/c.kin:1:1: error[E009]: `{absolute}` is an absolute path\n"
                   f' 1 | extends "{absolute}"\n'
                   f"   | {'^' * len(f'extends {absolute!r}')}\n"
                   "  = hint: include catalogs of the tree by a path relative to the including file\n"
                   "1 error, 0 warnings\n")


def test_a_symlink_out_of_the_tree_is_resolved_before_the_check(tree, kinerja):
    (tree.parent / "outside.kin").write_text('field z "Z" count\n', encoding="utf-8")
    os.symlink(tree.parent / "outside.kin", tree / "base" / "link.kin")
    (tree / "office" / "c.kin").write_text('include "../base/link.kin"\n' + OFFICE, encoding="utf-8")
    code, out, _ = kinerja("check", tree / "office" / "c.kin")
    assert code == 3 and "error[E009]: `../base/link.kin` leaves the catalog tree" in out


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="changing a file's owner needs root")
def test_a_marker_someone_else_left_widens_nothing(tree, kinerja):
    os.chown(tree / "kinerja.toml", 4242, 4242)
    code, out, _ = kinerja("check", tree / "office")
    assert code == 3 and "leaves the folder" in out


def test_a_marker_that_is_not_a_regular_file_declares_no_tree(tree, kinerja):
    (tree / "kinerja.toml").unlink()
    (tree / "kinerja.toml").mkdir()
    assert loader.tree_root(tree / "office") is None
    assert loader.tree_root(tree / "office") is None and kinerja("check", tree / "office")[0] == 3


def test_a_finding_in_the_base_names_the_base_file_and_line(tree, kinerja, monkeypatch):
    (tree / "base" / "base.kin").write_text(BASE.replace("direction higher", "direction upward"), encoding="utf-8")
    (tree / "office" / "c.kin").write_text(OFFICE.replace("nihil achieved", "nihil archived"), encoding="utf-8")
    monkeypatch.chdir(tree)
    code, out, _ = kinerja("check", "office")
    assert code == 1
    assert "base/base.kin:7:13: error[E111]: " in out and " 7 |   direction upward\n" in out
    assert "office/c.kin:6:9: error[E111]: " in out and " 6 |   nihil archived\n" in out


def test_check_of_a_tree_checks_each_catalog_and_a_base_through_its_offices(tree, kinerja):
    (tree / "alone").mkdir()
    (tree / "alone" / "c.kin").write_text(MINI, encoding="utf-8")
    code, out, _ = kinerja("check", tree)
    assert code == 0
    assert out == (f"{tree / 'alone'}: ok: 1 file, 1 indicator, 0 sasaran\n"
                   f"{tree / 'base'}: base catalog, checked with {tree / 'office'}\n"
                   f"{tree / 'office'}: ok: 2 files, 1 indicator, 0 sasaran\n")
    (tree / "office" / "c.kin").write_text(OFFICE.replace("nihil achieved", "nihil archived"), encoding="utf-8")
    code, out, _ = kinerja("check", tree, "--json")
    report = json.loads(out)
    assert (code, report["exit_code"]) == (1, 1)
    assert [(c["folder"], c["exit_code"], c["base_of"]) for c in report["catalogs"]] == [
        (str(tree / "alone"), 0, []), (str(tree / "base"), 1, [str(tree / "office")]), (str(tree / "office"), 1, [])]


def test_the_shipped_tree_checks_clean_and_the_revision_extends_the_published_catalog(kinerja):
    code, out, _ = kinerja("check", ROOT / "indicators")
    assert code == 0, out
    assert f"{ROOT / 'indicators' / 'kemenkumham-iku-2024'}: base catalog, checked with " in out
    revision = (ROOT / "indicators" / "banten-2024-revisi" / "catalog.kin").read_text(encoding="utf-8")
    assert 'extends "../banten-2024/catalog.kin"' in revision
    assert not (ROOT / "indicators" / "banten-2024-revisi" / "base").exists()


# ---- 3. --out never names an input ---------------------------------------------------------

@pytest.mark.parametrize("out", ["data.csv", "DATA.CSV-link", "hard.csv", "mini.kin.md-link"])
def test_out_naming_an_input_writes_nothing(mini, kinerja, out):
    os.symlink(mini / "data.csv", mini / "DATA.CSV-link.csv")
    os.link(mini / "data.csv", mini / "hard.csv")
    os.symlink(mini / "mini.kin", mini / "mini.kin.md-link.md")
    target = {"data.csv": "data.csv", "DATA.CSV-link": "DATA.CSV-link.csv", "hard.csv": "hard.csv",
              "mini.kin.md-link": "mini.kin.md-link.md"}[out]
    before = {p.name: p.read_bytes() for p in mini.iterdir()}
    code, _, err = kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv", "--out", mini / target)
    role = "a catalog file" if "kin" in out else "--data"
    named = mini / ("mini.kin" if "kin" in out else "data.csv")
    assert (code, err) == (4, f"kinerja eval: --out `{mini / target}` is an input ({role} `{named}`); "
                              "nothing was written\n")
    assert {p.name: p.read_bytes() for p in mini.iterdir()} == before


def test_out_naming_the_data_workbook_writes_nothing(mini, kinerja):
    openpyxl = pytest.importorskip("openpyxl")
    book = mini / "data.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Realisasi"
    for row in (["Periode", "Satker", "Variabel", "Nilai"], ["2024", None, "a", 4], ["2024", None, "b", 5]):
        wb.active.append(row)
    wb.save(book)
    assert kinerja("eval", mini / "mini.kin", "--data", book)[0] == 0
    before = book.read_bytes()
    code, _, err = kinerja("eval", mini / "mini.kin", "--data", book, "--out", book)
    assert (code, err) == (4, f"kinerja eval: --out `{book}` is an input (--data `{book}`); nothing was written\n")
    assert book.read_bytes() == before


def test_out_naming_an_included_catalog_writes_nothing(mini, kinerja):
    (mini / "shared.kin").write_text('field c "C" count\n', encoding="utf-8")
    (mini / "main.kin").write_text('include "shared.kin"\n' + MINI, encoding="utf-8")
    os.symlink(mini / "shared.kin", mini / "s.md")
    os.symlink(mini / "shared.kin", mini / "s.csv")
    code, _, err = kinerja("kamus", mini / "main.kin", "--out", mini / "s.md")
    assert (code, err) == (4, f"kinerja kamus: --out `{mini / 's.md'}` is an input (a catalog file "
                              f"`{mini / 'shared.kin'}`); nothing was written\n")
    code, _, err = kinerja("template", mini / "main.kin", "--period", "2024", "--out", mini / "s.csv")
    assert code == 4 and "is an input (a catalog file" in err
    assert (mini / "shared.kin").read_text(encoding="utf-8") == 'field c "C" count\n'


def test_out_suffix_is_case_insensitive(mini, kinerja):
    code, _, _ = kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv", "--out", mini / "r.JSON")
    assert code == 0
    assert json.loads((mini / "r.JSON").read_text(encoding="utf-8"))["indicators"][0]["capaian"] == "100.00"


def test_out_is_never_a_device(mini, kinerja):
    os.mkfifo(mini / "pipe.md")
    code, _, err = kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv", "--out", mini / "pipe.md")
    assert (code, err) == (3, f"{mini / 'pipe.md'}: error[E010]: cannot write the file: is not a regular file\n"
                              "  = hint: --out names a file to write, not a device or a FIFO\n")
    assert stat.S_ISFIFO(os.stat(mini / "pipe.md").st_mode)


def test_out_honours_the_umask_and_keeps_a_replaced_files_mode(mini, kinerja):
    old = os.umask(0o022)
    try:
        assert kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv", "--out", mini / "r.md")[0] == 0
        assert stat.S_IMODE(os.stat(mini / "r.md").st_mode) == 0o644
        os.chmod(mini / "r.md", 0o640)
        assert kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv", "--out", mini / "r.md")[0] == 0
        assert stat.S_IMODE(os.stat(mini / "r.md").st_mode) == 0o640
    finally:
        os.umask(old)


# ---- 4. fmt -------------------------------------------------------------------------------

def _comments(text: str) -> Counter:
    parsed, problems = parse(text, "x.kin")
    assert not any(d.is_error for d in problems), [d.render() for d in problems]
    return Counter(c.text.rstrip() for c in parsed.comments)


def test_fmt_keeps_the_comment_on_the_line_closing_a_multi_line_expression(tmp_path, kinerja):
    path = tmp_path / "c.kin"
    path.write_text(MINI.replace("  numerator a\n", "  numerator (\n    a + 1  # plus one\n  )  # closing\n"),
                    encoding="utf-8")
    assert kinerja("fmt", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "  numerator a + 1  # plus one\n                   # closing\n" in text
    assert kinerja("fmt", "--check", path)[0] == 0  # and it stays there


@pytest.mark.parametrize("char", ["\f", "\v", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e"])
def test_fmt_counts_lines_as_the_lexer_does(tmp_path, kinerja, char):
    """A Word line break inside a label made the next comment move or vanish."""
    path = tmp_path / "c.kin"
    path.write_text(f'field a "A{char}B" count  # one\nfield b "B" count\nindicator X.a "R" {{\n  # two\n'
                    + MINI.split("{\n", 1)[1], encoding="utf-8")
    assert kinerja("fmt", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f'field a "A{char}B" count  # one\nfield b "B" count\n\nindicator X.a "R" {{\n  # two\n'
                           '  unit "%"\n')


def test_fmt_writes_through_a_symlink_and_keeps_the_mode(tmp_path, kinerja):
    real = tmp_path / "real.kin"
    real.write_text(MINI.replace("field a", "field  a"), encoding="utf-8")
    os.chmod(real, 0o664)
    os.symlink("real.kin", tmp_path / "link.kin")
    code, out, _ = kinerja("fmt", tmp_path / "link.kin")
    assert (code, out) == (0, f"reformatted {tmp_path / 'link.kin'}\n")
    assert os.readlink(tmp_path / "link.kin") == "real.kin"
    assert real.read_text(encoding="utf-8") == MINI
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o664


def test_fmt_names_the_files_it_rewrote_before_it_stopped(tmp_path, kinerja, monkeypatch):
    for name in ("a.kin", "b.kin", "c.kin"):
        (tmp_path / name).write_text(MINI.replace("field a", "field  a"), encoding="utf-8")
    real = os.replace

    def full_disk(src, dst, *args, **kwargs):  # the disk fills while b.kin is written
        if os.path.basename(dst) == "b.kin":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full_disk)
    code, out, _ = kinerja("fmt", tmp_path)
    assert code == 3
    assert out == (f"reformatted {tmp_path / 'a.kin'}\n"
                   f"{tmp_path / 'b.kin'}: error[E006]: cannot write the file: No space left on device\n"
                   "  = hint: check that the folder exists and can be written\n1 error, 0 warnings\n"
                   f"fmt stopped at {tmp_path / 'b.kin'}; files already rewritten: {tmp_path / 'a.kin'}; "
                   "the files after it were not changed\n")
    assert (tmp_path / "c.kin").read_text(encoding="utf-8") != MINI


def test_fmt_says_it_converts_utf16(tmp_path, kinerja):
    path = tmp_path / "u.kin"
    path.write_bytes(MINI.replace("field a", "field  a").encode("utf-16"))
    assert kinerja("fmt", "--check", path)[1] == f"would reformat {path} (it would be written as UTF-8: it is UTF-16)\n"
    assert kinerja("fmt", path)[1] == f"reformatted {path} (written as UTF-8: it was UTF-16)\n"
    assert path.read_bytes() == MINI.encode("utf-8")


def test_fmt_keeps_a_utf8_bom(tmp_path, kinerja):
    path = tmp_path / "b.kin"
    path.write_bytes(codecs.BOM_UTF8 + MINI.replace("field a", "field  a").encode())
    assert kinerja("fmt", path)[0] == 0
    assert path.read_bytes() == codecs.BOM_UTF8 + MINI.encode()


SHIPPED = sorted(p for p in (ROOT / "indicators").rglob("*.kin") if p.parent.name != "base")  # base/: a copy


@functools.lru_cache(maxsize=None)
def _parsed(path: Path):
    parsed, problems = parse(path.read_text(encoding="utf-8"), str(path))
    assert not any(d.is_error for d in problems)
    return parsed


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT / "indicators")))
def test_fmt_keeps_every_comment_of_every_shipped_catalog(path):
    parsed = _parsed(path)
    formatted = format_file(parsed)
    assert _comments(formatted) == Counter(c.text.rstrip() for c in parsed.comments)


BREAKS = ["\f", "\v", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e"]
texts = st.text(st.sampled_from(BREAKS + ["a", " ", "#", "é", "(", ")"]), max_size=6)


@st.composite
def catalogs(draw):
    """Small catalogs with line-breaking characters in labels and comments, comments on every
    kind of line (own line, trailing, on the `)` closing a multi-line expression), and \\f as
    the whitespace the lexer also takes it for."""
    def trail() -> str:
        return draw(st.sampled_from(["", "", f"  #{draw(texts)}"]))

    def own(depth: int) -> str:
        return draw(st.sampled_from(["", "", "\n", "  " * depth + f"#{draw(texts)}\n"]))

    gap = draw(st.sampled_from([" ", "\f", " \f "]))
    out = [own(0)]
    for i in range(draw(st.integers(1, 3))):
        out.append(f'field{gap}f{i} "{draw(texts).replace("#", "")}" count{trail()}\n' + own(0))
    out.append(f'indicator X.a "{draw(texts)}" {{{trail()}\n' + own(1))
    out.append(f'  unit "%"{trail()}\n' + own(1))
    if draw(st.booleans()):
        out.append(f"  value (f0 +{trail()}\n" + own(2) + f"    f0){trail()}\n")
    else:
        out.append(f"  value min(f0,{trail()}\n    f0{trail()}\n  ){trail()}\n")
    out.append(f"  direction higher{trail()}\n" + own(1) + f"}}{trail()}\n" + own(0))
    return "".join(out)


@settings(max_examples=3000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_fmt_keeps_the_multiset_of_comments_and_is_stable(text):
    parsed, problems = parse(text, "r.kin")
    assert not any(d.is_error for d in problems), [d.render() for d in problems]
    once = format_file(parsed)
    assert _comments(once) == _comments(text)
    assert format_file(parse(once, "r.kin")[0]) == once


# ---- 5. exit codes --------------------------------------------------------------------------

def test_eval_and_explain_exit_1_when_an_iku_has_no_capaian(mini, kinerja):
    (mini / "part.csv").write_text("period,office,field,value\n2024,,a,4\n", encoding="utf-8")
    code, out, err = kinerja("eval", mini / "mini.kin", "--data", mini / "part.csv")
    assert code == 1 and "missing" in out
    assert err == "kinerja eval: 1 IKU without a capaian: X.a (missing); exit 1\n"
    code, out, _ = kinerja("eval", mini / "mini.kin", "--data", mini / "part.csv", "--json")
    assert code == 1 and json.loads(out)["indicators"][0]["status"] == "missing"
    code, _, err = kinerja("explain", mini / "mini.kin", "--data", mini / "part.csv", "X.a")
    assert (code, err) == (1, "kinerja explain: 1 indicator without a capaian: X.a (missing); exit 1\n")
    assert kinerja("eval", mini / "mini.kin", "--data", mini / "data.csv")[0] == 0
    assert kinerja("explain", mini / "mini.kin", "--data", mini / "data.csv", "X.a")[0] == 0


def test_readme_states_the_exit_codes_and_options(kinerja):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1].split()[1]: line for line in readme.splitlines() if line.startswith("| `kinerja ")}
    assert rows["diff"].endswith("| 0, 1 (data findings), 2, 3 |")
    assert "1 (an IKU — every indicator when the catalog marks no IKU — missing, incomplete or error" in rows["eval"]
    for option in ("--period", "--unit", "--locale", "--mapping"):
        assert option in rows["audit"]
    _, out, _ = kinerja("eval", "--help")
    assert ".toml, .csv or .xlsx" in out and "exits 1 when an IKU" in out


def test_the_tree_messages_are_indonesian_by_default(tree, kinerja, monkeypatch):
    (tree.parent / "outside.kin").write_text('field z "Z" count\n', encoding="utf-8")
    (tree / "office" / "c.kin").write_text('include "../../outside.kin"\n' + OFFICE, encoding="utf-8")
    monkeypatch.chdir(tree)
    code, out, _ = kinerja("check", "office", "--lang", "id")
    assert code == 3
    assert ("office/c.kin:1:1: error[E009]: `../../outside.kin` keluar dari pohon katalog `.` (dinyatakan oleh "
            "`kinerja.toml`)\n") in out
    assert ("  = saran: simpan katalog bersama di dalam pohon itu, atau pindahkan `kinerja.toml` ke folder yang "
            "memuat keduanya\n") in out
    code, out, _ = kinerja("check", tree, "--lang", "id")
    assert f"{tree / 'base'}: katalog dasar, diperiksa bersama {tree / 'office'}\n" in out

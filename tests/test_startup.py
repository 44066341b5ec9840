"""Start-up (issue 12, item 7): the parse tables are cached per user, safely; light imports stay light."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kinerja_dsl import parser
from kinerja_dsl.parser import CACHE_ENV, NewlineFilter, grammar_text

OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True, "propagate_positions": False}
TEXT = 'office kanwil "Kantor Wilayah"\n'


def _parser(grammar: str | None = None):
    runtime = {"postlex": NewlineFilter(), "transformer": parser.AstBuilder(),
               "lexer_callbacks": {"COMMENT": parser._record_comment}}
    return parser._build_parser(grammar or grammar_text(), dict(OPTIONS), runtime, "parser")


def _parses(p) -> bool:
    file, _ = parser.parse(TEXT)  # the process-wide parser: the reference
    token = parser._file.set("<text>")
    comments = parser._comments.set([])
    try:
        return tuple(p.parse(TEXT)) == file.declarations
    finally:
        parser._file.reset(token)
        parser._comments.reset(comments)


def _tables(folder):
    return sorted(p.name for p in folder.glob("parser-*.lark"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_the_tables_are_written_once_private_and_read_back(cache):
    assert _parses(_parser())
    [name] = _tables(cache)
    path = cache / name
    assert os.stat(cache).st_mode & 0o777 == 0o700 and os.stat(path).st_mode & 0o777 == 0o600
    first = path.read_bytes()
    assert first and _parses(_parser())
    assert path.read_bytes() == first  # read, not rebuilt
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_a_changed_grammar_gets_new_tables_and_the_old_ones_go(cache):
    _parser()
    [old] = _tables(cache)
    changed = grammar_text() + "\n// a comment changes the grammar's text\n"
    assert _parses(_parser(changed))
    [new] = _tables(cache)
    assert new != old


def test_the_bare_tree_parser_keeps_its_own_tables(cache):
    parser._build_parser(grammar_text(), {**OPTIONS, "propagate_positions": True}, {"postlex": NewlineFilter()}, "tree")
    _parser()
    assert [n.split("-")[0] for n in _tables(cache)] == ["parser"] and len(list(cache.glob("tree-*.lark"))) == 1


def test_the_key_covers_lark_and_python_versions(monkeypatch):
    key = parser._cache_key(grammar_text(), OPTIONS)
    monkeypatch.setattr(parser.lark, "__version__", "0.0.1")
    assert parser._cache_key(grammar_text(), OPTIONS) != key
    monkeypatch.undo()
    assert parser._cache_key(grammar_text(), {**OPTIONS, "propagate_positions": True}) != key


def test_a_cut_or_corrupt_table_file_is_rebuilt(cache):
    _parser()
    [name] = _tables(cache)
    path = cache / name
    good = path.read_bytes()
    for broken in (b"", good[:len(good) // 2], b"junk\n" + good[5:]):
        path.write_bytes(broken)
        assert _parses(_parser())
        rebuilt = path.read_bytes()
        assert rebuilt.split(b"\n", 1)[0] == good.split(b"\n", 1)[0] and len(rebuilt) > len(good) // 2  # whole again
        assert _parses(_parser()) and path.read_bytes() == rebuilt  # and read back, not rebuilt


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_a_read_only_cache_folder_still_parses(cache):
    cache.mkdir(mode=0o500)
    try:
        assert _parses(_parser())
        assert _tables(cache) == []
    finally:
        cache.chmod(0o700)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_table_file_others_can_write_is_never_read(cache):
    _parser()
    [name] = _tables(cache)
    path = cache / name
    path.write_bytes(b"not a pickle anyone should load")
    path.chmod(0o666)
    assert _parses(_parser())
    assert path.read_bytes() == b"not a pickle anyone should load"  # neither read nor written over


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(cache):
    cache.mkdir()
    cache.chmod(0o777)
    assert _parses(_parser())
    assert _tables(cache) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlinked_table_file_is_never_followed(cache, tmp_path):
    _parser()
    [name] = _tables(cache)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"x")
    (cache / name).unlink()
    (cache / name).symlink_to(elsewhere)
    assert _parses(_parser())
    assert elsewhere.read_bytes() == b"x"


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parser.parser_cache_dir() is None
    assert _parses(_parser())
    assert not list(tmp_path.iterdir())


def test_the_default_folder_is_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.name == "nt":
        monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    assert parser.parser_cache_dir() == tmp_path / "kinerja_dsl"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert parser.parser_cache_dir() != tmp_path / "kinerja_dsl"


def _imported_by(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()}


@pytest.mark.parametrize("code", ["import kinerja_dsl", "import kinerja_dsl.vocabulary",
                                  "from kinerja_dsl.vocabulary import KEYWORDS, Direction"])
def test_the_package_and_its_word_table_import_nothing_heavy(code):
    assert not _imported_by(code) & {"lark", "pydantic", "rich"}


def test_the_language_needs_no_engine_library():
    """Parsing, checking and formatting a catalog import neither pydantic nor rich (the engine's)."""
    heavy = _imported_by("import kinerja_dsl.parser, kinerja_dsl.formatter, kinerja_dsl.vocabulary")
    assert not heavy & {"pydantic", "rich"}

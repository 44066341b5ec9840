"""Shared helpers: run the `kinerja` command in-process and capture what a user sees."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kinerja_dsl.engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The suite reads English unless a test says otherwise: most tests pin exact English texts; the
    Indonesian default is tested where it is the point (test_messages.py, `indonesian` below)."""
    monkeypatch.setenv("KINERJA_LANG", "en")


@pytest.fixture
def indonesian(monkeypatch):
    """The default a user gets: no $KINERJA_LANG, no --lang."""
    monkeypatch.delenv("KINERJA_LANG", raising=False)


@pytest.fixture
def kinerja(capsys):
    """Run `kinerja ARGS…`; returns (exit code, stdout, stderr)."""
    def run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


@pytest.fixture
def write(tmp_path):
    """Write a dedented text file under tmp_path and return its path."""
    def put(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path
    return put

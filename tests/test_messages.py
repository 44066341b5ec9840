"""The message catalogs (issue 14, item 5): every text a person reads is in Indonesian by default
and in English with `--lang en`. These tests hold for every domain's catalog (diagnostics,
engine, report, document) as it grows:

- every .po parses, declares its language, charset and plural forms, and translates every entry
  (no empty msgstr, no fuzzy one);
- a translation keeps exactly the `{placeholders}` of its message (plural forms too);
- every message the source marks (t, tn, N_) is in some catalog, so none falls back to English;
- every committed .mo is what compiling its .po gives now (`python -m kinerja_dsl.messages compile`);
- no catalog keeps an entry the source no longer uses.
"""
from __future__ import annotations

import io
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kinerja_dsl.messages import DOMAINS, LOCALE_DIR, t, tn, use_language

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "kinerja_dsl", ROOT / "engine")
KEYWORDS = {"t": None, "tn": (1, 2), "N_": None}
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def _read(po: Path):
    with po.open("rb") as f:
        return read_po(f, abort_invalid=True)


@cache
def _source_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every message marked in the source, with where it is used."""
    found: dict[str | tuple[str, ...], list[str]] = {}
    for folder in SOURCES:
        for filename, lineno, message, _, _ in extract_from_dir(
                folder, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True):
            key = message if isinstance(message, str) else tuple(message)
            found.setdefault(key, []).append(f"{folder.name}/{filename}:{lineno}")
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_there_is_a_catalog_per_domain():
    names = {po.stem for po in CATALOGS}
    assert "engine" in names
    assert names <= set(DOMAINS)


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_catalog_parses_declares_its_header_and_translates_every_entry(po):
    catalog = _read(po)
    header = dict(catalog.mime_headers)
    assert header["Language"] == po.parent.parent.name
    assert header["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    # a real revision date and no fuzzy header: else babel stamps the .mo with the time it is compiled
    assert "YEAR" not in header["PO-Revision-Date"] and not catalog.fuzzy
    untranslated = [m.id for m in catalog if m.id and (not m.string or not all(m.string)
                                                       if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_translation_keeps_the_placeholders_of_its_message(po):
    wrong = []
    for m in _read(po):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        expected = set().union(*(_placeholders(i) for i in ids))
        wrong += [(m.id, s) for s in strings if _placeholders(s) != expected]
    assert wrong == []


def test_every_message_of_the_source_is_in_a_catalog():
    known: set[str | tuple[str, ...]] = set()
    for po in CATALOGS:
        for m in _read(po):
            if m.id:
                known.add(m.id if isinstance(m.id, str) else tuple(m.id))
    missing = {message: where for message, where in _source_messages().items() if message not in known}
    assert missing == {}


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_compiled_catalog_is_its_po_compiled_now(po):
    compiled = io.BytesIO()
    write_mo(compiled, _read(po))
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.name} missing: run python -m kinerja_dsl.messages compile"
    assert mo.read_bytes() == compiled.getvalue(), "stale .mo: run python -m kinerja_dsl.messages compile"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_no_catalog_keeps_a_message_the_source_no_longer_uses(po):
    used = set(_source_messages())
    unused = [m.id for m in _read(po) if m.id and (m.id if isinstance(m.id, str) else tuple(m.id)) not in used]
    assert unused == []


# ---- the mechanism, as the engine uses it -------------------------------------------------------

def test_indonesian_is_the_default_and_english_is_asked_for(indonesian):
    assert t("missing") == "data tidak ada"
    assert t("nihil ({treatment})", treatment=t("excluded")) == "nihil (tidak dihitung)"
    assert tn("{n} indicator", "{n} indicators", 3) == "3 indikator"
    assert t("missing", "en") == "missing"
    assert tn("{n} indicator", "{n} indicators", 1, "en") == "1 indicator"


def test_use_language_is_per_context_and_goes_back(indonesian):
    import contextvars

    def english() -> str:
        use_language("en")
        return t("incomplete")

    assert contextvars.copy_context().run(english) == "incomplete"
    assert t("incomplete") == "data belum lengkap"  # the copy's choice did not leak

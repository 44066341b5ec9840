"""Words a person reads, in their language: gettext message catalogs, Indonesian by default.

Every text a planner or reviewer reads (diagnostics, statuses, notes, `explain`, headers, help,
the LKjIP document) is written in the source as an English message and looked up in the
catalog of the current language, so the sentences live in catalogs, not in if/else:

    from kinerja_dsl.messages import t, tn, N_
    t("unknown field `{name}`", name="pagu")        # -> "field `pagu` tidak dikenal"
    tn("{n} indicator", "{n} indicators", n)          # plural forms of English
    STATUS = {"missing": N_("missing")}               # marked for the catalog, looked up later: t(STATUS[k])

Catalogs: `kinerja_dsl/locale/<lang>/LC_MESSAGES/<domain>.po`, one domain per part of the product
(`diagnostics` for the language and data findings, `engine` for evaluation texts, tables and
help, `report` for the LKjIP document's content, `document` for its formats' own words),
compiled to `.mo` beside it (`python -m kinerja_dsl.messages compile`, which needs babel: the
`test` extra). At run time only the
standard library's gettext reads the `.mo` files. English is the source language: it needs no
catalog, and a message missing from a catalog falls back to its English text (a test forbids
that for shipped messages: tests/test_messages.py).

The language: `--lang id|en` on every command, else the environment variable `KINERJA_LANG`,
else Indonesian. Placeholders are `str.format` names (`{name}`); a translation keeps them all.
"""
from __future__ import annotations

import gettext
import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_ENV = "KINERJA_LANG"
DOMAINS = ("diagnostics", "engine", "report", "document")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"  # the language the messages are written in

_language: ContextVar[str | None] = ContextVar("kinerja_language", default=None)


def language() -> str:
    """The language of this run: what `use_language` set, else $KINERJA_LANG, else Indonesian."""
    chosen = _language.get()
    if chosen is not None:
        return chosen
    env = os.environ.get(LANGUAGE_ENV, "").strip().lower()[:2]
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def use_language(lang: str | None) -> None:
    """Set the language of this run (the CLI does it from `--lang`); None goes back to the default."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    _language.set(lang)


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """Every domain's catalog of `lang`, chained; English (the source) is the identity."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if lang == SOURCE_LANGUAGE:
        return chain
    for domain in reversed(DOMAINS):
        found = gettext.translation(domain, LOCALE_DIR, languages=[lang], fallback=True)
        if type(found) is not gettext.NullTranslations:
            found.add_fallback(chain)
            chain = found
    return chain


def N_(message: str) -> str:
    """Mark a message for the catalogs without looking it up (module-level tables); `t()` it where it is shown."""
    return message


def t(message: str, lang: str | None = None, /, **values: object) -> str:
    """`message` in the current language (or `lang`), its `{placeholders}` filled from `values`."""
    text = _catalog(lang or language()).gettext(message)
    return text.format(**values) if values else text


def tn(singular: str, plural: str, n: int, lang: str | None = None, /, **values: object) -> str:
    """The singular or plural form for `n` in the current language; `{n}` is filled with n."""
    text = _catalog(lang or language()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def _compile() -> int:
    """Compile every `.po` under locale/ to its `.mo` (deterministic bytes).

    Run as `python -m kinerja_dsl.messages compile` after editing a catalog.
    """
    from babel.messages.mofile import write_mo  # the test extra; never imported at run time
    from babel.messages.pofile import read_po

    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        print(f"{po.relative_to(LOCALE_DIR)}: {len(catalog)} messages")
    return 0


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["compile"]:
        print("usage: python -m kinerja_dsl.messages compile", file=sys.stderr)
        raise SystemExit(4)
    raise SystemExit(_compile())

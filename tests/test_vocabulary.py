"""vocabulary.py is the one table of the language's words (issue 12, item 7).

The grammar's keyword terminals are generated from it and must stay equal to it; every alias
(keyword, setting key, value) reads as its canonical word: the same AST, the same findings, the
same canonical text from the formatter.
"""
from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from conftest import ROOT
from kinerja_dsl import ast, formatter, vocabulary
from kinerja_dsl.checker import check
from kinerja_dsl.model import build_symbol_table
from kinerja_dsl.parser import grammar_text, lark_parser, parse
from kinerja_dsl.vocabulary import (KEYWORDS, SETTING_KEYS, SETTING_KEYWORDS, VALUES, canonical_value,
                                    keyword_terminal)

# Every keyword in its keyword role and every setting key at least once (a test below checks that).
CANONICAL = """\
include "shared.kin"
policy {
  cap 120
  floor 0
  nihil achieved
  lower_formula two_t_minus_r
  round half_up 2
  round_realisasi half_up 2
  aggregate overall mean sasaran
  bands lkjip
  rollup sum
  unreported excluded
  period_targets cumulative
  target_fallback none
}
policy for kind ratio and indicators S1 {
  round half_up 1
}
office kanwil "Kantor Wilayah"
office div_adm "Divisi" parent kanwil
field done "Selesai" count
field total "Masuk" count last
sasaran S1 "Sasaran satu" {
  office kanwil
  weight 100%
  note "catatan"
}
indicator S1.a "Persentase" {
  sasaran S1
  office div_adm
  unit "%"
  numerator done
  denominator total
  scale 100
  direction higher
  nihil achieved
  rollup sum
  unreported zero
  period_targets per_period
  target_fallback annual
  weight 50%
  cap 120
  floor 0
  round half_up 2
  round_realisasi truncate 2
  lower_formula t_over_r
  bands lkjip
  iku yes
  definition "d"
  source "s"
  responsible "r"
  frequency "f"
  note "n"
  range 0 .. 100
  target 2024 = 80
  target 2024 TW1 = 20
  renstra 2024 = 80
}
indicator S1.b "Nilai" {
  sasaran S1
  unit "%"
  value if total > 0 then done / total * 100 else 0
  direction lower
  budget_of S1
}
indicator S1.c "Indeks" {
  unit indeks
  direction stabilize
  index scale 4 cap 4 combine weighted_sum nihil zero max 4 round half_up 2 {
    group g1 "G" weight 100% scale 4 cap 4 combine mean nihil achieved round half_up 2 {
      component k1 weight 100% nihil excluded round half_up 3 = done / total
      target 2024 = 3.6
    }
  }
}
bands mine "Predikat" {
  "Sangat Baik" >= 91
  "Baik" >= 76 and < 91
  "Kurang" < 76
}
agreement "PK 2024" {
  year 2024
  office kanwil
  first_party "A" "Kepala"
  second_party "B" "Menteri"
  pagu S1 100
  note "n"
  target S1.a = 80
}
template budget(office, name) {
  indicator ANG.$office.serapan "Serapan - $name" {
    value realisasi
  }
}
use budget(adm, "Administrasi")
use budget(name = "x") per office under kanwil
use budget(name = "x") per office adm ahu
extends "base.kin"
"""

_DROP = {"span", "key_span", "id_span", "kind_span", "parent_span", "key_text", "text", "source",
         "template_span", "param_spans", "body_column"}  # a template's body starts where its `{` ends


def normal(node, enum_kinds=()):
    """A node without positions and spellings: aliases and their words compare equal."""
    if isinstance(node, ast.Setting):
        kinds = VALUE_KINDS.get(node.key, ())
        return ("Setting", node.key, tuple(normal(a, kinds[i:i + 1]) for i, a in enumerate(node.args)))
    if isinstance(node, ast.Arg):
        word = node.text
        if node.kind == "name" and enum_kinds:
            word = canonical_value(enum_kinds[0], word) or word
        return ("Arg", node.kind, word, str(node.value) if isinstance(node.value, Decimal) else None)
    if isinstance(node, ast.FieldDecl):
        kind = (canonical_value("field_kind", node.kind) or node.kind) if node.kind else None
        return ("FieldDecl", node.id, node.label, kind)
    if dataclasses.is_dataclass(node):
        return (type(node).__name__,) + tuple(normal(getattr(node, f.name)) for f in dataclasses.fields(node)
                                             if f.name not in _DROP)
    if isinstance(node, tuple):
        return tuple(normal(x) for x in node)
    return node


VALUE_KINDS = vocabulary.SETTING_VALUES


def _tokens(text: str):
    """(terminal, start, end, role) of every keyword and setting-key token, as the grammar reads them."""
    tree = lark_parser(with_ast=False).parse(text)
    out = []
    for sub in tree.iter_subtrees():
        for i, child in enumerate(sub.children):
            if getattr(child, "type", None) is None:
                continue
            if sub.data in ("setting", "option", "selector") and i == 0:
                out.append((str(child), child.start_pos, child.end_pos, "key"))
            elif child.type in {keyword_terminal(k) for k in KEYWORDS}:
                out.append((str(child), child.start_pos, child.end_pos, "keyword"))
    return out


def _replace(text: str, word: str, alias: str, role: str) -> str:
    spots = [(s, e) for w, s, e, r in _tokens(text) if w == word and r == role]
    assert spots, f"CANONICAL never uses `{word}` as a {role}"
    for start, end in sorted(spots, reverse=True):
        text = text[:start] + alias + text[end:]
    return text


def _read(text: str):
    parsed, problems = parse(text, "x.kin")
    assert problems == []
    found = [(d.code, d.line) for d in check(build_symbol_table([parsed]))]
    return parsed, found


def _same(canonical: str, aliased: str) -> None:
    a, found_a = _read(canonical)
    b, found_b = _read(aliased)
    assert normal(a.declarations) == normal(b.declarations)
    assert found_a == found_b
    assert formatter.format_file(a) == formatter.format_file(b)


# ---- the grammar is generated from the table ---------------------------------------------

def test_the_grammar_keyword_block_is_the_one_generated_from_the_table():
    text = grammar_text()
    assert vocabulary.with_keyword_block(text) == text, (
        "grammar/kinerja.lark differs from vocabulary.KEYWORDS: run `python -m kinerja_dsl.vocabulary`")


def test_every_keyword_terminal_accepts_exactly_the_words_of_the_table():
    """Read back from the compiled grammar: each keyword terminal's words are the keyword and its aliases,
    and no other terminal but NAME matches any word of the table."""
    terminals = {t.name: t for t in lark_parser().terminals}
    words_of = {}
    for name, t in terminals.items():
        m = re.fullmatch(r"\(?([a-z_|]+)\)?\\b", t.pattern.value)
        if m:
            words_of[name] = set(m.group(1).split("|"))
    assert words_of == {keyword_terminal(k): {k, *a} for k, a in KEYWORDS.items()}
    every_word = ({w for k, a in KEYWORDS.items() for w in (k, *a)} | {w for k, a in SETTING_KEYS.items() for w in (k, *a)}
                  | {str(w) for values in VALUES.values() for v, a in values.items() for w in (v, *a)})
    # TEMPLATE_TEXT lexes a template's body, kept as text (expand.py parses it per instance): it is
    # accepted nowhere else, and its priority is below every other terminal's
    assert all(t.priority > terminals["TEMPLATE_TEXT"].priority for n, t in terminals.items() if n != "TEMPLATE_TEXT")
    for word in every_word:
        matching = {n for n, t in terminals.items() if re.fullmatch(t.pattern.to_regexp(), word)}
        assert matching - {"NAME", "TEMPLATE_TEXT"} <= {n for n, ws in words_of.items() if word in ws}, word


def test_a_setting_may_start_with_exactly_the_keywords_that_are_also_setting_keys():
    expansions = {tuple(s.name for s in r.expansion) for r in lark_parser().rules if r.origin.name == "_setting_key"}
    assert expansions == {("NAME",)} | {(keyword_terminal(k),) for k in SETTING_KEYWORDS}
    setting_words = {w for k, a in SETTING_KEYS.items() for w in (k, *a)}
    assert set(SETTING_KEYWORDS) == {k for k, a in KEYWORDS.items() if {k, *a} & setting_words}


def test_canonical_covers_every_keyword_and_setting_key():
    tokens = _tokens(CANONICAL)
    assert {w for w, *_, role in tokens if role == "keyword"} == set(KEYWORDS)
    assert {w for w, *_, role in tokens if role == "key"} == set(SETTING_KEYS)
    assert _read(CANONICAL)[0].declarations


def test_the_formatter_spells_values_from_the_table():
    assert formatter.SETTING_VALUES is vocabulary.SETTING_VALUES  # one table, no copy in the formatter


# ---- every alias reads as its word ------------------------------------------------------

@pytest.mark.parametrize("keyword,alias", [(k, a) for k, aliases in KEYWORDS.items() for a in aliases])
def test_every_keyword_alias_parses_to_the_same_ast_as_its_keyword(keyword, alias):
    _same(CANONICAL, _replace(CANONICAL, keyword, alias, "keyword"))


@pytest.mark.parametrize("key,alias", [(k, a) for k, aliases in SETTING_KEYS.items() for a in aliases])
def test_every_setting_key_alias_parses_to_the_same_ast_as_its_key(key, alias):
    _same(CANONICAL, _replace(CANONICAL, key, alias, "key"))


# Where each kind of value stands; {} is the value.
VALUE_PLACES = {
    "direction": ("direction", "direction {}"), "nihil": ("policy", "nihil {}"), "rollup": ("policy", "rollup {}"),
    "unreported": ("policy", "unreported {}"), "lower_formula": ("policy", "lower_formula {}"),
    "round_mode": ("policy", "round {} 2"), "indicator_kind": ("policy", "round_realisasi none\n}}\npolicy for kind {} {{\n  cap 100"), "realisasi_scope": ("policy", "round_realisasi half_up 2 {}"), "aggregate_level": ("policy", "aggregate {} mean"),
    "aggregate_method": ("policy", "aggregate overall {}"), "aggregate_source": ("policy", "aggregate overall mean {}"),
    "combine": ("index", "combine {}"), "field_kind": ("field", "{}"), "iku": ("indicator", "iku {}"),
    "period_targets": ("policy", "period_targets {}"), "target_fallback": ("policy", "target_fallback {}"),
}

VALUE_TEMPLATE = """\
policy {{
  {policy}
}}
office kanwil "K"
field a "A" {field}
field b "B" count
sasaran S1 "S"
indicator S1.x "X" {{
  sasaran S1
  office kanwil
  unit "%"
  numerator a
  denominator b
  scale 100
  nihil achieved
  {direction}
  {indicator}
  target 2024 = 80
}}
indicator S1.i "I" {{
  unit indeks
  direction higher
  index {index} {{
    component k weight 100% nihil achieved = a / b
  }}
}}
"""


def _value_catalog(kind: str, word: str) -> str:
    place, line = VALUE_PLACES[kind]
    slots = {"policy": "cap 120", "field": "count", "direction": "direction higher", "indicator": "iku", "index": ""}
    if kind == "round_mode" and canonical_value(kind, word) == "none":
        line = "round {}"  # `round none` takes no decimal places
    slots[place] = line.format(word)
    return VALUE_TEMPLATE.format(**slots)


def test_every_kind_of_value_has_a_place():
    assert set(VALUE_PLACES) == set(VALUES)
    assert {k for kinds in vocabulary.SETTING_VALUES.values() for k in kinds if k} | {"field_kind"} == set(VALUES)


@pytest.mark.parametrize("kind,value,alias", [(kind, str(v), a) for kind, values in VALUES.items()
                                              for v, aliases in values.items() for a in aliases])
def test_every_value_alias_parses_to_the_same_ast_as_its_value(kind, value, alias):
    canonical = _value_catalog(kind, value)
    _same(canonical, _value_catalog(kind, alias))
    found = [c for c in _read(canonical)[1] if not (kind == "indicator_kind" and c[0] == "W140")]
    assert found == []  # the place is right: the canonical word is clean there (the template has one ratio, so
    # `policy for kind value` selects nothing: W140, which is not the place being wrong)


def test_aliases_are_unambiguous():
    """An alias names one word of its kind, and is never the canonical spelling of another."""
    for table in (KEYWORDS, SETTING_KEYS, *VALUES.values()):
        words = [str(w) for w in table]
        aliases = [a for al in table.values() for a in al]
        assert len(set(aliases)) == len(aliases) and not set(aliases) & set(words)


# ---- the docs -----------------------------------------------------------------------------

def test_the_readme_word_list_is_the_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- vocabulary:start -->\n", "<!-- vocabulary:end -->"
    if start not in readme:
        pytest.skip("README.md has no vocabulary block yet")
    block = readme[readme.index(start) + len(start):readme.index(end)]
    assert block == vocabulary.markdown_table()


# ---- the meaning of every word (issue 16: an editor's hover) -----------------------------------

MEANING_TABLES = {"keyword": (KEYWORDS, vocabulary.KEYWORD_MEANINGS),
                  "setting": (SETTING_KEYS, vocabulary.SETTING_MEANINGS),
                  "function": (vocabulary.FUNCTIONS, vocabulary.FUNCTION_MEANINGS)}


@pytest.mark.parametrize("role", MEANING_TABLES)
def test_every_word_has_a_meaning_and_no_meaning_is_stale(role):
    words, meanings = MEANING_TABLES[role]
    assert set(words) - set(meanings) == set(), f"{role}s without a meaning"
    assert set(meanings) - set(words) == set(), f"meanings of words that are no {role}"
    assert all(text.strip() for text in meanings.values())


def _every_meaning():
    return [m for role, (words, _) in MEANING_TABLES.items() for w in words for m in vocabulary.meanings_of(w)
            if m.role == role]


def test_meanings_of_an_indonesian_alias_is_the_keyword_it_spells():
    assert vocabulary.meanings_of("indikator") == [vocabulary.Meaning(
        "keyword", "indicator", ("indikator",), vocabulary.KEYWORD_MEANINGS["indicator"])]
    assert vocabulary.meanings_of("indicator") == vocabulary.meanings_of("indikator")


@pytest.mark.parametrize("word", ["office", "satker"])
def test_a_word_that_is_a_keyword_and_a_setting_has_both_meanings_keyword_first(word):
    found = vocabulary.meanings_of(word)
    assert [(m.role, m.word, m.aliases) for m in found] == [("keyword", "office", ("satker",)),
                                                             ("setting", "office", ("satker",))]
    assert found[0].text == vocabulary.KEYWORD_MEANINGS["office"]
    assert found[1].text == vocabulary.SETTING_MEANINGS["office"]
    assert found[0].text != found[1].text  # each role says its own


def test_every_role_of_a_word_in_order():
    assert [m.role for m in vocabulary.meanings_of("bands")] == ["keyword", "setting"]
    assert [m.role for m in vocabulary.meanings_of("sasaran")] == ["keyword", "setting"]
    assert [m.role for m in vocabulary.meanings_of("max")] == ["setting", "function"]
    assert [m.role for m in vocabulary.meanings_of("maks")] == ["setting"]  # a function has no alias


def test_meanings_of_a_function():
    assert vocabulary.meanings_of("exact") == [vocabulary.Meaning(
        "function", "exact", (), vocabulary.FUNCTION_MEANINGS["exact"])]


@pytest.mark.parametrize("word", ["nope", "", "Indicator", "achieved", "$office", "TW3"])
def test_an_unknown_word_has_no_meaning(word):
    assert vocabulary.meanings_of(word) == []


def test_every_meaning_is_translated():
    from kinerja_dsl.messages import t

    meanings = _every_meaning()
    assert len(meanings) == sum(len(words) for words, _ in MEANING_TABLES.values())
    untranslated = [(m.role, m.word) for m in meanings if t(m.text, "id") == m.text]
    assert untranslated == []
    assert all(m.shown("id") != m.shown("en") for m in meanings)


def test_a_meaning_shows_the_braces_of_the_language():
    """A brace is written {open}/{close} in the message (as codes.py does), so a meaning stays a plain
    str.format text; `shown` writes it back in either language, and nothing else is a placeholder."""
    import string

    shown = vocabulary.meanings_of("indicator")[0]
    assert '`indicator ID "name" { … }`' in shown.shown("en")
    assert '`indicator ID "name" { … }`' in shown.shown("id")
    for m in _every_meaning():
        assert {n for _, n, _, _ in string.Formatter().parse(m.text) if n is not None} <= {"open", "close"}
        assert "{open}" not in m.shown("id") and "{close}" not in m.shown("en")


def test_a_setting_meaning_lists_its_canonical_values_in_both_languages():
    """An enumerated setting names every canonical value (aliases are shown beside it), in English and in
    Indonesian alike."""
    missing = []
    for key, kinds in vocabulary.SETTING_VALUES.items():
        m = next(m for m in vocabulary.meanings_of(key) if m.role == "setting")
        for kind in filter(None, kinds):
            for value in VALUES[kind]:
                missing += [(key, str(value), lang) for lang in ("en", "id") if f"`{value}`" not in m.shown(lang)]
    assert missing == []


def test_a_meaning_keeps_its_code_words_in_indonesian():
    """What is written in backticks is the language itself: the translation keeps every piece of it."""
    changed = []
    for m in _every_meaning():
        english, indonesian = (sorted(re.findall(r"`[^`]*`", m.shown(lang))) for lang in ("en", "id"))
        if english != indonesian:
            changed.append((m.role, m.word, set(english) ^ set(indonesian)))
    assert changed == []

"""The editors' grammar, grammar/kinerja.tmLanguage.json (issue 16.2).

It is generated from the word table (`vocabulary.textmate_grammar`), like the Lark grammar's
keyword block, so the two cannot drift; and it is read the way an editor reads it
(tests/textmate.py) on every shipped catalog, where each word the parser lexes as a keyword, each
comment, text and number, each setting key and value must get its scope.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from kinerja_dsl import ast, vocabulary
from kinerja_dsl.parser import lark_parser, parse
from kinerja_dsl.vocabulary import KEYWORDS, SETTING_KEYS, VALUES, keyword_terminal
from lark import Token
from lark.exceptions import UnexpectedInput
from test_vocabulary import CANONICAL, _replace, _value_catalog
from textmate import Tokenizer

GRAMMAR_FILE = ROOT / "grammar" / "kinerja.tmLanguage.json"
MANIFEST = ROOT / "grammar" / "package.json"
SHIPPED = sorted(ROOT.glob("indicators/**/*.kin"))

KEYWORD_TERMINALS = {keyword_terminal(k) for k in KEYWORDS}
VALUE_WORDS = {str(w) for values in VALUES.values() for v, a in values.items() for w in (v, *a)}


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(json.loads(GRAMMAR_FILE.read_text(encoding="utf-8")))


# ---- generated from the table ------------------------------------------------------------

def test_the_committed_grammar_is_the_one_generated_from_the_table():
    assert GRAMMAR_FILE.read_text(encoding="utf-8") == vocabulary.textmate_json(), (
        "grammar/kinerja.tmLanguage.json differs from vocabulary.py: run `python -m kinerja_dsl.vocabulary`")


def _regexes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end") and isinstance(value, str):
                yield value
            else:
                yield from _regexes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _regexes(item)


def _alternatives():
    """Every word of an alternation in the grammar's expressions."""
    return {w for regex in _regexes(vocabulary.textmate_grammar()) for w in re.findall(r"(?<=[(:|])([a-z_]+)(?=[|)])", regex)}


@pytest.mark.parametrize("kind,table", [("keyword", KEYWORDS), ("setting key", SETTING_KEYS)]
                         + [(f"value of {kind}", values) for kind, values in VALUES.items()])
def test_every_word_of_the_table_is_in_the_grammar(kind, table):
    words = {str(w) for k, aliases in table.items() for w in (k, *aliases)}
    assert words - _alternatives() == set(), f"{kind}s the TextMate grammar does not paint"


def test_the_band_presets_and_functions_are_in_the_grammar():
    assert {*vocabulary.BAND_PRESET_NAMES, *vocabulary.FUNCTIONS, "none"} <= _alternatives()


def test_every_expression_reads_the_same_in_oniguruma_and_python():
    """Only what both engines read alike: no possessive quantifier, atomic group, `\\h`, `\\G`, `\\A`, `\\Z`,
    variable-width lookbehind or named group (Python's `re` refuses a variable-width lookbehind itself)."""
    for regex in _regexes(vocabulary.textmate_grammar()):
        re.compile(regex)
        assert not re.search(r"[*+?}]\+|\(\?>|\\[hHGAZzK]|\(\?P?<[A-Za-z]", regex), regex


# ---- every shipped catalog ---------------------------------------------------------------

def _tokens(tree):
    """(role, token) for each token of a parse tree that the grammar must paint."""
    for sub in tree.iter_subtrees():
        for i, child in enumerate(sub.children):
            if not isinstance(child, Token):
                continue
            if sub.data in ("setting", "option", "selector") and i == 0:
                yield "setting key", child
            elif child.type in KEYWORD_TERMINALS:
                yield "keyword", child
            elif child.type == "STRING":
                yield "string", child
            elif child.type in ("NUMBER", "PERCENT"):
                yield "number", child
            elif child.type == "NAME" and str(child) in VALUE_WORDS and (
                    sub.data == "arg" or (sub.data == "field" and i > 1)):  # an argument, a field's kind or rollup
                yield "value", child


def _template_bodies(text, parsed):
    """Each template's body parsed as a catalog of its own, at its place in the file (every other
    character blanked), so the parser lexes its keywords: the template keeps the body as text. A
    `$param` becomes a name of its width (`_param`), or a number where the parser wants one."""
    for template in parsed.declarations:
        if not isinstance(template, ast.Template):
            continue
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[:template.body_line - 1]) + template.body_column - 1
        assert text[start:start + len(template.body)] == template.body
        source = re.sub(r"[^\n]", " ", text[:start]) + template.body
        for _ in range(source.count("$") + 1):
            try:
                yield lark_parser(with_ast=False).parse(re.sub(r"\$(?=[A-Za-z_])", "_", source))
                break
            except UnexpectedInput as e:  # a placeholder where a number stands: `range 0 .. $top`
                at = e.pos_in_stream
                placeholder = re.match(r"\$\w+", source[at:])
                assert placeholder, f"template {template.id}: its body does not parse: {e}"
                source = source[:at] + "0".ljust(placeholder.end()) + source[at + placeholder.end():]
        else:
            raise AssertionError(f"template {template.id}: its body does not parse")


def _is(role, scopes):
    innermost = scopes[-1] if scopes else ""
    return {"keyword": innermost.split(".")[0] in ("keyword", "storage"),
            "setting key": innermost.startswith("keyword.other.setting."),
            "value": innermost.startswith("constant.language."),
            "number": innermost.startswith("constant.numeric."),
            "string": any(s.startswith("string.") for s in scopes),
            "comment": any(s.startswith("comment.") for s in scopes)}[role]


def _scopes_over(lines, line, column, width):
    """The scopes of each TextMate token overlapping `width` characters at `line`:`column` (1-based)."""
    a, b = column - 1, column - 1 + width
    return [scopes[1:] for start, end, scopes in lines[line - 1] if start < b and end > a]


def unscoped(tokenizer, text, name="x.kin"):
    """Every token of `text` the TextMate grammar does not scope as the parser reads it, as
    `file:line:col: role `word` is painted …`; and how many tokens were checked."""
    lines = tokenizer.tokenize(text)
    parsed, problems = parse(text, name)
    assert problems == [], problems
    wanted = [(role, tok.line, tok.column, str(tok)) for role, tok in _tokens(lark_parser(with_ast=False).parse(text))]
    for tree in _template_bodies(text, parsed):  # a placeholder's stand-in is not checked
        wanted += [(role, tok.line, tok.column, str(tok)) for role, tok in _tokens(tree)
                   if "$" not in text[tok.start_pos:tok.end_pos]]
    wanted += [("comment", c.line, c.column, c.text) for c in parsed.comments]
    found = []
    for role, line, column, word in wanted:
        over = _scopes_over(lines, line, column, len(word))
        if not over or not all(_is(role, scopes) for scopes in over):
            painted = ", ".join(" ".join(s) or "nothing" for s in over)
            found.append(f"{name}:{line}:{column}: {role} `{word}` is painted {painted}")
    return found, len(wanted)


def test_there_are_shipped_catalogs():
    assert SHIPPED, "no indicators/**/*.kin: the test below would check nothing"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_keyword_setting_value_text_number_and_comment_of_a_shipped_catalog_is_scoped(tokenizer, path):
    found, checked = unscoped(tokenizer, path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert checked > 0
    assert found == [], "\n".join(found)


def test_the_template_bodies_are_checked_too(tokenizer):
    """Banten's budget templates: keywords the parser keeps as the template's text are lexed from the body."""
    text = (ROOT / "indicators/banten-2024/catalog.kin").read_text(encoding="utf-8")
    parsed, _ = parse(text, "catalog.kin")
    words = {str(tok) for tree in _template_bodies(text, parsed) for role, tok in _tokens(tree) if role == "keyword"}
    assert {"indicator", "numerator", "denominator", "value", "range"} <= words


# ---- every word in its place, every alias ----------------------------------------------------

def test_the_canonical_catalog_is_scoped(tokenizer):
    """The catalog of test_vocabulary.py holds every keyword and every setting key in its place."""
    assert unscoped(tokenizer, CANONICAL)[0] == []


@pytest.mark.parametrize("word,alias,role", [(k, a, "keyword") for k, aliases in KEYWORDS.items() for a in aliases]
                         + [(k, a, "key") for k, aliases in SETTING_KEYS.items() for a in aliases])
def test_every_alias_is_scoped_in_its_place(tokenizer, word, alias, role):
    assert unscoped(tokenizer, _replace(CANONICAL, word, alias, role))[0] == []


@pytest.mark.parametrize("kind,word", [(kind, str(w)) for kind, values in VALUES.items()
                                       for v, aliases in values.items() for w in (v, *aliases)])
def test_every_value_is_scoped_in_its_place(tokenizer, kind, word):
    assert unscoped(tokenizer, _value_catalog(kind, word))[0] == []


# ---- small cases ------------------------------------------------------------------------------

def _painted(tokenizer, text):
    """(word, scope) of each token of `text`: its innermost scope other than a region's (`meta.…`), or ''."""
    out = []
    for line, tokens in zip(text.split("\n"), tokenizer.tokenize(text)):
        for a, b, scopes in tokens:
            if line[a:b].strip():
                own = [s for s in scopes[1:] if not s.startswith("meta.")]
                out.append((line[a:b].strip(), own[-1] if own else ""))
    return out


def test_a_keyword_inside_a_dotted_id_is_not_painted(tokenizer):
    text = 'indicator ADM.ikm "x" {\n  value ADM.value + value.x * 2\n}\n'
    painted = _painted(tokenizer, text)
    assert [w for w, scope in painted if scope.startswith(("keyword", "storage"))] == ["indicator", "value", "+", "*"]
    assert ("ADM.value", "") in painted and ("value.x", "") in painted
    assert ("ADM.ikm", "entity.name.function.indicator.kinerja") in painted


def test_a_name_that_begins_with_a_keyword_is_not_painted(tokenizer):
    text = 'field targets "Targets" count\nindicator X "x" {\n  value targets * 2\n  unit_x 3\n}\n'
    painted = _painted(tokenizer, text)
    assert ("targets", "entity.name.type.field.kinerja") in painted
    assert not any("targets" in w and scope.startswith(("keyword", "storage")) for w, scope in painted)
    assert not any("unit" in w and scope for w, scope in painted)


def test_a_setting_key_is_painted_only_where_a_setting_stands(tokenizer):
    text = 'field unit "Unit" count\nindicator X "x" {\n  unit "%"\n  value unit / 2\n}\n'
    painted = _painted(tokenizer, text)
    assert [scope for w, scope in painted if w == "unit"] == ["entity.name.type.field.kinerja",
                                                               "keyword.other.setting.kinerja", ""]


def test_an_indonesian_catalog_is_painted(tokenizer):
    text = ('kebijakan {\n  pembulatan bulat 2\n}\n'
            'indikator S1.a "Persentase" {\n  satuan "%"\n  arah naik\n  pembilang selesai\n  penyebut masuk\n'
            '  target 2024 TW1 = 20\n  target 2024 = 80%\n}\n')
    painted = dict(_painted(tokenizer, text))
    assert painted["kebijakan"] == "storage.type.policy.kinerja"
    assert painted["indikator"] == "storage.type.indicator.kinerja"
    assert painted["S1.a"] == "entity.name.function.indicator.kinerja"
    assert painted["satuan"] == painted["arah"] == painted["pembulatan"] == "keyword.other.setting.kinerja"
    assert painted["pembilang"] == "keyword.control.numerator.kinerja"
    assert painted["naik"] == painted["bulat"] == "constant.language.kinerja"
    assert painted["TW1"] == "constant.other.period.kinerja"
    assert painted["80%"] == "constant.numeric.percent.kinerja"
    assert unscoped(tokenizer, text)[0] == []


def test_texts_escapes_numbers_functions_and_placeholders(tokenizer):
    text = ('template t(a, b) {\n  indicator T.$a "Nilai \\"$b\\"" {\n    weight 1/3\n'
            '    value max(capaian(T.x), 0) - 12.5\n  }\n}\nuse t(a = x, b = "y") per office under kanwil\n')
    painted = _painted(tokenizer, text)
    assert ("\\\"", "constant.character.escape.kinerja") in painted
    assert ("$b", "variable.parameter.kinerja") in painted
    assert ("1/3", "constant.numeric.fraction.kinerja") in painted
    assert ("12.5", "constant.numeric.decimal.kinerja") in painted
    assert ("max", "support.function.builtin.kinerja") in painted
    assert ("capaian", "support.function.builtin.kinerja") in painted
    assert dict(painted)["office"] == "keyword.other.office.kinerja"  # after `per`: the keyword, not a value
    assert dict(painted)["per"] == "keyword.control.per.kinerja"
    assert dict(painted)["under"] == "keyword.control.under.kinerja"
    assert unscoped(tokenizer, text)[0] == []


def test_a_block_on_one_line_closes(tokenizer):
    """`{` … `}` on one line leaves no block open: the next declaration is painted as one."""
    text = 'bands b "B" { "x" >= 1 }\noffice kanwil "K"\n'
    painted = dict(_painted(tokenizer, text))
    assert painted["office"] == "storage.type.office.kinerja"
    assert painted["kanwil"] == "entity.name.namespace.office.kinerja"


# ---- the VS Code extension --------------------------------------------------------------------

def test_the_vscode_manifest_names_the_grammar_and_starts_the_language_server():
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    grammar = json.loads(GRAMMAR_FILE.read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (entry,) = manifest["contributes"]["grammars"]
    assert language["id"] == entry["language"] == "kinerja"
    assert [f".{t}" for t in grammar["fileTypes"]] == language["extensions"] == [".kin"]
    assert entry["scopeName"] == grammar["scopeName"]
    assert (MANIFEST.parent / entry["path"]).resolve() == GRAMMAR_FILE.resolve()
    assert (MANIFEST.parent / language["configuration"]).is_file()
    json.loads((MANIFEST.parent / language["configuration"]).read_text(encoding="utf-8"))
    command = manifest["contributes"]["configuration"]["properties"]["kinerja.command"]
    assert command["default"][:2] == ["kinerja", "lsp"]
    assert manifest["activationEvents"] == ["onLanguage:kinerja"]
    main = MANIFEST.parent / manifest["main"]
    assert "kinerja.command" in main.read_text(encoding="utf-8")

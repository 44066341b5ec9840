"""The language core: parsing, checking, compiling and formatting catalogs."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from kinerja_dsl.catalog import NihilCase, UndefinedValue
from kinerja_dsl.formatter import format_file
from kinerja_dsl.loader import CatalogError, load, load_catalog
from kinerja_dsl.parser import parse

INDONESIAN = """
# Katalog dengan kata kunci bahasa Indonesia
kebijakan {
  batas_atas none
  nihil dikecualikan
  pembulatan potong 2   # seperti laporan yang memotong desimal
}

satker kanwil "Kantor Wilayah"
variabel selesai "Perkara selesai" jumlah
variabel masuk "Perkara masuk" jumlah
sasaran S1 "Meningkatnya penyelesaian perkara"

indikator S1.p "Persentase perkara selesai" {
  sasaran S1
  satker kanwil
  satuan "%"
  pembilang selesai
  penyebut masuk
  skala 100
  arah naik
  rentang 0 .. 100
  target 2024 = 80
  definisi "Perkara yang diselesaikan dibanding perkara masuk"
}

indikator S1.i "Indeks" {
  sasaran S1
  satuan indeks
  arah naik
  indeks {
    kelompok g1 "Dimensi 1" bobot 50% skala 4 batas_atas 4 {
      komponen k1 bobot 1/3 = selesai / masuk
      komponen k2 bobot 2/3 nihil tercapai = selesai / masuk
    }
    kelompok g2 "Dimensi 2" bobot 50% gabung rata_rata skala 4 {
      komponen k3 = selesai / masuk
    }
  }
  target 2024 = 3.6
}
"""

CANONICAL_START = """# Katalog dengan kata kunci bahasa Indonesia
policy {
  cap none
  nihil excluded
  round truncate 2  # seperti laporan yang memotong desimal
}

office kanwil "Kantor Wilayah"
field selesai "Perkara selesai" count
"""


def signature(catalog) -> dict:
    """Everything about a compiled catalog except the closures and source positions."""
    def node(n):
        return (n.id, n.label, n.kind, n.weight, n.combine, n.scale, n.cap,
                n.nihil.value if n.nihil else None, n.formula, tuple(node(c) for c in n.children))

    out = {}
    for ind in catalog.indicators.values():
        policy = {f.name: getattr(ind.policy, f.name).value for f in dataclasses.fields(ind.policy)}
        policy["bands"] = policy["bands"].id
        out[ind.id] = (ind.label, ind.sasaran, ind.office, ind.unit, ind.scale, ind.direction, ind.kind,
                       tuple(sorted(policy.items(), key=lambda kv: kv[0])),
                       {k: (v.low, v.high, v.text) for k, v in ind.targets.items()}, dict(ind.formulas),
                       node(ind.index) if ind.index else None, ind.range, dict(ind.metadata))
    return out


def test_five_mistakes_give_five_diagnostics_in_one_run(write, kinerja):
    path = write("five.kin", """
        field a "Selesai" count
        field b "Masuk" count
        sasaran S1 "Sasaran"
        indicator S1.a "Persentase" {
          sasaran S2
          unit "%"
          direction upward
          numerator a
          denominator bb
          nihil achieved
          range 0 .. 100
          target 2024 = 120
        }
        indicator S1.b "Tanpa arah" {
          sasaran S1
          unit "%"
          value a / b
          nihil achieved
        }
        """)
    code, out, _ = kinerja("check", path)
    assert code == 1
    lines = [l for l in out.splitlines() if ": error[" in l]
    assert [l.split(": ", 1)[1] for l in lines] == [
        "error[E101]: unknown sasaran `S2`",
        "error[E111]: `upward` is not a value of `direction`",
        "error[E101]: unknown name `bb`",
        "error[E105]: target 120 for 2024 is outside the range 0 .. 100 of `S1.a`",
        "error[E103]: indicator `S1.b` has no direction",
    ]
    assert all(l.startswith(str(path) + ":") for l in lines)
    assert "did you mean `S1`?" in out and "did you mean `b`?" in out
    assert "use one of: `higher`, `lower`, `stabilize`" in out


def test_syntax_errors_in_several_declarations_are_all_reported(write, kinerja):
    path = write("broken.kin", """
        field a "A" count
        indicator X.a "A" {
          unit "%"
          direction higher
          value a +
        }
        indicator X.b "B" {
          unit "%"
          direction higher
          value a * * 2
        }
        """)
    code, out, _ = kinerja("check", path)
    assert code == 2
    assert out.count("error[E001]") == 2
    assert f"{path}:6:3: error[E001]" not in out  # points at the token, not the statement
    assert ":5:" in out and ":10:" in out


def test_indonesian_keywords_format_to_canonical_and_compile_the_same(write):
    """Converted to English keywords (`fmt --keywords en`; by default fmt keeps a file's language)."""
    source = write("id.kin", INDONESIAN)
    parsed, diagnostics = parse(source.read_text(encoding="utf-8"), str(source))
    assert diagnostics == []
    canonical = format_file(parsed, "en")
    assert canonical.startswith(CANONICAL_START)
    for word in ("indikator", "pembilang", "penyebut", "skala", "arah", "kelompok", "komponen", "bobot"):
        assert f" {word} " not in canonical and f"\n{word} " not in canonical
    formatted = write("canonical.kin", canonical)
    assert signature(load_catalog(source)) == signature(load_catalog(formatted))


def test_fmt_twice_changes_nothing_the_second_time(write, kinerja):
    path = write("id.kin", INDONESIAN)
    code, out, _ = kinerja("fmt", path)
    assert code == 0 and "reformatted" in out
    first = path.read_text(encoding="utf-8")
    code, out, _ = kinerja("fmt", path)
    assert code == 0 and out == ""
    assert path.read_text(encoding="utf-8") == first
    code, _, _ = kinerja("fmt", "--check", path)
    assert code == 0


def test_fmt_check_reports_without_writing(write, kinerja):
    path = write("id.kin", INDONESIAN)
    code, out, _ = kinerja("fmt", "--check", path)
    assert code == 1 and f"would reformat {path}" in out
    assert path.read_text(encoding="utf-8") == INDONESIAN.lstrip("\n")


def test_fmt_refuses_a_file_with_syntax_errors(write, kinerja):
    path = write("bad.kin", 'indicator X "x" {\n  value (1 +\n}\n')
    before = path.read_text(encoding="utf-8")
    code, out, _ = kinerja("fmt", path)
    assert code == 2 and "error[E00" in out
    assert path.read_text(encoding="utf-8") == before


def test_fmt_keeps_comments_and_windows_line_endings(write, kinerja):
    path = write("crlf.kin", b'# head\r\nfield a "A" count  # trailing\r\n\r\n# before\r\nfield  b  "B"   count\r\n')
    code, _, _ = kinerja("fmt", path)
    assert code == 0
    assert path.read_bytes() == b'# head\r\nfield a "A" count  # trailing\r\n\r\n# before\r\nfield b "B" count\r\n'


def test_fmt_aligns_trailing_comments_and_their_continuation_lines(write, kinerja):
    path = write("aligned.kin", (
        "policy {\n"
        "  cap none # no cap (L995)\n"
        "  nihil   excluded        # 0/0 left out:\n"
        "                          # KI 111,71 = mean(121,43; 102,00)\n"
        "  round half_up 2 # L1543\n"
        "\n"
        "  rollup sum  # after a blank line: a run of its own\n"
        "}\n"))
    assert kinerja("fmt", path)[0] == 0
    assert path.read_text(encoding="utf-8") == (
        "policy {\n"
        "  cap none         # no cap (L995)\n"
        "  nihil excluded   # 0/0 left out:\n"
        "                   # KI 111,71 = mean(121,43; 102,00)\n"
        "  round half_up 2  # L1543\n"
        "\n"
        "  rollup sum  # after a blank line: a run of its own\n"
        "}\n")
    assert kinerja("fmt", "--check", path)[0] == 0  # idempotent


def test_expressions_keep_their_meaning_through_the_formatter(write):
    text = """
        field a "A" number
        field b "B" number
        field c "C" number
        indicator X.v "V" {
          unit "x"
          direction higher
          value a - (b - c) / (a * (b + c)) + (if a > b then min(a, b) else -max(a, c))
        }
        """
    first = load_catalog(write("e.kin", text)).indicators["X.v"]
    parsed, _ = parse((write("e.kin", text)).read_text(encoding="utf-8"), "e.kin")
    second = load_catalog(write("f.kin", format_file(parsed))).indicators["X.v"]

    class Env:
        values = {"a": Decimal(7), "b": Decimal(3), "c": Decimal(2)}

    expected = Decimal(7) - (Decimal(3) - Decimal(2)) / (Decimal(7) * Decimal(5)) + Decimal(3)
    assert first.value(Env()) == second.value(Env()) == expected


def test_compiled_division_signals_nihil_and_undefined(write):
    cat = load_catalog(write("d.kin", """
        field a "A" count
        field b "B" count
        indicator X.r "R" {
          unit "%"
          direction higher
          value a / b
          nihil achieved
        }
        """))
    fn = cat.indicators["X.r"].value

    class Env:
        def __init__(self, a, b):
            self.values = {"a": Decimal(a), "b": Decimal(b)}

    assert fn(Env(1, 4)) == Decimal("0.25")
    with pytest.raises(NihilCase):
        fn(Env(0, 0))
    with pytest.raises(UndefinedValue):
        fn(Env(3, 0))


def test_literals_are_exact_decimals_from_their_text(write):
    cat = load_catalog(write("n.kin", """
        indicator X.c "C" {
          unit "x"
          direction higher
          value 0.1 + 0.2 + 12.5%
        }
        """))
    assert cat.indicators["X.c"].value(None) == Decimal("0.425")


def test_policies_say_where_they_come_from(write):
    cat = load_catalog(write("p.kin", """
        policy {
          cap 120
          round truncate 2
        }
        field a "A" count
        indicator X.a "A" {
          unit "%"
          direction higher
          value a
          floor 0
        }
        """))
    p = cat.indicators["X.a"].policy
    assert (p.cap.value, p.cap.origin.endswith("p.kin:2")) == (Decimal(120), True)
    assert p.floor.value == Decimal(0) and "indicator at" in p.floor.origin
    assert str(p.round.value) == "truncate 2"
    assert (p.nihil.value, p.nihil.origin) == ("error", "default")


def test_extends_lets_a_kanwil_override_the_ministry_catalog(write):
    write("ministry.kin", """
        policy {
          cap none
          nihil excluded
        }
        field a "A" count
        indicator X.a "A" {
          unit "%"
          direction higher
          value a
        }
        """)
    kanwil = write("kanwil.kin", """
        extends "ministry.kin"
        policy {
          cap 120
        }
        indicator X.a "A (Kanwil)" {
          unit "%"
          direction higher
          value a * 2
        }
        """)
    cat = load_catalog(kanwil)
    assert cat.indicators["X.a"].label == "A (Kanwil)"
    assert cat.indicators["X.a"].policy.cap.value == Decimal(120)
    assert cat.indicators["X.a"].policy.nihil.value == "excluded"


def test_include_shares_one_namespace_and_duplicates_are_errors(write):
    write("common.kin", 'field a "A" count\n')
    main = write("main.kin", 'include "common.kin"\nfield a "A again" count\n')
    loaded = load([main])
    assert [d.code for d in loaded.diagnostics] == ["E102"]
    assert loaded.diagnostics[0].file == str(main)


def test_load_catalog_raises_with_every_diagnostic(write):
    path = write("x.kin", 'indicator X "x" {\n  value y\n}\n')
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert {d.code for d in err.value.diagnostics} == {"E101", "E103", "E104"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings_are_read(write, encoding, kinerja):
    path = write("bom.kin", 'field a "Jumlah pegawai" count\n'.encode(encoding))
    code, out, _ = kinerja("check", path)
    assert code == 0, out


def test_cp1252_is_refused_with_position(write, kinerja):
    path = write("win.kin", 'field a "Caf\xe9" count\n'.encode("cp1252"))
    code, out, _ = kinerja("check", path)
    assert code == 3
    assert f"{path}:1:13: error[E005]" in out


def test_version_and_help(kinerja):
    code, out, _ = kinerja("--version")
    assert code == 0 and out.startswith("kinerja ")
    code, out, _ = kinerja("--help")
    assert code == 0 and "examples:" in out and "kinerja eval" in out


def test_every_help_example_runs(kinerja, monkeypatch, tmp_path):
    """The examples in `kinerja --help` are commands a newcomer copies: each must run as shown
    (from the project folder; files it would write go to a temporary folder)."""
    import shlex

    from conftest import ROOT

    _, out, _ = kinerja("--help")
    text = out.split("examples:", 1)[1].split("exit codes:", 1)[0].replace("\\\n", " ")
    examples = [shlex.split(line)[1:] for line in text.splitlines() if line.strip().startswith("kinerja ")]
    assert len(examples) >= 10
    monkeypatch.chdir(ROOT)
    for args in examples:
        if args[-1] == "catalog.kin":
            continue  # `kinerja check --json catalog.kin` names the reader's own file
        args = [str(tmp_path / a) if a == "realisasi.xlsx" else a for a in args]
        code, _, err = kinerja(*args)
        assert code in (0, 1), (args, err)  # 1: audit and validate-pk report what the real reports contain


def test_usage_error_exit_code(kinerja):
    code, _, err = kinerja("check")
    assert code == 4 and "PATH" in err


def test_write_atomic_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    import os

    from kinerja_dsl.engine.rendering.outputs import write_atomic

    target = tmp_path / "catalog.kin"
    target.write_text("original\n", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new text\n")
    assert target.read_text(encoding="utf-8") == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.kin"]  # no temporary file left behind


def test_no_user_text_is_ever_executed():
    from conftest import ROOT
    import re as _re

    for folder in ("kinerja_dsl", "engine"):
        for path in (ROOT / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not _re.search(r"(?<![\w.])(eval|exec|compile|__import__)\(", text), path


def test_shipped_examples_are_in_canonical_form(kinerja):
    """`kinerja fmt --check indicators/` walks every folder below and finds nothing to change."""
    from conftest import ROOT

    code, out, _ = kinerja("fmt", "--check", ROOT / "indicators")
    assert (code, out) == (0, "")


def test_a_band_set_is_named_not_numbered(write, kinerja):
    """Found by the thorough property profile: `bands 100` crashed the compiler."""
    path = write("b.kin", 'indicator X "x" {\n  unit "%"\n  value 1\n  direction higher\n  bands 100\n}\n')
    code, out, _ = kinerja("check", path)
    assert "b.kin:5:9: error[E111]: `bands` takes the name of a band set, not `100`" in out
    assert code == 1


def test_rounding_places_are_bounded(write, kinerja):
    path = write("r.kin", 'indicator X "x" {\n  unit "%"\n  value 1\n  direction higher\n  round half_up -1\n}\n')
    code, out, _ = kinerja("check", path)
    assert "r.kin:5:17: error[E111]: `round` rounds to 0 to 12 decimal places, not -1" in out and code == 1


def test_a_misspelt_formula_statement_is_named_in_the_hint(write, kinerja):
    """`numerater a` reads as an unknown setting; the hint names the statement meant, though a
    formula statement is not a setting (in each language)."""
    path = write("c.kin", 'field a "A" count\nindicator X.a "A" {\n  unit "%"\n  numerater a\n  direction higher\n}\n')
    code, out, _ = kinerja("check", path)
    assert code == 1
    assert f"{path}:4:3: error[E115]: unknown setting `numerater` in an indicator\n" in out
    assert "  = hint: did you mean `numerator`?\n" in out
    _, out, _ = kinerja("check", path, "--lang", "id")
    assert f"{path}:4:3: error[E115]: pengaturan `numerater` tidak dikenal di indikator\n" in out
    assert "  = saran: mungkin maksud Anda `numerator`?\n" in out


# ---- fmt keeps the author's keyword language; --keywords converts -----------------------------

ID_SAMPLE = '''# katalog dalam kata kunci bahasa Indonesia
kebijakan {
  batas_atas none
  pembulatan bulat 2  # dua desimal
}

variabel selesai "Selesai" jumlah
variabel masuk "Masuk" jumlah

indikator X.a "Rasio" {
  satuan "%"
  pembilang selesai
  penyebut masuk
  skala 100
  arah naik
  nihil tercapai
  rentang 0 .. 100
  target 2024 = 80
  catatan "contoh"
}

indikator X.b "Bersyarat" {
  satuan "%"
  nilai jika selesai > 0 maka selesai else masuk
  arah turun
}

predikat p "Predikat" {
  "Baik" >= 50
  "Kurang" < 50
}
'''

EN_SAMPLE = '''# katalog dalam kata kunci bahasa Indonesia
policy {
  cap none
  round half_up 2  # dua desimal
}

field selesai "Selesai" count
field masuk "Masuk" count

indicator X.a "Rasio" {
  unit "%"
  numerator selesai
  denominator masuk
  scale 100
  direction higher
  nihil achieved
  range 0 .. 100
  target 2024 = 80
  note "contoh"
}

indicator X.b "Bersyarat" {
  unit "%"
  value if selesai > 0 then selesai else masuk
  direction lower
}

bands p "Predikat" {
  "Baik" >= 50
  "Kurang" < 50
}
'''


def _formatted(text: str, keywords: str | None = None) -> str:
    from kinerja_dsl.formatter import format_file

    parsed, found = parse(text, "c.kin")
    assert not [d for d in found if d.is_error], found
    return format_file(parsed, keywords)


def test_fmt_keeps_a_file_written_in_indonesian_keywords_indonesian():
    """Most keywords are Indonesian (one `else` is English): the file stays Indonesian, that word too."""
    expected = ID_SAMPLE.replace(" else ", " selainnya ")
    assert _formatted(ID_SAMPLE) == expected
    assert _formatted(expected) == expected
    assert _formatted(EN_SAMPLE) == EN_SAMPLE


def test_fmt_keywords_converts_both_ways_and_back_keeping_every_comment():
    indonesian = ID_SAMPLE.replace(" else ", " selainnya ")
    assert _formatted(indonesian, "en") == EN_SAMPLE
    assert _formatted(EN_SAMPLE, "id") == indonesian
    assert _formatted(_formatted(indonesian, "en"), "id") == indonesian


def test_a_files_keyword_language_is_the_majority_of_its_words_and_a_tie_is_english():
    from kinerja_dsl.formatter import keyword_language

    def language(text: str) -> str:
        return keyword_language(parse(text, "c.kin")[0])

    assert language('variabel a "A" jumlah\n') == "id"                      # variabel, jumlah
    assert language('field a "A" jumlah\n') == "en"                         # one each: a tie
    assert language('variabel a "A" count\nvariabel b "B" count\n') == "en"  # 2 against 2: a tie
    assert language('variabel a "A" count\nvariabel b "B" jumlah\n') == "id"  # 3 against 1
    assert language('sasaran S "S"\n') == "en"                              # no word with an alias: English


def test_fmt_keywords_on_the_command_line(write, kinerja):
    path = write("c.kin", ID_SAMPLE)
    code, out, _ = kinerja("fmt", "--keywords", "en", path)
    assert code == 0 and path.read_text(encoding="utf-8") == EN_SAMPLE
    code, out, _ = kinerja("fmt", "--check", path)
    assert (code, out) == (0, "")
    code, out, _ = kinerja("fmt", "--keywords", "id", "--check", path)
    assert code == 1 and path.read_text(encoding="utf-8") == EN_SAMPLE
    kinerja("fmt", "--keywords", "id", path)
    assert path.read_text(encoding="utf-8") == ID_SAMPLE.replace(" else ", " selainnya ")


def test_every_shipped_catalog_formats_idempotently_in_both_languages_and_round_trips():
    from conftest import ROOT

    from kinerja_dsl.formatter import format_file, keyword_language

    for path in sorted((ROOT / "indicators").rglob("*.kin")):
        text = path.read_text(encoding="utf-8")
        parsed = parse(text, str(path))[0]
        assert keyword_language(parsed) == "en" and format_file(parsed) == text, path
        indonesian = format_file(parsed, "id")
        again = parse(indonesian, str(path))[0]
        assert keyword_language(again) == "id" and format_file(again) == indonesian, path
        assert format_file(again, "en") == text, path
        kept = [c.text for c in parsed.comments]
        assert [c.text for c in again.comments] == kept, path


# ---- extends: a redeclaration refines the base's declaration ------------------------------------

def test_a_redeclaration_in_an_extending_file_refines_the_base(write, kinerja):
    write("base.kin", '''
        field a "A" count
        field b "B" count
        sasaran S "Sasaran" {
          weight 100%
          note "dari dasar"
        }
        indicator X.a "Rasio nasional" {
          unit "%"
          numerator a
          denominator b
          scale 100
          direction higher
          nihil achieved
          target 2024 = 80
          target 2023 = 70
        }
        ''')
    path = write("office.kin", '''
        extends "base.kin"
        sasaran S {
          note "kantor"
        }
        indicator X.a {
          sasaran S
          value a
          scale 1
          target 2024 = 90
        }
        ''')
    from kinerja_dsl.loader import load

    loaded = load([path])
    assert loaded.catalog is not None, [d.render() for d in loaded.diagnostics]
    ind = loaded.model.indicators["X.a"]
    assert ind.label == "Rasio nasional"
    assert ind.formula("numerator") is None and ind.formula("value") is not None  # the formula is replaced whole
    assert [(s.key, s.span.file) for s in ind.body if hasattr(s, "key")] == [
        ("unit", str(path.parent / "base.kin")), ("direction", str(path.parent / "base.kin")),
        ("nihil", str(path.parent / "base.kin")), ("sasaran", str(path)), ("scale", str(path))]
    assert sorted((t.year, str(t.value)) for t in ind.targets) == [(2023, "70"), (2024, "90")]
    sasaran = loaded.model.sasaran["S"]
    assert sasaran.label == "Sasaran" and [(s.key, s.args[0].text_value) for s in sasaran.settings] == [
        ("weight", "100%"), ("note", "kantor")]


def test_a_rule_stated_in_the_base_names_the_base_file_where_the_evaluation_names_its_rule(write, kinerja):
    base = write("base.kin", 'field a "A" count\nfield b "B" count\nindicator X.a "Rasio" {\n  unit "%"\n'
                             '  scale 100\n  direction higher\n  nihil achieved\n}\n')
    office = write("office.kin", 'extends "base.kin"\nindicator X.a {\n  numerator a\n  denominator b\n'
                                 '  round half_up 1\n  target 2024 = 80\n}\n')
    data = write("data.csv", "period,office,field,value\n2024,,a,0\n2024,,b,0\n")
    code, out, _ = kinerja("eval", office, "--data", data, "--json")
    assert code == 0, out
    (row,) = json.loads(out)["indicators"]
    assert row["policy"]["nihil"] == f"achieved (indicator at {base}:7)"
    assert row["policy"]["round"] == f"half_up 1 (indicator at {office}:5)"

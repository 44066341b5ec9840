"""The diagnostic catalogue: every code, what it means and how to fix it.

`kinerja codes` prints it and README.md carries a copy that a test keeps equal to
it; another test checks that every code the sources emit has an entry here, and
that each catalog code's example (tests/golden/diagnostics/) really triggers it.
"""
from __future__ import annotations

# code -> (what it means, how to fix it)
CODES: dict[str, tuple[str, str]] = {
    "E001": ("Syntax error: a token that cannot stand there (also: a data or PK file that is not valid TOML).",
             "Read the hint: a misspelt keyword, a missing value, `3,6` instead of `3.6`, `}` not on its own line."),
    "E002": ("The file ends in the middle of a declaration.", "Close every `{` with a `}`; finish the last statement."),
    "E003": ("A character the language does not use (× ÷ − “ ” ' @ …).", "Write `*`, `/`, `-` and straight double quotes."),
    "E004": ("The file has no declarations (or a data file has no values).", "Add declarations, or point at another file."),
    "E005": ("The file is not UTF-8 text (UTF-8 with BOM and UTF-16 with BOM are read).", "Save the file as UTF-8."),
    "E006": ("A file or directory does not exist or cannot be read (also an `include` target).",
             "Check the path; `include` paths are relative to the including file."),
    "E007": ("A directory holds no `*.kin` file.", "Point at a folder under indicators/ or at a .kin file."),
    "E008": ("A limit was exceeded: expression nesting (64) or 256 operations in a row, include depth (16); "
             "in a TOML input arrays nested deeper than 32.",
             "Split the expression into fields or indicators; flatten the TOML file."),
    "E009": ("An `include` or `extends` path leaves the folder of the catalog named on the command line "
             "(an absolute path, `..` out of it, or a symlink that points outside).",
             "Keep the shared catalog inside the catalog's folder (a subfolder is fine) and include it by a relative path."),
    "E010": ("A path names something that is not a regular file: a device, a FIFO, a socket, or a symlink loop.",
             "Name the catalog, data or PK file itself."),
    "E011": ("A file too large to read: over 8 MiB (a catalog, data, PK or published file), a workbook over "
             "32 MiB, or a workbook part that unpacks to more than 64 MiB (128 MiB in all). Nothing past the "
             "limit is read.", "Split the catalog with `include`; save only the sheets to read."),
    "E101": ("An unknown name: data field, indicator, sasaran, office, band set, function.",
             "Use the suggested name, or declare it (`field`, `sasaran`, `office`, `bands`)."),
    "E102": ("An id is declared twice (per kind, across every loaded file).", "Rename one, or remove it."),
    "E103": ("An indicator has no `direction`.", "Add `direction higher` (or lower, stabilize)."),
    "E104": ("An indicator has no `unit`.", 'Add `unit "%"` (or indeks, orang, dokumen, …).'),
    "E105": ("A target lies outside the indicator's declared range, or a range is empty.",
             "Check the scale: a percentage is written 90, an index on 0..4 is 3.6."),
    "E106": ("Weights of a weighted group (or of a weighted sasaran) do not sum to 100%, or one is missing.",
             "Fix the weights; write thirds and sixths as fractions (`weight 1/6`)."),
    "E107": ("A band set leaves values without a band (a gap, or nothing below/above).",
             "Start each band where the previous one ends; make the lowest and highest open-ended."),
    "E108": ("Bands overlap, or a band contains no value.", "Bands are half-open: `>= 76 and < 91`, then `>= 91`."),
    "E109": ("Indicators refer to each other in a circle.", "Break the cycle; an indicator cannot depend on itself."),
    "E111": ("A setting has a value it does not take (`nihil archived`, `cap maybe`, a text where a number goes).",
             "Use one of the listed values."),
    "E112": ("Catalog files include each other in a circle.", "Remove one of the `include` / `extends` lines."),
    "E113": ("An indicator's formula is incomplete or doubled (numerator without denominator, two formulas, none).",
             "Give numerator and denominator, a value, or an index block."),
    "E114": ("A setting or target is stated twice in one block.", "Keep one."),
    "E115": ("A setting key that does not belong where it stands.", "Use the suggested key; the hint lists the allowed ones."),
    "E116": ("A function is called with the wrong arguments (`abs(a, b)`, `prev(3)`, `capaian(x)` of an unknown id).",
             "See the function list in README.md."),
    "E117": ("A target's period or year is not one the calendar knows (`TW5`, `12.5`).",
             "Periods are TW1–TW4, S1–S2, B01–B12; years have four digits."),
    "E118": ("An indicator in a sasaran reads a mean (`capaian(SJ1)`, `capaian(overall)`) that its own capaian "
             "would feed.", "Take the `sasaran` off the indicator that reads the mean (a budget efficiency has none)."),
    "E119": ("A constant divides by zero (`cap 1/0`, `weight 1/0`).", "Write the number you mean."),
    "E120": ("A text (label, name, note) holds a control character (vertical tab, \\x01, …) that tables and "
             "spreadsheets cannot show.", "Delete the character; write a line break inside a label as a space."),
    "E121": ("A number outside what the engine keeps exactly: more than 18 digits before the decimal point or "
             "more than 18 after it.", "Write the number in the indicator's unit (rupiah in full is fine up to 18 digits)."),
    "E122": ("Period targets (TW1–TW4, S1–S2, B01–B12) disagree with the indicator's `period_targets` and its "
             "roll-up: cumulative ones (the default) that decrease (a sum, or a `higher` indicator) or do not end at "
             "the annual target; per-period ones that do not add up to it (a sum), average to it (`rollup average`) "
             "or end at it (the other rules). Range targets are not checked.",
             "Correct the targets, or declare how they are meant: `period_targets cumulative` (each the target up to "
             "its period: 25, 50, 75, 100) or `period_targets per_period` (each its period's own)."),
    "W110": ("A denominator can be 0 and no nihil rule says what 0/0 counts as.",
             "Declare `nihil achieved` (or excluded, zero, error) on the indicator or in the policy."),
    "W119": ("A target is written with `%` on an indicator whose unit is not a percentage (warning).",
             "Write the target in the indicator's unit, or declare `unit \"%\"`."),
    "W122": ("`target_fallback annual` applies to an indicator whose periods add up (rollup sum, or a count under "
             "by_kind): a quarter's count is compared with the whole year's target (warning).",
             "Declare the indicator's period targets, or `target_fallback none` on it."),
    "D001": ("Data for an unknown field or indicator.", "Use the suggested name, or declare the field in the catalog."),
    "D002": ("Data for an unknown office (or an unknown `--unit`).", "Use the suggested office, or declare it."),
    "D003": ("An unknown period label in data or `--period`.",
             "Use 2024, 2024-TW1…TW4, 2024-S1/S2, 2024-01…12, or 2024-sd-TW3 (from January)."),
    "D004": ("A value is given twice for the same period, office and field.", "Keep one."),
    "D005": ("A count or amount is negative, or a count has decimals.", "Correct the value."),
    "D006": ("A number whose notation is ambiguous (`1,545`) or malformed: a space inside it (`95 100`), "
             "a workbook cell that is not a number (`12abc`, `0x10`).",
             'Declare the notation (`locale = "id"` in [meta], `# locale: id` in CSV) or write it unambiguously.'),
    "D007": ("An input file (data, workbook mapping, PK, published figures) does not follow its layout: an "
             "unknown or missing key, a value of the wrong type (`header_row = -1`, `line = \"abc\"`), a value "
             "that is not a number, a missing or doubled column, a CSV row with more cells than its header, an "
             "unknown locale.", "See the file's format in README.md; the hint names the expected keys."),
    "D008": ("A percentage field holds a value outside 0..100 (warning).", "Write percentages as 95, not 0.95."),
    "D009": ("A .xlsx file is read or written but the `excel` extra (openpyxl) is not installed.",
             "`pip install 'kinerja-dsl[excel]'`, or use CSV or TOML."),
    "D010": ("A spreadsheet cell holds an Excel error (#DIV/0!, #REF!, #N/A, #VALUE!).",
             "Correct the formula in Excel and save the workbook: the value Excel saved is what is read."),
    "D011": ("The same field is given for a period and for periods inside it at one office (a quarter and "
             "its months), so the roll-up would count it twice.", "Keep one granularity: the quarter or its months."),
    "D012": ("A number that is not finite (nan, inf) or is outside the representable range: more than 18 digits "
             "before the decimal point or more than 18 after it.", "Correct the value; a blank cell means missing."),
    "D013": ("A published figure names an indicator, sasaran, office or level the catalog does not have.",
             "Use the catalog's ids (the hint suggests one) and the levels indicator, sasaran, office, overall."),
    "P000": ("A PK file has no targets: no `agreement` block in a .kin file, no [[target]] in a TOML file.",
             'Declare `agreement "PK 2024" { year 2024 … }`, or one [[target]] per target.'),
    "P001": ("A PK target names an unknown indicator.", "Use the suggested id."),
    "P002": ("An IKU of the catalog is missing from the PK.", "Add its target."),
    "P003": ("A PK target is on the wrong scale: outside the range, a count with decimals, or a percentage "
             "for an indicator measured in another unit.", "Check the scale and the unit."),
    "P004": ("A PK target is weaker than the Renstra target for the year.", "Raise it, or revise the Renstra."),
    "P005": ("A PK's period targets (TW, semester, month) disagree with the indicator's `period_targets` and its "
             "roll-up, by the rules of E122.",
             "Correct the targets, or declare the convention they follow on the catalog's indicator "
             "(`period_targets per_period` when each is its period's own)."),
    "P006": ("Two targets for one indicator and period.", "Keep one."),
    "P007": ("A sasaran of the catalog has no signed indicator (warning).", "Sign one of its indicators."),
    "P008": ("Weights of a weighted sasaran's signed indicators do not make 100%.", "Sign all of them or fix weights."),
    "P009": ("A target of 0 without a nihil rule.", "Declare the indicator's nihil rule."),
    "P010": ("A PK target is missing or written ambiguously in a spreadsheet PK.", "Write it unambiguously."),
    "P011": ("The PK's year is missing or has no targets in the catalog.", "Use the catalog of the PK's year."),
    "P012": ("A PK target differs from the catalog's target for the year (warning).", "One of the two is a copy error."),
    "P013": ("An unknown period label in a PK target.", "Use TW1–TW4, S1–S2, B01–B12."),
    "P014": ("A PK target differs from the Renstra target for the year without being weaker, e.g. above it "
             "(warning).", "Explain it where the LKjIP compares PK and Renstra, or revise the Renstra."),
    "P015": ("A range target is malformed or empty (`1 .. 2 .. 3`, `100 .. 1`).",
             "Write one range `LOW .. HIGH` with LOW below HIGH."),
}

EXIT_CODES = ("0 clean · 1 findings · 2 syntax errors · 3 file errors (missing, unreadable, not UTF-8) · "
              "4 usage · 70 internal error")


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (the README copy and `kinerja codes`)."""
    lines = ["| code | meaning | fix |", "|---|---|---|"]
    for code, (meaning, fix) in CODES.items():
        lines.append(f"| {code} | {meaning} | {fix} |")
    lines.append("")
    lines.append(f"Exit codes: {EXIT_CODES}.")
    return "\n".join(lines) + "\n"

"""The diagnostic catalogue: every code, what it means and how to fix it.

`kinerja codes` prints it and README.md carries a copy that a test keeps equal to
it; another test checks that every code the sources emit has an entry here, and
that each catalog code's example (tests/golden/diagnostics/) really triggers it.
"""
from __future__ import annotations

from .messages import N_, t

# code -> (what it means, how to fix it), messages for the catalogs: show them with `text()`, where a
# `{open}` / `{close}` stands for a brace of the language
CODES: dict[str, tuple[str, str]] = {
    "E001": (N_("Syntax error: a token that cannot stand there (also: a data or PK file that is not valid TOML)."),
             N_("Read the hint: a misspelt keyword, a missing value, `3,6` instead of `3.6`, `{close}` not on its own line.")),
    "E002": (N_("The file ends in the middle of a declaration."), N_("Close every `{open}` with a `{close}`; finish the last statement.")),
    "E003": (N_("A character the language does not use (× ÷ − “ ” ' @ …)."), N_("Write `*`, `/`, `-` and straight double quotes.")),
    "E004": (N_("The file has no declarations (or a data file has no values)."), N_("Add declarations, or point at another file.")),
    "E005": (N_("The file is not UTF-8 text (UTF-8 with BOM and UTF-16 with BOM are read)."), N_("Save the file as UTF-8.")),
    "E006": (N_("A file or directory does not exist or cannot be read (also an `include` target)."),
             N_("Check the path; `include` paths are relative to the including file.")),
    "E007": (N_("A directory holds no `*.kin` file."), N_("Point at a folder under indicators/ or at a .kin file.")),
    "E008": (N_("A limit was exceeded: expression nesting (64) or 256 operations in a row, include depth (16); "
             "in a TOML input arrays nested deeper than 32."),
             N_("Split the expression into fields or indicators; flatten the TOML file.")),
    "E009": (N_("An `include` or `extends` path leaves the folder of the catalog named on the command line, or the "
                "catalog tree that folder lies in (a folder at or above it holding `kinerja.toml`): an absolute "
                "path, `..` out of it, or a symlink that points outside."),
             N_("Keep the shared catalog inside the catalog's folder (a subfolder is fine) or inside its catalog "
                "tree, and include it by a relative path.")),
    "E010": (N_("A path names something that is not a regular file: a device, a FIFO, a socket, or a symlink loop."),
             N_("Name the catalog, data or PK file itself.")),
    "E011": (N_("A file too large to read: over 8 MiB (a catalog, data, PK or published file), a workbook over "
             "32 MiB, or a workbook part that unpacks to more than 64 MiB (128 MiB in all). Nothing past the "
             "limit is read."), N_("Split the catalog with `include`; save only the sheets to read.")),
    "E101": (N_("An unknown name: data field, indicator, sasaran, office, band set, function."),
             N_("Use the suggested name, or declare it (`field`, `sasaran`, `office`, `bands`).")),
    "E102": (N_("An id is declared twice (per kind, across every loaded file)."), N_("Rename one, or remove it.")),
    "E103": (N_("An indicator has no `direction`."), N_("Add `direction higher` (or lower, stabilize).")),
    "E104": (N_("An indicator has no `unit`."), N_('Add `unit "%"` (or indeks, orang, dokumen, …).')),
    "E105": (N_("A target lies outside the indicator's declared range, or a range is empty."),
             N_("Check the scale: a percentage is written 90, an index on 0..4 is 3.6.")),
    "E106": (N_("Weights of a weighted group (or of a weighted sasaran) do not sum to 100%, or one is missing."),
             N_("Fix the weights; write thirds and sixths as fractions (`weight 1/6`).")),
    "E107": (N_("A band set leaves values without a band (a gap, or nothing below/above)."),
             N_("Start each band where the previous one ends; make the lowest and highest open-ended.")),
    "E108": (N_("Bands overlap, or a band contains no value."), N_("Bands are half-open: `>= 76 and < 91`, then `>= 91`.")),
    "E109": (N_("Indicators refer to each other in a circle."), N_("Break the cycle; an indicator cannot depend on itself.")),
    "E111": (N_("A setting has a value it does not take (`nihil archived`, `cap maybe`, a text where a number goes)."),
             N_("Use one of the listed values.")),
    "E112": (N_("Catalog files include each other in a circle."), N_("Remove one of the `include` / `extends` lines.")),
    "E113": (N_("An indicator's formula is incomplete or doubled (numerator without denominator, two formulas, none)."),
             N_("Give numerator and denominator, a value, or an index block.")),
    "E114": (N_("A setting or target is stated twice in one block."), N_("Keep one.")),
    "E115": (N_("A setting key that does not belong where it stands."), N_("Use the suggested key; the hint lists the allowed ones.")),
    "E116": (N_("A function is called with the wrong arguments (`abs(a, b)`, `prev(3)`, `capaian(x)` of an unknown id)."),
             N_("See the function list in README.md.")),
    "E117": (N_("A target's period or year is not one the calendar knows (`TW5`, `12.5`)."),
             N_("Periods are TW1–TW4, S1–S2, B01–B12; years have four digits.")),
    "E118": (N_("An indicator in a sasaran reads a mean (`capaian(SJ1)`, `capaian(overall)`) that its own capaian "
             "would feed."), N_("Take the `sasaran` off the indicator that reads the mean (a budget efficiency has none).")),
    "E119": (N_("A constant divides by zero (`cap 1/0`, `weight 1/0`)."), N_("Write the number you mean.")),
    "E120": (N_("A text (label, name, note) holds a control character (vertical tab, \\x01, …) that tables and "
             "spreadsheets cannot show."), N_("Delete the character; write a line break inside a label as a space.")),
    "E121": (N_("A number outside what the engine keeps exactly: more than 18 digits before the decimal point or "
             "more than 18 after it."), N_("Write the number in the indicator's unit (rupiah in full is fine up to 18 digits).")),
    "E122": (N_("Period targets (TW1–TW4, S1–S2, B01–B12) disagree with the indicator's `period_targets` and its "
             "roll-up: cumulative ones (the default) that decrease (a sum, or a `higher` indicator) or do not end at "
             "the annual target; per-period ones that do not add up to it (a sum), average to it (`rollup average`) "
             "or end at it (the other rules). Range targets are not checked."),
             N_("Correct the targets, or declare how they are meant: `period_targets cumulative` (each the target up to "
             "its period: 25, 50, 75, 100) or `period_targets per_period` (each its period's own).")),
    "E123": (N_("A level that `aggregate LEVEL none` switches off is read: by the mean of a level above it (the "
             "overall capaian is the mean of sasaran by default) or by `capaian(X)`."),
             N_("Switch the level above off too (`aggregate overall none`), take its mean of the indicators "
             "(`aggregate overall mean indicators`), or compute the level.")),
    "E124": (N_("A declared total (`field t \"…\" count = a + b`) is not a sum of data fields: another operator, a "
             "number, a function or an indicator stands among its parts."),
             N_("Write the parts as `a + b + c`; a value computed otherwise is an indicator's `value`.")),
    "E125": (N_("A total names itself among its parts, or a part twice (which would count it twice)."),
             N_("Name each part once, and never the total itself.")),
    "E126": (N_("Totals in a circle: a total is a part of itself through other totals."),
             N_("The rows of a table add up to its total: declare the total of the rows, not the other way round.")),
    "E127": (N_("A part of a total is of another kind or roll-up rule than the total (a score in a count, an "
             "`amount last` in a summed amount): a year's total would then differ from the sum of its parts' years."),
             N_("Declare the part like the total, or leave it out of the sum.")),
    "E130": (N_("A `use` names a template that no loaded file declares."),
             N_("Use the suggested name, or declare it: `template NAME(params) {open} … {close}`.")),
    "E131": (N_("A `use` names a parameter the template does not have (`name = …`), or says `per office` to a "
                "template without a parameter `office`."),
             N_("Use one of the template's parameters; `per office` binds `office` and `office_label`.")),
    "E132": (N_("A `use` leaves a parameter of the template without an argument."),
             N_("Give every parameter an argument, in order or by name.")),
    "E133": (N_("A `use` gives more arguments than the template has parameters, or one parameter twice (also: a "
                "template that names a parameter twice)."),
             N_("Give each parameter exactly one argument.")),
    "E134": (N_("Two instances of templates expand to the same id (the id does not depend on the arguments)."),
             N_("Put a parameter in the id: `indicator ANG.$office.serapan`.")),
    "E135": (N_("A template's text uses a `$placeholder` that is not one of its parameters."),
             N_("Add the parameter to the template's head, or correct the spelling.")),
    "E136": (N_("`use … per office under P`: no office has P as its parent, so the family would be empty."),
             N_("Declare the offices with `parent P`, or list them: `per office a b c`.")),
    "E137": (N_("A template holds a declaration that cannot be repeated per instance (include, policy, office, "
                "agreement, template, use)."),
             N_("Write it once outside the template; a template holds indicators, sasaran, fields and band sets.")),
    "W110": (N_("A denominator can be 0 and no nihil rule says what 0/0 counts as."),
             N_("Declare `nihil achieved` (or excluded, zero, error) on the indicator or in the policy.")),
    "W119": (N_("A target is written with `%` on an indicator whose unit is not a percentage (warning)."),
             N_("Write the target in the indicator's unit, or declare `unit \"%\"`.")),
    "W122": (N_("`target_fallback annual` applies to an indicator whose periods add up (rollup sum, or a count under "
             "by_kind): a quarter's count is compared with the whole year's target (warning)."),
             N_("Declare the indicator's period targets, or `target_fallback none` on it.")),
    "W140": (N_("A scoped policy (`policy for …`) selects no indicator of the catalog (warning)."),
             N_("Check its selectors (unit, kind, sasaran, office, indicators, year) against the catalog.")),
    "D001": (N_("Data for an unknown field or indicator."), N_("Use the suggested name, or declare the field in the catalog.")),
    "D002": (N_("Data for an unknown office (or an unknown `--unit`)."), N_("Use the suggested office, or declare it.")),
    "D003": (N_("An unknown period label in data or `--period`."),
             N_("Use 2024, 2024-TW1…TW4, 2024-S1/S2, 2024-01…12, or 2024-sd-TW3 (from January).")),
    "D004": (N_("A value is given twice for the same period, office and field."), N_("Keep one.")),
    "D005": (N_("A count or amount is negative, or a count has decimals."), N_("Correct the value.")),
    "D006": (N_("A number whose notation is ambiguous (`1,545`) or malformed: a space inside it (`95 100`), "
             "a workbook cell that is not a number (`12abc`, `0x10`)."),
             N_('Declare the notation (`locale = "id"` in [meta], `# locale: id` in CSV) or write it unambiguously.')),
    "D007": (N_("An input file (data, workbook mapping, PK, published figures) does not follow its layout: an "
             "unknown or missing key, a value of the wrong type (`header_row = -1`, `line = \"abc\"`), a value "
             "that is not a number, a missing or doubled column, a CSV row with more cells than its header, an "
             "unknown locale."), N_("See the file's format in README.md; the hint names the expected keys.")),
    "D008": (N_("A percentage field holds a value outside 0..100 (warning)."), N_("Write percentages as 95, not 0.95.")),
    "D009": (N_("A file needs an optional extra that is not installed: `excel` (openpyxl) to read or write .xlsx, `report` (python-docx, matplotlib) for `kinerja report`'s .docx and charts."),
             N_("Install the extra the message names: `pip install 'kinerja-dsl[excel]'` (or use CSV or TOML), `pip install 'kinerja-dsl[report]'`.")),
    "D010": (N_("A spreadsheet cell holds an Excel error (#DIV/0!, #REF!, #N/A, #VALUE!)."),
             N_("Correct the formula in Excel and save the workbook: the value Excel saved is what is read.")),
    "D011": (N_("The same field is given for a period and for periods inside it at one office (a quarter and "
             "its months), so the roll-up would count it twice."), N_("Keep one granularity: the quarter or its months.")),
    "D012": (N_("A number that is not finite (nan, inf) or is outside the representable range: more than 18 digits "
             "before the decimal point or more than 18 after it."), N_("Correct the value; a blank cell means missing.")),
    "D013": (N_("A published figure names an indicator, sasaran, office or level the catalog does not have."),
             N_("Use the catalog's ids (the hint suggests one) and the levels indicator, sasaran, office, overall.")),
    "D014": (N_("A declared total given in the data differs from the sum of its parts given at the same period and "
             "office (a table's printed total that does not equal its rows)."),
             N_("Correct the total or the rows; the engine does not choose between them.")),
    "P000": (N_("A PK file has no targets: no `agreement` block in a .kin file, no [[target]] in a TOML file."),
             N_('Declare `agreement "PK 2024" {open} year 2024 … {close}`, or one [[target]] per target.')),
    "P001": (N_("A PK target names an unknown indicator."), N_("Use the suggested id.")),
    "P002": (N_("An IKU of the catalog is missing from the PK."), N_("Add its target.")),
    "P003": (N_("A PK target is on the wrong scale: outside the range, a count with decimals, or a percentage "
             "for an indicator measured in another unit."), N_("Check the scale and the unit.")),
    "P004": (N_("A PK target is weaker than the Renstra target for the year."), N_("Raise it, or revise the Renstra.")),
    "P005": (N_("A PK's period targets (TW, semester, month) disagree with the indicator's `period_targets` and its "
             "roll-up, by the rules of E122."),
             N_("Correct the targets, or declare the convention they follow on the catalog's indicator "
             "(`period_targets per_period` when each is its period's own).")),
    "P006": (N_("Two targets for one indicator and period."), N_("Keep one.")),
    "P007": (N_("A sasaran of the catalog has no signed indicator (warning)."), N_("Sign one of its indicators.")),
    "P008": (N_("Weights of a weighted sasaran's signed indicators do not make 100%."), N_("Sign all of them or fix weights.")),
    "P009": (N_("A target of 0 without a nihil rule."), N_("Declare the indicator's nihil rule.")),
    "P010": (N_("A PK target is missing or written ambiguously in a spreadsheet PK."), N_("Write it unambiguously.")),
    "P011": (N_("The PK's year is missing or has no targets in the catalog."), N_("Use the catalog of the PK's year.")),
    "P012": (N_("A PK target differs from the catalog's target for the year (warning)."), N_("One of the two is a copy error.")),
    "P013": (N_("An unknown period label in a PK target."), N_("Use TW1–TW4, S1–S2, B01–B12.")),
    "P014": (N_("A PK target differs from the Renstra target for the year without being weaker, e.g. above it "
             "(warning)."), N_("Explain it where the LKjIP compares PK and Renstra, or revise the Renstra.")),
    "P015": (N_("A range target is malformed or empty (`1 .. 2 .. 3`, `100 .. 1`)."),
             N_("Write one range `LOW .. HIGH` with LOW below HIGH.")),
}

EXIT_CODES = (N_("0 clean · 1 findings · 2 syntax errors · 3 file errors (missing, unreadable, not UTF-8) · "
              "4 usage · 70 internal error"))


def text(message: str) -> str:
    """A meaning or a fix of the catalogue in the reader's language, its braces filled in."""
    return t(message, open="{", close="}")


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (the README copy and `kinerja codes`), in the reader's language."""
    lines = [t("| code | meaning | fix |"), "|---|---|---|"]
    for code, (meaning, fix) in CODES.items():
        lines.append(f"| {code} | {text(meaning)} | {text(fix)} |")
    lines.append("")
    lines.append(t("Exit codes: {codes}.", codes=t(EXIT_CODES)))
    return "\n".join(lines) + "\n"

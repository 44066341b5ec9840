"""A workbook mapping: the TOML document that says where a workbook's values stand.

A table document (realisation data, a PK) declares its columns once as a TableRow; its
`Layout` adds what a workbook needs beyond CSV: which column carries the number and which keys a
[[sheet]] may fix for every row. A mapping file (`--mapping map.toml`) names, per sheet, the
header texts or letters of those columns and the header row; without one, the sheet is read with
the declared header texts (the CSV column names).

```toml
locale = "id"
[[sheet]]
name = "TW3"
period = "2024-TW3"
header_row = 4
columns = { office = "Satker", field = "Variabel", value = "Realisasi" }
```
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field, create_model

from kinerja_dsl.diagnostics import Diagnostic, Severity
from kinerja_dsl.loader import PathLike
from kinerja_dsl.messages import t

from .documents import Read, Schema, TableRow, load_toml, read_document, unknown_locale, validated

MAX_ROW = 1_048_576   # Excel's last row
MAX_COLUMN = 16_384   # and column (XFD)


@dataclass(frozen=True)
class Layout:
    """What a sheet holds, one row per value: the column keys, the header texts each key is
    found by, which may be fixed for a whole sheet, and which one carries the number."""

    defaults: dict[str, str]       # key -> header texts, "a|b|c"
    value: str                     # the key of the cell that carries the number
    constants: tuple[str, ...]     # keys a [[sheet]] may fix for every row (period = "2024-TW3")
    optional: tuple[str, ...] = ()  # keys whose column may be absent
    # a row whose number cell is blank but another cell is filled is read (as a CSV row is), for a
    # document where a blank number is a finding (a PK's target); else it is skipped (data: missing)
    blank_value_is_a_row: bool = False

    @classmethod
    def of(cls, row: type[TableRow], value: str, constants: tuple[str, ...],
           optional: tuple[str, ...] | None = None, blank_value_is_a_row: bool = False) -> "Layout":
        """The layout of a table document's declared row; `optional` defaults to the columns the
        row does not require."""
        required = row.required()
        return cls({k: "|".join(names) for k, names in row.headers().items()}, value, constants,
                   tuple(k for k in row.headers() if k not in required) if optional is None else optional,
                   blank_value_is_a_row)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    @property
    def sheet_keys(self) -> set[str]:
        return {"name", "header_row", "columns", *self.constants}


@dataclass
class SheetMap:
    name: str | None                      # None: the default sheet, else the first
    columns: dict[str, str]               # key -> header text or column letter
    header_row: int | None = None         # None: found by the header texts
    constants: dict[str, str] = field(default_factory=dict)  # period / office for the whole sheet
    line: int = 0                         # where the mapping declares this sheet


@dataclass
class Mapping:
    file: str | None
    locale: str | None
    sheets: list[SheetMap]


def _number_as_text(value: object) -> object:
    """A label fixed for a whole sheet may be typed as a number: `period = 2024`."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Label = Annotated[str, BeforeValidator(_number_as_text)]


class SheetSchema(Schema):
    """One [[sheet]] of a mapping. `mapping_schema` derives it per layout: `columns` gets one key
    per column of the layout and the sheet one `Label` per key the layout lets a sheet fix."""

    name: Optional[str] = None
    header_row: Optional[Annotated[int, Field(ge=1, le=MAX_ROW)]] = None
    columns: Schema = Schema()

    def column_names(self) -> dict[str, str]:
        """Each column key the sheet names, and the header text or letter it gives."""
        return {key: v for key, v in self.columns.model_dump().items() if isinstance(v, str)}

    def fixed(self, keys: Iterable[str]) -> dict[str, str]:
        """The labels this sheet fixes for each of its rows (`period = "2024-TW3"`): the layout's
        constant keys, each a `Label` field (a text) of the derived model, or None when unset."""
        return {key: value for key in keys if isinstance(value := getattr(self, key), str)}


class MappingSchema(Schema):
    """A mapping file: `locale` and its [[sheet]] tables (of the layout's SheetSchema)."""

    locale: Optional[str] = None
    sheet: list[SheetSchema] = []


_MODELS: dict[tuple[tuple[str, ...], tuple[str, ...]], type[MappingSchema]] = {}


def mapping_schema(layout: Layout) -> type[MappingSchema]:
    """The mapping's declared layout for what a sheet holds: `locale`, and [[sheet]] tables with
    a name, a header row, `columns` (one per key of the layout) and the keys fixed per sheet."""
    key = (layout.keys, layout.constants)
    if key not in _MODELS:
        # field definitions as pydantic takes them: (annotation, default), built from the layout
        column_fields: dict[str, Any] = {k: (Optional[str], None) for k in layout.keys}
        columns = create_model("Columns", __base__=Schema, **column_fields)
        fixed_fields: dict[str, Any] = {k: (Optional[Label], None) for k in layout.constants}
        sheet = create_model("Sheet", __base__=SheetSchema, columns=(columns, columns()), **fixed_fields)
        _MODELS[key] = create_model("Mapping", __base__=MappingSchema, sheet=(list[sheet], []))
    return _MODELS[key]


def read_mapping(path: PathLike, layout: Layout) -> Read[Mapping | None]:
    """The mapping file and its text; None with diagnostics when it cannot be used."""
    file = str(path)
    text, out = read_document(path)
    if text is None:
        return Read(file, None, out)
    texts = {file: text}
    doc, lines, out = load_toml(file, text)
    if doc is None:
        return Read(file, None, out, texts)
    mapping = validated(mapping_schema(layout), doc, lines, file, (), out)
    if mapping is None:
        return Read(file, None, out, texts)
    problem = unknown_locale(mapping.locale, file, lines.line("locale"))
    if problem is not None:
        out.append(problem)
    sheets = []
    for k, item in enumerate(mapping.sheet):
        columns = item.column_names()
        constants = item.fixed(layout.constants)
        for key in layout.keys:
            if key not in constants:
                columns.setdefault(key, layout.defaults[key])
        sheets.append(SheetMap(item.name, columns, item.header_row, constants, lines.line("sheet", k)))
    if not sheets:
        out.append(Diagnostic(code="D007", severity=Severity.ERROR, message=t("the mapping has no [[sheet]]"),
                              file=file,
                              hint='[[sheet]]\nname = "TW3"\ncolumns = { office = "Satker", value = "Nilai" }'))
    return Read(file, None if out else Mapping(file, mapping.locale, sheets), out, texts)


def default_mapping(layout: Layout) -> Mapping:
    """No mapping file: the default sheet, its columns found by the declared header texts."""
    return Mapping(None, None, [SheetMap(None, dict(layout.defaults))])

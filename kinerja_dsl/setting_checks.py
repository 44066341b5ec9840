"""The values of one setting: a table of small checks, one per setting key (E111).

Each check takes the setting and yields what is wrong with its values (None for "nothing
here", so a check can be written as a list of tests). Where a key may stand at all (E115)
is the checker's business; this module only knows what each key takes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from . import ast
from .diagnostics import Diagnostic, did_you_mean
from .messages import t
from .vocabulary import AggregateMethod, RoundMode, allowed_values, canonical_value

SettingCheck = Callable[[ast.Setting], Iterable[Diagnostic | None]]
ArgCheck = Callable[[ast.Setting, ast.Arg], Diagnostic | None]

MAX_PLACES = 12  # decimal places a `round` may keep


def shortened(text: str) -> str:
    """A number as written, shortened when it is too long to read in a message."""
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}"


# ---- checks of one argument ---------------------------------------------------------

def _enum(setting: ast.Setting, kind: str, arg: ast.Arg) -> Diagnostic | None:
    if arg.kind == "name" and canonical_value(kind, arg.text) is not None:
        return None
    values = allowed_values(kind)
    return Diagnostic.at_span(arg.span, code="E111",
                              message=t("`{value}` is not a value of `{key}`", value=arg.text, key=setting.key),
                              hint=did_you_mean(arg.text, values)
                              or t("use one of: {names}", names=", ".join(f"`{v}`" for v in values)))


def _enum_of(kind: str) -> ArgCheck:
    return lambda setting, arg: _enum(setting, kind, arg)


def _number(setting: ast.Setting, arg: ast.Arg, *, none_ok: bool = False, positive: bool = False,
            integer: bool = False) -> Diagnostic | None:
    if none_ok and arg.kind == "name" and arg.text == "none":
        return None
    if arg.is_number:
        if arg.divides_by_zero:  # E119 says so; its placeholder value says nothing
            return None
        value = arg.number
        if positive and value <= 0:
            return Diagnostic.at_span(arg.span, code="E111",
                                      message=t("`{key}` must be greater than 0", key=setting.key))
        if integer and value != value.to_integral_value():
            return Diagnostic.at_span(arg.span, code="E111",
                                      message=t("`{key}` takes a whole number, not `{found}`", key=setting.key,
                                                found=shortened(arg.text)))
        return None
    values = {"key": setting.key, "found": shortened(arg.text)}
    message = t("`{key}` takes a number or `none`, not `{found}`", **values) if none_ok \
        else t("`{key}` takes a number, not `{found}`", **values)
    return Diagnostic.at_span(arg.span, code="E111", message=message)


def _a_name(setting: ast.Setting, arg: ast.Arg) -> Diagnostic | None:
    if arg.kind == "name":
        return None
    return Diagnostic.at_span(arg.span, code="E111",
                              message=t("`{key}` takes a name, not `{found}`", key=setting.key, found=arg.text))


def _arity(setting: ast.Setting, low: int, high: int) -> Diagnostic | None:
    found = len(setting.args)
    if low <= found <= high:
        return None
    span = setting.args[high].span if found > high else setting.span
    if low != high:
        message = t("`{key}` takes {low} to {high} values, found {found}", key=setting.key, low=low, high=high,
                    found=found)
    elif high == 1:
        message = t("`{key}` takes 1 value, found {found}", key=setting.key, found=found)
    else:
        message = t("`{key}` takes {n} values, found {found}", key=setting.key, n=low, found=found)
    return Diagnostic.at_span(span, code="E111", message=message)


# ---- checks of one setting ----------------------------------------------------------

def _single(value: ArgCheck | None = None) -> SettingCheck:
    """Exactly one argument, which `value` checks."""
    def check(setting: ast.Setting) -> Iterable[Diagnostic | None]:
        yield _arity(setting, 1, 1)
        if value is not None and len(setting.args) == 1:
            yield value(setting, setting.args[0])
    return check


def _rounding(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`round half_up 2`, `round truncate 0`, `round none`; `round_realisasi half_up 1 also_given`."""
    args = setting.args
    scoped = setting.key == "round_realisasi"
    yield _arity(setting, 1, 3 if scoped else 2)
    if not args:
        return
    if scoped and len(args) == 3:
        yield _enum(setting, "realisasi_scope", args[2])
        args = args[:2]
    yield _enum(setting, "round_mode", args[0])
    mode = canonical_value("round_mode", args[0].text)
    if mode in (RoundMode.HALF_UP, RoundMode.TRUNCATE):
        if len(args) != 2:
            yield Diagnostic.at_span(setting.span, code="E111",
                                     message=t("`{setting}` needs the number of decimal places",
                                               setting=f"{setting.key} {args[0].text}"),
                                     hint=t("e.g. `{example}`", example=f"{setting.key} {args[0].text} 2"))
            return
        problem = _number(setting, args[1], integer=True)
        if problem is None and not 0 <= args[1].number <= MAX_PLACES:
            problem = Diagnostic.at_span(args[1].span, code="E111",
                                         message=t("`{key}` rounds to 0 to {most} decimal places, not {found}",
                                                   key=setting.key, most=MAX_PLACES, found=shortened(args[1].text)),
                                         hint=t("reports print 0 to 3 decimals"))
        yield problem
    elif mode == RoundMode.NONE and len(setting.args) >= 2:
        yield Diagnostic.at_span(setting.args[1].span, code="E111",
                                 message=t("`{setting}` takes no decimal places", setting=f"{setting.key} none"))


def _aggregate(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`aggregate LEVEL METHOD [SOURCE] [rounded]`."""
    args = setting.args
    yield _arity(setting, 2, 4)
    if len(args) >= 2:
        yield _enum(setting, "aggregate_level", args[0])
        yield _enum(setting, "aggregate_method", args[1])
    if len(args) > 2 and canonical_value("aggregate_method", args[1].text) == AggregateMethod.NONE:
        yield Diagnostic.at_span(args[2].span, code="E111",
                                 message=t("`{setting}` computes nothing, so it takes no `{word}`",
                                           setting=f"aggregate {args[0].text} {args[1].text}", word=args[2].text),
                                 hint=t("write `{example}`", example=f"aggregate {args[0].text} {args[1].text}"))
        return
    rest = [a for a in args[2:] if a.text != "rounded"]
    if len(rest) > 1:
        yield Diagnostic.at_span(rest[1].span, code="E111",
                                 message=t("`{word}` is not a word of `aggregate`", word=rest[1].text),
                                 hint="aggregate LEVEL METHOD [SOURCE] [rounded]")
    elif rest:
        yield _enum(setting, "aggregate_source", rest[0])


def _bands(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`bands NAME [capaian | realisasi]`."""
    args = setting.args
    yield _arity(setting, 1, 2)
    if args and args[0].kind != "name":
        yield Diagnostic.at_span(args[0].span, code="E111",
                                 message=t("`bands` takes the name of a band set, not `{found}`", found=args[0].text),
                                 hint=t("a preset (lkjip, ikpa, sakip) or a declared `{declaration}`",
                                        declaration="bands NAME { … }"))
    if len(args) == 2 and args[1].text not in ("capaian", "realisasi"):
        yield Diagnostic.at_span(args[1].span, code="E111",
                                 message=t("`{word}` is not what bands classify", word=args[1].text),
                                 hint=t("write `bands NAME capaian` (default) or `bands NAME realisasi`"))


def _names(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`indicators BUDGET ADM.ikm`: one or more ids."""
    if not setting.args:
        yield Diagnostic.at_span(setting.span, code="E111", message=t("`{key}` needs at least one id", key=setting.key),
                                 hint=t("e.g. `{example}`", example="policy for indicators BUDGET ADM.ikm { … }"))
    for arg in setting.args:
        yield _a_name(setting, arg)


def _iku(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`iku`, or `iku yes` / `iku no`."""
    yield _arity(setting, 0, 1)
    if len(setting.args) == 1:
        yield _enum(setting, "iku", setting.args[0])


def _texts(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """One or more quoted texts (`definition "…"`, `first_party "Nama" "Jabatan"`)."""
    key = setting.key
    if not setting.args:
        yield Diagnostic.at_span(setting.span, code="E111", message=t("`{key}` needs a quoted text", key=key))
    for arg in setting.args:
        if arg.kind != "string":
            yield Diagnostic.at_span(arg.span, code="E111", message=t("`{key}` takes quoted texts", key=key),
                                     hint=t("write `{example}`", example=f'{key} "{arg.text}"'))


def _pagu(setting: ast.Setting) -> Iterable[Diagnostic | None]:
    """`pagu AMOUNT` or `pagu SASARAN AMOUNT`."""
    yield _arity(setting, 1, 2)
    if setting.args:
        yield _number(setting, setting.args[-1])


SETTING_CHECKS: dict[str, SettingCheck] = {
    **{key: _single(_enum_of(key)) for key in ("direction", "nihil", "rollup", "lower_formula", "combine",
                                                 "unreported", "period_targets", "target_fallback")},
    "cap": _single(partial(_number, none_ok=True)),
    "floor": _single(partial(_number, none_ok=True)),
    "scale": _single(partial(_number, positive=True)),
    "max": _single(partial(_number, positive=True)),
    "weight": _single(_number),
    "year": _single(partial(_number, integer=True)),
    "round": _rounding,
    "round_realisasi": _rounding,
    "aggregate": _aggregate,
    "bands": _bands,
    "sasaran": _single(_a_name),
    "office": _single(_a_name),
    "budget_of": _single(_a_name),
    "kind": _single(_enum_of("indicator_kind")),
    "indicators": _names,
    "unit": _single(),
    "iku": _iku,
    **{key: _texts for key in ("definition", "source", "responsible", "frequency", "note", "first_party",
                               "second_party")},
    "pagu": _pagu,
}


def check_setting(setting: ast.Setting) -> list[Diagnostic]:
    """Every problem with the values of one setting (a key without a check takes anything)."""
    check = SETTING_CHECKS.get(setting.key)
    if check is None:
        return []
    return [d for d in check(setting) if d is not None]

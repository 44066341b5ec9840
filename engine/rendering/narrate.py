"""Words for a trace: the structured steps and index rows the evaluator records, said in text.

The evaluator records what it did (an operation, its inputs, its output, the rule that
decided); this module alone turns that into sentences and number notation, for `explain`,
the `detail` of `eval --json` and the tables. Every sentence is a message of the `engine`
catalog (kinerja_dsl/messages.py) with named placeholders, in the run's language or `lang`;
the JSON `detail` is always English (`worded`), so a JSON file does not change with --lang.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kinerja_dsl.catalog import origin_text
from kinerja_dsl.messages import t

from ..numbers import brief as number
from ..evaluation.results import CapaianCase, Evaluation, IndicatorResult, NodeCase, NodeResult, Op, Step
from ..evaluation.rollup import OfficeRollup, PeriodRollup, TotalOfParts

def rollup_text(how: OfficeRollup | PeriodRollup | TotalOfParts, locale: str = "en", lang: str | None = None) -> str:
    """How a field's value was rolled up over offices or over periods, or a total from its parts."""
    n = lambda x: number(x, locale)  # noqa: E731
    if isinstance(how, TotalOfParts):
        return t("not given: the sum of its parts {parts}", lang,
                 parts=" + ".join(f"{name} ({n(v)})" for name, v in how.parts))
    if isinstance(how, PeriodRollup):
        labels = [label for label, _ in how.pieces]
        first, last = how.months
        if how.rule == "last":
            said = t("last of {periods}: {last} ({value})", lang, periods=", ".join(labels), last=labels[-1],
                       value=n(how.pieces[-1][1]))
        else:
            parts = ", ".join(f"{label} ({n(v)})" for label, v in how.pieces)
            said = (t("sum of {parts}", lang, parts=parts) if how.rule == "sum"
                    else t("average of {parts}", lang, parts=parts) if how.rule == "average"
                    else f"{how.rule} " + t("of {parts}", lang, parts=parts))
        return t("{period} (months {first}–{last}): {said}", lang, period=how.period, first=first, last=last,
                   said=said) if how.period else said
    if how.summed:
        return t("sum over {used} of the {children} offices under {office}", lang, used=how.used,
                   children=how.children, office=how.office)
    if how.zeros:
        return t("mean over {used} offices below {office}: {reported} reported, {silent} did not and count as 0 "
                   "(unreported zero)", lang, used=how.used, office=how.office, reported=how.used - how.silent,
                   silent=how.silent)
    text = t("mean over the {used} offices below {office} that reported it", lang, used=how.used, office=how.office)
    return text + (t(" ({silent} did not report: left out)", lang, silent=how.silent) if how.silent else "")


def _capaian(case: CapaianCase, n: Callable[[Decimal | None], str], lang: str | None) -> str:
    r, t_ = n(case.realisasi), n(case.bound)
    if case.formula == "inside":
        return t("{realisasi} is inside {target}: 100", lang, realisasi=r, target=case.target_text)
    where = {"higher": t("higher is better", lang), "lower": t("lower is better", lang),
             "stabilize_below": t("stabilize, below target", lang), "stabilize_above": t("stabilize, above target", lang),
             "below": t("below {target}", lang, target=case.target_text),
             "above": t("above {target}", lang, target=case.target_text)}[case.situation]
    if case.formula == "equal":
        return t("{realisasi} equals the target: 100", lang, realisasi=r)
    if case.formula == "t_over_r":
        return f"{where}: T / R × 100 = {t_} / {r} × 100"
    if case.formula == "two_t":
        if case.situation == "above" and case.direction == "stabilize":
            label = f"{where}: " + t("(2 × upper − R) / upper", lang)
        else:
            label = f"{where}: (2T − R) / T"
        return f"{label} × 100 = (2 × {t_} − {r}) / {t_} × 100"
    # R / T
    if case.situation in ("below", "above"):
        label = f"{where}: R / " + (t("upper", lang) if case.situation == "above" else t("lower", lang))
    else:
        label = f"{where}: R / T"
    return f"{label} × 100 = {r} / {t_} × 100"


def step_text(step: Step, locale: str = "en", lang: str | None = None) -> str:
    """One step of an indicator's evaluation, with its numbers substituted."""
    f = step.facts
    n = lambda x: number(x, locale)  # noqa: E731
    op = step.step
    if op == Op.TARGET:
        return _target(f, step, n, lang)
    if op == Op.EARLIER:
        read = f["read"]
        call = f"{f['function']}({f['field']}{', ' + str(len(read)) if len(read) > 1 else ''})"
        values = ", ".join(f"{label} ({n(v)})" for label, v in read)
        if len(read) == 1:
            return t("{call} = {value}: {field} of {period}", lang, call=call, value=n(step.value), field=f["field"],
                       period=read[0][0])
        return t("{call} = {value}: mean of {values}", lang, call=call, value=n(step.value), values=values)
    if op == Op.READ:
        written, other = f["written"], f["other"]
        if other is None or other == step.value:
            return f"{written} = {n(step.value)}"
        if written.startswith("exact("):
            return t("{written} = {value}, before its rounding (as rounded: {other})", lang, written=written,
                     value=n(step.value), other=n(other))
        return t("{written} = {value}, as its catalog rounds it (exact: {other}; write `exact({written})` to read "
                 "that)", lang, written=written, value=n(step.value), other=n(other))
    if op == Op.DATA:
        return f"{f['field']} = {n(step.value)}: {rollup_text(f['how'], locale, lang)}"
    if op in (Op.NUMERATOR, Op.DENOMINATOR):
        return f"{f['formula']} = {n(step.value)}"
    if op == Op.REALISASI:
        source = f["source"]
        if source == "given":
            return t("given in the data: {value}", lang, value=n(step.value))
        if source == "ratio":
            return f"{n(f['numerator'])} / {n(f['denominator'])} × {n(f['scale'])} = {n(step.value)}"
        if source == "value":
            scaled = f" × {n(f['scale'])} = {n(step.value)}" if f["scale"] != 1 else ""
            return f"{f['formula']} = {n(f['raw'])}{scaled}"
        return t("index {id} = {value}", lang, id=f["id"], value=n(step.value))
    if op == Op.NIHIL:
        treatment, case = f["treatment"], f.get("case")
        if treatment == "excluded":
            return t("{case} is 0/0: excluded, no capaian", lang, case=case)
        if treatment == "error":
            return t("{case} is 0/0 and the nihil rule is `error`", lang, case=case)
        if f.get("capaian"):
            return t("counted as zero: capaian 0", lang)
        if treatment == "achieved":
            return t("{case} is 0/0: counted as achieved (100%), realisasi = {value}", lang, case=case,
                       value=n(step.value))
        return t("{case} is 0/0: counted as zero, realisasi = {value}", lang, case=case, value=n(step.value))
    if op in (Op.ROUND_REALISASI, Op.ROUND):
        if f.get("given"):
            return t("{rounding} rounds computed realisasi; {value} is given in the data and kept as given "
                     "(`also_given` would round it)", lang, rounding=f["rounding"], value=n(step.value))
        return f"{f['rounding']} : {n(f['before'])} -> {n(step.value)}"
    if op == Op.CAPAIAN:
        return f"{_capaian(f['case'], n, lang)} = {n(step.value)}"
    if op == Op.CAP_FLOOR:
        cap, floor = f["cap"], f["floor"]
        if f["effect"] == "capped":
            return t("capped at {cap}", lang, cap=n(cap))
        if f["effect"] == "floored":
            return t("raised to the floor {floor}", lang, floor=n(floor))
        return t("cap {cap}, floor {floor}: unchanged", lang, cap=n(cap) if cap is not None else t("none", lang),
                   floor=n(floor) if floor is not None else t("none", lang))
    if op == Op.PREDIKAT:
        return t("{bands} on {on} {value}: {predikat}", lang, bands=f["bands"], on=f["on"], value=n(f["graded"]),
                   predikat=f["predikat"])
    raise ValueError(f"no words for step {op!r}")  # a new Op needs its sentence here


def _target(f: dict, step: Step, n: Callable[[Decimal | None], str], lang: str | None) -> str:
    """Which target a period's evaluation used, and from which declared ones."""
    how, shown = f["how"], f["text"] if step.value is None and f["text"] else n(step.value)
    if how == "declared":
        written = f["parts"][0][0] if f["parts"] else f["period"]
        if written != f["period"]:
            return t("target {period} = {target}, declared for {written}", lang, period=f["period"], target=shown,
                       written=written)
        return t("target {period} = {target}, declared", lang, period=f["period"], target=shown)
    if how == "summed":
        return t("target {period} = {target}: sum of the period targets {parts}", lang, period=f["period"],
                   target=shown, parts=", ".join(f"{label} ({text})" for label, text in f["parts"]))
    if how == "difference":
        (upto, a), (before, b) = f["parts"]
        return t("target {period} = {target}: cumulative {upto} ({upto_target}) − {before} ({before_target})", lang,
                   period=f["period"], target=shown, upto=upto, upto_target=a, before=before, before_target=b)
    if how == "annual":
        return t("target {period} = {target}: the annual target (target_fallback annual)", lang, period=f["period"],
                   target=shown)
    return t("no target for {period}", lang, period=f["period"])


def node_text(node: NodeResult, locale: str = "en", lang: str | None = None) -> str:
    """How one group or component of a composite index got its value (or why it has none)."""
    f = node.facts
    n = lambda x: number(x, locale)  # noqa: E731
    case = f.get("case", NodeCase.NOT_COMPUTED)
    if case == NodeCase.NOT_COMPUTED:
        return t("not computed", lang)
    if case == NodeCase.NIHIL_ERROR:
        return t("{formula} is 0/0 and its nihil rule is `error`", lang, formula=f["formula"])
    if case == NodeCase.MISSING:
        return t("{formula}: missing, no value for `{field}` in {period}", lang, formula=f["formula"],
                   field=node.missing[0], period=f["period"])
    if case == NodeCase.FAILED:
        return t("{formula}: not computed ({why})", lang, formula=f["formula"], why=f["why"])
    if case == NodeCase.NIHIL:
        return t("{formula} is 0/0: nihil {treatment} ({origin})", lang, formula=f["formula"], treatment=node.nihil,
                   origin=origin_text(f["origin"]))
    if case == NodeCase.GROUP_MISSING:
        return t("missing: no value for {fields} ({groups})", lang, fields=", ".join(f"`{name}`" for name in node.missing),
                   groups=", ".join(f["lacking"]))
    if case == NodeCase.ALL_EXCLUDED:
        return t("every component is nihil (excluded)", lang)
    if case == NodeCase.COMPONENT:
        text = f"{f['formula']} = {n(f['raw'])}"
    else:  # a group
        if f["combine"] == "mean":
            how = t("mean of {n}", lang, n=f["included"])
        elif f["included"] < f["parts"]:
            how = t("Σ weight × value re-weighted over {included} of {parts}", lang, included=f["included"],
                      parts=f["parts"])
        else:
            how = t("Σ weight × value", lang)
        text = f"{how} = {n(f['raw'])}"
        if f["scale"] != 1:
            text += f" × {n(f['scale'])} = {n(f['scaled'])}"
        if node.capped:
            text += t(", capped at {cap}", lang, cap=n(f["cap"]))
    if f.get("rounding") is not None:
        text += f", {f['rounding']} -> {n(node.value)}"
    if node.capaian is not None:
        text += t("; capaian {value} / {target} × 100 = {capaian}", lang, value=n(node.value), target=n(node.target),
                    capaian=n(node.capaian))
    return text


def worded_result(r: IndicatorResult, locale: str = "en", lang: str = "en") -> IndicatorResult:
    """The result with every step's and index row's `detail` sentence filled (the JSON contract
    carries them in English, whatever --lang says); the evaluation itself records only structured facts."""
    if not r.steps and not r.components:
        return r
    return r.model_copy(update={
        "steps": [s.model_copy(update={"detail": step_text(s, locale, lang)}) for s in r.steps],
        "components": [c.model_copy(update={"detail": node_text(c, locale, lang)}) for c in r.components]})


def worded(ev: Evaluation, locale: str = "en") -> Evaluation:
    """The evaluation with the words of every trace filled, for `eval --json`."""
    return ev.model_copy(update={"indicators": [worded_result(r, locale) for r in ev.indicators]})

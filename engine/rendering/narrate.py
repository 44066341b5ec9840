"""Words for a trace: the structured steps and index rows the evaluator records, said in text.

The evaluator records what it did (an operation, its inputs, its output, the rule that
decided); this module alone turns that into sentences and number notation, for `explain`,
the `detail` of `eval --json` and the tables. English for now; the message catalogs of the
report issue will give the Indonesian sentences.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..numbers import brief as number
from ..evaluation.results import CapaianCase, Evaluation, IndicatorResult, NodeCase, NodeResult, Op, Step
from ..evaluation.rollup import OfficeRollup, PeriodRollup

def rollup_text(how: OfficeRollup | PeriodRollup, locale: str = "en") -> str:
    """How a field's value was rolled up over offices or over periods."""
    n = lambda x: number(x, locale)  # noqa: E731
    if isinstance(how, PeriodRollup):
        labels = [label for label, _ in how.pieces]
        first, last = how.months
        said = f"last of {', '.join(labels)}: {labels[-1]} ({n(how.pieces[-1][1])})" if how.rule == "last" else \
            f"{how.rule} of " + ", ".join(f"{label} ({n(v)})" for label, v in how.pieces)
        return f"{how.period} (months {first}–{last}): {said}" if how.period else said
    if how.summed:
        return f"sum over {how.used} of the {how.children} offices under {how.office}"
    if how.zeros:
        return (f"mean over {how.used} offices below {how.office}: {how.used - how.silent} reported, "
                f"{how.silent} did not and count as 0 (unreported zero)")
    text = f"mean over the {how.used} offices below {how.office} that reported it"
    return text + (f" ({how.silent} did not report: left out)" if how.silent else "")


def _capaian(case: CapaianCase, n: Callable[[Decimal | None], str]) -> str:
    r, t = n(case.realisasi), n(case.bound)
    if case.formula == "inside":
        return f"{r} is inside {case.target_text}: 100"
    where = {"higher": "higher is better", "lower": "lower is better",
             "stabilize_below": "stabilize, below target", "stabilize_above": "stabilize, above target",
             "below": f"below {case.target_text}", "above": f"above {case.target_text}"}[case.situation]
    if case.formula == "equal":
        return f"{r} equals the target: 100"
    if case.formula == "t_over_r":
        return f"{where}: T / R × 100 = {t} / {r} × 100"
    if case.formula == "two_t":
        if case.situation == "above" and case.direction == "stabilize":
            label = f"{where}: (2 × upper − R) / upper"
        else:
            label = f"{where}: (2T − R) / T"
        return f"{label} × 100 = (2 × {t} − {r}) / {t} × 100"
    # R / T
    if case.situation in ("below", "above"):
        label = f"{where}: R / {'upper' if case.situation == 'above' else 'lower'}"
    else:
        label = f"{where}: R / T"
    return f"{label} × 100 = {r} / {t} × 100"


def step_text(step: Step, locale: str = "en") -> str:
    """One step of an indicator's evaluation, with its numbers substituted."""
    f = step.facts
    n = lambda x: number(x, locale)  # noqa: E731
    op = step.step
    if op == Op.TARGET:
        return _target(f, step, n)
    if op == Op.EARLIER:
        read = f["read"]
        call = f"{f['function']}({f['field']}{', ' + str(len(read)) if len(read) > 1 else ''})"
        values = ", ".join(f"{label} ({n(v)})" for label, v in read)
        if len(read) == 1:
            return f"{call} = {n(step.value)}: {f['field']} of {read[0][0]}"
        return f"{call} = {n(step.value)}: mean of {values}"
    if op == Op.DATA:
        return f"{f['field']} = {n(step.value)}: {rollup_text(f['how'], locale)}"
    if op in (Op.NUMERATOR, Op.DENOMINATOR):
        return f"{f['formula']} = {n(step.value)}"
    if op == Op.REALISASI:
        source = f["source"]
        if source == "given":
            return f"given in the data: {n(step.value)}"
        if source == "ratio":
            return f"{n(f['numerator'])} / {n(f['denominator'])} × {n(f['scale'])} = {n(step.value)}"
        if source == "value":
            scaled = f" × {n(f['scale'])} = {n(step.value)}" if f["scale"] != 1 else ""
            return f"{f['formula']} = {n(f['raw'])}{scaled}"
        return f"index {f['id']} = {n(step.value)}"
    if op == Op.NIHIL:
        treatment, case = f["treatment"], f.get("case")
        if treatment == "excluded":
            return f"{case} is 0/0: excluded, no capaian"
        if treatment == "error":
            return f"{case} is 0/0 and the nihil rule is `error`"
        if f.get("capaian"):
            return "counted as zero: capaian 0"
        counted = "achieved (100%)" if treatment == "achieved" else "zero"
        return f"{case} is 0/0: counted as {counted}, realisasi = {n(step.value)}"
    if op in (Op.ROUND_REALISASI, Op.ROUND):
        return f"{f['rounding']} : {n(f['before'])} -> {n(step.value)}"
    if op == Op.CAPAIAN:
        return f"{_capaian(f['case'], n)} = {n(step.value)}"
    if op == Op.CAP_FLOOR:
        cap, floor = f["cap"], f["floor"]
        if f["effect"] == "capped":
            return f"capped at {n(cap)}"
        if f["effect"] == "floored":
            return f"raised to the floor {n(floor)}"
        return f"cap {n(cap) if cap is not None else 'none'}, floor {n(floor) if floor is not None else 'none'}: unchanged"
    if op == Op.PREDIKAT:
        return f"{f['bands']} on {f['on']} {n(f['graded'])}: {f['predikat']}"
    raise ValueError(f"no words for step {op!r}")  # a new Op needs its sentence here


def _target(f: dict, step: Step, n: Callable[[Decimal | None], str]) -> str:
    """Which target a period's evaluation used, and from which declared ones."""
    how, shown = f["how"], f["text"] if step.value is None and f["text"] else n(step.value)
    if how == "declared":
        written = f["parts"][0][0] if f["parts"] else f["period"]
        return f"target {f['period']} = {shown}, declared" + (f" for {written}" if written != f["period"] else "")
    if how == "summed":
        return (f"target {f['period']} = {shown}: sum of the period targets "
                + ", ".join(f"{label} ({text})" for label, text in f["parts"]))
    if how == "difference":
        (upto, a), (before, b) = f["parts"]
        return f"target {f['period']} = {shown}: cumulative {upto} ({a}) − {before} ({b})"
    if how == "annual":
        return f"target {f['period']} = {shown}: the annual target (target_fallback annual)"
    return f"no target for {f['period']}"


def node_text(node: NodeResult, locale: str = "en") -> str:
    """How one group or component of a composite index got its value (or why it has none)."""
    f = node.facts
    n = lambda x: number(x, locale)  # noqa: E731
    case = f.get("case", NodeCase.NOT_COMPUTED)
    if case == NodeCase.NOT_COMPUTED:
        return "not computed"
    if case == NodeCase.NIHIL_ERROR:
        return f"{f['formula']} is 0/0 and its nihil rule is `error`"
    if case == NodeCase.MISSING:
        return f"{f['formula']}: missing, no value for `{node.missing[0]}` in {f['period']}"
    if case == NodeCase.FAILED:
        return f"{f['formula']}: not computed ({f['why']})"
    if case == NodeCase.NIHIL:
        return f"{f['formula']} is 0/0: nihil {node.nihil} ({f['origin']})"
    if case == NodeCase.GROUP_MISSING:
        return ("missing: no value for " + ", ".join(f"`{name}`" for name in node.missing)
                + " (" + ", ".join(f["lacking"]) + ")")
    if case == NodeCase.ALL_EXCLUDED:
        return "every component is nihil (excluded)"
    if case == NodeCase.COMPONENT:
        text = f"{f['formula']} = {n(f['raw'])}"
    else:  # a group
        if f["combine"] == "mean":
            how = f"mean of {f['included']}"
        else:
            how = "Σ weight × value"
            if f["included"] < f["parts"]:
                how += f" re-weighted over {f['included']} of {f['parts']}"
        text = f"{how} = {n(f['raw'])}"
        if f["scale"] != 1:
            text += f" × {n(f['scale'])} = {n(f['scaled'])}"
        if node.capped:
            text += f", capped at {n(f['cap'])}"
    if f.get("rounding") is not None:
        text += f", {f['rounding']} -> {n(node.value)}"
    if node.capaian is not None:
        text += f"; capaian {n(node.value)} / {n(node.target)} × 100 = {n(node.capaian)}"
    return text


def worded_result(r: IndicatorResult, locale: str = "en") -> IndicatorResult:
    """The result with every step's and index row's `detail` sentence filled (the JSON contract
    carries them in English); the evaluation itself records only structured facts."""
    if not r.steps and not r.components:
        return r
    return r.model_copy(update={
        "steps": [s.model_copy(update={"detail": step_text(s, locale)}) for s in r.steps],
        "components": [c.model_copy(update={"detail": node_text(c, locale)}) for c in r.components]})


def worded(ev: Evaluation, locale: str = "en") -> Evaluation:
    """The evaluation with the words of every trace filled, for `eval --json`."""
    return ev.model_copy(update={"indicators": [worded_result(r, locale) for r in ev.indicators]})

"""Result models: the JSON contract of `kinerja eval` (pydantic, exact decimals).

Decimals serialise as plain strings ("102.84", never "1E+2" or through float). Field
order is the declaration order, so two runs on the same input are byte-identical.
"""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from ..numbers import plain



class Status(StrEnum):
    """What became of one indicator's evaluation."""
    OK = "ok"
    NIHIL = "nihil"            # 0/0, treated by the nihil rule
    MISSING = "missing"        # a field, a target or a referenced value has no value
    INCOMPLETE = "incomplete"  # a value rolled up from sub-periods (or offices below) lacks some of them
    ERROR = "error"            # the declared rules give no value (nihil `error`, target 0, out of range)
    NO_TARGET = "no_target"    # a realisasi, but the period has no target (none declared, no declared fallback)

# A Decimal that JSON writes with `plain`: pydantic's own str() would give "1E-30" or "1.500E+5".
Exact = Annotated[Decimal, PlainSerializer(plain, return_type=Optional[str], when_used="json")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="null")


class Op(StrEnum):
    """The operations of an indicator's evaluation, in the order they happen."""
    TARGET = "target"                  # the period's target: declared, built from period targets, fallen back, none
    DATA = "data"                      # a field rolled up over offices or periods
    EARLIER = "earlier"                # prev() / prev_period(): a field read in earlier periods
    READ = "read"                      # another indicator's realisasi or a capaian, rounded or exact
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    REALISASI = "realisasi"            # given, ratio × scale, value × scale, or the index
    NIHIL = "nihil"                    # 0/0 treated by the nihil rule
    ROUND_REALISASI = "round realisasi"
    CAPAIAN = "capaian"                # by direction (CapaianCase)
    CAP_FLOOR = "cap/floor"
    ROUND = "round"
    PREDIKAT = "predikat"


class CapaianCase(NamedTuple):
    """Which formula gave a capaian: `situation` higher | lower | stabilize_below | stabilize_above
    | below | above (a range target) | inside; `formula` r_over_t | two_t | t_over_r | inside | equal."""

    direction: str
    situation: str
    formula: str
    realisasi: Decimal
    bound: Decimal      # the target, or the range bound compared with
    target_text: str


class NodeCase(StrEnum):
    """What became of one group or component of a composite index."""
    NOT_COMPUTED = "not_computed"    # a group whose computation stopped below it
    COMPONENT = "component"
    GROUP = "group"
    NIHIL = "nihil"
    NIHIL_ERROR = "nihil_error"
    MISSING = "missing"
    FAILED = "failed"
    GROUP_MISSING = "group_missing"
    ALL_EXCLUDED = "all_excluded"


class Step(_Model):
    """One step of a computation: the operation, its output, the declaration that decided it,
    and its facts (inputs), which engine/rendering/narrate.py words: `detail` is its English sentence
    (the JSON contract), `narrate.step_text(step, locale)` any other."""

    step: Op
    detail: str = ""
    value: Optional[Exact] = None
    rule: Optional[str] = None  # where the rule was declared, e.g. "policy at catalog.kin:5"
    facts: dict[str, Any] = Field(default_factory=dict, exclude=True)


class NodeResult(_Model):
    """A group or component of a composite index."""

    path: str
    label: str
    kind: Literal["group", "component"]
    weight: Optional[Exact] = None
    value: Optional[Exact] = None
    value_exact: Optional[Exact] = None  # a group's value before its declared `round` (else = value)
    target: Optional[Exact] = None       # a sub-index's own target for the period, when declared
    capaian: Optional[Exact] = None      # value / target × 100, exact
    nihil: Optional[str] = None    # the treatment applied when the component met 0/0
    missing: list[str] = []        # data fields a component has no value for (then value is None)
    capped: bool = False
    detail: str = ""               # narrate.node_text in English, as for Step
    facts: dict[str, Any] = Field(default_factory=dict, exclude=True)


class IndicatorResult(_Model):
    id: str
    label: str
    sasaran: Optional[str] = None
    office: Optional[str] = None
    unit: str
    period: str
    direction: str
    target: Optional[Exact] = None
    target_text: Optional[str] = None
    realisasi: Optional[Exact] = None
    # before `round_realisasi` (what `exact(X)` reads); not in the JSON, which has the realisasi shown
    realisasi_exact: Optional[Exact] = Field(default=None, exclude=True)
    capaian: Optional[Exact] = None         # after cap, floor and rounding
    capaian_exact: Optional[Exact] = None   # before rounding (used by the means)
    predikat: Optional[str] = None
    status: Status
    nihil: Optional[str] = None               # the nihil treatment applied
    reason: Optional[str] = None              # why missing / error
    missing: list[str] = []
    policy: dict[str, str] = {}               # rule -> "value (origin)"
    steps: list[Step] = []
    components: list[NodeResult] = []


class AggregateResult(_Model):
    level: Literal["sasaran", "office", "overall"]
    id: str
    label: str
    capaian: Optional[Exact] = None
    capaian_exact: Optional[Exact] = None
    predikat: Optional[str] = None
    status: Literal["ok", "incomplete", "empty"]
    method: str
    items: list[str] = []        # ids that entered the mean
    excluded: dict[str, str] = {}  # id -> why it was left out


class Evaluation(_Model):
    catalog: list[str]
    data: str
    period: str
    office: Optional[str] = None
    locale: str = "id"
    policy: dict[str, str]
    indicators: list[IndicatorResult]
    sasaran: list[AggregateResult]
    offices: list[AggregateResult]
    overall: Optional[AggregateResult] = None
    diagnostics: list[dict] = []

"""Result models: the JSON contract of `kinerja eval` (pydantic, exact decimals).

Decimals serialise as strings ("102.84"), never through float. Field order is the
declaration order, so two runs on the same input are byte-identical.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

Status = Literal["ok", "nihil", "missing", "error"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="null")


class Step(_Model):
    """One step of a computation, with the numbers substituted and the rule that applied."""

    step: str
    detail: str
    value: Optional[Decimal] = None
    rule: Optional[str] = None  # where the rule was declared, e.g. "policy at catalog.kin:5"


class NodeResult(_Model):
    """A group or component of a composite index."""

    path: str
    label: str
    kind: Literal["group", "component"]
    weight: Optional[Decimal] = None
    value: Optional[Decimal] = None
    value_exact: Optional[Decimal] = None  # a group's value before its declared `round` (else = value)
    target: Optional[Decimal] = None       # a sub-index's own target for the period, when declared
    capaian: Optional[Decimal] = None      # value / target × 100, exact
    nihil: Optional[str] = None    # the treatment applied when the component met 0/0
    capped: bool = False
    detail: str = ""


class IndicatorResult(_Model):
    id: str
    label: str
    sasaran: Optional[str] = None
    office: Optional[str] = None
    unit: str
    period: str
    direction: str
    target: Optional[Decimal] = None
    target_text: Optional[str] = None
    realisasi: Optional[Decimal] = None
    capaian: Optional[Decimal] = None         # after cap, floor and rounding
    capaian_exact: Optional[Decimal] = None   # before rounding (used by the means)
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
    capaian: Optional[Decimal] = None
    capaian_exact: Optional[Decimal] = None
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

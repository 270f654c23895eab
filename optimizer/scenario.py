"""The validated scenario: immutable, in the planner's terms (see shared/model.md).

Everything downstream (model, evaluation, reports) reads only this object;
nothing here reads files or knows about solvers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True)
class Partner:
    id: str
    name: str = ""
    weight: float = 1.0
    cost_factor: float = 1.0
    effectiveness: float = 1.0
    max_spend: float | None = None


@dataclass(frozen=True)
class Domain:
    id: str
    name: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Option:
    id: str
    type: str
    unit_cost: float
    name: str = ""
    max_units: float | None = None
    lag: int = 0
    partners: tuple[str, ...] | None = None  # None: every partner is eligible
    whole: bool = False  # units come in whole numbers
    min_units: float = 0.0  # lot size: funded at all, at least this many units
    setup_cost: float = 0.0  # money of holding the option in a period at all

    @property
    def lumpy(self) -> bool:
        """Whole units, a lot size or a set-up cost: the option makes the plan a mixed-integer program."""
        return self.whole or self.min_units > 0 or self.setup_cost > 0


@dataclass(frozen=True)
class Effect:
    option: str
    domain: str
    gain: float
    gain_low: float | None = None
    gain_high: float | None = None
    pair_gain: float = 0.0  # h_{o,d}: points per joint unit for every modelled pair among o's participants
    pair_gain_low: float | None = None  # pair_gain's uncertainty, as gain_low / gain_high (Monte Carlo)
    pair_gain_high: float | None = None


@dataclass(frozen=True)
class Pair:
    """A modelled relationship (a, b) in one domain (model.md, pairwise interoperability), after
    expanding '*': `score` is its baseline q0 (the weaker partner's baseline where left blank)."""

    partner_a: str
    partner_b: str
    domain: str
    score: float
    weight: float = 1.0


@dataclass(frozen=True)
class Budget:
    period: int
    total: float
    by_type: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_type", MappingProxyType(dict(self.by_type)))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle (for worker processes) through a plain dict: read-only mappings do not pickle."""
        return Budget, (self.period, self.total, dict(self.by_type))


@dataclass(frozen=True)
class Target:
    """A target row after expanding '*'; `row` is its spreadsheet row, for messages only:
    a target typed in code equals the same target read from a workbook."""

    partner: str
    domain: str
    period: int
    min_score: float
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Settings:
    weakest_link: float = 0.25
    score_cap: float = 100.0
    score_periods: Literal["final", "all"] = "final"
    level_thresholds: tuple[float, float, float] = (25.0, 50.0, 75.0)
    currency: str = ""
    mip_gap: float = 1e-4  # relative gap at which an integer plan counts as optimal
    pair_weight: float | None = None  # mu; None: 0.5 with pairs, else 0 (Scenario.pair_weight)


@dataclass(frozen=True)
class MoneyLimit:
    """One limit on money: a period's budget, a type's budget in a period, or a partner's cap in one."""

    kind: Literal["period", "type", "partner"]
    period: int
    name: str  # the type or partner it caps; "" for a period budget
    limit: float

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.period, self.name)


@dataclass(frozen=True)
class FixedUnits:
    """Units of `option` really funded for `partner` in `period`: history a re-plan cannot change."""

    option: str
    partner: str
    period: int
    units: float


@dataclass(frozen=True)
class ReadinessShift:
    """Readiness of `partner` in `domain` moved by `delta` from `period` on: where a measurement
    replaced the modelled stock (model.md, re-planning), later gains grow from the measured value."""

    partner: str
    domain: str
    period: int
    delta: float


@dataclass(frozen=True)
class PairShift:
    """Readiness of the pair `partner_a`-`partner_b` in `domain` moved by `delta` from `period` on, as
    ReadinessShift moves a partner's: a measured pair readiness replaced the modelled stock."""

    partner_a: str
    partner_b: str
    domain: str
    period: int
    delta: float


@dataclass(frozen=True)
class History:
    """What happened before a re-plan from period `replan_from`: the units of earlier periods are fixed
    (`units`; a unit not listed is 0), and measured readiness shifts the modelled stock (`shifts`, and
    `pair_shifts` for pairs)."""

    replan_from: int
    units: tuple[FixedUnits, ...] = ()
    shifts: tuple[ReadinessShift, ...] = ()
    pair_shifts: tuple[PairShift, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A whole planning problem. Derive variants with `dataclasses.replace`."""

    partners: tuple[Partner, ...]
    domains: tuple[Domain, ...]
    baseline: Mapping[tuple[str, str], float]
    options: tuple[Option, ...]
    effects: tuple[Effect, ...]
    budgets: tuple[Budget, ...]
    targets: tuple[Target, ...] = ()
    settings: Settings = Settings()
    source: str = field(default="", compare=False)  # file or folder it came from
    history: History | None = None  # a re-plan's fixed past; None: every period is planned
    pairs: tuple[Pair, ...] = ()  # modelled pairs; none: the score is the partners' alone

    def __post_init__(self) -> None:
        object.__setattr__(self, "baseline", MappingProxyType(dict(self.baseline)))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle (for worker processes) through a plain dict: read-only mappings do not pickle."""
        values = [getattr(self, f.name) for f in fields(self)]
        return Scenario, tuple(dict(v) if isinstance(v, MappingProxyType) else v for v in values)

    @property
    def periods(self) -> range:
        return range(1, len(self.budgets) + 1)

    @property
    def horizon(self) -> int:
        return len(self.budgets)

    @property
    def option_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.type for o in self.options))

    @property
    def integer(self) -> bool:
        """Some option is lumpy: phase 1 and phase 2 are mixed-integer programs (model.md)."""
        return any(o.lumpy for o in self.options)

    @property
    def pair_weight(self) -> float:
        """mu of model.md: the share of the score from pairs (0 without pairs)."""
        if not self.pairs:
            return 0.0
        return 0.5 if self.settings.pair_weight is None else self.settings.pair_weight

    def eligible(self, option: Option) -> tuple[str, ...]:
        """Partners that may receive `option` (E_o in model.md)."""
        if option.partners is None:
            return tuple(p.id for p in self.partners)
        return option.partners

    def counted_periods(self) -> dict[int, float]:
        """Period -> weight pi_t of that period in the score."""
        if self.settings.score_periods == "final":
            return {self.horizon: 1.0}
        return {t: 1.0 / self.horizon for t in self.periods}

    def money_limits(self) -> list[MoneyLimit]:
        """Every limit on money, in the one order the LP's rows and every report table use."""
        limits = []
        for budget in self.budgets:
            limits.append(MoneyLimit("period", budget.period, "", budget.total))
            limits.extend(MoneyLimit("type", budget.period, k, v) for k, v in budget.by_type.items())
        for partner in self.partners:
            if partner.max_spend is not None:
                limits.extend(MoneyLimit("partner", t, partner.id, partner.max_spend) for t in self.periods)
        return limits

    def planned_periods(self) -> range:
        """The periods the plan decides: all of them, or those from the re-plan period on."""
        first = 1 if self.history is None else self.history.replan_from
        return range(first, self.horizon + 1)

    def with_settings(self, **changes: object) -> Scenario:
        return replace(self, settings=replace(self.settings, **changes))

"""A Monte Carlo study in a report: its tables (`pairs` with pairs only, as a plan's pair tables),
workbook histograms, HTML sections and picture."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..studies.montecarlo import MonteCarloResult
from .html import Section, Table
from .pictures import Pictures
from .study_tables import frame_table
from .theme import BLUE, ORANGE, VERMILION, cell, excel_fill
from .writers import SheetTable

HISTOGRAM_BINS = 20


def scalars(result: MonteCarloResult) -> list[tuple[str, Any]]:
    return [
        ("n", result.n),
        ("seed", result.seed),
        ("base_score", result.base_score),
        ("uncertain_effects", result.uncertain_effects),
        ("uncertain_pair_gains", result.uncertain_pair_gains),
        ("message", result.message),
        ("seconds", result.seconds),
    ]


def tables(result: MonteCarloResult) -> list[SheetTable]:
    return [
        frame_table("percentiles", result.percentiles),
        frame_table("histogram", histogram(result)),
        frame_table("options", result.options),
        frame_table("targets", result.targets),
        *([frame_table("pairs", result.pairs)] if len(result.pairs) else []),  # with pairs only
        frame_table("draws", result.draws),
    ]


def histogram(result: MonteCarloResult, bins: int = HISTOGRAM_BINS) -> pd.DataFrame:
    """bin_low, bin_high, optimal_plans, base_plan: draws per score bin, the same bins for both scores."""
    optimal = result.optimal_scores[~np.isnan(result.optimal_scores)]
    base = result.base_plan_scores[~np.isnan(result.base_plan_scores)]
    both = np.concatenate([optimal, base])
    if not len(both):
        return pd.DataFrame(columns=["bin_low", "bin_high", "optimal_plans", "base_plan"])
    low, high = float(both.min()), float(both.max())
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    count = max(1, min(bins, int(math.ceil(math.sqrt(len(optimal) or 1))) + 1))
    edges = np.linspace(low, high, count + 1)
    return pd.DataFrame(
        {
            "bin_low": edges[:-1],
            "bin_high": edges[1:],
            "optimal_plans": np.histogram(optimal, edges)[0],
            "base_plan": np.histogram(base, edges)[0],
        }
    )


def charts(wb: Any, result: MonteCarloResult, sheets: dict[str, tuple[Any, SheetTable]]) -> None:
    _histogram_charts(wb, *sheets["histogram"])


def _histogram_charts(wb: Any, ws: Any, table: SheetTable) -> None:
    n = len(table.rows)
    if n == 0:
        return
    for k, (column, title, colour) in enumerate(
        (
            ("optimal_plans", "Optimal score of each draw (re-optimised plan)", BLUE),
            ("base_plan", "Score the base plan reaches in each draw", ORANGE),
        )
    ):
        chart = wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": column,
                "categories": table.cell_range("bin_low"),
                "values": table.cell_range(column),
                "border": {"color": "#333333"},
                "gap": 5,
                **excel_fill(colour, hatched=k > 0),
            }
        )
        chart.set_title({"name": title})
        chart.set_x_axis({"name": "score (bin start)", "num_format": "0.00"})
        chart.set_y_axis({"name": "draws"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 560, "height": 320})
        ws.insert_chart(1 + 17 * k, len(table.headers) + 1, chart)


def sections(result: MonteCarloResult) -> list[Section]:
    p = result.percentiles.set_index("statistic")
    sections = [
        Section(
            "Monte Carlo: how the score varies with uncertain gains",
            _histogram_figure(result),
            alt=(
                f"Two histograms over {result.n} draws: the optimal score (median "
                f"{cell(p.loc['p50', 'optimal_score'])}) and the base plan's score (median "
                f"{cell(p.loc['p50', 'base_plan_score'])})."
            ),
            note=(
                f"{result.n} draws of every gain from triangular(gain_low, gain, gain_high)"
                + (
                    f" and of {result.uncertain_pair_gains} pair gain(s) from "
                    "triangular(pair_gain_low, pair_gain, pair_gain_high)"
                    if result.uncertain_pair_gains
                    else ""
                )
                + f", seed {result.seed}; "
                "the solid line is the base case's score, the dashed lines the 5th and 95th percentiles."
                + (f" {result.message}." if result.message else "")
            ),
        ),
        Section(
            "Monte Carlo percentiles",
            Table(
                ["statistic", "optimal score", "base plan's score"],
                [[s, cell(r.optimal_score), cell(r.base_plan_score)] for s, r in p.iterrows()],
            ),
        ),
    ]
    options = result.options.sort_values("probability_funded", ascending=False, kind="stable")
    options = options[(options["probability_funded"] > 0) | options["funded_in_base"]]
    if len(options):
        sections.append(
            Section(
                "Probability that each option is funded",
                Table(
                    ["option", "type", "probability funded", "funded in the base plan"],
                    [
                        [r.option, r.type, f"{r.probability_funded:.0%}", cell(r.funded_in_base)]
                        for r in options.itertuples(index=False)
                    ],
                ),
            )
        )
    if len(result.targets):
        targets = result.targets.sort_values("probability_met", kind="stable")
        sections.append(
            Section(
                "Probability that the base plan meets each target",
                Table(
                    ["partner", "domain", "period", "min score", "probability met"],
                    [
                        [r.partner, r.domain, r.period, cell(r.min_score, 1), f"{r.probability_met:.0%}"]
                        for r in targets.itertuples(index=False)
                    ],
                ),
            )
        )
    if len(result.pairs):
        weakest_first = result.pairs.sort_values("p5", kind="stable")
        sections.append(
            Section(
                "Pair readiness the base plan reaches in the final period",
                Table(
                    ["pair", "domain", "planned", "mean", "p5", "median", "p95"],
                    [
                        [f"{r.partner_a}–{r.partner_b}", r.domain]
                        + [cell(x, 1) for x in (r.planned, r.mean, r.p5, r.p50, r.p95)]
                        for r in weakest_first.itertuples(index=False)
                    ],
                ),
                note="Counted pair readiness of the base plan under each draw's gains and pair gains "
                "(planned: with the gains as written), weakest at p5 first.",
            )
        )
    return sections


def _histogram_figure(result: MonteCarloResult) -> bytes:
    bins = histogram(result)
    pictures = Pictures()
    p = result.percentiles.set_index("statistic")
    with pictures.context():
        fig = pictures.Figure(figsize=(6.8, 4.6))
        axes = fig.subplots(2, 1, sharex=True)
        for ax, (column, stat, title, style) in zip(
            axes,
            (
                ("optimal_plans", "optimal_score", "optimal score (plan re-optimised for each draw)",
                 {"color": BLUE, "edgecolor": "#222222"}),
                ("base_plan", "base_plan_score", "score the base plan reaches",
                 {"color": "white", "edgecolor": VERMILION, "hatch": "///"}),
            ),
            strict=True,
        ):  # fmt: skip
            if len(bins):
                ax.bar(
                    bins["bin_low"], bins[column], width=bins["bin_high"] - bins["bin_low"], align="edge",
                    linewidth=1, **style,
                )  # fmt: skip
            ax.axvline(result.base_score, color="#000000", linewidth=1.2)
            for q in ("p5", "p95"):
                value = p.loc[q, stat]
                if math.isfinite(value):
                    ax.axvline(value, color="#555555", linestyle="--", linewidth=1)
            ax.set_title(title, loc="left")
            ax.set_ylabel("draws")
        axes[-1].set_xlabel("score")
        fig.tight_layout()
        return pictures.png(fig)

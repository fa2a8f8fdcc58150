"""The /progress chart: coverage, a 12-week activity heatmap, and the trends.

Top row: checklist coverage bars beside the activity heatmap. Bottom row: each
checklist item's hit rate by week (one line per item, with a legend) beside the
points per week. Colours are the Okabe-Ito palette, chosen to stay distinct
for the common kinds of colour blindness; the item lines also differ by marker
and dash, so they can be told apart without colour at all.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, so no global
figure state shared between threads), because the cog renders it in
``asyncio.to_thread``. The image is a self-contained card on a neutral dark
background with light text, so it reads the same in Discord's dark and light
themes instead of depending on a transparent background.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from bot.progress.model import ItemTally
from bot.progress.trends import Trends

WEEKS = 12
CARD = "#2b2d31"
TEXT = "#f2f3f5"
MUTED = "#949ba4"
# Okabe-Ito (https://jfly.uni-koeln.de/color/): distinct under deuteranopia,
# protanopia and tritanopia, and readable on the dark card.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#0072B2", "#D55E00")
BAR = OKABE_ITO[1]
WEAK = OKABE_ITO[0]
MARKERS = ("o", "s", "^", "D", "v")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
# Five steps of one hue (sky blue) from "no activity" to "busy day": a lightness
# ramp reads for every kind of colour vision; the empty cell is visible on the card.
HEAT = ListedColormap(["#3f4147", "#1d4a63", "#2b6f94", "#3f93c4", "#8fd0f5"])
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def heatmap_grid(activity: Mapping[date, int], today: date) -> list[list[int]]:
    """7 rows (Mon..Sun) × 12 columns (oldest week first), ending with today's week.

    Days after today are -1 so the chart can leave them blank.
    """
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=WEEKS - 1)
    grid = [[0] * WEEKS for _ in range(7)]
    for column in range(WEEKS):
        for row in range(7):
            day = first_monday + timedelta(weeks=column, days=row)
            grid[row][column] = -1 if day > today else activity.get(day, 0)
    return grid


def render_progress_chart(
    tallies: tuple[ItemTally, ...],
    names: Mapping[str, str],
    activity: Mapping[date, int],
    today: date,
    trends: Trends,
    weakest: str | None = None,
) -> bytes:
    """PNG bytes of the coverage bars, the activity heatmap and the two trend charts."""
    figure = Figure(figsize=(10, 7.6), dpi=100, facecolor=CARD)
    FigureCanvasAgg(figure)
    # A fixed layout: bbox_inches="tight" would draw the figure twice to measure it.
    figure.subplots_adjust(left=0.15, right=0.98, top=0.95, bottom=0.2, hspace=0.5)
    (bars, heat), (rates, points) = figure.subplots(
        2, 2, gridspec_kw={"width_ratios": [1, 1.25], "wspace": 0.3}
    )
    _draw_coverage(bars, tallies, names, weakest)
    _draw_heatmap(heat, heatmap_grid(activity, today))
    _draw_hit_rates(rates, trends, names)
    _draw_points(points, trends)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=CARD)
    return buffer.getvalue()


def _style(axes: Axes, title: str) -> None:
    axes.set_facecolor(CARD)
    axes.set_title(title, color=TEXT, fontsize=11, loc="left")
    axes.tick_params(colors=MUTED, labelsize=8, length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _draw_coverage(axes: Axes, tallies: tuple[ItemTally, ...], names: Mapping[str, str],
                   weakest: str | None) -> None:
    labels = [names.get(t.item, t.item) for t in tallies]
    rates = [100 * (t.hit_rate or 0.0) for t in tallies]
    colors = [WEAK if t.item == weakest else BAR for t in tallies]
    positions = range(len(tallies))
    axes.barh(positions, rates, color=colors, height=0.6)
    axes.set_yticks(list(positions), labels, color=TEXT)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 50, 100], ["0%", "50%", "100%"])
    for position, tally, rate in zip(positions, tallies, rates, strict=True):
        note = f"{tally.met}/{tally.total}" if tally.total else "no reviews"
        inside = rate > 70  # no room after the bar: write inside it, dark on light
        axes.text(rate - 2 if inside else rate + 2, position, note, va="center",
                  ha="right" if inside else "left", color=CARD if inside else TEXT, fontsize=8)
    _style(axes, "Checklist coverage")


def _draw_heatmap(axes: Axes, grid: list[list[int]]) -> None:
    # Bucket counts to 0..4 so one very busy day does not wash out the rest.
    shown = [[min(value, 4) if value >= 0 else float("nan") for value in row] for row in grid]
    axes.imshow(shown, cmap=HEAT, vmin=0, vmax=4, aspect="equal")
    axes.set_yticks(range(7), WEEKDAYS)
    axes.set_xticks([0, WEEKS - 1], [f"{WEEKS - 1} wk ago", "this wk"])
    axes.set_xticks([x - 0.5 for x in range(1, WEEKS)], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, 7)], minor=True)
    axes.grid(which="minor", color=CARD, linewidth=2)
    axes.tick_params(which="minor", length=0)
    _style(axes, "Activity, last 12 weeks")


def _week_labels(trends: Trends) -> list[str]:
    return [monday.strftime("%d %b") for monday in trends.weeks]


def _draw_hit_rates(axes: Axes, trends: Trends, names: Mapping[str, str]) -> None:
    positions = list(range(len(trends.weeks)))
    for index, (item, rates) in enumerate(trends.hit_rates.items()):
        # A week without reviews is a gap in the line, not a drop to 0%.
        values = [100 * rate if rate is not None else float("nan") for rate in rates]
        # A small sideways nudge per item, so items with the same rate stay visible.
        nudged = [x + (index - 2) * 0.1 for x in positions]
        axes.plot(
            nudged, values, label=names.get(item, item), color=OKABE_ITO[index % 5],
            marker=MARKERS[index % 5], linestyle=DASHES[index % 5], linewidth=1.6, markersize=5,
        )
    axes.set_ylim(-5, 105)
    axes.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
    axes.set_xticks(positions, _week_labels(trends), rotation=45, ha="right")
    axes.grid(axis="y", color="#3f4147", linewidth=0.8)
    # Below the week labels, three per row: the lines differ by colour, marker and dash.
    axes.legend(loc="upper left", bbox_to_anchor=(-0.25, -0.28), ncol=3, fontsize=8,
                frameon=False, labelcolor=TEXT, handlelength=3.2, columnspacing=1.2)
    _style(axes, "Hit rate by week (week starting)")


def _draw_points(axes: Axes, trends: Trends) -> None:
    positions = list(range(len(trends.weeks)))
    axes.bar(positions, trends.points, color=BAR, width=0.6, label="points")
    for position, value in zip(positions, trends.points, strict=True):
        if value:
            axes.text(position, value, str(value), ha="center", va="bottom", color=TEXT,
                      fontsize=8)
    axes.set_xticks(positions, _week_labels(trends), rotation=45, ha="right")
    axes.set_ylim(0, max(max(trends.points, default=0) * 1.2, 10))
    axes.grid(axis="y", color="#3f4147", linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, "Points per week (week starting)")

"""The /progress chart: checklist coverage bars beside a 12-week activity heatmap.

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

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from bot.progress.model import ItemTally

WEEKS = 12
CARD = "#2b2d31"
TEXT = "#f2f3f5"
MUTED = "#949ba4"
BAR = "#5865f2"
WEAK = "#f0b232"
# Five steps from "no activity" to "busy day"; the empty cell is visible on the card.
HEAT = ListedColormap(["#3f4147", "#1f5135", "#23824b", "#2fb867", "#57f287"])
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
    weakest: str | None = None,
) -> bytes:
    """PNG bytes of the coverage bars and the activity heatmap."""
    figure = Figure(figsize=(9, 3.2), dpi=100, facecolor=CARD)
    FigureCanvasAgg(figure)
    # A fixed layout: bbox_inches="tight" would draw the figure twice to measure it.
    figure.subplots_adjust(left=0.17, right=0.98, top=0.86, bottom=0.12)
    bars, heat = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25], "wspace": 0.3})
    _draw_coverage(bars, tallies, names, weakest)
    _draw_heatmap(heat, heatmap_grid(activity, today))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=CARD)
    return buffer.getvalue()


def _style(axes, title: str) -> None:
    axes.set_facecolor(CARD)
    axes.set_title(title, color=TEXT, fontsize=11, loc="left")
    axes.tick_params(colors=MUTED, labelsize=8, length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _draw_coverage(axes, tallies, names, weakest) -> None:
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
        axes.text(min(rate + 2, 70), position, note, va="center", color=TEXT, fontsize=8)
    _style(axes, "Checklist coverage")


def _draw_heatmap(axes, grid: list[list[int]]) -> None:
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

"""Digest content, its due week, and the progress chart."""

import io
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from bot.progress.charts import OKABE_ITO, WEEKS, heatmap_grid, render_progress_chart
from bot.progress.digest import (
    Participation,
    WeekPreview,
    build_digest,
    digest_week_due,
    improvements,
)
from bot.progress.model import CHECKLIST_ITEMS, tallies_from_counts
from bot.progress.trends import Trends, week_starts


@pytest.mark.parametrize(
    ("cohort_day", "week"), [(1, None), (7, None), (8, 1), (9, None), (15, 2), (85, 12)]
)
def test_digest_is_due_on_the_first_day_of_each_week_after_the_first(
    cohort_day: int, week: int | None
) -> None:
    assert digest_week_due(cohort_day) == week


def test_digest_names_most_missed_item_with_its_tip_and_streak_leaders() -> None:
    tallies = tallies_from_counts({item: 9 for item in CHECKLIST_ITEMS[:4]}, total=10)
    digest = build_digest(
        week=3,
        participation=Participation(members=4, answers=20, reviews=10, mock_sessions=1),
        streaks={1: 5, 2: 9, 3: 0, 4: 5, 5: 2},
        group_tallies=tallies,
        tips={"team_ownership": "Say who owns it."},
        next_week=WeekPreview(4, "Patterns", ("Cell-based",)),
    )
    assert digest.most_missed is not None and digest.most_missed.item == "team_ownership"
    assert digest.tip == "Say who owns it."
    assert digest.streak_leaders == ((2, 9), (1, 5), (4, 5))


def test_heatmap_ends_with_todays_week_and_blanks_the_future() -> None:
    today = date(2026, 11, 25)  # a Wednesday
    grid = heatmap_grid({today: 3, today - timedelta(weeks=11, days=2): 1}, today)
    assert grid[2][WEEKS - 1] == 3
    assert grid[0][0] == 1  # Monday, eleven weeks before this week's Monday
    assert grid[3][WEEKS - 1] == -1 and grid[6][WEEKS - 1] == -1
    assert grid[1][WEEKS - 1] == 0


def test_improvements_are_items_that_rose_ten_points_or_more_biggest_first() -> None:
    before = tallies_from_counts({"customer_first": 2, "numbers_always": 5, "team_ownership": 5},
                                 total=10)
    after = tallies_from_counts({"customer_first": 8, "numbers_always": 6, "team_ownership": 9},
                                total=10)
    gains = improvements(before, after)
    assert [(g.item, g.before, g.after) for g in gains] == [
        ("customer_first", 0.2, 0.8), ("team_ownership", 0.5, 0.9)
    ]
    assert improvements(tallies_from_counts({}, 0), after) == ()  # nothing to compare


def test_chart_is_a_png_with_the_card_background_and_the_trend_colours() -> None:
    tallies = tallies_from_counts({"customer_first": 3}, total=4)
    today = date(2026, 11, 23)
    rates = {item: (None,) * 6 + (0.5, 1.0) for item in CHECKLIST_ITEMS}
    trends = Trends(week_starts(today), rates, (0,) * 6 + (2, 2), (0,) * 6 + (12, 30))
    png = render_progress_chart(tallies, {}, {date(2026, 11, 20): 2}, today, trends)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(png))
    height, width = pixels.shape[:2]
    assert width > 600 and height > 200
    corner = tuple(round(float(c) * 255) for c in pixels[2, 2][:3])
    assert corner == (0x2B, 0x2D, 0x31)
    colours = {tuple(round(float(c) * 255) for c in pixel[:3]) for row in pixels for pixel in row}
    # Every item's line (and the bars) draw in Okabe-Ito colours.
    for colour in OKABE_ITO[:5]:
        assert tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) in colours, colour

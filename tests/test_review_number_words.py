"""Numbers written in words, rewritten with digits before the quantity reader sees them."""

from __future__ import annotations

import pytest

from bot.review.number_words import spell_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty thousand requests a second", "20000 requests a second"),
        ("half a kilobyte", "0.5 kb"),
        ("three and a half nines", "3.5 nines"),
        ("under a second", "under 1 second"),
        ("within a second or two", "within 2 seconds"),
        # a fraction of one unit, in the next smaller unit
        ("under a tenth of a second from when you type", "under 100 ms from when you type"),
        ("in half a second", "in 500 ms"),
        ("a quarter of a second", "250 ms"),
        ("within a quarter of an hour", "within 15 minutes"),
        ("half a minute behind", "30 seconds behind"),
    ],
)
def test_numbers_in_words_are_written_with_digits(text: str, expected: str) -> None:
    assert spell_digits(text) == expected


@pytest.mark.parametrize("text", ["once a second", "a few servers", "twice a day"])
def test_phrases_that_are_not_quantities_stay_as_they_are(text: str) -> None:
    assert spell_digits(text) in (None, text)

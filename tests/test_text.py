"""Plain-text helpers: numbers typed by members and quoted user text."""

from bot.text import ascii_int, echo


def test_ascii_int_refuses_unicode_digits_and_absurd_lengths():
    assert ascii_int(" 15 ") == 15
    assert [ascii_int(t) for t in ("²", "①", "١٠", "1.5", "", "9" * 5000)] == [None] * 6
    assert len(echo("x" * 6000)) == 100 and "`" not in echo("a`b")

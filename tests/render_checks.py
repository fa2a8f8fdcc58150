"""One assertion for every template test: a rendered message Discord will accept as is."""

from __future__ import annotations

from bot.render import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_VALUE_LIMIT,
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    RenderedMessage,
)


def assert_fits(message: RenderedMessage) -> None:
    """Within every limit without the renderer having to cut anything, and no leaked None."""
    assert not message.truncated
    assert message.content is None or len(message.content) <= MESSAGE_LIMIT
    if message.embed is not None:
        embed = message.embed
        assert embed.total_length() <= EMBED_TOTAL_LIMIT
        assert len(embed.title or "") <= TITLE_LIMIT
        assert len(embed.description or "") <= DESCRIPTION_LIMIT
        assert len(embed.fields) <= FIELD_COUNT_LIMIT
        assert all(0 < len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)
    text = message.as_text()
    assert "None" not in text and "Undefined" not in text

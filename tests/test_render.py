from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from bot.render import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    Renderer,
    truncate,
    user_filter,
)

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(FIXTURES)


def fields(*pairs, inline=False):
    return [{"name": n, "value": v, "inline": inline} for n, v in pairs]


def test_blocks_become_an_embed(renderer):
    msg = renderer.render("embed.md.j2", name="Ada", title="T", body="B",
                          fields=fields(("Hints", "h1"), ("Probes", "p1")))
    assert msg.content == "Hello Ada"
    assert msg.embed.title == "T" and msg.embed.description == "B"
    assert [(f.name, f.value) for f in msg.embed.fields] == [("Hints", "h1"), ("Probes", "p1")]
    assert msg.embed.footer == "footer Ada" and msg.embed.color == 0xFF9900
    assert not msg.truncated


def test_plain_template_and_timestamp_filter(renderer):
    when = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    msg = renderer.render("plain.md.j2", who="Bob", when=when)
    assert msg.embed is None
    assert msg.content == f"Plain Bob at <t:{int(when.timestamp())}:R>"


def test_missing_variable_fails_loudly(renderer):
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("plain.md.j2", who="x")


def test_user_text_is_data_not_template_source(renderer):
    msg = renderer.render("plain.md.j2", who="{{ 7*7 }} {% for x in y %}",
                          when=datetime(2026, 1, 1, tzinfo=UTC))
    assert "{{ 7\\*7 }}" in msg.content and "{% for x in y %}" in msg.content
    assert "49" not in msg.content


def test_user_filter_escapes_markdown_and_strips_controls():
    assert user_filter("**bold** `code` _x_") == r"\*\*bold\*\* \`code\` \_x\_"
    assert user_filter("a\x00b\u202ec\x1ed") == "abcd"
    assert user_filter("emoji 👩‍💻 stays, עברית stays") == "emoji 👩‍💻 stays, עברית stays"


def test_user_text_cannot_forge_fields(renderer):
    forged = "x\ue000Forged\ue001\ue001value"
    msg = renderer.render("embed.md.j2", name="n", title="t", body="b",
                          fields=fields(("Real", forged)))
    assert [f.name for f in msg.embed.fields] == ["Real"]


def test_limits_are_enforced_with_ellipsis(renderer):
    msg = renderer.render("embed.md.j2", name="n" * 3000, title="t" * 300, body="b " * 3000,
                          fields=fields(*[(f"F{i}", "v" * 2000) for i in range(30)]))
    embed = msg.embed
    assert msg.truncated
    assert len(msg.content) <= MESSAGE_LIMIT and msg.content.endswith("…")
    assert len(embed.title) <= TITLE_LIMIT and embed.title.endswith("…")
    assert len(embed.description) <= DESCRIPTION_LIMIT
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)
    assert len(embed.fields) <= 25
    assert embed.total_length() <= EMBED_TOTAL_LIMIT


def test_truncate_prefers_a_word_boundary():
    assert truncate("short", 10) == "short"
    cut = truncate("alpha beta gamma delta", 19)
    assert cut.endswith("…") and len(cut) <= 19 and cut == "alpha beta gamma…"


def test_as_text_shows_everything(renderer):
    text = renderer.render("embed.md.j2", name="n", title="T", body="B",
                           fields=fields(("Hints", "h"))).as_text()
    assert "# T" in text and "## Hints" in text and "— footer n" in text


def test_template_names_skip_partials(tmp_path):
    (tmp_path / "_macros.j2").write_text("x")
    (tmp_path / "a.md.j2").write_text("a")
    assert Renderer(tmp_path).template_names() == ["a.md.j2"]


def test_top_level_imports_and_sets_are_visible_in_blocks(renderer):
    assert renderer.render("imports.md.j2", name="ada").embed.title == "ADA!?"

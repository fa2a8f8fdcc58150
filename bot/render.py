"""Every message the bot sends is a jinja2 template rendered here.

A template is plain text, or an embed described by named blocks:
``title``, ``description``, ``fields`` (``{% call field("Name") %}…{% endcall %}``),
``footer``, ``color``, ``url`` and ``content`` (text sent beside the embed).
The renderer then enforces Discord's size limits, truncating cleanly with "…"
instead of letting Discord reject the message with a 400.

User text is only ever a variable, passed through the ``user`` filter: it
strips control and bidi-override characters (and our own field separators,
so user text cannot forge an embed field) and escapes markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from discord.utils import escape_markdown

from bot.text import echo, truncate

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "prompts" / "templates"

MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000

# Private-use characters: str.strip() leaves them alone, and users never need them.
_FIELD_START = "\ue000"
_FIELD_PART = "\ue001"
# C0/C1 controls except tab and newline, plus bidi overrides/isolates that can
# flip the rest of an embed right-to-left, plus the field separators below.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000\ue001]")
_EMBED_BLOCKS = ("title", "description", "fields", "footer", "color", "url")
_TOP_LEVEL_STATEMENTS = (
    jinja2.nodes.Import, jinja2.nodes.FromImport, jinja2.nodes.Assign, jinja2.nodes.AssignBlock,
    jinja2.nodes.Macro,
)


@dataclass(frozen=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class EmbedSpec:
    """A Discord embed as plain data; ``bot.discord_io`` turns it into discord.Embed."""

    title: str | None = None
    description: str | None = None
    fields: tuple[EmbedField, ...] = ()
    footer: str | None = None
    color: int | None = None
    url: str | None = None

    def total_length(self) -> int:
        parts = [self.title, self.description, self.footer]
        size = sum(len(p) for p in parts if p)
        return size + sum(len(f.name) + len(f.value) for f in self.fields)


@dataclass(frozen=True)
class RenderedMessage:
    """What a template produced: text, an embed, or both, already within limits."""

    content: str | None = None
    embed: EmbedSpec | None = None
    truncated: bool = field(default=False, compare=False)

    def as_text(self) -> str:
        """The message as an organiser proof-reads it in a terminal."""
        lines: list[str] = []
        if self.content:
            lines.append(self.content)
        if self.embed:
            embed = self.embed
            if embed.title:
                lines += ["", f"# {embed.title}"]
            if embed.description:
                lines += ["", embed.description]
            for item in embed.fields:
                lines += ["", f"## {item.name}", item.value]
            if embed.footer:
                lines += ["", f"— {embed.footer}"]
        return "\n".join(lines).strip() + "\n"


def clean_user_text(text: str) -> str:
    """Remove characters that can corrupt layout; keep emoji, zero-width joiners and RTL text."""
    return _UNSAFE_CHARS.sub("", text)


def user_filter(text: object) -> str:
    """Jinja filter for anything a user wrote: cleaned and markdown-escaped."""
    return escape_markdown(clean_user_text(str(text)))


def discord_timestamp(instant: datetime, style: str = "R") -> str:
    """``<t:UNIX:R>``: Discord shows it in each reader's own zone, live for style R."""
    if instant.tzinfo is None:
        raise ValueError("discord_timestamp needs an aware datetime")
    return f"<t:{int(instant.astimezone(UTC).timestamp())}:{style}>"


def _field(name: str, inline: bool = False, *, caller: Callable[[], str]) -> str:
    return f"{_FIELD_START}{name}{_FIELD_PART}{'1' if inline else ''}{_FIELD_PART}{caller()}"


class Renderer:
    """Loads templates from one folder and renders them into RenderedMessages."""

    def __init__(self, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,  # noqa: S701 - output is Discord markdown, not HTML
            keep_trailing_newline=False,
        )
        self.env.filters["user"] = user_filter
        self.env.filters["ts"] = discord_timestamp
        self.env.filters["truncate_to"] = truncate
        self.env.filters["echo"] = echo
        self.env.globals["field"] = _field
        self._top_level_cache: dict[str, bool] = {}

    def _has_top_level_statements(self, name: str) -> bool:
        """Whether rendering blocks alone would miss top-level imports, sets or macros."""
        if name not in self._top_level_cache:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            body = self.env.parse(source).body
            self._top_level_cache[name] = any(isinstance(n, _TOP_LEVEL_STATEMENTS) for n in body)
        return self._top_level_cache[name]

    def template_names(self) -> list[str]:
        """Every message template (partials start with an underscore)."""
        return sorted(
            name
            for name in self.env.list_templates(extensions=["j2"])
            if not Path(name).name.startswith("_")
        )

    def problems(self) -> list[str]:
        """Every template (partials included) that does not compile, named by file and line.

        Checked at start-up and by ``doctor``: a syntax error found only when a
        daily post renders would surface as "Something went wrong" to members.
        """
        found = []
        for name in sorted(self.env.list_templates(extensions=["j2"])):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as error:
                found.append(f"template {name} line {error.lineno}: {error.message}")
            except UnicodeDecodeError as error:
                found.append(f"template {name} is not valid UTF-8 (byte {error.start})")
        return found

    def render(self, name: str, /, **variables: object) -> RenderedMessage:
        template = self.env.get_template(name)
        if not any(block in template.blocks for block in (*_EMBED_BLOCKS, "content")):
            return _plain(template.render(**variables))
        context = template.new_context(dict(variables))
        if self._has_top_level_statements(name):
            # Run the top level once so its {% import %}, {% set %} and {% macro %}
            # are visible inside every block rendered below.
            for _ in template.root_render_func(context):
                pass

        def block(block_name: str) -> str:
            if block_name not in template.blocks:
                return ""
            return "".join(template.blocks[block_name](context)).strip()

        embed = None
        if any(block_name in template.blocks for block_name in _EMBED_BLOCKS):
            embed = EmbedSpec(
                title=block("title") or None,
                description=block("description") or None,
                fields=_parse_fields(block("fields")),
                footer=block("footer") or None,
                color=int(block("color"), 0) if block("color") else None,
                url=block("url") or None,
            )
        return _fit(block("content") or None, embed)


def _plain(text: str) -> RenderedMessage:
    text = text.strip()
    return RenderedMessage(truncate(text, MESSAGE_LIMIT), None, len(text) > MESSAGE_LIMIT)


def _parse_fields(raw: str) -> tuple[EmbedField, ...]:
    fields = []
    for chunk in raw.split(_FIELD_START)[1:]:
        name, inline, value = chunk.split(_FIELD_PART, 2)
        fields.append(EmbedField(name.strip(), value.strip() or "—", inline == "1"))
    return tuple(fields)


def _fit(content: str | None, embed: EmbedSpec | None) -> RenderedMessage:
    """Apply every Discord limit; record whether anything had to be cut."""
    cut = False
    if content and len(content) > MESSAGE_LIMIT:
        content, cut = truncate(content, MESSAGE_LIMIT), True
    if embed is None:
        return RenderedMessage(content, None, cut)
    fitted = EmbedSpec(
        title=truncate(embed.title, TITLE_LIMIT) if embed.title else None,
        description=truncate(embed.description, DESCRIPTION_LIMIT) if embed.description else None,
        fields=tuple(
            EmbedField(truncate(f.name, FIELD_NAME_LIMIT), truncate(f.value, FIELD_VALUE_LIMIT),
                       f.inline)
            for f in embed.fields[:FIELD_COUNT_LIMIT]
        ),
        footer=truncate(embed.footer, FOOTER_LIMIT) if embed.footer else None,
        color=embed.color,
        url=embed.url,
    )
    cut = cut or fitted != embed
    fitted = _fit_total(fitted)
    return RenderedMessage(content, fitted, cut or fitted.total_length() < embed.total_length())


def _fit_total(embed: EmbedSpec) -> EmbedSpec:
    """Keep the whole embed under 6,000 characters: drop trailing fields, then cut the text."""
    fields = list(embed.fields)
    while fields and _replace(embed, fields).total_length() > EMBED_TOTAL_LIMIT:
        fields.pop()
    embed = _replace(embed, fields)
    overflow = embed.total_length() - EMBED_TOTAL_LIMIT
    if overflow > 0 and embed.description:
        keep = max(len(embed.description) - overflow, 1)
        embed = EmbedSpec(embed.title, truncate(embed.description, keep), embed.fields,
                          embed.footer, embed.color, embed.url)
    return embed


def _replace(embed: EmbedSpec, fields: list[EmbedField]) -> EmbedSpec:
    return EmbedSpec(embed.title, embed.description, tuple(fields), embed.footer, embed.color,
                     embed.url)

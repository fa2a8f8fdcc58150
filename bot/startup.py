"""What must hold before the bot talks to Discord: content, help, templates, the database file.

``python -m bot run`` refuses with one line and exit 2 when any of it fails,
and ``python -m bot doctor`` lists every problem; both use ``file_problems``
so they can never disagree. Found here, a broken template is an operator's
one-line fix; found at the first daily post, it is "Something went wrong"
for a whole server.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.content import DEFAULT_DIRECTORY, validate_content_dir
from bot.onboarding.help import read_help_file
from bot.render import Renderer


class StartupError(Exception):
    """The installation cannot run; the message is the one line an operator needs."""


def content_directory(settings: Settings) -> Path:
    return settings.content_dir or DEFAULT_DIRECTORY


def file_problems(settings: Settings) -> list[str]:
    """Every problem in the content files, ``help.yaml`` and the templates (empty when fine)."""
    directory = content_directory(settings)
    return validate_content_dir(directory) + _help_and_template_problems(
        directory, Renderer(directory / "templates"))


def one_line(problems: list[str]) -> str:
    """The first problem, and how many more ``doctor`` will list."""
    first = " ".join(problems[0].split())
    more = len(problems) - 1
    return first + (f" (+{more} more: run `python -m bot doctor` to see all)" if more else "")


def check_files(settings: Settings, renderer: Renderer) -> None:
    """Raise ``StartupError`` naming the first broken help file or template.

    The content files are checked by ``load_content`` itself (``ContentError``);
    compiling through the bot's own renderer leaves every template cached for use.
    """
    problems = _help_and_template_problems(content_directory(settings), renderer)
    if problems:
        raise StartupError(one_line(problems))


def _help_and_template_problems(directory: Path, renderer: Renderer) -> list[str]:
    return read_help_file(directory / "help.yaml")[1] + renderer.problems()

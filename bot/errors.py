"""The one exception family for things a user should be told about."""

from __future__ import annotations

from collections.abc import Collection

from bot.text import echo


class BotError(Exception):
    """A failure the user caused or can fix; ``user_message`` is shown to them as is.

    Services raise it with one or two sentences saying what went wrong and what
    to do next. The app's error boundary turns it into an ephemeral reply;
    anything else becomes "Something went wrong (ref …)" plus a logged traceback.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def require_question(question_id: str, known: Collection[str]) -> str:
    """``question_id`` if it is one of ``known``; else the one refusal every ``question``
    option gives (a value typed past the autocomplete, or an id since removed)."""
    if question_id not in known:
        raise BotError(f"There is no question `{echo(question_id)}`: pick one from the list "
                       "`question` offers as you type.")
    return question_id


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting."""

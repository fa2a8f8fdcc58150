"""The one exception family for things a user should be told about."""

from __future__ import annotations


class BotError(Exception):
    """A failure the user caused or can fix; ``user_message`` is shown to them as is.

    Services raise it with one or two sentences saying what went wrong and what
    to do next. The app's error boundary turns it into an ephemeral reply;
    anything else becomes "Something went wrong (ref …)" plus a logged traceback.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting."""

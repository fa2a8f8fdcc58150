"""The playground: the real bot against the local Discord stand-in, in a web page.

``python -m bot playground`` (or ``python -m playground``) starts the stand-in, the
unmodified ``python -m bot run`` as a child process pointed at it, and a page on
127.0.0.1 that looks and works like a Discord server. Nothing here is imported by the
bot's runtime; see docs/PLAYGROUND.md.
"""

from playground.cli import main

__all__ = ["main"]

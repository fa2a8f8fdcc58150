"""Bar Raiser: a Discord bot that runs a system-design interview study group."""

__version__ = "0.1.0"

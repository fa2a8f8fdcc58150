"""A local Discord stand-in for end-to-end tests: real HTTP and websocket, unmodified discord.py.

Start with ``StandIn()``; the contract is documented in docs/STANDIN.md.
"""

from standin import permissions
from standin.errors import StandInUsageError
from standin.gateway import MESSAGE_CONTENT
from standin.ids import make_token
from standin.interactions import InteractionRecord
from standin.mentions import Pinged
from standin.permissions import Overwrite
from standin.router import RecordedRequest
from standin.server import StandIn

__all__ = [
    "MESSAGE_CONTENT", "InteractionRecord", "Overwrite", "Pinged", "RecordedRequest", "StandIn",
    "StandInUsageError", "make_token", "permissions",
]

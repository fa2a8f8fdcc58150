"""A local Discord stand-in for end-to-end tests: real HTTP and websocket, unmodified discord.py.

Start with ``StandIn()``; the contract is documented in docs/STANDIN.md.
"""

from tests.standin import permissions
from tests.standin.errors import StandInUsageError
from tests.standin.gateway import MESSAGE_CONTENT
from tests.standin.ids import make_token
from tests.standin.interactions import InteractionRecord
from tests.standin.permissions import Overwrite
from tests.standin.router import RecordedRequest
from tests.standin.server import StandIn

__all__ = [
    "MESSAGE_CONTENT", "InteractionRecord", "Overwrite", "RecordedRequest", "StandIn",
    "StandInUsageError", "make_token", "permissions",
]

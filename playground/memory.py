"""What Discord itself would remember between playground runs on the same ``--data`` folder
(plus the playground's note of the last ``/daily setup``).

The bot keeps its own state in its database; Discord keeps the application (its id), the
server with its channels and members (their ids) and the commands the application
registered. The stand-in lives in memory, so the playground writes those three to
``DIR/standin.json`` and rebuilds the same server with the same ids next time. Without
that, the bot's database would describe a server that no longer exists, and a bot that
remembers its last command sync would not sync again into an empty stand-in.
Messages are not kept: a new run starts with empty channels.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from standin.ids import SnowflakeFactory

log = logging.getLogger(__name__)
FILENAME = "standin.json"


@dataclass
class DiscordMemory:
    app_id: int | None = None
    world_ids: list[int] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    #: The playground's own note of the organiser's last /daily setup ("advance a day" repeats it).
    daily: dict[str, Any] | None = None


def load(data_dir: Path) -> DiscordMemory:
    """The last run's memory, or a fresh one (a missing or unreadable file starts afresh)."""
    path = data_dir / FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return DiscordMemory(int(raw["app_id"]), [int(i) for i in raw["world_ids"]],
                             list(raw["commands"]), raw.get("daily"))
    except FileNotFoundError:
        return DiscordMemory()
    except (ValueError, KeyError, TypeError) as error:
        log.warning("ignoring %s (%s): starting with a new server", path, error)
        return DiscordMemory()


def save(data_dir: Path, memory: DiscordMemory) -> None:
    path = data_dir / FILENAME
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(memory)), encoding="utf-8")
    temporary.replace(path)


class RecordingIds(SnowflakeFactory):
    """Replays the ids of the last run's server, and notes the ids it hands out."""

    def __init__(self, replay: list[int]) -> None:
        super().__init__(replay)
        self.issued: list[int] = []

    def next(self) -> int:
        snowflake = super().next()
        self.issued.append(snowflake)
        return snowflake

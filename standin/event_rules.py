"""Discord's validation of guild scheduled events, apart from the endpoints that use it.

Errors collect into one 400/50035 ``errors`` tree, field by field, as Discord answers an
invalid form body. Status changes follow Discord's state machine: SCHEDULED→ACTIVE,
SCHEDULED→CANCELED, ACTIVE→COMPLETED; anything else is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from standin.errors import ApiError

if TYPE_CHECKING:
    from standin.model import Guild

STAGE, VOICE_EVENT, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2
STAGE_CHANNEL, VOICE_CHANNEL = 13, 2
MAX_LIVE_EVENTS = 100
_TRANSITIONS = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}


def _error(field: str, code: str, message: str) -> dict[str, Any]:
    return {field: {"_errors": [{"code": code, "message": message}]}}


def invalid(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)


def parse_time(value: Any, field: str) -> datetime:
    """An ISO 8601 timestamp with a zone, as discord.py sends ``datetime.isoformat()``."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise invalid(_error(field, "DATE_TIME_TYPE_PARSE",
                             f"Could not parse {value}. Should be ISO8601.")) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _length(errors: dict[str, Any], field: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, str) or not low <= len(value) <= high:
        errors.update(_error(field, "BASE_TYPE_BAD_LENGTH",
                             f"Must be between {low} and {high} in length."))


def _times(errors: dict[str, Any], fields: dict[str, Any], check_future: bool) -> None:
    start_raw, end_raw = fields.get("scheduled_start_time"), fields.get("scheduled_end_time")
    if start_raw is None:
        errors.update(_error("scheduled_start_time", "BASE_TYPE_REQUIRED",
                             "This field is required"))
        return
    start = parse_time(start_raw, "scheduled_start_time")
    if check_future and start <= datetime.now(UTC):
        errors.update(_error("scheduled_start_time",
                             "GUILD_SCHEDULED_EVENT_SCHEDULED_START_TIME_IN_THE_PAST",
                             "Cannot schedule event in the past."))
    if end_raw is not None and parse_time(end_raw, "scheduled_end_time") <= start:
        errors.update(_error("scheduled_end_time",
                             "GUILD_SCHEDULED_EVENT_END_TIME_BEFORE_START_TIME",
                             "Cannot schedule event to end before starting."))


def _entity(errors: dict[str, Any], guild: Guild, fields: dict[str, Any]) -> None:
    kind, channel_id = fields.get("entity_type"), fields.get("channel_id")
    metadata = fields.get("entity_metadata") or {}
    if kind not in (STAGE, VOICE_EVENT, EXTERNAL):
        errors.update(_error("entity_type", "ENUM_TYPE_COERCE",
                             f'Value "{kind}" is not a valid enum value.'))
        return
    if kind == EXTERNAL:
        if channel_id is not None:
            errors.update(_error("channel_id", "GUILD_SCHEDULED_EVENT_CHANNEL_ID_NOT_ALLOWED",
                                 "External events cannot have a channel."))
        location = metadata.get("location")
        if location is None:
            errors.update({"entity_metadata": _error("location", "BASE_TYPE_REQUIRED",
                                                     "This field is required")})
        else:
            _length(errors.setdefault("entity_metadata", {}), "location", location, 1, 100)
            if not errors["entity_metadata"]:
                del errors["entity_metadata"]
        if fields.get("scheduled_end_time") is None:
            errors.update(_error("scheduled_end_time", "BASE_TYPE_REQUIRED",
                                 "External events require an end time."))
        return
    wanted = STAGE_CHANNEL if kind == STAGE else VOICE_CHANNEL
    channel = guild.channels.get(int(channel_id)) if channel_id is not None else None
    if channel is None or channel.type != wanted:
        errors.update(_error("channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                             "A stage event needs a stage channel, a voice event a voice channel."
                             if channel_id is not None else "This field is required"))
    if metadata:
        errors.update(_error("entity_metadata", "GUILD_SCHEDULED_EVENT_METADATA_NOT_ALLOWED",
                             "Only external events have entity metadata."))


def check_fields(guild: Guild, fields: dict[str, Any], *, creating: bool,
                 start_changed: bool = False) -> None:
    """Every field rule at once; raises one 400/50035 listing all that failed."""
    errors: dict[str, Any] = {}
    _length(errors, "name", fields.get("name"), 1, 100)
    description = fields.get("description")
    if description is not None:
        _length(errors, "description", description, 0, 1000)
    if fields.get("privacy_level") != GUILD_ONLY:
        errors.update(_error("privacy_level", "ENUM_TYPE_COERCE",
                             f'Value "{fields.get("privacy_level")}" is not a valid enum value.'))
    _entity(errors, guild, fields)
    check_future = (creating or start_changed) and fields.get("status") == SCHEDULED
    _times(errors, fields, check_future)
    if errors:
        raise invalid(errors)
    if creating and sum(1 for e in guild.scheduled_events.values() if e.live) >= MAX_LIVE_EVENTS:
        raise ApiError(400, 30038, "Maximum number of guild scheduled events reached (100)")


def check_transition(current: int, wanted: Any) -> None:
    """SCHEDULED→ACTIVE|CANCELED, ACTIVE→COMPLETED; the same status again is a no-op."""
    if wanted == current:
        return
    if wanted not in _TRANSITIONS.get(current, set()):
        raise invalid(_error("status", "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                             f"Cannot change status from {current} to {wanted}."))

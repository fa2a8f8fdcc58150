"""Discord's message limits, answered with 400 / code 50035 and an ``errors`` tree like Discord.

The renderer promises to truncate cleanly; these checks are how an end-to-end test
finds out when it does not, exactly as a real server would tell the bot.
"""

from __future__ import annotations

from typing import Any

from standin.errors import ApiError

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
FIELDS_MAX = 25
_TEXT_LIMITS = {"title": 256, "description": 4096}
_FIELD_LIMITS = {"name": 256, "value": 1024}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _too_long(limit: int) -> dict[str, Any]:
    return _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _embed_errors(embed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Errors for one embed, keyed like Discord's, and the embed's counted text size."""
    errors: dict[str, Any] = {}
    size = 0
    for key, limit in _TEXT_LIMITS.items():
        text = embed.get(key) or ""
        size += len(text)
        if len(text) > limit:
            errors[key] = _too_long(limit)
    for key, inner, limit in (("footer", "text", 2048), ("author", "name", 256)):
        text = (embed.get(key) or {}).get(inner) or ""
        size += len(text)
        if len(text) > limit:
            errors[key] = {inner: _too_long(limit)}
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_MAX:
        errors["fields"] = _error("BASE_TYPE_MAX_LENGTH", f"Must be {FIELDS_MAX} or fewer in length.")
    for index, field in enumerate(fields):
        for key, limit in _FIELD_LIMITS.items():
            text = field.get(key) or ""
            size += len(text)
            if len(text) > limit:
                errors.setdefault("fields", {}).setdefault(str(index), {})[key] = _too_long(limit)
            if not text:
                errors.setdefault("fields", {}).setdefault(str(index), {})[key] = _error(
                    "BASE_TYPE_REQUIRED", "This field is required")
    return errors, size


# Discord's limit on a message nonce (an integer or a string of at most 25 characters).
NONCE_MAX = 25


def check_message(payload: dict[str, Any], *, has_files: bool = False,
                  require_body: bool = True) -> None:
    """Raise ApiError(400, 50035) for limit violations, (400, 50006) for an empty message."""
    errors: dict[str, Any] = {}
    content = payload.get("content") or ""
    nonce = payload.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE_MAX:
        errors["nonce"] = _too_long(NONCE_MAX)
    if len(content) > CONTENT_MAX:
        errors["content"] = _too_long(CONTENT_MAX)
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        errors["embeds"] = _error("BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        embed_errors, size = _embed_errors(embed)
        total += size
        if embed_errors:
            errors.setdefault("embeds", {})[str(index)] = embed_errors
    if total > EMBED_TOTAL_MAX and "embeds" not in errors:
        errors["embeds"] = _error("MAX_EMBED_SIZE_EXCEEDED",
                                  f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")
    if errors:
        raise ApiError(400, 50035, "Invalid Form Body", errors)
    if require_body and not (content or embeds or has_files or payload.get("components")
                             or payload.get("sticker_ids") or payload.get("poll")):
        raise ApiError(400, 50006, "Cannot send an empty message")

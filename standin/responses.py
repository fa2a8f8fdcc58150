"""Interaction callbacks and the interaction webhook (followups, @original edits).

Discord's rules that bots trip over are enforced: a callback after 3 s is 404/10062
Unknown interaction, a second callback 400/40060, a followup before any callback
404/10015, and the first followup after a defer replaces the "thinking…" message.
"""

from __future__ import annotations

import time
from typing import Any

from standin.channels import Channels
from standin.errors import ApiError, unknown
from standin.interactions import (
    AUTOCOMPLETE,
    COMMAND,
    COMPONENT,
    EPHEMERAL,
    LOADING,
    MODAL_SUBMIT,
    InteractionRecord,
)
from standin.limits import check_message
from standin.router import Call, Router
from standin.world import World

MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
_ALLOWED = {
    COMMAND: {MESSAGE, DEFERRED, MODAL},
    COMPONENT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, MODAL},
    MODAL_SUBMIT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
}


class Responses:
    def __init__(self, world: World, channels: Channels) -> None:
        self.world = world
        self.channels = channels
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    def track(self, record: InteractionRecord) -> None:
        self.by_id[record.id] = record
        self.by_token[record.token] = record

    def install(self, router: Router) -> None:
        hook = "/webhooks/{webhook_id}/{token}"
        router.add("POST", "/interactions/{interaction_id}/{token}/callback", self.callback,
                   authenticated=False)
        router.add("POST", hook, self.followup, authenticated=False)
        for method, handler in (("GET", self.get), ("PATCH", self.edit), ("DELETE", self.delete)):
            router.add(method, hook + "/messages/{message_id}", handler, authenticated=False)

    # -- the callback ---------------------------------------------------------------------
    async def callback(self, call: Call) -> tuple[int, Any]:
        record = self.by_id.get(call.params["interaction_id"])
        if record is None or record.token != call.params["token"] or record.expired:
            raise unknown("Interaction")
        if record.callback_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.json or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in _ALLOWED[record.type]:
            raise ApiError(400, 50035, "Invalid Form Body", {"type": {"_errors": [{
                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                "message": f"Callback type {kind} is not valid for this interaction"}]}})
        message = self._respond(record, kind, data, call)
        record.callback_type, record.callback_data = kind, data
        record.callback_at = time.monotonic()
        self.world.observe("INTERACTION_CALLBACK", {
            "id": str(record.id), "user_id": str(record.user_id),
            "channel_id": str(record.channel_id), "type": kind, "data": data})
        if "with_response" not in call.query:
            return 204, None
        return 200, self._callback_response(record, kind, message)

    def _respond(self, record: InteractionRecord, kind: int, data: dict[str, Any],
                 call: Call) -> dict[str, Any] | None:
        if kind in (MESSAGE, DEFERRED):
            if kind == MESSAGE:
                check_message(data, has_files=bool(call.files))
            flags = (data.get("flags") or 0) & EPHEMERAL | (LOADING if kind == DEFERRED else 0)
            body = data if kind == MESSAGE else {}
            message = self._new_message(record, body, flags, call)
            record.original_id = int(message["id"])
            return message
        if kind in (UPDATE, DEFERRED_UPDATE):
            if record.source_message_id is None:
                raise ApiError(400, 50035, "Invalid Form Body")
            record.original_id = record.source_message_id
            source = self.world.message(record.source_message_id)
            return self.channels.apply_edit(source, data, call.files) if kind == UPDATE else None
        if kind == MODAL and not 1 <= len(data.get("components") or []) <= 5:
            raise ApiError(400, 50035, "Invalid Form Body")
        return None

    def _new_message(self, record: InteractionRecord, body: dict[str, Any], flags: int,
                     call: Call) -> dict[str, Any]:
        channel = self.world.channel(record.channel_id)
        user = self.world.users[record.user_id].payload()
        extra = {"webhook_id": str(self.world.app_id), "application_id": str(self.world.app_id),
                 "type": 20 if record.type == COMMAND else 0,
                 "interaction_metadata": {"id": str(record.id), "type": record.type, "user": user,
                                          "authorizing_integration_owners": {}}}
        message = self.world.build_message(channel, self.world.bot_user, body, flags=flags,
                                           extra=extra)
        message["attachments"] = self.channels.attachments(channel.id, call.files)
        visible = not flags & EPHEMERAL
        self.world.store_message(message, visible=visible)
        if visible:
            self.world.dispatch("MESSAGE_CREATE", message)
        return message

    @staticmethod
    def _callback_response(record: InteractionRecord, kind: int,
                           message: dict[str, Any] | None) -> dict[str, Any]:
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            resource["message"] = message
        return {"interaction": {
            "id": str(record.id), "type": record.type,
            "response_message_id": message["id"] if message else None,
            "response_message_loading": bool(message and message["flags"] & LOADING),
            "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL)},
            "resource": resource}

    # -- the webhook ----------------------------------------------------------------------
    def _acknowledged(self, call: Call) -> InteractionRecord:
        record = self.by_token.get(call.params["token"])
        if (record is None or call.params["webhook_id"] != self.world.app_id
                or record.callback_type is None):
            raise unknown("Webhook")
        if time.monotonic() - record.dispatched_at > 15 * 60:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return record

    def _owned_message(self, call: Call) -> tuple[InteractionRecord, dict[str, Any]]:
        record = self._acknowledged(call)
        target = call.params["message_id"]
        message_id = record.original_id if target == "@original" else target
        if message_id is None or (message_id != record.original_id
                                  and message_id not in record.followup_ids):
            raise unknown("Message")
        return record, self.world.message(message_id)

    async def followup(self, call: Call) -> tuple[int, Any]:
        record = self._acknowledged(call)
        body = call.json or {}
        original = record.original
        if original is not None and original["flags"] & LOADING:
            original["flags"] &= ~LOADING
            return 200, self.channels.apply_edit(original, body, call.files)
        check_message(body, has_files=bool(call.files))
        message = self._new_message(record, body, (body.get("flags") or 0) & EPHEMERAL, call)
        record.followup_ids.append(int(message["id"]))
        return 200, message

    async def get(self, call: Call) -> tuple[int, Any]:
        return 200, self._owned_message(call)[1]

    async def edit(self, call: Call) -> tuple[int, Any]:
        _, message = self._owned_message(call)
        message["flags"] &= ~LOADING
        return 200, self.channels.apply_edit(message, call.json or {}, call.files)

    async def delete(self, call: Call) -> tuple[int, Any]:
        record, message = self._owned_message(call)
        self.world.delete_message(message)
        if int(message["id"]) == record.original_id:
            record.original_id = None
        return 204, None

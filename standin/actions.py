"""What a test can do as a member: run commands, press buttons, pick options, submit modals.

Each action validates against what the member could actually see and do in Discord's
client, dispatches INTERACTION_CREATE and returns the ``InteractionRecord`` that collects
the bot's answer (``await record.wait_callback()``, ``await record.wait_message()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from standin.commands import CHAT_INPUT, MESSAGE_COMMAND, USER_COMMAND, nest, walk_path
from standin.errors import StandInUsageError
from standin.interactions import (
    AUTOCOMPLETE,
    COMMAND,
    COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
    OptionBuilder,
    base_payload,
)

if TYPE_CHECKING:
    from standin.commands import Commands
    from standin.gateway import Gateway
    from standin.notify import Notifier
    from standin.responses import Responses
    from standin.world import World

BUTTON, STRING_SELECT, TEXT_INPUT, LINK_STYLE = 2, 3, 4, 5
_SELECTS = (3, 5, 6, 7, 8)


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first, through action rows, labels, sections and containers."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("component", "accessory"):
            if component.get(key):
                yield from walk_components([component[key]])


class MemberActions:
    """Mixed into ``StandIn``; relies on its world, commands, responses, gateway, notifier."""

    world: World
    commands: Commands
    responses: Responses
    gateway: Gateway
    notifier: Notifier

    def _dispatch(self, kind: int, user_id: int, channel_id: int, data: dict[str, Any],
                  message: dict[str, Any] | None = None) -> InteractionRecord:
        if self.gateway.session is None:
            raise StandInUsageError("no bot session: start the bot before interacting")
        channel = self.world.channel(channel_id)
        payload = base_payload(self.world, kind, user_id, channel, data)
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(int(payload["id"]), payload["token"], kind, user_id, channel_id,
                                   payload, self.world, self.notifier,
                                   source_message_id=int(message["id"]) if message else None)
        self.responses.track(record)
        self.world.dispatch("INTERACTION_CREATE", payload)
        return record

    def _command(self, user_id: int, channel_id: int, name: str, kind: int) -> dict[str, Any]:
        channel = self.world.channel(channel_id)
        guild = self.world.guild_of(channel)
        command = self.commands.find(guild.id if guild else None, name, kind)
        if guild is not None:
            self.commands.check_visible(command, guild.member_permissions(user_id, channel_id))
        return command

    def slash(self, user_id: int, channel_id: int, path: str,
              options: dict[str, Any] | None = None, *, focused: str | None = None
              ) -> InteractionRecord:
        """Run ``/daily setup channel:… time:…`` as ``slash(uid, cid, "daily setup", {...})``."""
        names = path.split()
        command = self._command(user_id, channel_id, names[0], CHAT_INPUT)
        definitions, chain = walk_path(command, names[1:])
        builder = OptionBuilder(self.world, self.world.guild_of(self.world.channel(channel_id)))
        leaf = builder.build(definitions, dict(options or {}), focused)
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": CHAT_INPUT,
                                "options": nest(chain, leaf)}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if builder.resolved:
            data["resolved"] = builder.resolved
        return self._dispatch(AUTOCOMPLETE if focused else COMMAND, user_id, channel_id, data)

    def autocomplete(self, user_id: int, channel_id: int, path: str, options: dict[str, Any],
                     focused: str) -> InteractionRecord:
        """The member is typing into option ``focused``; the record's ``choices`` is the answer."""
        if focused not in options:
            raise StandInUsageError(f"focused option {focused!r} needs a (partial) value")
        return self.slash(user_id, channel_id, path, options, focused=focused)

    def message_command(self, user_id: int, name: str, message_id: int) -> InteractionRecord:
        """Right-click a message → Apps → ``name``."""
        message = self.world.message(message_id)
        channel_id = int(message["channel_id"])
        command = self._command(user_id, channel_id, name, MESSAGE_COMMAND)
        data = {"id": command["id"], "name": name, "type": MESSAGE_COMMAND,
                "target_id": message["id"], "resolved": {"messages": {message["id"]: message}}}
        return self._dispatch(COMMAND, user_id, channel_id, data)

    def user_command(self, user_id: int, channel_id: int, name: str,
                     target_user_id: int) -> InteractionRecord:
        """Right-click a member → Apps → ``name``."""
        command = self._command(user_id, channel_id, name, USER_COMMAND)
        builder = OptionBuilder(self.world, self.world.guild_of(self.world.channel(channel_id)))
        builder.build([{"name": "target", "type": 6}], {"target": target_user_id}, None)
        data = {"id": command["id"], "name": name, "type": USER_COMMAND,
                "target_id": str(target_user_id), "resolved": builder.resolved}
        return self._dispatch(COMMAND, user_id, channel_id, data)

    def _component(self, message_id: int, custom_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        message = self.world.message(message_id)
        for component in walk_components(message.get("components") or []):
            if component.get("custom_id") == custom_id:
                if component.get("disabled"):
                    raise StandInUsageError(f"component {custom_id!r} is disabled")
                return message, component
        raise StandInUsageError(f"message {message_id} has no component {custom_id!r}")

    def click(self, user_id: int, message_id: int, custom_id: str) -> InteractionRecord:
        """Press a button on a message the bot sent (ephemeral ones included)."""
        message, component = self._component(message_id, custom_id)
        if component["type"] != BUTTON or component.get("style") == LINK_STYLE:
            raise StandInUsageError(f"{custom_id!r} is not a clickable button")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return self._dispatch(COMPONENT, user_id, int(message["channel_id"]), data, message)

    def select(self, user_id: int, message_id: int, custom_id: str,
               values: list[str]) -> InteractionRecord:
        """Pick ``values`` in a select menu; string selects only accept their own options."""
        message, component = self._component(message_id, custom_id)
        if component["type"] not in _SELECTS:
            raise StandInUsageError(f"{custom_id!r} is not a select menu")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise StandInUsageError(f"select {custom_id!r} takes {low}..{high} values")
        if component["type"] == STRING_SELECT:
            offered = {option["value"] for option in component.get("options", [])}
            if not set(values) <= offered:
                raise StandInUsageError(f"{sorted(set(values) - offered)} not offered by {custom_id!r}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        return self._dispatch(COMPONENT, user_id, int(message["channel_id"]), data, message)

    def submit_modal(self, shown: InteractionRecord, values: dict[str, str]) -> InteractionRecord:
        """Fill in and submit the modal the bot answered ``shown`` with."""
        modal = shown.modal
        if modal is None:
            raise StandInUsageError(f"interaction {shown.id} was not answered with a modal")
        inputs = {c["custom_id"]: c for c in walk_components(modal["components"])
                  if c["type"] == TEXT_INPUT}
        _check_inputs(inputs, values)
        data = {"custom_id": modal["custom_id"],
                "components": _submitted(modal["components"], values)}
        source = self.world.messages.get(shown.source_message_id or 0)
        return self._dispatch(MODAL_SUBMIT, shown.user_id, shown.channel_id, data, source)


def _check_inputs(inputs: dict[str, dict[str, Any]], values: dict[str, str]) -> None:
    """What Discord's modal form refuses to submit: unknown, missing or out-of-range input."""
    unknown = set(values) - set(inputs)
    if unknown:
        raise StandInUsageError(f"modal has no inputs {sorted(unknown)}; has {sorted(inputs)}")
    for custom_id, text_input in inputs.items():
        value = values.get(custom_id, "")
        if not value and text_input.get("required", True):
            raise StandInUsageError(f"modal input {custom_id!r} is required")
        low, high = text_input.get("min_length", 0), text_input.get("max_length", 4000)
        if value and not low <= len(value) <= high:
            raise StandInUsageError(f"modal input {custom_id!r} takes {low}..{high} characters")


def _submitted(components: list[dict[str, Any]], values: dict[str, str]) -> list[dict[str, Any]]:
    """The submitted component tree: same rows and labels, text inputs carry their value."""
    submitted = []
    for component in components:
        kind = component["type"]
        if kind == 1:
            submitted.append({"type": 1, "components": _submitted(component["components"], values)})
        elif kind == 18:
            inner = _submitted([component["component"]], values)
            submitted.extend({"type": 18, "component": c} for c in inner)
        elif kind == TEXT_INPUT:
            submitted.append({"type": TEXT_INPUT, "custom_id": component["custom_id"],
                              "value": values.get(component["custom_id"], "")})
    return submitted

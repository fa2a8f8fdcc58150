"""Forms (Discord modals) that survive a restart and keep nothing in memory while open.

discord.py finds the ``Modal`` object a submit belongs to in an in-memory store,
so a submit after a restart was silently dropped, and every form a member
opened and abandoned stayed in that store until the process ended. Here a
form's ``custom_id`` carries all the state it needs (``form:check``,
``form:mock-answer:<round id>``), exactly as ``discord.ui.DynamicItem`` does for
buttons: the ``Modal`` is only the rendering, stopped (removed from the store)
the moment it is sent, and every submit, before or after a restart, is routed
here by its ``custom_id`` through the bot's ``on_interaction``. The typed text
is in the submit payload, so nothing is lost. A submit no route matches (a
form from an older version) is answered with "run the command again" and the
member's text, never dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot.inputs import TooLong, first_too_long

log = logging.getLogger(__name__)

FORM_TIMEOUT = 15 * 60  # a Modal object is never kept this long: it is stopped once sent
_TEXT_INPUT = 4
_LABEL = 18


@dataclass(frozen=True)
class AnswerForm:
    """The one answer form: a paragraph answer and, optionally, a short phase field.

    ``/check`` and ``/mock answer`` are two instances of it, not two classes.
    """

    title: str
    answer_id: str
    answer_label: str
    placeholder: str
    max_length: int
    phase_id: str | None = None

    def limits(self) -> dict[str, int]:
        limits = {self.answer_id: self.max_length}
        if self.phase_id:
            limits[self.phase_id] = PHASE_MAX_LENGTH
        return limits

    def modal(self, custom_id: str, answer: str | None = None) -> discord.ui.Modal:
        """The form, its answer filled in with ``answer`` when one comes back to be edited."""
        modal: discord.ui.Modal = discord.ui.Modal(
            title=self.title, custom_id=custom_id, timeout=FORM_TIMEOUT)
        modal.add_item(discord.ui.TextInput(
            label=self.answer_label, custom_id=self.answer_id, style=discord.TextStyle.paragraph,
            placeholder=self.placeholder, max_length=self.max_length,
            default=answer[:self.max_length] if answer else None))
        if self.phase_id:
            modal.add_item(discord.ui.TextInput(
                label="Phase (optional)", custom_id=self.phase_id, required=False,
                placeholder="requirements, high_level, deep_dive, scale, operations",
                max_length=PHASE_MAX_LENGTH))
        return modal


PHASE_MAX_LENGTH = 20

FormHandler = Callable[[discord.Interaction[Any], "re.Match[str]", Mapping[str, str]],
                       Awaitable[None]]
Refuse = Callable[[discord.Interaction[Any], str, Mapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    form: AnswerForm
    command: str
    handler: FormHandler


def submitted_values(components: list[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    """(custom_id, value) of every text input in a modal-submit payload (rows or labels)."""
    for component in components:
        kind = component.get("type")
        if kind == 1:
            yield from submitted_values(component.get("components", []))
        elif kind == _LABEL and isinstance(component.get("component"), Mapping):
            yield from submitted_values([component["component"]])
        elif kind == _TEXT_INPUT and isinstance(component.get("value"), str):
            yield str(component.get("custom_id", "")), component["value"]


class FormRouter:
    """Every form's submit handler, keyed by a custom_id template; one per bot."""

    def __init__(self, refuse: Refuse) -> None:
        self._routes: dict[str, _Route] = {}
        self._refuse = refuse

    def register(self, template: str, form: AnswerForm, command: str,
                 handler: FormHandler) -> None:
        """``template`` is a regex on the whole custom_id; ``command`` is what to re-run."""
        self._routes[template] = _Route(re.compile(template), form, command, handler)

    def unregister(self, template: str) -> None:
        self._routes.pop(template, None)

    async def open(self, interaction: discord.Interaction[Any], form: AnswerForm,
                   custom_id: str, answer: str | None = None) -> None:
        """Show ``form``; the Modal object is dropped at once, the submit comes to ``dispatch``."""
        modal = form.modal(custom_id, answer)
        await interaction.response.send_modal(modal)
        modal.stop()  # leaves discord.py's store: no memory per open form, no restart loss

    async def dispatch(self, interaction: discord.Interaction[Any]) -> bool:
        """Handle a modal submit; False for any other interaction."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data: Mapping[str, Any] = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        values = dict(submitted_values(list(data.get("components", []))))
        for route in self._routes.values():
            match = route.pattern.fullmatch(custom_id)
            if match is None:
                continue
            too_long: TooLong | None = first_too_long(values, route.form.limits())
            if too_long is not None:
                await self._refuse(interaction, "too_long", vars(too_long))
            else:
                await route.handler(interaction, match, values)
            return True
        log.info("submit of an unknown form %r: answered as expired", custom_id[:100])
        kept = max(values.values(), key=len, default="")
        await self._refuse(interaction, "form_expired",
                           {"command": _command_of(custom_id, values), "kept": kept})
        return True


def _command_of(custom_id: str, values: Mapping[str, str]) -> str:
    """Best guess at the command that opened an unknown form, for the "run it again" hint."""
    return "mock answer" if "mock" in custom_id or any("mock" in k for k in values) else "check"

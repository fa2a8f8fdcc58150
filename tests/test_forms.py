"""Form routing and the input bound, without Discord: what arrives, where it goes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from bot.forms import AnswerForm, FormRouter, submitted_values
from bot.inputs import OPTION_LIMIT, first_too_long, string_options

FORM = AnswerForm(title="t", answer_id="a", answer_label="A", placeholder="p", max_length=50,
                  phase_id="ph")


def submit(custom_id: str, **values: str) -> Any:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()]
    return SimpleNamespace(type=discord.InteractionType.modal_submit,
                           data={"custom_id": custom_id, "components": rows})


class Recorder:
    def __init__(self) -> None:
        self.handled: list[tuple[str, dict[str, str]]] = []
        self.refused: list[tuple[str, dict[str, Any]]] = []

    async def handler(self, interaction: Any, match: Any, values: Any) -> None:
        self.handled.append((match.group(0), dict(values)))

    async def refuse(self, interaction: Any, what: str, variables: Any) -> None:
        self.refused.append((what, dict(variables)))


async def test_a_submit_is_routed_by_its_custom_id_with_the_typed_values():
    seen = Recorder()
    router = FormRouter(seen.refuse)
    router.register(r"form:x:(?P<n>\d+)", FORM, "x", seen.handler)
    assert await router.dispatch(submit("form:x:7", a="hello", ph="scale"))
    assert seen.handled == [("form:x:7", {"a": "hello", "ph": "scale"})] and not seen.refused


async def test_an_unknown_form_is_answered_with_the_members_text_not_dropped():
    seen = Recorder()
    router = FormRouter(seen.refuse)
    router.register(r"form:x", FORM, "x", seen.handler)
    assert await router.dispatch(submit("0a26973c303e0425e3092585151a52c5",
                                        **{"mock:answer:text": "my long answer"}))
    assert seen.refused == [("form_expired", {"command": "mock answer",
                                              "kept": "my long answer"})]
    assert not seen.handled


async def test_a_field_over_its_length_is_refused_before_the_handler():
    seen = Recorder()
    router = FormRouter(seen.refuse)
    router.register(r"form:x", FORM, "x", seen.handler)
    await router.dispatch(submit("form:x", a="y" * 51))
    assert seen.refused == [("too_long", {"name": "a", "length": 51, "limit": 50})]
    assert not seen.handled


async def test_other_interactions_are_not_forms():
    router = FormRouter(Recorder().refuse)
    assert not await router.dispatch(SimpleNamespace(type=discord.InteractionType.component,
                                                     data={}))


def test_label_wrapped_inputs_are_read_too():
    components = [{"type": 18, "component": {"type": 4, "custom_id": "a", "value": "v"}}]
    assert dict(submitted_values(components)) == {"a": "v"}


def test_string_options_are_found_inside_subcommand_groups():
    options = [{"type": 2, "name": "g", "options": [{"type": 1, "name": "s", "options": [
        {"type": 3, "name": "time", "value": "x" * 6000}, {"type": 4, "name": "n", "value": 3}]}]}]
    values = dict(string_options(options))
    assert list(values) == ["time"]
    too_long = first_too_long(values, {})
    assert too_long is not None and too_long.limit == OPTION_LIMIT and too_long.length == 6000

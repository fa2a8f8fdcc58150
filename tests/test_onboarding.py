import pytest

from bot.errors import BotError
from bot.onboarding import (
    HELP_GROUPS,
    ChannelView,
    CommandSpec,
    HelpEntry,
    OptionSpec,
    channel_lines,
    choose_welcome_channel,
    find_command,
    help_overview,
    help_problems,
    intent_line,
    parse_mock_limit,
)
from bot.permissions import ALL_NEEDS, CREATE_PUBLIC_THREADS, SEND_MESSAGES

SETUP = CommandSpec("daily setup", "Schedule the daily prompt",
                    (OptionSpec("channel", "Where to post", True),))
MENU = CommandSpec("Check against checklist", "", context_menu=True)
ENTRIES = {
    "daily setup": HelpEntry("Admin", "/daily setup channel:#design time:07:30 timezone:UTC"),
    "Check against checklist": HelpEntry("Get feedback", "right-click → Apps"),
}


def test_help_in_step_with_commands():
    assert help_problems([SETUP, MENU], ENTRIES) == []


@pytest.mark.parametrize(
    ("commands", "entries", "problem"),
    [
        ([SETUP, MENU], {"daily setup": ENTRIES["daily setup"]}, "Check against checklist: no entry"),
        ([CommandSpec("daily setup", "")], ENTRIES | {}, "/daily setup has no description"),
        ([SETUP], ENTRIES, "describes 'Check against checklist', which is not a registered command"),
        ([SETUP], {"daily setup": HelpEntry("Misc", "x")}, "group 'Misc' is not one of"),
        ([SETUP], {"daily setup": HelpEntry("Admin", " ")}, "daily setup: no example"),
        ([CommandSpec("x", "d", (OptionSpec("o", "", False),))], {"x": HelpEntry("Admin", "/x")},
         "/x option o has no description"),
    ],
)
def test_help_drift_is_reported(commands, entries, problem):
    assert any(problem in p for p in help_problems(commands, entries)), help_problems(commands, entries)


def test_overview_groups_in_order_and_find_command():
    groups = help_overview([MENU, SETUP], ENTRIES)
    assert [g for g, _ in groups] == [g for g in HELP_GROUPS if g in ("Admin", "Get feedback")]
    assert find_command("/Daily Setup", [SETUP], ENTRIES).command is SETUP
    with pytest.raises(BotError, match="no command called `nope`"):
        find_command("nope", [SETUP], ENTRIES)


def view(id_, position, *missing):
    return ChannelView(id_, f"c{id_}", position, tuple(missing))


def test_welcome_prefers_system_channel_then_first_speakable():
    assert choose_welcome_channel(view(1, 5), [view(2, 0)]).id == 1
    muted_system = view(1, 5, SEND_MESSAGES)
    assert choose_welcome_channel(muted_system, [view(3, 2), view(2, 1, SEND_MESSAGES), view(4, 0)]).id == 4
    assert choose_welcome_channel(None, [view(2, 0, SEND_MESSAGES)]) is None
    # lacking only thread permissions still allows the welcome (which then lists them)
    assert choose_welcome_channel(view(1, 0, CREATE_PUBLIC_THREADS), []).id == 1


def test_doctor_lines_give_the_exact_fix():
    healthy = channel_lines(view(8, 0), "this channel")
    assert len(healthy) == 1 and healthy[0].ok
    assert healthy[0].text.startswith(f"#c8 (this channel): all {len(ALL_NEEDS)} permissions")
    bad = channel_lines(view(9, 0, CREATE_PUBLIC_THREADS), "daily prompts")
    assert [line.text for line in bad] == [
        "#c9 (daily prompts): Create Public Threads, needed to open a discussion thread per "
        "daily prompt and per mock interview"]
    assert not bad[0].ok
    assert bad[0].fix == ("Server Settings → Roles → Bar Raiser → enable Create Public Threads, "
                          "or grant it in #c9's permissions")
    assert intent_line(True).ok and not intent_line(False).ok
    assert "MESSAGE_CONTENT_INTENT=true" in intent_line(False).fix


def test_mock_limit_validation():
    assert parse_mock_limit(0) is None and parse_mock_limit(None) is None
    assert parse_mock_limit(7) == 7
    with pytest.raises(BotError, match="between 1 and 50"):
        parse_mock_limit(51)

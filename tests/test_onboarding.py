import pytest

from bot.errors import BotError
from bot.onboarding.doctor import channel_lines, intent_line
from bot.onboarding.help import (
    HELP_GROUPS,
    CommandSpec,
    HelpEntry,
    OptionSpec,
    find_command,
    help_overview,
    help_problems,
    usable_commands,
)
from bot.onboarding.model import ChannelView, DoctorLine
from bot.onboarding.service import choose_welcome_channel
from bot.onboarding.settings import parse_mock_limit, require_intent_for_auto_review
from bot.permissions import ALL_NEEDS, CREATE_PUBLIC_THREADS, EMBED_LINKS, SEND_MESSAGES

SETUP = CommandSpec("daily setup", "Schedule the daily prompt",
                    (OptionSpec("channel", "Where to post", True),), required_permissions=1 << 5)
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
        ([CommandSpec("daily setup", "d")], {"daily setup": ENTRIES["daily setup"]},
         "listed under 'Admin' but every member sees it"),
        ([SETUP], {"daily setup": HelpEntry("Study daily", "/x")},
         "only admins see it (move it to Admin)"),
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


def test_help_shows_each_member_only_what_they_can_use():
    admin_only = CommandSpec("doctor", "Check", required_permissions=1 << 5)
    open_to_all = CommandSpec("check", "Review")
    specs = [admin_only, open_to_all]
    assert usable_commands(specs, 0) == [open_to_all]
    assert usable_commands(specs, 1 << 5) == specs
    assert usable_commands(specs, 1 << 3) == specs  # Administrator implies every permission
    assert usable_commands(specs, None) == specs


def test_the_intent_line_is_informational_while_auto_review_is_off():
    info = intent_line(False, auto_review=False)
    assert info.ok and info.info and "Auto-review is off here" in info.text
    problem = intent_line(False, auto_review=True)
    assert not problem.ok and not problem.info
    require_intent_for_auto_review(True, True)
    require_intent_for_auto_review(False, False)
    require_intent_for_auto_review(None, False)
    with pytest.raises(BotError, match="Auto-review needs the Message Content intent"):
        require_intent_for_auto_review(True, False)


def test_doctor_template_marks_info_lines_and_counts_only_problems():
    from bot.render import Renderer

    lines = [intent_line(False, auto_review=False), DoctorLine(False, "broken", "fix it")]
    message = Renderer().render("onboarding/doctor.md.j2", lines=lines)
    assert "ℹ️ Message Content intent: off" in message.embed.description
    assert "❌ broken" in message.embed.description
    assert message.embed.footer == "1 problem(s) found"


def test_permission_names_are_discords():
    from discord import app_commands

    from bot.tree import describe_error

    text, _ = describe_error(app_commands.MissingPermissions(["manage_guild"]))
    assert text == "You need the **Manage Server** permission to use this command."
    assert "needed to post prompts, reviews and scorecards as embeds" in channel_lines(
        view(9, 0, EMBED_LINKS), "daily prompts")[0].text

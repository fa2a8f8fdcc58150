from datetime import time as wall_time

import pytest

from bot.config import load_settings
from bot.daily.models import Schedule
from bot.daily.validation import BotRoleView
from bot.errors import BotError
from bot.onboarding.doctor import GuildView, channel_lines, intent_line, schedule_line
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
from bot.onboarding.service import OnboardingService, choose_welcome_channel
from bot.onboarding.settings import GuildSettingsService, parse_mock_limit, require_intent_for_auto_review
from bot.permissions import (
    ALL_NEEDS,
    ATTACH_FILES,
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    SEND_MESSAGES,
)
from storage.daily import DailyRepository
from tests.conftest import FAKE_TOKEN

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


# -- the services, on a real database ---------------------------------------------------

def settings_service(db, clock, intent: bool) -> GuildSettingsService:
    config = load_settings({"DISCORD_TOKEN": FAKE_TOKEN, "MESSAGE_CONTENT_INTENT": str(intent),
                            "MOCK_MAX_PER_GUILD": "7"}, env_file=None)
    return GuildSettingsService.from_database(db, clock, config)


async def test_settings_checks_every_value_before_writing_any(db, clock):
    service = settings_service(db, clock, intent=False)
    with pytest.raises(BotError, match="Message Content intent"):
        await service.change(1, auto_review=True, mock_max_sessions=3)
    assert (await service.settings(1)).mock_max_sessions is None  # nothing half-saved
    report = await service.change(1, auto_review=False, mock_max_sessions=0)
    assert report.changed == ("auto_review → off", "mock_max_sessions → default (7)")
    assert report.settings.auto_review is False and report.schedule is None


async def test_daily_setup_and_settings_share_one_auto_review_switch(db, clock):
    refused = settings_service(db, clock, intent=False)
    refused.check_auto_review(False)  # switching off never needs the intent
    with pytest.raises(BotError, match="Message Content intent"):
        await refused.set_auto_review(1, True)
    allowed = settings_service(db, clock, intent=True)
    await allowed.set_auto_review(1, True)
    report = await allowed.change(1)
    assert report.settings.auto_review is True and report.changed == ()


def test_schedule_line_names_the_daily_permissions_missing_and_ignores_the_others(clock):
    schedule = Schedule(1, 10, wall_time(7, 30), "UTC", clock.now().date())
    only_mock_needs = ChannelView(10, "daily", 0, (ATTACH_FILES,))  # needed by mocks only
    assert schedule_line(schedule, None, only_mock_needs, clock.now()).ok
    no_threads = ChannelView(10, "daily", 0, (CREATE_PUBLIC_THREADS,))
    line = schedule_line(schedule, None, no_threads, clock.now())
    assert not line.ok and "missing Create Public Threads" in line.text
    assert "no longer exists" in schedule_line(schedule, None, None, clock.now()).text


async def test_doctor_reads_the_schedule_and_the_server_it_is_given(db, clock):
    class NoTroubles:
        async def troubles(self, guild_id: int) -> list:
            return []

    await DailyRepository(db).save_schedule(
        Schedule(1, 10, wall_time(7, 30), "UTC", clock.now().date()), clock.now())
    service = OnboardingService(db, settings_service(db, clock, intent=False), NoTroubles(),
                                None, clock, message_content_intent=False)
    here = ChannelView(20, "general", 1, ())
    gone = GuildView(1, here, lambda channel_id: None, lambda role_id: None,
                     BotRoleView("Bar Raiser", 5, manage_roles=True))
    texts = [line.text for line in await service.doctor(gone)]
    assert any("general (this channel)" in text for text in texts)
    assert any("configured channel no longer exists" in text for text in texts)
    assert any(text.startswith("Message Content intent: off. Auto-review is off") for text in texts)
    assert texts[-1] == "Posts: everything the bot posts on its own went out"

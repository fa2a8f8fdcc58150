"""Time zones as organisers type them: IANA names, abbreviations, cities; ambiguity asks."""

from __future__ import annotations

import pytest

from bot.daily.zones import closest_zones, parse_zone, zone_choices, zone_data
from bot.errors import BotError


@pytest.mark.parametrize(("typed", "zone"), [
    ("europe/london", "Europe/London"),
    ("Australia/Lord_Howe", "Australia/Lord_Howe"),
    ("PST", "America/Los_Angeles"), ("pdt", "America/Los_Angeles"), ("PT", "America/Los_Angeles"),
    ("IST", "Asia/Kolkata"),
    ("CET", "Europe/Paris"),
    ("AEST", "Australia/Sydney"),
    ("BST", "Europe/London"),
    ("London", "Europe/London"),
    ("Bangalore", "Asia/Kolkata"), ("Bengaluru", "Asia/Kolkata"), ("Bombay", "Asia/Kolkata"),
    ("São Paulo", "America/Sao_Paulo"), ("sao paulo", "America/Sao_Paulo"),
    ("new york", "America/New_York"),
    ("Kolkata", "Asia/Kolkata"),
])
def test_what_people_type_resolves_to_one_iana_zone(typed: str, zone: str) -> None:
    assert parse_zone(typed) == zone


def test_an_ambiguous_abbreviation_asks_which_one() -> None:
    with pytest.raises(BotError) as error:
        parse_zone("CST")
    message = error.value.user_message
    assert "`CST` can mean more than one time zone" in message and "Which one?" in message
    for zone in ("America/Chicago", "Asia/Shanghai", "America/Havana"):
        assert f"`{zone}`" in message


@pytest.mark.parametrize(("text", "suggestion"), [
    ("Europe/Londn", "Europe/London"),
    ("America/New Yrok", "America/New_York"),
])
def test_an_unknown_zone_offers_the_closest_matches(text: str, suggestion: str) -> None:
    with pytest.raises(BotError) as error:
        parse_zone(text)
    assert f"`{text}` is not a time zone I know" in error.value.user_message
    assert f"`{suggestion}`" in error.value.user_message
    assert suggestion in closest_zones(text)


def test_nonsense_names_the_three_ways_to_say_a_zone() -> None:
    with pytest.raises(BotError, match=r"Type a city \(London, Bangalore\), an abbreviation"):
        parse_zone("Qwzxv")


def test_autocomplete_ranks_abbreviations_and_cities_first() -> None:
    assert [o.zone for o in zone_choices("PST")] == ["America/Los_Angeles"]
    ist = zone_choices("IST")
    assert ist[0].zone == "Asia/Kolkata" and ist[0].label.startswith("IST: India")
    assert [o.zone for o in zone_choices("cst")[:3]] == [
        "America/Chicago", "Asia/Shanghai", "America/Havana"]
    assert zone_choices("lond")[0].label == "London, GB → Europe/London"
    assert zone_choices("Sao")[0].zone == "America/Sao_Paulo"
    assert "Asia/Kolkata" in [o.zone for o in zone_choices("bangal")]
    assert "Australia/Lord_Howe" in [o.zone for o in zone_choices("lord")]


def test_autocomplete_limits_and_defaults() -> None:
    assert len(zone_choices("a")) == 25
    empty = zone_choices("")
    assert empty[0].zone == "UTC" and len(empty) <= 25
    assert all(len(o.label) <= 100 for q in ("a", "san", "new") for o in zone_choices(q))


def test_every_choice_value_parses_back_to_itself() -> None:
    for query in ("", "a", "ist", "cst", "lon", "bang", "sao", "america/"):
        for option in zone_choices(query):
            assert parse_zone(option.zone) == option.zone


def test_data_is_small_and_complete() -> None:
    data = zone_data()
    assert len(data.city_options) > 1000
    assert "IST" in data.abbreviations and "CST" in data.abbreviations

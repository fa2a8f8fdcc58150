"""Onboarding and self-service: ``/help``, the welcome message, ``/doctor`` and ``/settings``.

- ``help``: the help text, generated from the registered commands and ``prompts/help.yaml``.
- ``doctor``: the lines ``/doctor`` shows, as pure functions.
- ``settings``: ``GuildSettingsService``, the one reader and writer of a server's settings.
- ``service``: ``OnboardingService``, the welcome and ``/doctor``'s checks.
- ``model``: the values the cog reads off Discord for them (``ChannelView``, ``GuildView``).

Deliberately imports nothing: ``storage.guilds`` imports ``bot.onboarding.model``, and a
package that re-exported its service here would import storage back round a circle.
"""

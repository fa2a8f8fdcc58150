"""Group mock interviews: a Discord-free state machine, plan, scorecard and service.

``machine`` holds the transitions, ``timeline`` what to announce when, ``plan``
the time boxes; the cog in ``cogs/mock`` only translates interactions into
calls on ``service.MockService`` and renders what comes back.
"""

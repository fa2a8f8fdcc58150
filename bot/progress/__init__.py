"""Progress: streaks, points, hit rates, drills, spaced repetition, digests and charts.

Everything in this package is plain Python over values read from storage, so
that the rules members are judged by can be tested with a FixedClock and
without Discord. The cog in ``cogs/progress/`` only wires it to interactions.
"""

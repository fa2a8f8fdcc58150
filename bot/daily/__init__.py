"""Daily prompts: cohort arithmetic, DST-exact timing and the exactly-once post protocol.

Discord-free: the cog supplies a ``Poster`` that talks to Discord.
"""

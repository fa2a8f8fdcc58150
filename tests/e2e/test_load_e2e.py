"""Load runs through the stand-in: correctness at scale is asserted, timings only reported.

Marked ``slow``; the README's test command (and so CI) still runs them.
"""

from __future__ import annotations

import pytest

from benchmarks.fanout import GLOBAL_LIMIT, one_run
from benchmarks.model import RunConfig


@pytest.mark.slow
async def test_a_thousand_guilds_due_in_the_same_minute_each_get_exactly_one_post(tmp_path, capsys):
    """1,000 schedules at the same minute, the stand-in enforcing 50 requests/s globally."""
    config = RunConfig.build(quick=False, workdir=tmp_path, repetitions=1)
    run = await one_run(config, guilds=1_000, lead=20.0)
    assert run.duplicates == 0
    assert run.misses == 0
    with capsys.disabled():  # a figure for the log, not a pass/fail criterion
        print(f"\n[load] 1,000 daily posts: {run.requests} requests in {run.seconds:.1f} s = "
              f"{run.rate:.1f}/s ({run.rate / GLOBAL_LIMIT:.0%} of the {GLOBAL_LIMIT}/s limit), "
              f"{run.throttled} throttled")

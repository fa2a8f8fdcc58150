"""The checker's outputs equal the golden file's, answer by answer and label by label.

tests/fixtures/review/golden_outputs.json was written (``python -m tests.review_golden
write``) by the checker before its matcher was rewritten as one compiled pass; this test
holds the rewrite to exactly the same evidence on every labelled answer, every line of
them on its own, the rule files' examples and the benchmark texts. A deliberate change of
verdicts rewrites the golden file in the same commit, with the eval figures in its message.
"""

from __future__ import annotations

import json

from tests.review_golden import GOLDEN, outputs


def test_outputs_equal_the_golden_file() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = outputs()
    assert len(now) > 3000
    differences = {key: (golden.get(key), value) for key, value in now.items() if golden.get(key) != value}
    assert differences == {}

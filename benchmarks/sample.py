"""A realistic pasted answer of any length, so every figure reviews the same kind of text.

The paragraphs read like a member's answer to "design a URL shortener": sections,
bullets, numbers, trade-offs. Lengths are met by cycling the paragraphs and cutting
at a word boundary, so a 1,500- and a 6,000-character answer differ only in size.
"""

from __future__ import annotations

PARAGRAPHS = (
    "**Requirements**\nCustomers paste a long URL and get a short link; redirects must stay "
    "fast worldwide. I'd confirm scale first: 100M new links a month, 10:1 reads to writes, "
    "links kept for five years. Non-functional: p99 redirect under 50 ms, 99.99% availability.",
    "**High-level design**\n- API Gateway in front of Lambda for the create path.\n- DynamoDB "
    "table keyed by short code, on-demand capacity.\n- CloudFront caches redirects at the edge, "
    "so most reads never reach the table.\n- A counter range per writer avoids collisions.",
    "**Deep dive: the hot path**\nA viral link can take 50k requests per second. CloudFront "
    "absorbs it with a 60 s TTL; behind it, DAX keeps the item in memory. I would alarm on "
    "throttled reads and p99 latency in CloudWatch and page the on-call when the error rate "
    "crosses 1% for five minutes.",
    "**Trade-offs**\nBase62 codes of seven characters give 3.5 trillion ids. Random codes are "
    "simpler but need a conditional write to avoid overwriting; ranges are cheaper but leak "
    "volume. I chose ranges because cost matters more here than hiding growth.",
    "**Failure modes**\nIf a region fails, Route 53 health checks move traffic to the replica "
    "built with DynamoDB global tables. Writes are idempotent by request id, so a retried "
    "create never makes two links. Analytics go through Kinesis so the redirect never waits.",
    "**Customer impact**\nThe customer sees a link that always works and a dashboard that "
    "lags by a minute at most. We measure success by redirect p99, create errors and the share "
    "of links still resolving after a year.",
)


def answer(length: int) -> str:
    """An answer of at most ``length`` characters, cut at the last word boundary before it."""
    if length < 1:
        raise ValueError("length must be positive")
    repeats = length // sum(len(p) + 2 for p in PARAGRAPHS) + 1
    text = "\n\n".join(PARAGRAPHS * repeats)[: length + 1]
    cut = text.rfind(" ")
    return text[:cut] if cut > 0 else text[:length]

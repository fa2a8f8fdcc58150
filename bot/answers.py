"""What counts as an answer worth points and reviews: rules shared by progress and review.

The daily-answer points (progress) and the daily-thread auto-review (review) must
agree on what a real answer is, or a one-liner would earn in one place and not
the other; so the rule lives here, once, with the fingerprint that makes a
re-pasted answer add nothing and the "weak evidence" judgement spaced
repetition grades Hard. Plain Python: no Discord, no storage.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

MIN_WORDS = 40  # shorter than this is chat, not a design answer
WEAK_EVIDENCE_WORDS = 6  # a met item quoted from a sentence this short was a bare mention

_WORD = re.compile(r"[^\W_][\w'’.%$-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_SPACE = re.compile(r"\s+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def is_question(text: str) -> bool:
    """Most of the message asks rather than answers: half or more of its sentences end in "?".

    A long answer that ends by asking the group something is still an answer; a
    message that is mostly questions is someone asking for help or probing another.
    """
    ends = _SENTENCE_END.findall(text.strip())
    if not ends:
        return False
    return sum("?" in end for end in ends) * 2 >= len(ends)


def is_substantive(text: str, replies_to_other_member: bool = False) -> bool:
    """A real answer to the prompt: at least ``MIN_WORDS`` words, not a reply to another
    member's message, and not a question. Everything else in a daily thread is
    conversation: it is neither reviewed, nor counted as a day answered, nor worth points."""
    return (
        not replies_to_other_member
        and word_count(text) >= MIN_WORDS
        and not is_question(text)
    )


def is_weak_evidence(evidence: str | None) -> bool:
    """A checklist item the checker marked met on a quote this thin ("we monitor it")
    is met, but only just: graded Hard rather than Good. No quote at all is weak too."""
    return evidence is None or word_count(evidence) < WEAK_EVIDENCE_WORDS


def new_salt() -> str:
    """A random per-member salt (hex): stored once per member, deleted with their data."""
    return secrets.token_hex(16)


def normalise(text: str) -> str:
    """Case, Unicode form and whitespace do not make an answer new."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def fingerprint(salt: str, text: str) -> str:
    """HMAC-SHA256 of the normalised text under the member's salt: equal for the same
    answer from the same member, useless as a dictionary of answers across members."""
    return hmac.new(bytes.fromhex(salt), normalise(text).encode(), hashlib.sha256).hexdigest()

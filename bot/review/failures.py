"""failure_planning (GUIDE 2.3): a failure in the running system and what the system does.

Both halves are needed: "multi-AZ" names no failure, "what if S3 goes down?"
names no response, and "ops will fix it" is people, not a plan. A response is
looked for in the failure's sentence, the next one on its line, an "if <failure>,
<consequence>" shape, or the bullets under a heading that names the failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from bot.review.analysis import Analysis, distinct
from bot.review.document import Sentence
from bot.review.rules import default_rules, lazy_regex, lazy_words
from bot.review.stance import claims, is_negated
from bot.review.subjects import person_subject


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


_FAILURE = lazy_words("failure_planning", "failure")
_NOT_A_SYSTEM_FAILURE = lazy_words("failure_planning", "not_a_system_failure")
_RESPONSE = lazy_words("failure_planning", "response", scanned=False)
_PERCEIVED = lazy_regex("failure_planning", "perceived")
_TIMEOUT_SETTING = lazy_regex("failure_planning", "timeout_setting")


def _is_setting(sentence: Sentence, match: re.Match[str]) -> bool:
    """Not a failure of the running system: a configured timeout ('15-minute visibility
    timeout') or a customer's perception ('they assume it's broken')."""
    start = match.start() - sentence.start
    before = sentence.low[max(0, start - 24) : start]
    if _PERCEIVED.search(before):
        return True
    return match.group(0).startswith("timeout") and _TIMEOUT_SETTING.search(before) is not None


_HUMAN_RESPONSE = lazy_regex("failure_planning", "human_response")

# Every match contains one of these; testing them first skips a scan that cannot skip ahead.
_HUMAN_RESPONSE_CUES = ("by hand", "manually", "will", "'ll", "rely on")


def _human_response(low: str) -> bool:
    """People doing the recovery by hand ('ops will fix it manually'); 'nobody has to
    rejoin manually' is the opposite."""
    if not any(cue in low for cue in _HUMAN_RESPONSE_CUES):
        return False
    return any(not is_negated(low, m.start()) for m in _HUMAN_RESPONSE.finditer(low))


_METRIC_AFTER = lazy_regex("failure_planning", "metric_after")
# "Alarms: 5xx > 0.5%, fallback-mode > 1%": in an alarm list, "<signal> > <threshold>" names
# what is measured; neither the failure nor the response word in it is a plan
_ALARM_LINE = lazy_regex("failure_planning", "alarm_line")
_COMPARATORS = ("<", ">", "≤", "≥")
_THRESHOLD = lazy_regex("failure_planning", "threshold")


def _thresholds_blanked(low: str) -> str:
    """``low`` with every "<signal> > <threshold>" of an alarm line blanked out."""
    if not any(sign in low for sign in _COMPARATORS) or _ALARM_LINE.search(low) is None:
        return low  # the substring tests skip both regexes on almost every sentence
    return _THRESHOLD.sub(lambda m: " " * len(m.group(0)), low)


def failure_planning(analysis: Analysis) -> Iterator[Sentence]:
    """A named failure in the running system plus what the system does about it: the
    failure's own sentence first, then a response under a heading that names the failure,
    a question the writer answers, and a recovery answering the prompt's question."""
    yield from distinct(chain(
        _failure_with_response(analysis), _response_under_failure_heading(analysis),
        _question_then_answer(analysis), _answer_to_the_prompts_failure(analysis),
    ))


def _failure_with_response(analysis: Analysis) -> Iterator[Sentence]:
    """A failure answered in its sentence, the next one on its line, or an "if <failure>,
    <consequence>" shape."""
    for sentence, match in claims(analysis.doc, _FAILURE):
        if analysis.doc.has(_NOT_A_SYSTEM_FAILURE, sentence) or _is_setting(sentence, match):
            continue
        if _METRIC_AFTER.match(sentence.low, match.end() - sentence.start):
            continue  # "crash rate", "join-failure rate": a metric, not a failure
        if _thresholds_blanked(sentence.low)[match.start() - sentence.start] == " ":
            continue
        responders = [sentence]
        following = analysis.doc.next_in_line(sentence)
        if following is not None and _usable(following):
            responders.append(following)
        for responder in responders:
            text = _thresholds_blanked(responder.low)
            if responder is sentence:
                start, end = match.start() - sentence.start, match.end() - sentence.start
                text = text[:start] + " " + text[end:]
            if _RESPONSE.search(text) and not _human_response(responder.low):
                yield sentence
                break
        else:
            if _conditional_response(sentence, match):
                yield sentence


_RECOVERY = lazy_regex("failure_planning", "recovery")


def _answer_to_the_prompts_failure(analysis: Analysis) -> Iterator[Sentence]:
    """"A transcoder dies mid-stream; what happens?" answered "the edge re-pins the channel
    to another transcoder": the question names the failure and the answer the recovery, so
    the pair is the guide's scenario + response (GUIDE 2.3). A recovery counts anywhere
    (failover, fallback, rebuild, a standby); the looser response words ("retry", "back
    off") only beside the part the prompt says fails ("the SMS provider throttles you" …
    "if the provider still answers 429 we back off"), so "we retry everything" is no plan."""
    question = analysis.prompt_questions
    failure = _FAILURE.search(question) if question else None
    if failure is None or _NOT_A_SYSTEM_FAILURE.search(question):
        return
    failing = _failing_part(question, failure.start())
    for sentence in analysis.doc.sentences:
        if not _usable(sentence) or sentence.code or _human_response(sentence.low):
            continue
        if _RECOVERY.search(sentence.low) or (
                failing is not None and failing.search(sentence.low)
                and _claimed_response(sentence) and not analysis.doc.has(_NOT_A_SYSTEM_FAILURE, sentence)):
            yield sentence


def _claimed_response(sentence: Sentence) -> bool:
    """A response word the writer holds ("we back off"), not one negated ("no retry")."""
    return any(not is_negated(sentence.low, m.start()) for m in _RESPONSE.finditer(sentence.low))


# the word before the prompt's failure: "the sms provider throttles you" -> "provider"
_WORD_BEFORE = re.compile(r"([a-z][a-z-]{3,})(?:'s)?\s*$")


def _failing_part(question: str, start: int) -> re.Pattern[str] | None:
    """The part the prompt says fails ("provider", "processor", "leader"), as a word: an
    answer's retry or backoff that names it answers the prompt's failure."""
    word = _WORD_BEFORE.search(question, 0, start)
    if word is None or word.group(1) in default_rules().items("failure_planning", "not_a_part"):
        return None
    return re.compile(rf"\b{re.escape(word.group(1))}s?\b")


def _question_then_answer(analysis: Analysis) -> Iterator[Sentence]:
    """"What if a worker dies halfway? Its lease expires and another worker redoes it.":
    a failure raised as a question and answered by the writer in the next sentence on
    the same line (GUIDE rule 4: a question counts once the writer answers it)."""
    for index, sentence in enumerate(analysis.doc.sentences[:-1]):
        if not sentence.question or sentence.stuffing or sentence.code:
            continue
        match = _FAILURE.search(sentence.low)
        if match is None or analysis.doc.has(_NOT_A_SYSTEM_FAILURE, sentence):
            continue
        answer = analysis.doc.sentences[index + 1]
        if answer.line != sentence.line or not _usable(answer):
            continue
        if _RESPONSE.search(_thresholds_blanked(answer.low)) and not _human_response(answer.low):
            yield answer


# "Failures:" or "What can fail:" names no failure; "Service down:" or "When a provider
# throttles:" does, and the bullets under it are the responses.
_GENERIC_FAILURE_HEADING = lazy_regex("failure_planning", "generic_failure_heading")


def _names_a_failure(heading: str) -> bool:
    """Headings are stored without their colon; it is put back so "service down:" reads
    like the inline "service down: …" that ``_FAILURE`` expects."""
    specific = _GENERIC_FAILURE_HEADING.sub(" ", heading) + ":"
    return bool(_FAILURE.search(specific)) and not _NOT_A_SYSTEM_FAILURE.search(heading)


def _response_under_failure_heading(analysis: Analysis) -> Iterator[Sentence]:
    """A response bullet under a heading that names a specific failure."""
    named: dict[str, bool] = {}
    for sentence in analysis.doc.sentences:
        heading = sentence.context.partition(" | ")[0]
        if not heading or not _usable(sentence):
            continue
        if heading not in named:
            named[heading] = _names_a_failure(heading)
        if named[heading] and _RESPONSE.search(sentence.low) and not _human_response(sentence.low):
            yield sentence


_CONDITION = lazy_regex("failure_planning", "condition")
_CONSEQUENCE_START = lazy_regex("failure_planning", "consequence_start")
_PERSON_SUBJECT = lazy_regex("failure_planning", "person_subject")
_SERVED = lazy_regex("failure_planning", "served")
_ONLY_DETECTION = lazy_regex("failure_planning", "only_detection")
_ACTION = lazy_regex("failure_planning", "action")
_ERROR_SHOWN = lazy_regex("failure_planning", "error_shown")


def _conditional_response(sentence: Sentence, match: re.Match[str]) -> bool:
    """'If/when <failure>, <the system does something>': the guide's scenario + response
    shape, for responses phrased in words no list anticipates. Detection-only ("…, it
    pages on-call"), human ("…, ops will fix it") and empty consequences do not count."""
    start, end = match.start() - sentence.start, match.end() - sentence.start
    if _CONDITION.search(sentence.low[max(0, start - 140) : start]) is None:
        return False
    head = _CONSEQUENCE_START.match(sentence.low, end)
    if head is None:
        return False
    consequence = sentence.low[head.end() :]
    person = _PERSON_SUBJECT.match(consequence) or person_subject(consequence)
    if person and not _SERVED.match(consequence, person.end()):
        return False  # "…, the user just logs in again": what a person does is no plan
    words_after = consequence.split()
    if len(words_after) < 4 or _human_response(consequence):
        return False
    if _ERROR_SHOWN.search(consequence) and not _RESPONSE.search(consequence):
        return False  # "…, POST returns a 503 error page": the failure shown, not handled
    content = [w for w in words_after if not _ONLY_DETECTION.fullmatch(w.strip(".,;!"))]
    return len(content) >= 4 and _ACTION.search(consequence) is not None and not (
        _ONLY_DETECTION.search(" ".join(words_after[:3]))
    )

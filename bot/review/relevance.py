"""Evidence must be about this prompt's system (GUIDE rule 6, issue 16).

A sentence that could be pasted unchanged under any prompt counts for nothing: the
labeling guide's and the seed's own examples pasted under a prompt about another
system ("cuts checkout from 3 clicks to 1" in a URL shortener), examples that name
no system at all, placeholder text ("Team X owns Service Y", "Owner: ____ team"), and
lists of bare terms that name nothing of this system ("Ops: error budgets, game days,
golden signals, COEs, runbooks"). Such sentences are marked as stuffing before any
detector runs, so no label can take them as evidence and the order of detectors still
does not matter. The data is prompts/review/relevance.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.content._review import Relevance
from bot.review.document import Document
from bot.review.patterns import WordPattern, word_list
from bot.review.prefilter import Prefiltered
from bot.review.text import listed_terms

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    """Words with a plural -s dropped, so "dashboards of" matches "dashboard of"."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in _WORD.findall(text)}
_GENERIC_WORDS_AT_MOST = 9  # spaces: longer sentences say something specific
_MATCH_SHARE = 0.85  # of the example's words found in the sentence
_LONGER_BY = 1.4  # a sentence much longer than the example says more than the example
_PROMPT_WORD_AT_LEAST = 4  # letters: shorter prompt words ("url", "api") are too common
_HYPE_AT_LEAST = 3  # different praise words in one sentence: fluent stuffing


@dataclass(frozen=True)
class _Example:
    words: frozenset[str]
    about: re.Pattern[str] | None
    """The systems it is about, each matched at a word start ("store", not "datastore"),
    and the shortest as whole words ("car", not "cart")."""


_WHOLE_WORD_AT_MOST = 3
"""A topic this short is a whole word ("car", "tv"): as a word start it would also find
"cart", "card" and "tvos"; longer topics are stems ("stream" finds "streaming")."""


def _topics(about: tuple[str, ...]) -> re.Pattern[str] | None:
    if not about:
        return None
    topics = (re.escape(topic) + (r"s?\b" if len(topic) <= _WHOLE_WORD_AT_MOST else "")
              for topic in about)
    return re.compile(r"\b(?:" + "|".join(topics) + ")")


def _phrases(entries: tuple[str, ...]) -> WordPattern | None:
    """A list of whole phrases, read in the one pass over the answer that reads every rule
    file's cues (``Document.matches``): a regex of its own would read the answer again."""
    return word_list(entries, whole_words=True) if entries else None


def _rest_of_line(doc: Document, index: int) -> range:
    """The indexes of the sentences after ``index`` on its line."""
    end = index + 1
    while end < len(doc.sentences) and doc.sentences[end].line == doc.sentences[index].line:
        end += 1
    return range(index + 1, end)


class RelevanceCheck:
    """Compiled relevance data: pasted examples indexed by their longest word."""

    def __init__(self, relevance: Relevance) -> None:
        self._by_anchor: dict[str, list[_Example]] = {}
        for pasted in relevance.pasted:
            # the example, and each run of its first clauses: a paste may stop at a ';'
            clauses = pasted.text.lower().split(";")
            for count in range(len(clauses), 0, -1):
                words = frozenset(_words(";".join(clauses[:count])))
                if len(words) < 4:
                    continue
                anchor = max(sorted(words), key=len)
                self._by_anchor.setdefault(anchor, []).append(_Example(words, _topics(pasted.about)))
        self._generic = frozenset(relevance.generic_words)
        # one regex each: joined, the letter-first placeholder could not skip ahead; each
        # first tests for the literals its matches need ("rivia" for "[Tt]rivia"): a pattern
        # that opens with \b cannot skip ahead, and is run only where it may match
        self._placeholders = tuple(Prefiltered(re.compile(p)) for p in relevance.placeholders)
        self._topic_heading = _phrases(relevance.topic_headings)
        # a copied line and a disowned one are the same to a reader: not the writer's claim
        self._not_own = _phrases(relevance.copied_headings + relevance.disowned)
        self._hype = _phrases(relevance.hype)

    def word_patterns(self) -> list[WordPattern]:
        """The phrase lists the one-pass scan reads over the answer for relevance
        (``rules.word_patterns``); topic headings are read on the headings alone."""
        return [p for p in (self._not_own, self._hype) if p is not None]

    def _placeholder(self, text: str) -> bool:
        return any(p.search(text) is not None for p in self._placeholders)

    def generic(self, doc: Document, prompt: str | None) -> Document:
        """``doc`` with every pasteable sentence marked as stuffing. Pasted examples are
        judged only against a prompt (the bot passes the question's brief and scale)."""
        placeholder = self._placeholder(doc.text)
        # Without a prompt nothing says which system the answer is about: only placeholders.
        anchors = self._by_anchor.keys() & _words(doc.low) if prompt else set()
        not_applied = self._term_lists(doc, prompt) | self._not_the_writers(doc) | self._hyped(doc)
        # the length test _only_generic opens with, made here: most sentences are longer
        if not placeholder and not anchors and not not_applied and not any(
                self._only_generic(s.low) for s in doc.sentences
                if not s.stuffing and s.low.count(" ") <= _GENERIC_WORDS_AT_MOST):
            return doc
        low_prompt = (prompt or "").lower()
        marked = list(doc.sentences)
        changed = False
        for index, sentence in enumerate(doc.sentences):
            if sentence.stuffing:
                continue
            if index in not_applied or (placeholder and self._placeholder(sentence.text)) or (
                    anchors and self._pasted(sentence.low, anchors, low_prompt)) or (
                    self._only_generic(sentence.low)):
                marked[index] = sentence._replace(stuffing=True)
                changed = True
        return replace(doc, sentences=tuple(marked)) if changed else doc

    def _term_lists(self, doc: Document, prompt: str | None) -> set[int]:
        """Indexes of the sentences that list bare terms naming nothing of the prompt's
        system (``text.listed_terms``): "Key concepts: Raft, Paxos, quorum, failover,
        idempotency" applies none of them. Under a heading that announces topics ("Topics
        to hit:" over "- leader lease", "- log replay", …), one term a line, the terms are
        named rather than applied even when they are this system's own, and so they are
        after a lead-in that announces them on the list's own line ("Key concepts for this
        one: read-heavy, base62, TTL, …")."""
        lists = [([index], sentence.low, self._announced_inline(sentence.low))
                 for index, sentence in enumerate(doc.sentences)
                 if sentence.line in doc.listing_lines]  # most answers: none
        lists += [(indexes, low, True) for indexes, low in self._topic_lists(doc)]
        if not lists:
            return set()
        here = self._system_words((prompt or "").lower())
        found: set[int] = set()
        for indexes, low, announced in lists:
            if any(doc.sentences[i].stuffing or doc.sentences[i].code for i in indexes):
                continue
            terms = listed_terms(low)
            if terms is not None and (announced or not here & _words(" ".join(terms))):
                found.update(indexes)
        return found

    def _announced_inline(self, low: str) -> bool:
        """Whether the words before a list's colon announce topics ("key concepts for this one:")."""
        lead, colon, _ = low.partition(":")
        return bool(colon) and self._topic_heading is not None and (
            self._topic_heading.search(lead) is not None)

    def _hyped(self, doc: Document) -> set[int]:
        """Indexes of the sentences that praise in three or more different words ("we stay
        customer-centric, data-driven and five-nines-minded, every team owns its piece"):
        keyword stuffing said fluently, which no list of terms shows (GUIDE rule 6)."""
        if self._hype is None:
            return set()
        praise: dict[int, set[str]] = {}
        for match in doc.matches(self._hype):  # most answers hold none
            praise.setdefault(doc.index_at(match.start()), set()).add(match.group(0))
        return {index for index, words in praise.items() if len(words) >= _HYPE_AT_LEAST}

    def _not_the_writers(self, doc: Document) -> set[int]:
        """Indexes of the sentences that say they are copied ("ok so per the rubric the
        phrases that score are …") or disowned ("Stuff I'm NOT going to claim: that …"), the
        rest of their line, and the lines under a heading that says so ("Notes I took from
        the examples, reworded a bit:"): the writer's own words say they are not theirs."""
        if self._not_own is None:
            return set()
        # the heading line itself says so too, so ``said`` holds it; the words say so of the
        # rest of their line ("like the guide says: … and a viewer on hotel wifi drops to 480p")
        said = {doc.index_at(match.start()) for match in doc.matches(self._not_own)}
        rest_of_lines = [_rest_of_line(doc, index) for index in said]
        return said.union(*rest_of_lines, *self._under(doc, self._not_own).values())

    def _under(self, doc: Document,
               heading_pattern: WordPattern | None) -> dict[str, list[int]]:
        """The indexes of the sentences under each heading ``heading_pattern`` finds, by
        heading, without the heading line (a line with a label of its own, "infra: …", is
        not under it)."""
        if heading_pattern is None:
            return {}
        # each heading is asked once, not once for every sentence under it, with the colon
        # the parser took off put back: a lead-in phrase ends at it ("things i won't claim:")
        headings = {s.context for s in doc.sentences if s.context and " | " not in s.context}
        chosen = {heading for heading in headings if heading_pattern.search(heading + ":")}
        runs: dict[str, list[int]] = {}
        for index, sentence in enumerate(doc.sentences):
            heading = sentence.context
            if heading in chosen and sentence.low.rstrip(" :") != heading:
                runs.setdefault(heading, []).append(index)
        return runs

    def _topic_lists(self, doc: Document) -> list[tuple[list[int], str]]:
        """The lines under each heading that announces topics, joined into one list of
        terms ("topics to hit: multi-paxos / raft, leader lease, …") with their indexes."""
        runs = self._under(doc, self._topic_heading)
        return [(indexes, f"{heading}: " + ", ".join(doc.sentences[i].low.rstrip(" .")
                                                      for i in indexes))
                for heading, indexes in runs.items()]

    def _system_words(self, low_prompt: str) -> frozenset[str]:
        """The prompt's own words for its system ("shortener", "redirect"), without the
        words that fit any system."""
        return frozenset(word for word in _words(low_prompt)
                         if len(word) >= _PROMPT_WORD_AT_LEAST and word not in self._generic)

    def _only_generic(self, low: str) -> bool:
        """A short sentence made only of words that fit any system ("Our team owns our
        service.", "Our failures are handled."): it says nothing about this one."""
        if not self._generic or low.count(" ") > _GENERIC_WORDS_AT_MOST:
            return False
        words = _WORD.findall(low)
        return len(words) >= 3 and all(word in self._generic for word in words)

    def _pasted(self, low: str, anchors: set[str], prompt: str) -> bool:
        words = _words(low)
        for anchor in anchors & words:
            for example in self._by_anchor[anchor]:
                if len(words) > _LONGER_BY * len(example.words) + 3:
                    continue
                if len(example.words & words) < _MATCH_SHARE * len(example.words):
                    continue
                if example.about is None or example.about.search(prompt) is None:
                    return True
        return False

"""team_ownership (GUIDE 2.5): a named team or role that owns, builds or runs the system.

"The team" alone is not ownership: the team must be named ("the search team",
"SRE", "a 6-person team owns…") and tied to a scope, a pager or a rotation. The
nouns, verbs and roles are lists in prompts/review/team_ownership.yaml; the shapes
that combine them are here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.content._review import expand_leading
from bot.review.analysis import Analysis, distinct
from bot.review.document import Sentence
from bot.review.patterns import WordPattern, words
from bot.review.rules import (
    RuleSet,
    default_rules,
    lazy,
    lazy_regex,
    lazy_word_pattern,
)
from bot.review.stance import claims

_LABEL = "team_ownership"


def _either(rules: RuleSet, name: str) -> str:
    return "(?:" + "|".join(rules.items(_LABEL, name)) + ")"


def _ownership(rules: RuleSet) -> WordPattern:
    """<owner noun> … <own verb>, <owned by> <name> <noun>, <role> owns, "owner: X team"."""
    verb = rf"\b[^\n.;]{{0,60}}?\b{_either(rules, 'own_verbs')}\b"
    nouns = "|".join((*rules.items(_LABEL, "owner_nouns"), *rules.items(_LABEL, "named_owner_nouns")))
    return words(
        *(f"{noun}{verb}" for noun in rules.items(_LABEL, "owner_nouns")),
        *(rf"{by} (?:the |a |one |its )?(?:[\w/&+-]+ ){{0,3}}(?:{nouns})\b"
          for by in rules.items(_LABEL, "owned_by")),
        *(rf"{role} owns?\b" for role in rules.items(_LABEL, "roles")),
        # expanded like every word list (validation reads them so): "(?:fleet|tier)s? = …"
        *(entry for item in rules.items(_LABEL, "owner_field") for entry in expand_leading(item)),
        # "a weekly rotation held by the payments-core engineers"
        *(rf"{duty} (?:inside|within|in|held by|for) the [\w-]+ (?:team|engineers|group|squad|crew|folks)"
          for duty in rules.items(_LABEL, "duties")),
    )


def _named_team(rules: RuleSet) -> WordPattern:
    """A team noun with a duty or a verb, to be checked for a name before it."""
    duty = _either(rules, "duties")
    return words(
        rf"teams? (?:with|has|have|each with) (?:its|their) own {duty}",
        rf"team's (?:own |primary |secondary |weekly )?{duty}",
        # "the feed crew of six runs fan-out and storage": a team-like noun, named, runs a part
        *(rf"{noun} (?:of (?:[\w-]+ ){{1,2}}?)?(?:runs|operates|maintains|builds|carries|holds)\b"
          for noun in ("teams?", *rules.items(_LABEL, "named_owner_nouns"))),
        rf"teams?\b[^\n.;]{{0,40}}?\b{duty}\b",
        *(rf"{noun}\b[^\n.;]{{0,60}}?\b{_either(rules, 'own_verbs')}\b"
          for noun in rules.items(_LABEL, "named_owner_nouns")),
    )


def _duty_then_team(rules: RuleSet) -> WordPattern:
    return words(
        *(rf"{duty}\b[^\n.;]{{0,25}}?\b(?:is |= )?(?:the )?([\w/&+-]+) team\b"
          for duty in rules.items(_LABEL, "duties")),
        # "on-call (primary + secondary from the ticketing team)": held by, further along
        *(rf"{duty}\b[^\n.;]{{0,40}}?\b(?:from|held by|inside|within) (?:the )?([\w/&+-]+) team\b"
          for duty in rules.items(_LABEL, "duties")),
    )


def _duty_of_a_name(rules: RuleSet) -> WordPattern:
    """A duty, or a team noun that owns, to be checked for a proper name before it: "pages
    Order Platform on-call", "payments-core (the team that owns the ledger)": a relative clause,
    so a bare "…, the team owns it" names nobody."""
    nouns = "|".join(rules.items(_LABEL, "owner_nouns"))
    return words(
        *rules.items(_LABEL, "duties"),
        *(f"{verb}\\b" for item in rules.items(_LABEL, "own_verbs") for verb in expand_leading(item)),
        *(rf"{article} (?:{nouns}) (?:that|which|who) {_either(rules, 'own_verbs')}\b"
          for article in ("the", "that")),
    )


def _owned_by(rules: RuleSet) -> WordPattern:
    """"owned by", "belongs to" …, to be checked for a proper name after it."""
    return words(*rules.items(_LABEL, "owned_by"))


def _they_own(rules: RuleSet) -> WordPattern:
    """"…; they own the placement service": the owner named earlier in the sentence."""
    return words(rf"they (?:also |all |both )?{_either(rules, 'own_verbs')}\b")


_OWNERSHIP = lazy_word_pattern(_ownership)
_NAMED_TEAM = lazy_word_pattern(_named_team)
_DUTY_THEN_TEAM = lazy_word_pattern(_duty_then_team)
_OWNED_BY = lazy_word_pattern(_owned_by)
_DUTY_OF_A_NAME = lazy_word_pattern(_duty_of_a_name)
_THEY_OWN = lazy_word_pattern(_they_own)
# the group "they" stands for, named earlier in the sentence: "the placement team's dashboard",
# "the cart group is 5 engineers"
_NAMED_GROUP = lazy(lambda rules: re.compile(
    rf"([\w/&+-]+) {_either(rules, 'owner_nouns')}(?:'s)?\b"))
# Two or more capitalised words right before the duty or verb, with the group's scope in
# brackets between: a group's own name ("Order Platform on-call", "Observability Platform
# (ingest, storage) holds the pager"), not a sentence's or a schedule's opening word
_NAMED_BEFORE_DUTY = lazy(lambda rules: re.compile(
    rf"(?:^|[^\w-])(?!{_either(rules, 'not_a_group_name_cased')}\b)"
    rf"[A-Z][\w&-]*(?: (?!{_either(rules, 'not_a_group_name_cased')}\b)[A-Z][\w&-]*)+"
    r"(?: \([^()]{0,80}\))? $"))
# A group's own name in kebab case, right before the duty or verb or after "run by":
# "feed-infra owns the fan-out workers", "messaging-core owns the send API", "run by
# observability-platform (8 people)"; not a part of the system ("cart-svc owns the table")
_KEBAB = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+"
_KEBAB_BEFORE = re.compile(rf"(?:^|[\s(])({_KEBAB})(?: \([^()]{{0,80}}\))? $")
_KEBAB_AFTER = re.compile(rf" (?:the )?({_KEBAB})\b")
_KEBAB_PART = lazy(lambda rules: re.compile(
    rf"-(?:{_either(rules, 'part_names_cased').lower()}|svc|db|worker|job|cache|index|proxy)s?$"))


def _kebab_group(match: re.Match[str] | None) -> bool:
    """The kebab name found names a group: not the on-call, not a part of the system."""
    return match is not None and not _DUTY.fullmatch(match.group(1)) and (
        _KEBAB_PART.search(match.group(1)) is None)


# "Order Service owns the order table": a part of the system, named like a group, owns data
_PART_NAME = lazy(lambda rules: re.compile(
    rf"{_either(rules, 'part_names_cased')}(?: \([^()]*\))? $"))
# a name set off before "the team that owns …": "payments-core (the team that owns …)"
_APPOSITIVE_NAME = re.compile(r"([\w/&+-]+) ?[(,] ?$")
_DUTY = lazy_regex(_LABEL, "duties")  # "pages the on-call (the team that owns it)": no name
_NAME_BEFORE = re.compile(r"([\w/&+-]+) $")
# "Owned by Observability Infra", "belongs to payments core, who also own the tooling": a
# group named by its own name rather than a team noun
_PROPER_NAME = re.compile(r" (?:the )?(?!(?:The|A|An|Our|We|I|It|This|That)\b)[A-Z][\w&-]*(?: [A-Z][\w&-]*)*")
_WHO_OWN = re.compile(r" (?:the )?[\w-]+(?: [\w-]+){0,2},? who (?:also )?(?:owns?|runs?|builds?|operates?|"
                      r"carr(?:y|ies)|holds?)\b")


def _named(name: str | None, generic: frozenset[str]) -> bool:
    return name is not None and name not in generic


# "team" only: "the group holds its pager" is usually a group the answer has just named
_TEAM_NOUN = re.compile(r"teams?\b")
_OWNED_BY_NAME = lazy(lambda rules: re.compile(
    _either(rules, "owned_by") + r" ((?:[\w/&+-]+ ){0,4})(?:[\w/&+-]+)$"))


def _unnamed(low: str, match: re.Match[str], start: int, unnamed: frozenset[str]) -> bool:
    """"the team owns it", "owned by a strong team": the team has no name (GUIDE 2.5)."""
    text = match.group(0)
    if _TEAM_NOUN.match(text):
        before = _NAME_BEFORE.search(low, 0, start)
        return before is not None and before.group(1) in unnamed
    by = _OWNED_BY_NAME.match(text)
    return by is not None and all(word in unnamed for word in by.group(1).split())


def team_ownership(analysis: Analysis) -> Iterator[Sentence]:
    """A named team or role that owns, builds or runs the system or its parts: an owner
    with an own verb first, then a named team with a duty, a duty held by a named team,
    and a part "owned by" a proper name. Each sentence once."""
    yield from distinct(_owners(analysis))


def _owners(analysis: Analysis) -> Iterator[Sentence]:
    """Every reading's sentences, in ``team_ownership``'s order (a sentence may repeat)."""
    generic = frozenset(default_rules().items(_LABEL, "generic_names"))
    unnamed = frozenset(default_rules().items(_LABEL, "unnamed"))
    for sentence, match in claims(analysis.doc, _OWNERSHIP):
        if "will handle" in sentence.low or "will take care" in sentence.low:
            continue
        if _unnamed(sentence.low, match, match.start() - sentence.start, unnamed):
            continue
        yield sentence
    for sentence, match in claims(analysis.doc, _NAMED_TEAM):
        name = _NAME_BEFORE.search(sentence.low, 0, match.start() - sentence.start)
        if _named(name.group(1) if name else None, generic):
            yield sentence
    for sentence, match in claims(analysis.doc, _DUTY_THEN_TEAM):
        if _named(next((g for g in match.groups() if g), None), generic):
            yield sentence
    yield from _owned_by_a_name(analysis)
    yield from _duty_of_a_proper_name(analysis, generic)
    yield from _owned_by_they(analysis, unnamed)


def _owned_by_they(analysis: Analysis, unnamed: frozenset[str]) -> Iterator[Sentence]:
    """"It's on the placement team's dashboard; they own the placement service": "they"
    owns, and the group it stands for is named earlier in the same sentence."""
    for sentence, match in claims(analysis.doc, _THEY_OWN):
        start = match.start() - sentence.start
        if any(group.group(1) not in unnamed
               for group in _NAMED_GROUP.finditer(sentence.low, 0, start)):
            yield sentence


def _duty_of_a_proper_name(analysis: Analysis, generic: frozenset[str]) -> Iterator[Sentence]:
    """A duty held, or a part owned, by a group named by its own name ("pages Order Platform
    on-call", "Driver Experience owns it", "Observability Platform (ingest, storage) holds
    the pager"; not "Order Service owns the table"), or a team noun whose name stands just
    before it ("payments-core (the team that owns …)")."""
    for sentence, match in claims(analysis.doc, _DUTY_OF_A_NAME):
        start = match.start() - sentence.start
        if not match.group(0).startswith(("the ", "that ")):
            if len(sentence.text) != len(sentence.low):
                continue  # the capitals are read on the original text, at the same offsets
            before = sentence.text[max(0, start - 140) : start]
            name = _NAMED_BEFORE_DUTY.search(before)
            if name is not None and (_DUTY.match(match.group(0)) or not _PART_NAME.search(before)):
                yield sentence
            elif not _DUTY.match(match.group(0)) and _kebab_group(
                    _KEBAB_BEFORE.search(sentence.low, max(0, start - 140), start)):
                yield sentence  # a kebab name owns: "feed-infra owns …", not "… on-call"
            continue
        name = _APPOSITIVE_NAME.search(sentence.low, 0, start)
        if name is not None and _named(name.group(1), generic) and not _DUTY.fullmatch(name.group(1)):
            yield sentence


def _owned_by_a_name(analysis: Analysis) -> Iterator[Sentence]:
    """"Owned by <Proper Name>" or "belongs to <name>, who own …": the owner is named."""
    for sentence, match in claims(analysis.doc, _OWNED_BY):
        end = match.end() - sentence.start
        proper = len(sentence.text) == len(sentence.low) and _PROPER_NAME.match(sentence.text, end)
        if proper or _WHO_OWN.match(sentence.low, end) or _kebab_group(_KEBAB_AFTER.match(sentence.low, end)):
            yield sentence

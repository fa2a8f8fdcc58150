"""Parse and validate prompts/review/*.yaml: the answer checker's rules, one file per label.

A rule file is data in the style of Vale's ``existence``/``conditional`` rules and
proselint's one-list-per-check: the cue phrases that may show the label, the
exceptions that cancel a cue (by scope: the clause, the sentence, the whole answer),
the conditions a cue needs, named phrase lists that the label's shape code reads, the
labels whose evidence it gives way to (``yields_to``, bot/content/_yields.py), and
labelled example sentences that a test runs. ``bot.review.rules`` compiles it; nothing
here knows what a label means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from bot.content._reader import ID_PATTERN, Entry, Problems, type_name
from bot.content._yields import yield_problems

# Where an exception or a condition is looked for, relative to the cue that matched.
SCOPES = (
    "before",  # the clause before the cue (up to a comma, colon, dash or 'but/so/then')
    "after",  # the text right after the cue (patterns are anchored at the cue's end)
    "clause",  # the clause before and after the cue
    "claim",  # the part of the sentence holding the cue, between ';' and 'but/while'
    "sentence",  # the whole sentence
    "sentence_and_next",  # the sentence and the next one on the same line
    "answer",  # any claim anywhere in the answer (questions and negations do not count)
)
GROUPS = ("checklist", "failure_mode")
PATTERN_LIMIT = 1000

# The C loader has the same safe semantics as yaml.safe_load and parses ~10x faster.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RuleExample:
    """A sentence or short answer and whether the label should be found in it."""

    text: str
    found: bool
    prompt: str | None = None


@dataclass(frozen=True)
class ReviewRule:
    """One label's rule file, validated; patterns are lowercase regex source text.

    ``name``, ``tip`` and ``instead`` are what the review card shows for a label that
    rubric.yaml does not describe (a label added as data only). ``yields_to`` names the
    labels whose evidence sentence can never be this label's evidence."""

    label: str
    group: str
    cues: tuple[str, ...]
    unless: Mapping[str, tuple[str, ...]]
    requires: Mapping[str, tuple[str, ...]]
    lists: Mapping[str, tuple[str, ...]]
    examples: tuple[RuleExample, ...]
    name: str | None = None
    tip: str | None = None
    instead: str | None = None
    yields_to: tuple[str, ...] = ()


LABELS_FILE = "labels.yaml"


@dataclass(frozen=True)
class LabelOrder:
    """prompts/review/labels.yaml: which labels are reported, by group, in card order."""

    checklist: tuple[str, ...] = ()
    failure_modes: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return self.checklist + self.failure_modes


_UNREADABLE = object()  # what ``_read_yaml`` returns for a file it could not read


def _read_yaml(path: Path, file_problems: Problems, problems: Problems) -> object:
    """A review file's YAML; for an unreadable one, ``_UNREADABLE``, with the reason recorded
    in ``file_problems`` and handed to ``problems`` (the file's caller has nothing to add)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    except (OSError, yaml.YAMLError) as error:
        file_problems.add("", f"not readable YAML: {error}")
        problems.messages.extend(file_problems.messages)
        return _UNREADABLE


def read_labels(directory: Path, rules: Mapping[str, ReviewRule], problems: Problems) -> LabelOrder:
    """The label list, checked against the rule files: each listed label has a file of the
    same group, and each rule file is listed once."""
    file_problems = Problems(f"review/{LABELS_FILE}")
    data = _read_yaml(directory / LABELS_FILE, file_problems, problems)
    if data is _UNREADABLE:
        return LabelOrder()
    root = Entry(data, "", file_problems)
    groups: dict[str, tuple[str, ...]] = {}
    for key, group in (("checklist", "checklist"), ("failure_modes", "failure_mode")):
        names = root.texts(key, minimum=1 if key == "checklist" else 0)
        for index, name in enumerate(names):
            rule = rules.get(name)
            if rule is None:
                root.problem(f"{key}[{index}]", f"no rule file review/{name}.yaml")
            elif rule.group != group:
                root.problem(f"{key}[{index}]", f"{name} is a {rule.group} rule (its 'group')")
        groups[key] = tuple(names)
    listed = groups["checklist"] + groups["failure_modes"]
    if len(set(listed)) != len(listed):
        root.report("a label is listed twice")
    for label in sorted(set(rules) - set(listed)):
        root.report(f"review/{label}.yaml is not listed under checklist or failure_modes")
    root.finish()
    problems.messages.extend(file_problems.messages)
    return LabelOrder(groups["checklist"], groups["failure_modes"])


@dataclass(frozen=True)
class PastedExample:
    """A published example sentence and the systems it is about (empty: none)."""

    text: str
    about: tuple[str, ...]


@dataclass(frozen=True)
class Relevance:
    """What makes a sentence pasteable under any prompt (prompts/review/relevance.yaml)."""

    pasted: tuple[PastedExample, ...] = ()
    placeholders: tuple[str, ...] = ()
    generic_words: tuple[str, ...] = ()
    topic_headings: tuple[str, ...] = ()
    """Headings that announce a list of topics to name ("Topics to hit:", "Key concepts")."""
    copied_headings: tuple[str, ...] = ()
    """Headings that announce text copied from elsewhere ("From the examples doc:")."""
    hype: tuple[str, ...] = ()
    """Praise that names nothing ("world-class", "customer-obsessed", "baked in")."""
    disowned: tuple[str, ...] = ()
    """Lead-ins that disown the list after them ("Stuff I'm NOT going to claim:")."""


RELEVANCE_FILE = "relevance.yaml"


def parse_relevance(data: object, problems: Problems) -> Relevance:
    root = Entry(data, "", problems)
    pasted = []
    for entry in root.entries("pasted", "example", minimum=1):
        text = entry.text("text")
        about = tuple(a.lower() for a in entry.texts("about", minimum=0, limit=64))
        entry.finish()
        pasted.append(PastedExample(text, about))
    placeholders = _regexes(root, "placeholders")
    generic = tuple(word.lower() for word in root.texts("generic_words", minimum=0, limit=40))
    # phrase lists, read at word starts in the one-pass scan, like a rule file's cues
    topic_headings, copied_headings, hype, disowned = (
        _patterns(root, name, literal_first=True, required=False)
        for name in ("topic_headings", "copied_headings", "hype", "disowned"))
    root.finish()
    return Relevance(tuple(pasted), placeholders, generic, topic_headings, copied_headings, hype,
                     disowned)


def _regexes(root: Entry, name: str) -> tuple[str, ...]:
    """The list ``name`` of regexes, each one that does not compile reported and left out."""
    valid = []
    for index, pattern in enumerate(root.items(name, minimum=0)):
        try:
            re.compile(str(pattern))
        except re.error as error:
            root.problem(f"{name}[{index}]", f"not a valid regex ({error})")
            continue
        valid.append(str(pattern))
    return tuple(valid)


def read_relevance(directory: Path, problems: Problems) -> Relevance:
    path = directory / RELEVANCE_FILE
    if not path.is_file():
        return Relevance()
    file_problems = Problems(f"review/{RELEVANCE_FILE}")
    data = _read_yaml(path, file_problems, problems)
    if data is _UNREADABLE:
        return Relevance()
    relevance = parse_relevance(data, file_problems)
    problems.messages.extend(file_problems.messages)
    return relevance


def parse_review_dir(directory: Path, problems: Problems) -> dict[str, ReviewRule]:
    """Every ``<label>.yaml`` in ``directory`` parsed into a rule, keyed by label
    (relevance.yaml is read by ``read_relevance``, and checked here too)."""
    rules: dict[str, ReviewRule] = {}
    if not directory.is_dir():
        problems.add("", f"missing folder {directory}")
        return rules
    read_relevance(directory, problems)
    for path in sorted(directory.glob("*.yaml")):
        if path.name in (RELEVANCE_FILE, LABELS_FILE):
            continue
        file_problems = Problems(f"review/{path.name}")
        data = _read_yaml(path, file_problems, problems)
        if data is _UNREADABLE:
            continue
        rule = parse_rule(data, file_problems)
        if rule.label and rule.label != path.stem:
            file_problems.add("label", f"must match the file name {path.stem!r}, got {rule.label!r}")
        if rule.label in rules:
            file_problems.add("label", f"duplicate label {rule.label!r}")
        problems.messages.extend(file_problems.messages)
        rules[rule.label] = rule
    for label, message in yield_problems(rules):
        problems.messages.append(f"review/{label}.yaml: {message}")
    if (directory / LABELS_FILE).is_file():
        read_labels(directory, rules, problems)
    else:
        problems.add(LABELS_FILE, "missing: the list of labels the checker reports")
    return rules


def parse_rule(data: object, problems: Problems) -> ReviewRule:
    root = Entry(data, "", problems)
    label = root.ident("label", ID_PATTERN)
    group = root.choice("group", GROUPS)
    yields_to = root.texts("yields_to", minimum=0, limit=64)  # checked against the other files
    if len(set(yields_to)) != len(yields_to):
        root.problem("yields_to", "lists a label twice")
    terms = _terms(root)
    cues = _patterns(root, "cues", literal_first=True, required=False, terms=terms)
    unless = _scoped(root, "unless", terms)
    requires = _scoped(root, "requires", terms)
    lists_entry = root.child("lists", required=False)
    lists = {}
    if root.has("lists"):
        raw = root.raw("lists", required=False)
        for name in raw if isinstance(raw, dict) else {}:
            if not isinstance(name, str) or not ID_PATTERN.fullmatch(name):
                lists_entry.report(f"lists: list name {name!r} must match {ID_PATTERN.pattern}")
                continue
            # lists named *_cased are matched on the original capitals ("IT will add disks")
            lists[name] = _patterns(lists_entry, name, literal_first=False, required=True,
                                    cased=name.endswith("_cased"), terms=terms)
    name = root.optional_text("name")
    tip = root.optional_text("tip")
    instead = root.optional_text("instead")
    examples = tuple(_example(e) for e in root.entries("examples", "example", minimum=2))
    if not cues and not lists:
        root.report("needs cues, lists, or both")
    if cues and not any(e.found for e in examples):
        root.report("examples: needs at least one example where the label is found")
    root.finish()
    return ReviewRule(label, group, cues, MappingProxyType(unless), MappingProxyType(requires),
                      MappingProxyType(lists), examples, name, tip, instead, yields_to)


_TERM_USE = re.compile(r"\{\{(" + ID_PATTERN.pattern + r")\}\}")
"""Where a pattern uses one of its file's terms: ``{{people}}``."""


def _terms(root: Entry) -> dict[str, str]:
    """The file's named alternations (``terms:``), which its patterns use as ``{{name}}``:
    one list of the people relied on, written once, is read by every pattern naming them."""
    raw = root.raw("terms", required=False)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        root.problem("terms", f"must be a mapping of names to regexes, got {type_name(raw)}")
        return {}
    terms: dict[str, str] = {}
    for name, value in raw.items():
        where = f"terms.{name}"
        if not isinstance(name, str) or not ID_PATTERN.fullmatch(name):
            root.report(f"terms: name {name!r} must match {ID_PATTERN.pattern}")
        elif not isinstance(value, str) or not value.strip():
            root.problem(where, f"must be non-empty text, got {type_name(value)}")
        elif _TERM_USE.search(value):
            root.problem(where, "a term cannot use another term")
        elif len(value) > PATTERN_LIMIT:
            root.problem(where, f"too long ({len(value)} chars, the limit is {PATTERN_LIMIT})")
        else:
            terms[name] = value
    return terms


def _with_terms(entry: Entry, where: str, pattern: str, terms: Mapping[str, str]) -> str:
    """``pattern`` with each ``{{name}}`` replaced by that term as a group."""
    def term(use: re.Match[str]) -> str:
        name = use.group(1)
        if name not in terms:
            entry.problem(where, f"uses {{{{{name}}}}}, which the file's terms do not define")
            return ""
        return f"(?:{terms[name]})"

    return _TERM_USE.sub(term, pattern) if "{{" in pattern else pattern


def _scoped(root: Entry, key: str, terms: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    if not root.has(key):
        root.raw(key, required=False)
        return {}
    entry = root.child(key)
    # "answer" patterns are read as words over the whole answer: literal-first, like cues
    scoped = {scope: _patterns(entry, scope, required=False, literal_first=scope == "answer",
                               terms=terms)
              for scope in SCOPES if entry.has(scope)}
    for scope in SCOPES:
        entry.raw(scope, required=False)
    entry.finish()
    return {scope: patterns for scope, patterns in scoped.items() if patterns}


def _patterns(
    entry: Entry, key: str, *, literal_first: bool = False, required: bool, cased: bool = False,
    terms: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """A list of regex fragments, each with the file's terms filled in: each must compile,
    be lowercase, and (for cues) start with a literal character, which keeps the combined
    scan fast (bot/review/patterns.py)."""
    raw = entry.items(key, minimum=1 if required else 0)
    patterns: list[str] = []
    for index, pattern in enumerate(raw):
        where = f"{key}[{index}]"
        # not Entry.texts: it strips, and an edge space can be part of a pattern ("\\ ")
        if not isinstance(pattern, str) or not pattern.strip():
            entry.problem(where, f"must be non-empty text, got {type_name(pattern)}")
            continue
        if len(pattern) > PATTERN_LIMIT:
            entry.problem(where, f"too long ({len(pattern)} chars, the limit is {PATTERN_LIMIT})")
        pattern = _with_terms(entry, where, pattern, terms or {})
        try:
            re.compile(pattern)
        except re.error as error:
            entry.problem(where, f"not a valid regex ({error}): {pattern!r}")
            continue
        patterns.append(pattern)
        if not cased and pattern != pattern.lower() and not re.search(r"\\[A-Z]", pattern):
            entry.problem(where, f"must be lowercase (answers are matched lowercased): {pattern!r}")
        # a leading group of choices is expanded into one cue per choice (``word_list``)
        if literal_first and any(e[0] in "\\([.^$*+?{|" and not e.startswith("\\$")
                                 for e in expand_leading(pattern)):
            entry.problem(where, f"must start with a literal character: {pattern!r}")
    if len(set(patterns)) != len(patterns):
        entry.problem(key, "lists a pattern twice")
    return tuple(patterns)


def expand_leading(pattern: str) -> list[str]:
    """``"(?:a|b)c"`` → ``["ac", "bc"]``, recursively; other patterns are returned as is."""
    if not pattern.startswith("(?:"):
        return [pattern]
    depth, choices, current, index = 0, [], "", 3
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            current += pattern[index : index + 2]
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "|" and depth == 0:
            choices.append(current)
            current = ""
            index += 1
            continue
        current += char
        index += 1
    rest = pattern[index + 1 :]
    if index >= len(pattern) or rest[:1] in ("?", "*", "+", "{"):
        return [pattern]  # unbalanced, or an optional group: not a choice of starts
    choices.append(current)
    return [e for choice in choices for e in expand_leading(choice + rest)]


def _example(entry: Entry) -> RuleExample:
    text = entry.text("text", limit=2000)
    found = entry.flag("found")
    prompt = entry.optional_text("prompt")
    entry.finish()
    return RuleExample(text, found, prompt)

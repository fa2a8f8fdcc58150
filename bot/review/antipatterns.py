"""Detectors for the guide's five common failure modes (GUIDE section 3).

A failure mode is flagged only when the writer commits it as their own
position: every match goes through ``stance.claims`` first, so questions,
quotes, warnings, negations and retractions never count. Each detector then
checks the one thing that makes its mistake a mistake: Kubernetes without a
requirement-based reason, unbounded scale with no number attached, strong
consistency with no boundary anywhere, monitoring deferred, people instead of
a mechanism.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.review.analysis import Analysis
from bot.review.checklist import has_live_alarms
from bot.review.deferral import DEFERRAL, asks_about_monitoring, deferred_monitoring
from bot.review.patterns import expand, words
from bot.review.people import team_will_handle
from bot.review.stance import (
    claims,
    clause_after,
    clause_before,
    in_quotes,
    is_retracted,
    is_warning,
    local,
)
from bot.review.text import Sentence

Detector = Callable[[Analysis], Sentence | None]

_K8S = words(
    r"kubernetes\b", r"k8s\b", r"k3s\b", r"eks\b", r"gke\b", r"aks\b", r"openshift\b",
    r"helm(?: charts?)?\b", r"karpenter\b", r"istio\b", r"linkerd\b", r"service mesh\b",
    r"kubectl\b", r"argo ?cd\b", r"kind:\s*(?:deployment|statefulset|daemonset|pod)\b",
)
_K8S_JUSTIFIED = re.compile(
    r"already (?:run|runs|running|have|has|use|uses|using|operate|operates|on|standardi[sz]ed)\b"
    r"|existing (?:\w+ ){0,2}(?:platform|cluster|eks|k8s|kubernetes)|mandat\w*"
    r"|company (?:standard|policy|runs|platform|requires)|platform team (?:already |that )?"
    r"(?:runs|operates|manages|maintains|owns)|(?:need|needs|require\w*) (?:\w+ ){0,3}"
    r"(?:gpu|bin[- ]?packing|multi[- ]cloud|on[- ]prem|portab|hybrid)|gpu scheduling|compliance"
    r"|standardi[sz]ed on|platform team (?:handles|runs|manages|operates|owns|maintains)"
)
_K8S_CONDITIONAL = re.compile(
    r"\b(?:if|when|once|unless)\b (?:we |it |traffic |load |the \w+ )?(?:ever |really |later )?"
    r"(?:outgrow|need|grow|get big|hit|reach|become|exceed|is needed|needed|necessary|required)"
    r"|\bonly if\b|\bevolve\b|\bcould (?:move|migrate)|\bmight (?:move|migrate)|\blater,? if\b"
)
_K8S_REJECTED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,4}?(?:overkill|too (?:much|heavy|complex)|unnecessary|not needed"
    r"|not worth|unjustified|pure overhead|way too much|silly|dumb|pointless|a waste|excessive"
    r"|ridiculous|over-?engineer\w*|bloat\w*)"
)


def kubernetes_first(analysis: Analysis) -> Sentence | None:
    """Kubernetes / an orchestration stack adopted without a requirement-based reason."""
    for sentence, match in claims(analysis.doc, _K8S):
        start, end = local(sentence, match)
        clause = clause_before(sentence.low, start) + " " + clause_after(sentence.low, end)
        if _K8S_CONDITIONAL.search(clause) or _K8S_REJECTED_AFTER.search(sentence.low[end:]):
            continue
        following = analysis.doc.next_in_line(sentence)
        reason = sentence.low + " " + (following.low if following else "")
        if _K8S_JUSTIFIED.search(reason):
            continue
        return sentence
    return None


_UNBOUNDED = words(
    r"infinitely scal\w*",
    r"scal\w* (?:out |up |horizontally )?infinitely",
    r"infinite (?:scale|scalability|capacity|throughput|storage|headroom|room|bandwidth|traffic"
    r"|load|users|ingest\w*|concurrency)",
    r"unlimited (?:scale|scalability|capacity|throughput|storage|events|subscribers|traffic"
    r"|requests|users|concurrency|connections|load|bandwidth|writes|reads|messages|fan-?out)",
    r"scal\w* (?:out |up |horizontally |linearly )?(?:to |for )?(?:any(?! of)\b|whatever"
    r"|anything|without (?:any )?(?:limits?|bounds?))",
    *expand(
        "handles?|supports?|takes?|absorbs?|serves?",
        r" (?:any|unlimited|infinite|whatever) (?:amount|number|load|traffic|volume|scale|level|we"
        r"|spike|burst|peak|surge|workload|demand|rps|qps|requests?|users?)",
    ),
    r"any (?:amount|number|volume) of (?:traffic|users|viewers|load|requests|data|events"
    r"|streams|writes|reads)",
    *expand(
        "never|not|don'?t|doesn'?t|won'?t|no need to",
        r" (?:\w+ ){0,3}(?:worry|think|care) about"
        r" (?:scale|scaling|capacity|load|backpressure|throughput|limits|sizing)",
    ),
    *expand(
        "is|are|being|'s|'re",
        r" (?:basically |effectively |practically |virtually |just )?"
        r"(?:unlimited|infinite|limitless|bottomless)\b",
    ),
    *expand(
        "capacity|scale|scaling|storage|load",
        r" (?:is never|isn'?t|is not|will never be|won'?t be|will not be|never becomes?"
        r"|is no longer) (?:a |an )?(?:concern|issue|problem|bottleneck|worry)",
    ),
    *expand(
        "capacity|scale|scaling|storage|load|throughput",
        r" (?:is|are|becomes) (?:a )?non-?(?:issue|concern|problem|factor)",
    ),
    *expand("basically|effectively|practically|virtually|essentially", r" (?:unlimited|infinite"
            r"|limitless|bottomless)\b"),
    *expand("fine|ok|okay|works|good", r" at any (?:scale|load|size|volume)\b"),
    r"no capacity planning", r"no need to (?:size|provision|plan capacity)", r"no ceiling",
    r"no upper (?:limit|bound)", *expand("has|have|with", r" no (?:practical )?(?:ceiling|upper bound)"),
    r"never runs? out of (?:capacity|room|space|throughput)",
    *expand("grow|scale|expand", r"\w* (?:\w+ ){0,2}forever"),
    r"without (?:ever )?(?:thinking|worrying) about (?:it|scale|scaling|capacity|load)",
    r"never (?:be )?the bottleneck", r"scal\w* (?:\w+ )?forever", r"limitless",
    r"unbounded (?:scale|scaling|throughput|capacity)", r"no matter how (?:much|big|many|large)",
    r"however (?:much|big|many|large) ", r"absorbs? whatever\b",
    r"no (?:need for )?(?:capacity|scale|scaling|sizing) (?:math|planning|estimates?)",
    *expand(
        "never|don'?t|won'?t|no need to",
        r" (?:\w+ ){0,2}(?:plan|size|provision|do (?:the )?math)\w* (?:for )?(?:capacity|scale|load)",
    ),
)
_BOUND = re.compile(
    r"\$\s?\d|/month|per month|\d\s?(?:[kmgtp]b|tb|pb)\b|\bup to \d|\blimit of\b|\bquota|\bcap(?:ped)?"
    r" at\b|\bper-\w+ limit|\bfor our ~?\d|\d[\d.,]*\s?(?:k|m)?\s?(?:/s|rps|qps|wcu|rcu)\b"
)


def infinite_scale(analysis: Analysis) -> Sentence | None:
    """Unbounded scalability claimed with no cost or capacity bound in the same claim."""
    for sentence, _ in claims(analysis.doc, _UNBOUNDED):
        if _BOUND.search(sentence.low):
            continue
        return sentence
    return None


_STRONG = words(
    r"strong(?:ly)?[ -]consisten\w*", r"lineari[sz]ab\w*", r"seriali[sz]ab\w*", r"acid\b",
    r"2pc\b", r"two[- ]phase commit", r"distributed transactions?",
    r"synchronous(?:ly)? (?:to|across|in) (?:every|all) (?:region|countr)",
    r"synchronous (?:global|cross-region|commit|invalidation)",
    r"exactly (?:the same|right|in sync)",
    r"identical\b", r"at the same (?:instant|moment|time)\b",
    r"commit\w* (?:each |every )?(?:write )?(?:in|to|across) (?:all|every) (?:\w+ )?regions?",
    r"always (?:exact|in sync|identical|consistent|up to date)", r"in sync\b", r"latest write",
    *expand("exactly|perfectly|fully|100%|instantly", r" consistent"), r"consistent everywhere",
    r"agree on (?:every|all|the same|each)\b", r"no divergence", r"never diverge",
    r"never (?:be )?stale", r"nothing is ever stale", r"no (?:eventual consistency|inconsistency)",
    *expand("newest|latest|most recent", r" (?:value|data|version|write|state)"),
    r"any inconsistency", r"zero (?:staleness|inconsistency|divergence)", r"no staleness",
)
_UNIVERSAL = re.compile(
    r"\b(?:everything|everywhere|anywhere|all of it|every (?:read|write|reader|service|region"
    r"|table|item|microservice|country|replica|query|request|user|one|screen|moment|instant"
    r"|client|device|player|customer|shopper|viewer|node)\w*|worldwide|all (?:\w+ )?(?:reads"
    r"|writes|data|regions|services|tables|items|countries|users|readers|microservices|times"
    r"|clients)|any (?:read|reader|region)\b|for everyone|for all\b|at all times|across all"
    r"|globally|(?:whole|entire) (?:system|thing|catalog|db|database|platform|store)|everyone"
    r"|no eventual consistency)"
)
_BOUNDARY = words(
    r"eventual(?:ly)?[ -]consisten\w*", r"can be (?:\w+ ){0,5}stale", r"may be (?:\w+ ){0,5}stale",
    r"could be (?:\w+ ){0,5}stale", r"stale (?:is|for) (?:fine|ok|okay|acceptable)",
    r"fine (?:to be|if) (?:\w+ ){0,3}stale", r"ok(?:ay)? (?:to be|if) (?:\w+ ){0,3}stale",
    r"acceptable (?:to be|if) (?:\w+ ){0,3}stale", r"only\b[^\n]{0,40}strong",
    r"strong[^\n]{0,60}\bonly\b", r"approximate (?:is )?(?:ok|fine)",
    # "except"/"exception" draw a boundary only next to consistency words ("strong for
    # everything except view counts"), not "… except reads also go to the primary"
    *expand("except|exception", r"\b[^\n]{0,60}\b(?:consisten|stale|eventual|strong|lag|fresh)"),
    *expand("consisten|stale|eventual|strong|lag|fresh", r"[^\n]{0,60}\bexcept(?:ion)?\b"),
    r"last[- ]writer[- ]wins", r"seconds? stale",
    *expand("can|may|could|is allowed to", r" lag\b"),  # "the feed can lag a few seconds"
)


def _has_boundary(analysis: Analysis) -> bool:
    """Whether the writer draws a consistency boundary anywhere (as a claim)."""
    return next(claims(analysis.doc, _BOUNDARY), None) is not None


def perfect_consistency(analysis: Analysis) -> Sentence | None:
    """Strong consistency demanded for everything, with no boundary drawn anywhere."""
    for sentence, match in claims(analysis.doc, _STRONG):
        clause = _clause_of(sentence.low, match.start() - sentence.start)
        if _HYPOTHETICAL_COST.search(clause):
            continue  # "strong consistency everywhere would mean …": weighed, not demanded
        if _UNIVERSAL.search(clause) and not _has_boundary(analysis):
            return sentence
    return None


_HYPOTHETICAL_COST = re.compile(
    r"\bwould (?:mean|require|cost|need|make|be|add|double|kill|hurt)\b|\bis overkill\b"
)
_CLAIM_BREAK = re.compile(r";|\. |\bbut\b|\bwhile\b|\bwhereas\b")


def _clause_of(low: str, position: int) -> str:
    """The part of the sentence holding ``position``, between ';'/'but' breaks."""
    start = 0
    for match in _CLAIM_BREAK.finditer(low):
        if match.start() >= position:
            return low[start : match.start()]
        start = match.end()
    return low[start:]


def monitor_later(analysis: Analysis) -> Sentence | None:
    """Monitoring, alerting or observability deferred to a later stage."""
    for sentence in analysis.doc.sentences_matching(DEFERRAL):
        if sentence.stuffing or sentence.question or sentence.code:
            continue
        deferral = deferred_monitoring(sentence.low, _answers_monitoring_question(analysis, sentence))
        if deferral is None:
            continue
        if _SECONDARY_MONITORING.search(sentence.low) and has_live_alarms(analysis):
            continue
        if in_quotes(sentence.low, deferral.start()) or is_warning(sentence.low):
            continue
        if is_retracted(analysis.doc, sentence, sentence.low.find(deferral.group(0))):
            continue  # "we could add monitoring later... actually no, scratch that"
        return sentence
    return None


def _answers_monitoring_question(analysis: Analysis, sentence: Sentence) -> bool:
    """A short sentence right after a question about monitoring ("Monitoring? later.")."""
    index = analysis.index(sentence)
    if index == 0 or len(sentence.low.split()) > 8:
        return False
    previous = analysis.doc.sentences[index - 1]
    return sentence.line - previous.line <= 1 and asks_about_monitoring(previous.low)


_SECONDARY_MONITORING = re.compile(r"\b(?:more|additional|extra|fancier|deeper|advanced|tracing)\b")


DETECTORS: dict[str, Detector] = {
    "kubernetes_first": kubernetes_first,
    "infinite_scale": infinite_scale,
    "perfect_consistency": perfect_consistency,
    "monitor_later": monitor_later,
    "team_will_handle": team_will_handle,
}

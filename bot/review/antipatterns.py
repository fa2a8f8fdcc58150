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
from bot.review.deferral import deferred_monitoring
from bot.review.stance import claims, clause_after, clause_before, in_quotes, is_warning, local
from bot.review.text import Sentence

Detector = Callable[[Analysis], Sentence | None]

_K8S = re.compile(
    r"\b(?:kubernetes|k8s|k3s|eks|gke|aks|openshift|helm(?: charts?)?|karpenter|istio|linkerd"
    r"|service mesh|kubectl|argo ?cd)\b|\bkind:\s*(?:deployment|statefulset|daemonset|pod)\b"
)
_K8S_JUSTIFIED = re.compile(
    r"already (?:run|runs|running|have|has|use|uses|using|operate|operates|on|standardi[sz]ed)\b"
    r"|existing (?:\w+ ){0,2}(?:platform|cluster|eks|k8s|kubernetes)|mandat\w*"
    r"|company (?:standard|policy|runs|platform|requires)|platform team (?:already |that )?"
    r"(?:runs|operates|manages|maintains|owns)|(?:need|needs|require\w*) (?:\w+ ){0,3}"
    r"(?:gpu|bin[- ]?packing|multi[- ]cloud|on[- ]prem|portab|hybrid)|gpu scheduling|compliance"
)
_K8S_CONDITIONAL = re.compile(
    r"\b(?:if|when|once|unless)\b (?:we |it |traffic |load |the \w+ )?(?:ever |really |later )?"
    r"(?:outgrow|need|grow|get big|hit|reach|become|exceed|is needed|needed|necessary|required)"
    r"|\bonly if\b|\bevolve\b|\bcould (?:move|migrate)|\bmight (?:move|migrate)|\blater,? if\b"
)
_K8S_REJECTED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,4}?(?:overkill|too (?:much|heavy|complex)|unnecessary|not needed"
    r"|not worth|unjustified|pure overhead|way too much)"
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


_UNBOUNDED = re.compile(
    r"\binfinitely scal\w*|\bscal\w* (?:out |up |horizontally )?infinitely|\binfinite "
    r"(?:scale|scalability|capacity|throughput|storage)|\bunlimited (?:scale|scalability|capacity"
    r"|throughput|storage|events|subscribers|traffic|requests|users|concurrency|connections|load"
    r"|bandwidth|writes|reads|messages|fan-?out)|\bscal\w* (?:out |up |horizontally |linearly )?"
    r"(?:to |for )?(?:any(?! of)\b|whatever|anything|without (?:any )?(?:limits?|bounds?))"
    r"|\b(?:handles?|support|supports|take|takes|absorbs?|serves?) (?:any|unlimited|infinite)"
    r" (?:amount|number|load|traffic|volume|scale|level)|\bany (?:amount|number|volume) of"
    r" (?:traffic|users|viewers|load|requests|data|events|streams|writes|reads)"
    r"|\b(?:never|not|don'?t|doesn'?t|won'?t|no need to|never have to|never need to) (?:\w+ ){0,2}"
    r"(?:worry|think|care) about (?:scale|scaling|capacity|load|backpressure|throughput|limits"
    r"|sizing)|\b(?:is|are|being) (?:basically |effectively |practically |virtually |just )?"
    r"(?:unlimited|infinite|limitless|bottomless)\b|\b(?:capacity|scale|scaling"
    r"|storage|load) (?:is never|isn'?t|is not|will never be|won'?t be|will not be|never becomes?"
    r"|is no longer|is not) (?:a |an )?(?:concern|issue|problem|bottleneck|worry)"
    r"|\bno capacity planning|\bno need to (?:size|provision|plan capacity)"
    r"|\bnever (?:be )?the bottleneck|\bscal\w* (?:\w+ )?forever"
    r"|\blimitless|\bunbounded (?:scale|scaling|throughput|capacity)|\bno matter how (?:much|big"
    r"|many|large)|\b\d+x or \d+x\b[^\n.]{0,20}(?:doesn'?t|does not) matter"
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


_STRONG = re.compile(
    r"\bstrong(?:ly)?[ -]consisten\w*|\blineari[sz]ab\w*|\bseriali[sz]ab\w*|\bacid\b|\b2pc\b"
    r"|two[- ]phase commit|distributed transactions?|\bsynchronous(?:ly)? (?:to|across|in) (?:every"
    r"|all) (?:region|countr)|synchronous (?:global|cross-region|commit|invalidation)|\bexactly "
    r"(?:the same|right|in sync)|\bidentical (?:\w+ )?(?:data|state|inventory|counts?|view|values?"
    r"|results|prices?|stock)|commit\w* (?:each |every )?(?:write )?(?:in|to|across) (?:all|every)"
    r" (?:\w+ )?regions?|\balways (?:exact|in sync|identical"
    r"|consistent|up to date)|\bin sync\b|\blatest write|\bnever (?:be )?stale|nothing is ever "
    r"stale|\bno (?:eventual consistency|inconsistency)|\bany inconsistency"
)
_UNIVERSAL = re.compile(
    r"\b(?:everything|everywhere|anywhere|all of it|every (?:read|write|reader|service|region"
    r"|table|item|microservice|country|replica|query|request|user|one)\w*|all (?:\w+ )?(?:reads"
    r"|writes|data|regions|services|tables|items|countries|users|readers|microservices|times"
    r"|clients)|any (?:read|reader|region)\b|for everyone|for all\b|at all times|across all"
    r"|globally|(?:whole|entire) (?:system|thing|catalog|db|database|platform|store)|everyone"
    r"|no eventual consistency)"
)
_BOUNDARY = re.compile(
    r"eventual(?:ly)?[ -]consisten\w*|(?:can|may|could) be (?:\w+ ){0,5}stale"
    r"|\bonly\b[^\n]{0,30}strong|\bstale (?:is|for) (?:fine|ok|okay|acceptable)"
    r"|(?:fine|ok|okay|acceptable) (?:to be|if) (?:\w+ ){0,3}stale"
    r"|\bonly (?:for|the|at|place|on|where|in)\b[^\n]{0,40}strong|strong[^\n]{0,60}\bonly\b"
    r"|\bexcept\b|\bexception\b|approximate (?:is )?(?:ok|fine)|last[- ]writer[- ]wins|seconds? stale"
)


def _has_boundary(analysis: Analysis) -> bool:
    """Whether the writer draws a consistency boundary anywhere (as a claim)."""
    return bool(claims(analysis.doc, _BOUNDARY))


def perfect_consistency(analysis: Analysis) -> Sentence | None:
    """Strong consistency demanded for everything, with no boundary drawn anywhere."""
    for sentence, match in claims(analysis.doc, _STRONG):
        clause = _clause_of(sentence.low, match.start() - sentence.start)
        if _UNIVERSAL.search(clause) and not _has_boundary(analysis):
            return sentence
    return None


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
    for sentence in analysis.doc.sentences:
        if sentence.stuffing or sentence.question or sentence.code:
            continue
        deferral = deferred_monitoring(sentence.low)
        if deferral is None:
            continue
        if _SECONDARY_MONITORING.search(sentence.low) and has_live_alarms(analysis):
            continue
        if in_quotes(sentence.low, deferral.start()) or is_warning(sentence.low):
            continue
        return sentence
    return None


_SECONDARY_MONITORING = re.compile(r"\b(?:more|additional|extra|fancier|deeper|advanced|tracing)\b")


_HUMAN = (
    r"(?:(?:the |our |a |an )?(?:[\w-]+ )?(?:team|ops|devs?|developers|engineers|support|on-?call"
    r"|people|managers|dispatchers|admins?|operators?|sres?|folks|humans?|staff|customer service)"
    r"|someone|somebody|whoever(?:'s| is)?(?: online| around)?|they|we)"
)
_HANDLE = re.compile(
    rf"\b{_HUMAN}\b[^\n;.]{{0,30}}?\b(?:will|'ll|can|should|would|to|just)\s+(?:\w+\s+){{0,2}}?"
    r"(?:handle|take care of|fix|notice|remember|clean(?: up)?|check|watch|keep an eye|figure"
    r"|sort|deal with|look after|re-?run|restart|switch|coordinate|reassign|make sure|step in"
    r"|jump in|eyeball|babysit|intervene)\b"
    r"|\bby hand\b|\bmanually\b"
)
_ANY_HUMAN = re.compile(rf"\b{_HUMAN}\b")
_WE_ONLY = re.compile(r"^we\b")
_MECHANISM = re.compile(
    r"\b(?:alarms?|alerts?|paged|pages|paging|runbooks?|playbooks?|scripts?|automat\w*|pipeline"
    r"|ci\b|cron|scheduled|reconciler|one-click|button|console|tool(?:ing)?|rotation"
    r"|approval step|sop|workflow)"
)


def team_will_handle(analysis: Analysis) -> Sentence | None:
    """People relied on to notice, fix or remember, with no mechanism around them."""
    for sentence, match in claims(analysis.doc, _HANDLE):
        text = match.group(0).strip()
        if text in ("by hand", "manually") and _ANY_HUMAN.search(sentence.low) is None:
            continue
        if _WE_ONLY.match(text) and not re.search(r"by hand|manually|remember|keep an eye|eyeball"
                                                    r"|figure|sort it|watch", sentence.low):
            continue
        if _MECHANISM.search(sentence.low):
            continue
        return sentence
    return None


DETECTORS: dict[str, Detector] = {
    "kubernetes_first": kubernetes_first,
    "infinite_scale": infinite_scale,
    "perfect_consistency": perfect_consistency,
    "monitor_later": monitor_later,
    "team_will_handle": team_will_handle,
}

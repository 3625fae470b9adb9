"""A check-worthiness score in 0..1 with the reasons behind it.

Statements of fact with numbers, comparisons, causes, predictions and named parties are what
fact-checkers pick; hedged statements and opinions are less checkable.
"""
from __future__ import annotations

import re

_NUM = re.compile(r"\d|\b(?:percent|per cent|million|billion|trillion|half|third|quarter|twice|"
                  r"double|triple|dozen|hundred|thousand)\b", re.I)
_COMPARE = re.compile(r"\b(?:more|less|fewer|most|least|biggest|largest|smallest|highest|lowest|"
                      r"best|worst|first|only|never|ever|record|than|fastest|slowest|increase[sd]?|"
                      r"decrease[sd]?|rose|fell|doubled|tripled)\b", re.I)
_PREDICT = re.compile(r"\b(?:will|won't|going to|expect(?:s|ed)?|forecast|predict(?:s|ed)?|next year|"
                      r"by 20\d\d|would)\b", re.I)
_CAUSE = re.compile(r"\b(?:because|caused?|causing|led to|lead to|leads to|due to|result(?:ed|s)? in|"
                    r"as a result|responsible for|blame[sd]?|thanks to)\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|perhaps|possibly|maybe|probably|likely|seems?|appears?|"
                    r"suggests?)\b", re.I)
_OPINION = re.compile(r"\b(?:I think|I believe|I feel|we believe|in my view|great|terrible|wonderful|"
                      r"awful|beautiful|disgrace\w*|amazing|horrible|love|hate|should|must|"
                      r"shame\w*|proud|hope)\b", re.I)
_QUESTION = re.compile(r"\?\s*[\"\u201d\u2019']?\s*$")


def score(content: str, entity_count: int = 0) -> tuple[float, list[str]]:
    s = 0.35
    reasons = []
    words = len(content.split())
    if _NUM.search(content):
        s += 0.25
        reasons.append("number or statistic")
    if _COMPARE.search(content):
        s += 0.12
        reasons.append("comparison or superlative")
    if _CAUSE.search(content):
        s += 0.1
        reasons.append("causal claim")
    if _PREDICT.search(content):
        s += 0.05
        reasons.append("prediction")
    if entity_count:
        s += min(0.1, 0.04 * entity_count)
        reasons.append("names entities")
    if _HEDGE.search(content):
        s -= 0.1
        reasons.append("hedged")
    if _OPINION.search(content):
        s -= 0.15
        reasons.append("opinion or exhortation")
    if _QUESTION.search(content):
        s -= 0.2
        reasons.append("question")
    if words < 5:
        s -= 0.15
        reasons.append("very short")
    return max(0.0, min(1.0, s)), reasons

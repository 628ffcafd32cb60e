"""Certification-tier contact limits: existing contacts plus new ones must fit the tier."""

from __future__ import annotations

from dataclasses import dataclass

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.report import Issue, LimitInfo
from crmkit.template import Template


@dataclass(frozen=True)
class Limit:
    """The most contacts allowed, and the tier it comes from (None: given as a number)."""

    tier: str | None
    label: str
    max: int


def choose_limit(template: Template, *, tier: str | None, limit: int | None) -> Limit:
    """`limit` if given, else `tier`'s limit, else the template's default tier's."""
    if limit is not None and tier is not None:
        raise CrmkitError("options.invalid", detail="give --tier or --limit, not both")
    if limit is not None:
        if limit < 1:
            raise CrmkitError("options.invalid", detail="--limit must be a positive number")
        return Limit(tier=None, label="自定义上限", max=limit)
    key = tier or template.default_tier
    if key is None:
        raise CrmkitError(
            "options.invalid", detail=f"template {template.name} names no tiers; pass --limit N"
        )
    found = template.tier(key)
    return Limit(tier=found.key, label=found.label, max=found.max)


def apply_limit(limit: Limit, *, existing: int, valid: int) -> LimitInfo:
    """How `valid` new rows fit beside `existing` contacts."""
    if existing < 0:
        raise CrmkitError("options.invalid", detail="--existing-count cannot be negative")
    remaining = max(limit.max - existing, 0)
    return LimitInfo(
        tier=limit.tier, tier_label=limit.label, max=limit.max, existing=existing,
        remaining=remaining, exceeded=valid > remaining,
    )


def limit_issue(info: LimitInfo, overflow: int) -> Issue | None:
    """The file-level `limit.exceeded` issue, when rows overflow."""
    if not info.exceeded:
        return None
    return Issue(
        code="limit.exceeded",
        params={
            "existing": info.existing,
            "tier_label": Bilingual(info.tier_label, info.tier or "custom"),
            "max": info.max,
            "remaining": info.remaining,
            "overflow": overflow,
        },
    )

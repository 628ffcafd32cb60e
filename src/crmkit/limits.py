"""Certification-tier contact limits: existing contacts plus new ones must fit the tier."""

from __future__ import annotations

from dataclasses import dataclass

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.report import Issue, LimitInfo
from crmkit.template import Template


@dataclass(frozen=True)
class Limit:
    """The most contacts allowed, the tier it comes from (None: given as a number), and the
    contacts already in the CRM that count toward it."""

    tier: str | None
    label: str
    max: int
    existing: int = 0


def choose_limit(
    template: Template, *, tier: str | None, limit: int | None, existing: int = 0
) -> Limit:
    """`limit` if given, else `tier`'s limit, else the template's default tier's."""
    if existing < 0:
        raise _bad("--existing-count 不能是负数", "--existing-count cannot be negative")
    if limit is not None and tier is not None:
        raise _bad("--tier 和 --limit 只能给一个", "give --tier or --limit, not both")
    if limit is not None:
        if limit < 1:
            raise _bad("--limit 必须是正整数", "--limit must be a positive number")
        return Limit(tier=None, label="自定义", max=limit, existing=existing)
    key = tier or template.default_tier
    if key is None:
        raise _bad(f"模板 {template.name} 没有认证等级，请用 --limit 给出上限",
                   f"template {template.name} names no tiers; pass --limit N")
    found = template.tier(key)
    return Limit(tier=found.key, label=found.label, max=found.max, existing=existing)


def apply_limit(limit: Limit, *, valid: int) -> LimitInfo:
    """How `valid` new rows fit beside the existing contacts."""
    remaining = max(limit.max - limit.existing, 0)
    return LimitInfo(
        tier=limit.tier, tier_label=limit.label, max=limit.max, existing=limit.existing,
        remaining=remaining, exceeded=valid > remaining,
    )


def _bad(zh: str, en: str) -> CrmkitError:
    return CrmkitError("options.invalid", detail=Bilingual(zh, en))


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

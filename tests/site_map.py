"""Every URL pattern of the site, and how to fill its path parameters with real demo objects or other values."""

import re

from django.urls import URLResolver, get_resolver

from accounts.models import ApiKey
from appeals.models import AISystem, Appeal, Assignment, Attachment, Decision, Recommendation
from audits.models import Audit, AuditReport
from consultation.models import Comment, Statement, Suggestion
from digests.models import Follow
from ledger.models import Entry
from webhooks.models import Delivery, Endpoint


def routes() -> list[str]:
    """(route, pattern) for every endpoint, as the resolver sees them (admin and allauth included)."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern)

    return list(walk(get_resolver(), "/"))


def fill(route: str, values: dict) -> str:
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(values[m.group(1) or "str"](m.group(2), route)), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values["regex"](m.group(1), route)), path)
    return path.replace("^", "").replace("$", "")


def demo_path_values() -> dict:
    """Per converter, a function (parameter name, route) -> a value naming a real demo object (the `demo` fixture)."""
    comment = Comment.objects.select_related("version__guideline__organization").order_by("pk").first()
    version = comment.version
    by_kind = {
        "comments": comment.pk,
        "decisions": Decision.objects.order_by("pk").first().pk,
        "reviewing": Assignment.objects.order_by("pk").first().pk,
        "attachments": Attachment.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "audits": Audit.objects.order_by("pk").first().pk,
        "recommendations": Recommendation.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "clusters": comment.cluster_id,
        "bursts": comment.cluster_id,
        "follows": Follow.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "suggestions": Suggestion.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "statements": Statement.objects.order_by("pk").first().pk,
        "webhooks": Endpoint.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "api-keys": ApiKey.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
    }
    size = Entry.objects.count()
    ints = {
        "number": version.number,
        "other": version.number,
        "seq": 1,
        "size": size,
        "tree_size": size,
        "report": AuditReport.objects.order_by("pk").first().pk,
        "attachment": by_kind["attachments"],
        "delivery": Delivery.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
    }
    ints |= {"year": comment.created_at.year, "quarter": (comment.created_at.month - 1) // 3 + 1}
    first_clause = version.clauses.order_by("position").first()
    recommendation = Recommendation.objects.order_by("pk").values_list("public_id", flat=True).first() or "A-1-R1"
    strings = {"key": first_clause.key, "public_id": recommendation}
    organization = version.guideline.organization
    slugs = {"org": organization.slug, "system": AISystem.objects.filter(organization=organization).first().slug}
    return {
        "slug": lambda name, route: slugs.get(name, version.guideline.slug),
        "int": lambda name, route: ints.get(name) or by_kind[_kind_of(route)],
        "str": lambda name, route: strings.get(name, "entries.csv"),
        "path": lambda name, route: "1",
        "public_id": lambda name, route: Appeal.objects.order_by("pk").first().public_id,
        "regex": lambda name, route: {"app_label": "accounts", "url": "", "uidb36": "1"}.get(name, "key"),
    }


def _kind_of(route: str) -> str:
    kinds = [
        "webhooks",
        "follows",
        "audits",
        "attachments",
        "comments",
        "decisions",
        "reviewing",
        "recommendations",
        "clusters",
        "bursts",
        "suggestions",
        "statements",
        "api-keys",
    ]
    return next(kind for kind in kinds if kind in route)

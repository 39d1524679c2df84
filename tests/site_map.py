"""Every URL pattern of the site, and how to fill its path parameters with real demo objects or other values."""

import io
import re

from django.core.management import call_command
from django.urls import URLResolver, get_resolver

from appeals.models import Appeal, Assignment, Attachment, Decision
from consultation.models import Comment
from ledger.models import Entry


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
    """Seeds the demo data; per converter, a function (parameter name, route) -> a value naming a real object."""
    call_command("seed_demo", stdout=io.StringIO())
    comment = Comment.objects.select_related("version__guideline__organization").order_by("pk").first()
    version = comment.version
    by_kind = {
        "comments": comment.pk,
        "decisions": Decision.objects.order_by("pk").first().pk,
        "reviewing": Assignment.objects.order_by("pk").first().pk,
        "attachments": Attachment.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "clusters": comment.cluster_id,
        "bursts": comment.cluster_id,
    }
    size = Entry.objects.count()
    ints = {"number": version.number, "other": version.number, "seq": 1, "size": size, "tree_size": size}
    first_clause = version.clauses.order_by("position").first()
    return {
        "slug": lambda name, route: version.guideline.organization.slug if name == "org" else version.guideline.slug,
        "int": lambda name, route: ints.get(name) or by_kind[_kind_of(route)],
        "str": lambda name, route: first_clause.key if name == "key" else "entries.csv",
        "path": lambda name, route: "1",
        "public_id": lambda name, route: Appeal.objects.order_by("pk").first().public_id,
        "regex": lambda name, route: {"app_label": "accounts", "url": "", "uidb36": "1"}.get(name, "key"),
    }


def _kind_of(route: str) -> str:
    return next(
        kind for kind in ["attachments", "comments", "decisions", "reviewing", "clusters", "bursts"] if kind in route
    )

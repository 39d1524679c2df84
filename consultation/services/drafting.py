"""Drafting: guidelines, draft versions, their clauses, and drafts imported from Markdown.

Nothing here is on the public record: a draft becomes public when its comment period is scheduled.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Organization, User
from consultation.models import (
    CLAUSE_TEXT_LENGTH,
    HEADING_LENGTH,
    LONG_TEXT_LENGTH,
    MAX_CLAUSES,
    MAX_IMPORT_CHARS,
    Clause,
    Guideline,
    GuidelineVersion,
    validate_clause_key,
)
from consultation.services.common import clean_tags, clean_text, locked_draft, require_publisher
from core.markdown import render_markdown

CLAUSE_HEADING = re.compile(r"^##\s+(\S+)\s+(.+?)\s*#*\s*$")
TAGS_LINE = re.compile(r"^tags:\s*(.*)$", re.IGNORECASE)


@transaction.atomic
def create_guideline(
    *, organization: Organization, slug: str, title: str, description: str = "", by: User
) -> Guideline:
    require_publisher(by, organization)
    guideline = Guideline(
        organization=organization, slug=(slug or "").strip(), title=(title or "").strip(), description=description or ""
    )
    guideline.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    if Guideline.objects.filter(organization=organization, slug=guideline.slug).exists():
        raise ValidationError({"slug": f"{organization.name} already has a guideline at '{guideline.slug}'."})
    guideline.save()
    return guideline


def _new_draft(guideline: Guideline, summary_of_changes: str) -> GuidelineVersion:
    summary = clean_text(
        summary_of_changes, field="summary_of_changes", label="The summary", max_length=LONG_TEXT_LENGTH, required=False
    )
    Guideline.objects.select_for_update().get(pk=guideline.pk)
    if guideline.versions.filter(status=GuidelineVersion.DRAFT).exists():
        raise ValidationError("This guideline already has a draft. Edit it, or schedule its comment period first.")
    latest = guideline.versions.order_by("-number").first()
    return GuidelineVersion.objects.create(
        guideline=guideline,
        number=(latest.number + 1) if latest else 1,
        based_on=latest,
        summary_of_changes=summary,
        summary_html=render_markdown(summary),
    )


@transaction.atomic
def create_draft_version(*, guideline: Guideline, summary_of_changes: str = "", by: User) -> GuidelineVersion:
    """A new draft that starts as a copy of the latest version's clauses."""
    require_publisher(by, guideline.organization)
    version = _new_draft(guideline, summary_of_changes)
    if version.based_on:
        Clause.objects.bulk_create(
            Clause(
                version=version,
                key=c.key,
                heading=c.heading,
                text=c.text,
                text_html=c.text_html,
                position=c.position,
                tags=c.tags,
            )
            for c in version.based_on.clauses.all()
        )
    return version


@transaction.atomic
def create_version_with_clauses(
    *, guideline: Guideline, clauses: list[dict], summary_of_changes: str = "", by: User
) -> GuidelineVersion:
    """A new draft whose clauses are given whole (API and Markdown import)."""
    require_publisher(by, guideline.organization)
    rows = _validated_clauses(clauses)
    version = _new_draft(guideline, summary_of_changes)
    Clause.objects.bulk_create(
        Clause(version=version, position=index, text_html=render_markdown(row["text"]), **row)
        for index, row in enumerate(rows)
    )
    return version


def _validated_clauses(clauses: list[dict]) -> list[dict]:
    if not clauses:
        raise ValidationError({"clauses": "A version needs at least one clause."})
    if len(clauses) > MAX_CLAUSES:
        raise ValidationError({"clauses": f"A version has at most {MAX_CLAUSES} clauses."})
    rows, seen = [], set()
    for raw in clauses:
        key = (raw.get("key") or "").strip()
        try:
            validate_clause_key(key)
        except ValidationError as error:
            raise ValidationError({"clauses": error.messages}) from error
        if key in seen:
            raise ValidationError({"clauses": f"The clause key {key} appears twice; keys are unique in a version."})
        seen.add(key)
        heading = clean_text(
            raw.get("heading"), field="clauses", label=f"The heading of {key}", max_length=HEADING_LENGTH
        )
        text = clean_text(raw.get("text"), field="clauses", label=f"The text of {key}", max_length=CLAUSE_TEXT_LENGTH)
        rows.append({"key": key, "heading": heading, "text": text, "tags": clean_tags(raw.get("tags"))})
    return rows


def parse_markdown_clauses(markdown: str) -> list[dict]:
    """Split one Markdown document into clauses: every `## R-1.1 Title` heading starts one.

    A `# Title` line before the first clause is allowed; any other text there is refused, so
    nothing the publisher wrote is silently dropped. A `Tags: a, b` line right under a
    clause heading sets its tags.
    """
    if len(markdown or "") > MAX_IMPORT_CHARS:
        raise ValidationError({"markdown": f"The document is longer than {MAX_IMPORT_CHARS:,} characters."})
    clauses: list[dict] = []
    for number, line in enumerate((markdown or "").splitlines(), start=1):
        heading = CLAUSE_HEADING.match(line)
        if line.startswith("## ") or line.strip() == "##":
            if not heading:
                raise ValidationError({"markdown": f"Line {number}: a clause heading looks like '## R-1.1 Title'."})
            key = heading.group(1)
            try:
                validate_clause_key(key)
            except ValidationError as error:
                raise ValidationError({"markdown": f"Line {number}: {error.messages[0]}"}) from error
            clauses.append({"key": key, "heading": heading.group(2), "lines": [], "tags": []})
        elif clauses:
            tags = TAGS_LINE.match(line.strip())
            if tags and not any(existing.strip() for existing in clauses[-1]["lines"]):
                clauses[-1]["tags"] = clean_tags(tags.group(1))
            else:
                clauses[-1]["lines"].append(line)
        elif line.strip() and not line.startswith("# "):
            raise ValidationError(
                {"markdown": f"Line {number}: text before the first clause. Start each clause with '## R-1.1 Title'."}
            )
    if not clauses:
        raise ValidationError({"markdown": "No clauses found. Start each clause with a heading like '## R-1.1 Title'."})
    return [
        {"key": c["key"], "heading": c["heading"], "text": "\n".join(c["lines"]).strip(), "tags": c["tags"]}
        for c in clauses
    ]


def import_draft_from_markdown(
    *, guideline: Guideline, markdown: str, summary_of_changes: str = "", by: User
) -> GuidelineVersion:
    require_publisher(by, guideline.organization)
    clauses = parse_markdown_clauses(markdown)
    try:
        return create_version_with_clauses(
            guideline=guideline, clauses=clauses, summary_of_changes=summary_of_changes, by=by
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "clauses" in error.error_dict:
            raise ValidationError({"markdown": error.error_dict["clauses"]}) from error
        raise


@transaction.atomic
def add_clause(
    *, version: GuidelineVersion, key: str, heading: str, text: str, tags: str | list[str] | None = None, by: User
) -> Clause:
    require_publisher(by, version.guideline.organization)
    version = locked_draft(version)
    key = (key or "").strip()
    try:
        validate_clause_key(key)
    except ValidationError as error:
        raise ValidationError({"key": error.messages}) from error
    if version.clauses.filter(key=key).exists():
        raise ValidationError({"key": f"This version already has a clause {key}."})
    if version.clauses.count() >= MAX_CLAUSES:
        raise ValidationError(f"A version has at most {MAX_CLAUSES} clauses.")
    position = (version.clauses.aggregate(last=Max("position"))["last"] or 0) + 1
    text = clean_text(text, field="text", label="The text", max_length=CLAUSE_TEXT_LENGTH)
    return Clause.objects.create(
        version=version,
        key=key,
        heading=clean_text(heading, field="heading", label="The heading", max_length=HEADING_LENGTH),
        text=text,
        text_html=render_markdown(text),
        tags=clean_tags(tags),
        position=position,
    )


@transaction.atomic
def edit_clause(*, clause: Clause, heading: str, text: str, tags: str | list[str] | None = None, by: User) -> Clause:
    """Change a draft clause's heading, text or tags. Its key stays: keys keep their meaning."""
    require_publisher(by, clause.version.guideline.organization)
    locked_draft(clause.version)
    clause.heading = clean_text(heading, field="heading", label="The heading", max_length=HEADING_LENGTH)
    clause.text = clean_text(text, field="text", label="The text", max_length=CLAUSE_TEXT_LENGTH)
    clause.text_html = render_markdown(clause.text)
    clause.tags = clean_tags(tags)
    clause.save(update_fields=["heading", "text", "text_html", "tags"])
    return clause


@transaction.atomic
def remove_clause(*, clause: Clause, by: User) -> None:
    require_publisher(by, clause.version.guideline.organization)
    locked_draft(clause.version)
    clause.delete()


@transaction.atomic
def reorder_clause(*, clause: Clause, direction: str, by: User) -> None:
    """Move a draft clause one place up or down."""
    require_publisher(by, clause.version.guideline.organization)
    version = locked_draft(clause.version)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a clause up or down."})
    ordered = list(version.clauses.order_by("position", "pk"))
    index = next(i for i, c in enumerate(ordered) if c.pk == clause.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Clause.objects.bulk_update(ordered, ["position"])

"""Refusal statements an organization reports through its API (statements:write), in the DSA statement-of-reasons
shape (appeals.dsa): all of a batch or none of it, idempotent by puid, one record entry per accepted batch."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import permissions
from accounts.models import ApiKey, Organization
from appeals import dsa
from appeals.models import AISystem, RefusalStatement
from consultation.models import Clause, Guideline
from ledger.kinds import EntryKind
from ledger.services import append

CREATED, EXISTING = "created", "existing"


class BatchRefused(Exception):
    """The batch is refused as a whole: `errors` maps a statement's index to its problems by field. `conflict` is
    when the only problem is puids already used for other statements (HTTP 409 rather than 400)."""

    def __init__(self, errors: dict[str, dict[str, list[str]]], *, conflict: bool = False):
        super().__init__("The batch was refused; nothing was stored.")
        self.errors, self.conflict = errors, conflict


@dataclass
class Report:
    statements: list[RefusalStatement]
    outcomes: list[str]  # CREATED or EXISTING, by index
    batch_sha256: str

    @property
    def created(self) -> int:
        return self.outcomes.count(CREATED)


def canonical(value: Any) -> str:
    """The one JSON spelling of a statement or a batch whose SHA-256 is stored and on the record."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def report_refusal_statements(*, organization: Organization, statements: list[dict[str, Any]], by) -> Report:
    """Store the statements not stored before, as one batch. Each statement is a checked DSA statement as sent
    (appeals.refusal_statement_api.StatementInput), plus our `ai_system` and optional `guideline` and `clause`.

    Raises BatchRefused naming every bad statement by index; PermissionDenied without the scope."""
    if refusal := permissions.key_refusal(by, ApiKey.STATEMENTS_WRITE, organization):
        raise PermissionDenied(refusal)
    batch_sha256 = sha256_of(statements)
    with transaction.atomic():
        # One batch of an organization at a time, so two batches carrying the same new puid cannot both store it.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        mapper = _Mapper(organization)
        rows = mapper.rows(statements, batch_sha256, by.api_key)
        stored = RefusalStatement.objects.filter(organization=organization, puid__in=[r.puid for r in rows])
        existing = {statement.puid: statement for statement in stored}
        outcomes, new = [], []
        errors: dict[str, dict[str, list[str]]] = {}
        first_of: dict[str, RefusalStatement] = {}
        for index, row in enumerate(rows):
            earlier = existing.get(row.puid) or first_of.get(row.puid)
            if earlier is not None and earlier.statement_sha256 != row.statement_sha256:
                errors[str(index)] = {"puid": [f"The puid {row.puid!r} was already used for another statement."]}
            elif earlier is not None:
                outcomes.append(EXISTING)
            else:
                first_of[row.puid] = row
                new.append(row)
                outcomes.append(CREATED)
        if errors:
            raise BatchRefused(errors, conflict=True)
        RefusalStatement.objects.bulk_create(new, batch_size=500)
        if new:
            append(
                kind=EntryKind.REFUSALS_REPORTED,
                subject=f"organization:{organization.slug}",
                payload={
                    "organization": organization.slug,
                    "count": len(new),
                    "batch_sha256": batch_sha256,
                    "counts": _counts(new, mapper.clauses),
                },
            )
    answered = [existing.get(row.puid) or first_of[row.puid] for row in rows]
    return Report(statements=answered, outcomes=outcomes, batch_sha256=batch_sha256)


class _Mapper:
    """Names to rows: the organization's systems, guidelines and clause keys, loaded once for the whole batch."""

    def __init__(self, organization: Organization):
        self.organization = organization
        self.systems = {s.slug: s for s in AISystem.objects.filter(organization=organization)}
        self.guidelines = {g.slug: g for g in Guideline.objects.filter(organization=organization)}
        self.clauses: dict[tuple[str, str], list[str]] = {}
        ordered = Clause.objects.filter(version__guideline__organization=organization).order_by("version__number")
        for slug, key, tags in ordered.values_list("version__guideline__slug", "key", "tags"):
            self.clauses[(slug, key)] = sorted({str(tag).lower() for tag in tags or []})  # the newest version's tags

    def rows(self, statements: list[dict[str, Any]], batch_sha256: str, key: ApiKey) -> list[RefusalStatement]:
        rows, errors = [], {}
        for index, statement in enumerate(statements):
            problems: dict[str, list[str]] = {}
            row = self._row(statement, problems)
            if problems:
                errors[str(index)] = problems
            elif row is not None:
                row.batch_sha256, row.api_key = batch_sha256, key
                rows.append(row)
        if errors:
            raise BatchRefused(errors)
        return rows

    def _row(self, statement: dict[str, Any], problems: dict[str, list[str]]) -> RefusalStatement | None:
        name = self.organization.name
        system = self.systems.get(statement[dsa.AI_SYSTEM])
        if system is None:
            problems[dsa.AI_SYSTEM] = [f"{name} has no AI system '{statement[dsa.AI_SYSTEM]}'."]
        guideline = self._guideline(statement.get(dsa.GUIDELINE), problems)
        clause = statement.get("clause") or statement.get("incompatible_content_ground", "")
        if guideline is not None and (guideline.slug, clause) not in self.clauses:
            field = "clause" if statement.get("clause") else "incompatible_content_ground"
            problems[field] = [f"The guideline '{guideline.slug}' has no clause '{clause}'."]
        if problems or system is None or guideline is None:
            return None
        return RefusalStatement(
            organization=self.organization,
            system=system,
            guideline_slug=guideline.slug,
            clause_key=clause,
            puid=statement["puid"],
            statement_sha256=sha256_of(statement),
            statement=statement,
            decision_ground=statement["decision_ground"],
            category=statement["category"],
            application_date=statement["application_date"],
            content_date=statement["content_date"],
            automated_decision=statement["automated_decision"],
        )

    def _guideline(self, slug: str | None, problems: dict[str, list[str]]) -> Guideline | None:
        if slug:
            if slug not in self.guidelines:
                problems[dsa.GUIDELINE] = [f"{self.organization.name} has no guideline '{slug}'."]
            return self.guidelines.get(slug)
        if len(self.guidelines) != 1:
            problems[dsa.GUIDELINE] = ["Name the guideline whose clause the refusal cited."]
            return None
        return next(iter(self.guidelines.values()))


def _counts(rows: list[RefusalStatement], topics: dict[tuple[str, str], list[str]]) -> list[dict[str, Any]]:
    """How many new statements per system, guideline, clause and month (of application_date), with the clause's
    topics: all the statistics fold needs, so it reads no table to count them."""
    counted = Counter((r.system.slug, r.guideline_slug, r.clause_key, str(r.application_date)[:7]) for r in rows)
    return [
        {
            "system": system,
            "guideline": guideline,
            "clause": clause,
            "topics": topics.get((guideline, clause), []),
            "month": month,
            "count": count,
        }
        for (system, guideline, clause, month), count in sorted(counted.items())
    ]

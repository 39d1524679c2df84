"""Duplicate appeals are refused by a database constraint, not by a check followed by an insert: one open appeal
per appellant and refusal (the same system, moment and refusal text), whatever the requests' interleaving."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import file
from tests.test_idempotency import at_once


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_filings_of_one_refusal_make_one_appeal(citizen, system, guideline):
    happened_at = timezone.now() - timedelta(days=1)

    def filing() -> str:
        """The appeal's id, or the refusal naming it when this filing's check saw another one committed first."""
        try:
            return file(citizen, system, guideline, happened_at=happened_at).public_id
        except ValidationError as refusal:
            return refusal.message_dict["duplicate"][0]

    answers = at_once(filing)
    public_id = Appeal.objects.get().public_id
    assert all(answer is not None and public_id in answer for answer in answers), answers
    assert Entry.objects.filter(kind=EntryKind.APPEAL_FILED.value).count() == 1


def test_the_constraint_refuses_a_second_open_appeal_of_the_same_refusal(citizen, system, guideline):
    first = file(citizen, system, guideline)
    second = file(citizen, system, guideline, refusal_excerpt="Another refusal.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=second.pk).update(refusal_key=first.refusal_key)


def test_a_confirmed_second_appeal_and_a_refiling_after_withdrawal_are_allowed(citizen, system, guideline):
    first = file(citizen, system, guideline)
    happened_at = first.refusal.happened_at
    second = file(citizen, system, guideline, happened_at=happened_at, allow_duplicate=True)
    assert second.refusal_key is None
    services.withdraw_appeal(appeal=first, by=citizen)
    services.withdraw_appeal(appeal=second, by=citizen)
    again = file(citizen, system, guideline, happened_at=happened_at)
    assert again.refusal_key == first.refusal_key


def test_the_migration_keys_the_first_open_appeal_of_each_refusal(citizen, system, guideline):
    first = file(citizen, system, guideline)
    second = file(citizen, system, guideline, happened_at=first.refusal.happened_at, allow_duplicate=True)
    Appeal.objects.update(refusal_key=None)
    import_module("appeals.migrations.0012_one_open_appeal_per_refusal").key_existing_appeals(apps, None)
    keys = dict(Appeal.objects.values_list("pk", "refusal_key"))
    assert keys == {
        first.pk: Appeal.refusal_key_for(
            system_id=system.pk, happened_at=first.refusal.happened_at, refusal_excerpt=first.refusal.refusal_excerpt
        ),
        second.pk: None,
    }

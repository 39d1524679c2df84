from django.contrib.auth.models import AnonymousUser

from accounts.permissions import (
    can_publish_for,
    is_citizen,
    is_moderator,
    is_reviewer,
    moderation_conflict,
    publisher_organizations,
)
from tests.factories import MembershipFactory


def test_a_verified_person_is_a_citizen(citizen):
    assert is_citizen(citizen)


def test_an_unverified_person_is_not_a_citizen(unverified):
    assert not is_citizen(unverified)


def test_a_visitor_has_no_role():
    visitor = AnonymousUser()
    assert not is_citizen(visitor)
    assert not is_moderator(visitor)
    assert not is_reviewer(visitor)


def test_a_publisher_publishes_for_their_organization_only(publisher, organization, other_organization):
    assert can_publish_for(publisher, organization)
    assert not can_publish_for(publisher, other_organization)
    assert list(publisher_organizations(publisher)) == [organization]


def test_other_roles_cannot_publish(citizen, moderator, reviewer, organization):
    for person in (citizen, moderator, reviewer):
        assert not can_publish_for(person, organization)


def test_a_deactivated_publisher_cannot_publish(publisher, organization):
    publisher.is_active = False
    publisher.save()
    assert not can_publish_for(publisher, organization)


def test_only_moderators_moderate(moderator, citizen, publisher):
    assert is_moderator(moderator)
    assert not is_moderator(citizen)
    assert not is_moderator(publisher)


def test_an_inactive_reviewer_profile_is_not_a_reviewer(reviewer, citizen):
    assert is_reviewer(reviewer)
    assert not is_reviewer(citizen)
    reviewer.reviewer_profile.active = False
    reviewer.reviewer_profile.save()
    assert not is_reviewer(reviewer)


def test_a_free_moderator_has_no_conflict(moderator, citizen, organization):
    assert moderation_conflict(moderator, organization=organization, author_id=citizen.pk) == ""


def test_moderating_is_refused_to_non_moderators(citizen, publisher, organization):
    for person in (citizen, publisher, AnonymousUser()):
        assert moderation_conflict(person, organization=organization, author_id=None) == "Only moderators may do this."


def test_a_moderator_never_moderates_their_own_item(moderator, organization):
    conflict = moderation_conflict(moderator, organization=organization, author_id=moderator.pk)
    assert conflict == "This is your own; another moderator must handle it."


def test_a_moderator_never_moderates_for_an_organization_they_publish_for(moderator, organization, other_organization):
    MembershipFactory(user=moderator, organization=organization)
    conflict = moderation_conflict(moderator, organization=organization, author_id=None)
    assert conflict == "You publish for Acme AI, so another moderator must handle this."
    assert moderation_conflict(moderator, organization=other_organization, author_id=None) == ""


def test_a_moderator_never_moderates_an_appeal_they_reviewed(moderator, organization):
    conflict = moderation_conflict(moderator, organization=organization, author_id=None, reviewed=True)
    assert conflict == "You reviewed this appeal, so another moderator must handle it."

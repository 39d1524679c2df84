from django.contrib.auth.models import AnonymousUser

from accounts.permissions import can_publish_for, is_citizen, is_moderator, is_reviewer, publisher_organizations


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

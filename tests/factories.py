import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organization, ReviewerProfile, User
from consultation.models import Clause, Guideline, GuidelineVersion
from core.markdown import render_markdown

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email, unless verified=False."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=extracted is not False)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"reviewer-{n}")
    expertise = factory.LazyFunction(list)
    capacity = 3


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guideline

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"guideline-{n}")
    title = factory.Sequence(lambda n: f"Refusal guideline {n}")
    description = "When the assistant declines a request."


class GuidelineVersionFactory(factory.django.DjangoModelFactory):
    """A version; status defaults to final so it is public and citable."""

    class Meta:
        model = GuidelineVersion

    guideline = factory.SubFactory(GuidelineFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = GuidelineVersion.FINAL
    published_at = factory.LazyFunction(timezone.now)


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause

    version = factory.SubFactory(GuidelineVersionFactory)
    key = factory.Sequence(lambda n: f"R-{n + 1}.1")
    heading = factory.Sequence(lambda n: f"Clause {n + 1}")
    text = "The assistant declines requests for **dangerous** instructions."
    text_html = factory.LazyAttribute(lambda clause: render_markdown(clause.text))
    position = factory.Sequence(lambda n: n)

"""Input the API shares wherever people write in public: whose voice it is (accounts.assurance)."""

from rest_framework import serializers

from accounts.models import ORGANIZATION_SLUG_LENGTH, Organization


class SpeaksAsInput(serializers.Serializer):
    """`as_organization`: a publisher posts as the organization itself; the service checks they may."""

    as_organization = serializers.SlugField(
        max_length=ORGANIZATION_SLUG_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="A publisher posts as the organization itself (its slug): the comment's assurance is `organization`.",
    )

    def validate_as_organization(self, slug: str) -> Organization | None:
        if not slug:
            return None
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise serializers.ValidationError("There is no such organization.")
        return organization

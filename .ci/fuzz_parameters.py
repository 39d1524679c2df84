# Prints schemathesis settings for .ci/fuzz's citizen run (run with `manage.py shell -c`): path parameters that
# name real demo objects, so generated queries and bodies reach the views behind the lookups.
from django.utils import timezone

from appeals.models import Appeal
from consultation.models import Comment

now = timezone.now()
comment = (
    Comment.objects.filter(
        parent=None, version__comment_period__opens_at__lte=now, version__comment_period__closes_at__gt=now
    )
    .select_related("version__guideline__organization")
    .order_by("pk")
    .first()
)
appeal = Appeal.objects.order_by("pk").first()
parameters = {
    "path.org": f'"{comment.version.guideline.organization.slug}"',
    "path.slug": f'"{comment.version.guideline.slug}"',
    "path.number": comment.version.number,
    "path.id": comment.pk,
    "path.public_id": f'"{appeal.public_id}"',
}
print("[parameters]")
for name, value in parameters.items():
    print(f'"{name}" = {value}')

"""`{% follow_form thing %}`: the follow button and its frequency, on the pages of apps below digests."""

from django import template
from django.urls import reverse

from consultation.models import Guideline, GuidelineVersion
from digests.forms import FollowForm
from digests.models import Follow
from digests.services.following import Followable, follow_of, target_field

register = template.Library()

NAMES = {"guideline": "this guideline", "version": "this consultation", "appeal": "this appeal"}


def follow_url(target: Followable) -> str:
    if isinstance(target, Guideline):
        return reverse("guideline-follow", args=[target.organization.slug, target.slug])
    if isinstance(target, GuidelineVersion):
        guideline = target.guideline
        return reverse("version-follow", args=[guideline.organization.slug, guideline.slug, target.number])
    return reverse("appeal-follow", args=[target.public_id])


@register.inclusion_tag("digests/includes/follow.html", takes_context=True)
def follow_form(context, target: Followable) -> dict:
    request = context["request"]
    what = target_field(target)
    follow = follow_of(target, request.user)
    return {
        "request": request,
        "user": request.user,
        "target": target,
        "what": what,
        "name": NAMES[what],
        "follow": follow,
        "form": FollowForm(
            initial={"frequency": follow.frequency if follow else Follow.IMMEDIATE}, auto_id=f"follow-{what}-%s"
        ),
        "action": follow_url(target),
    }

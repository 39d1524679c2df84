"""Following (buttons on guideline, consultation and appeal pages), the follows page, and unsubscribing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from appeals.models import Appeal
from consultation import selectors
from core.forms import REFUSED, first_error, run_service
from core.redirects import next_url
from digests.forms import FREQUENCY_CHOICES, FollowForm, FrequencyForm
from digests.models import Follow, MailOptOut
from digests.services import following as service
from digests.services.following import Followable

FOLLOWED = {
    Follow.IMMEDIATE: "we will email you when it opens and closes",
    "appeal": "we will email you at each step of it",
    Follow.DAILY: "we will email you a daily digest of what happened",
    Follow.WEEKLY: "we will email you a weekly digest of what happened",
}


def _follow_or_unfollow(request, target: Followable, title: str):
    form = FollowForm(request.POST)
    if form.is_valid() and form.cleaned_data["action"] == "unfollow":
        service.unfollow(target=target, by=request.user)
        messages.success(request, f"You no longer follow {title}.")
    elif (
        form.is_valid()
        and run_service(
            form,
            service.follow,
            shown=REFUSED,
            target=target,
            frequency=form.cleaned_data["frequency"],
            by=request.user,
        )
        is not None
    ):
        frequency = form.cleaned_data["frequency"]
        told = FOLLOWED["appeal" if isinstance(target, Appeal) and frequency == Follow.IMMEDIATE else frequency]
        messages.success(request, f"You follow {title}: {told}.")
    else:
        messages.error(request, first_error(form))
    return redirect(next_url(request, target.get_absolute_url()))


@require_POST
@login_required
def follow_guideline(request, org: str, slug: str):
    guideline = selectors.visible_guideline(request.user, org=org, slug=slug)
    return _follow_or_unfollow(request, guideline, guideline.title)


@require_POST
@login_required
def follow_version(request, org: str, slug: str, number: int):
    version = selectors.visible_version(request.user, org=org, slug=slug, number=number)
    return _follow_or_unfollow(request, version, f"the consultation on {version.guideline.title} v{version.number}")


@require_POST
@login_required
def follow_appeal(request, public_id: str):
    appeal = get_object_or_404(Appeal, public_id=public_id)
    return _follow_or_unfollow(request, appeal, f"appeal {appeal.public_id}")


@login_required
def follows(request):
    context = {
        "follows": list(Follow.objects.with_targets().filter(user=request.user)),
        "opted_out": MailOptOut.objects.covers(request.user.email),
        "choices": FREQUENCY_CHOICES,
    }
    return render(request, "digests/follows.html", context)


@require_POST
@login_required
def change_follow(request, pk: int):
    # Somebody else's follow is answered like one that does not exist.
    follow = get_object_or_404(Follow.objects.with_targets(), pk=pk, user=request.user)
    form = FrequencyForm(request.POST)
    if form.is_valid() and form.cleaned_data["frequency"] == "stop":
        service.stop_following(follow=follow, by=request.user)
        messages.success(request, f"You no longer follow {follow.describe()}.")
    elif form.is_valid():
        service.change_frequency(follow=follow, frequency=form.cleaned_data["frequency"], by=request.user)
        messages.success(request, f"Email about {follow.describe()}: {follow.get_frequency_display().lower()}.")
    else:
        messages.error(request, first_error(form))
    return redirect("follows")


@require_POST
@login_required
def resume_mail(request):
    service.resume_mail(by=request.user)
    messages.success(request, "We will email you again about what you follow.")
    return redirect("follows")


# Mail providers post the one-click unsubscribe (RFC 8058) with no cookie and no CSRF token; the signed token is
# what proves the request. GET only shows the button: mail scanners follow links, and must not unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        _, follow, stops = service.unsubscribe_scope(token)
    except signing.BadSignature:
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        return render(request, "digests/unsubscribed.html", {"stopped": service.unsubscribe(token=token)})
    return render(request, "digests/unsubscribe.html", {"stops": stops, "follow": follow})

"""The site's search page."""

from django.shortcuts import render

from core.ratelimit import SEARCH_LIMIT_MESSAGE, too_many_searches
from finding import selectors
from finding.forms import SearchForm


def search(request):
    form = SearchForm(request.GET or None)
    context: dict = {"form": form, "limited": "", "found": []}
    if not form.is_bound:
        return render(request, "finding/search.html", context)
    if too_many_searches(request):
        context["limited"] = SEARCH_LIMIT_MESSAGE
        response = render(request, "finding/search.html", context, status=429)
        response["Retry-After"] = "60"
        return response
    if not form.is_valid():
        return render(request, "finding/search.html", context, status=400)
    q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    context |= {
        "q": q,
        "kind": kind,
        "found": selectors.search_everything(q, kind=kind, before=form.cleaned_data["before"]),
    }
    return render(request, "finding/search.html", context)

"""The statistics pages and the quarterly transparency report of an organization."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Organization
from core.periods import quarter_months
from core.streaming import csv_response
from transparency import report, selectors
from transparency.forms import PeriodForm
from transparency.outcomes import outcomes_for


def _page(request, subject: selectors.Subject):
    form = PeriodForm(request.GET or None)
    first, last = form.months()
    context = {
        "form": form,
        "stats": selectors.statistics(subject, first=first, last=last),
        "outcomes": outcomes_for(subject.dimension, subject.key, first, last),
    }
    return render(request, "transparency/statistics.html", context, status=400 if form.errors else 200)


def overall(request):
    return _page(request, selectors.overall())


def organization(request, org: str):
    return _page(request, selectors.for_organization(get_object_or_404(Organization, slug=org)))


def system(request, org: str, system: str):
    return _page(request, selectors.for_system(selectors.system_named(org, system)))


def guideline(request, org: str, guideline: str):
    return _page(request, selectors.for_guideline(selectors.guideline_named(org, guideline)))


def clause(request, org: str, guideline: str, key: str):
    return _page(request, selectors.for_clause(selectors.guideline_named(org, guideline), key))


def topic(request, topic: str):
    return _page(request, selectors.for_topic(topic.lower()))


def _quarter(org: str, year: int, quarter: int):
    if not 1 <= quarter <= 4:
        raise Http404("No such quarter.")
    found = get_object_or_404(Organization, slug=org)
    first, last = quarter_months(year, quarter)
    return found, selectors.statistics(selectors.for_organization(found), first=first, last=last)


def quarterly_report(request, org: str, year: int, quarter: int):
    found, stats = _quarter(org, year, quarter)
    context = {"organization": found, "stats": stats, "quarter": f"{year}-Q{quarter}", "quarter_number": quarter}
    return render(request, "transparency/report.html", context)


def quarterly_report_csv(request, org: str, year: int, quarter: int):
    found, stats = _quarter(org, year, quarter)
    return csv_response(
        header=report.HEADER, rows=report.rows(stats), filename=f"transparency-{found.slug}-{year}-Q{quarter}.csv"
    )

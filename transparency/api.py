"""The figures of the statistics pages as JSON: the same selectors, the same period filter (a 400 naming it when
it is not a month or a quarter)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from core.periods import PERIOD_HELP, PERIOD_SCHEMA, month_label
from transparency import selectors
from transparency.forms import PeriodForm
from transparency.outcomes import outcomes_for


def _share(help_text: str = "From 0 to 1; null when there is nothing to divide by.") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


def _counts(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


class AppealFiguresOutput(serializers.Serializer):
    refused = serializers.IntegerField(
        help_text="Refusals reported by the organizations through their API (refusal statements), counted in the "
        "month of their application_date."
    )
    appeal_share_of_refusals = _share("Appeals filed, of refusals reported; null when none were reported.")
    filed = serializers.IntegerField(help_text="Appeals filed in the period.")
    admitted = serializers.IntegerField(help_text="Of those, admitted for review.")
    inadmissible = serializers.IntegerField()
    inadmissible_by_reason = _counts("By reason code.")
    withdrawn = serializers.IntegerField()
    decided = serializers.IntegerField(help_text="Decisions in force made in the period.")
    outcomes = _counts("upheld, overturned, partially_overturned.")
    overturn_share = _share("Overturned fully or partly, of decided.")
    median_days_to_decision = serializers.IntegerField(allow_null=True)
    p90_days_to_decision = serializers.IntegerField(allow_null=True)
    decided_within_deadline_share = _share("Decided by the appeal's deadline (APPEAL_DAYS after filing).")
    overdue_now = serializers.IntegerField(allow_null=True, help_text="Open appeals past their deadline right now.")


class ConsultationFiguresOutput(serializers.Serializer):
    comments = serializers.IntegerField(help_text="Published top-level comments posted in the period.")
    answered = serializers.IntegerField()
    answered_share = _share()
    dispositions = _counts("adopted, partially_adopted, not_adopted, noted.")
    median_days_from_close_to_answer = serializers.IntegerField(allow_null=True)
    final_versions = serializers.IntegerField()
    final_clauses = serializers.IntegerField()
    final_clauses_changed = serializers.IntegerField()
    changed_share = _share("Clauses added, removed or changed in final versions, of all their clauses.")


class ReviewingFiguresOutput(serializers.Serializer):
    offers = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField()
    votes = serializers.IntegerField()
    votes_on_time_share = _share()
    dissents = serializers.IntegerField()
    dissent_share = _share()


class FiguresOutput(serializers.Serializer):
    appeals = AppealFiguresOutput()
    consultations = ConsultationFiguresOutput()
    reviewing = ReviewingFiguresOutput()


class MonthOutput(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    figures = FiguresOutput()


class BreakdownRowOutput(serializers.Serializer):
    key = serializers.CharField()
    # The serializer's metaclass takes declared fields out of the class, so this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    figures = FiguresOutput()


class BreakdownOutput(serializers.Serializer):
    dimension = serializers.CharField()
    rows = BreakdownRowOutput(many=True)


class OutcomesOutput(serializers.Serializer):
    organization = serializers.CharField()
    name = serializers.CharField()
    suggestions_decided = serializers.IntegerField(help_text="Suggested wording decided in the period.")
    suggestions_accepted = serializers.IntegerField(help_text="Of those, accepted as written or with changes.")
    accepted_share = _share("Accepted (as written or with changes), of decided.")
    final_versions = serializers.IntegerField(help_text="Final versions published after a consultation in the period.")
    median_days_from_close_to_final = serializers.IntegerField(
        allow_null=True, help_text="From the close of the comment period to the final version's publication."
    )


class StatisticsOutput(serializers.Serializer):
    subject = serializers.CharField()
    title = serializers.CharField()
    period = serializers.DictField(child=serializers.CharField(allow_null=True))
    figures = FiguresOutput()
    months = MonthOutput(many=True)
    breakdowns = BreakdownOutput(many=True)
    consultation_outcomes = OutcomesOutput(
        many=True, allow_null=True, help_text="Per organization; on the overall and organization figures only."
    )


def _output(stats: selectors.Statistics, first, last) -> dict:
    outcomes = outcomes_for(stats.subject.dimension, stats.subject.key, first, last)
    return {
        "subject": f"{stats.subject.dimension}:{stats.subject.key}".rstrip(":"),
        "title": stats.subject.title,
        "period": {"from": first and month_label(first), "to": last and month_label(last)},
        "figures": stats.figures.as_dict(),
        "months": [{"month": month, "figures": figures.as_dict()} for month, figures in stats.months],
        "breakdowns": [
            {
                "dimension": breakdown.dimension,
                "rows": [{"key": r.key, "label": r.label, "figures": r.figures.as_dict()} for r in rows],
            }
            for breakdown, rows in stats.breakdowns
        ],
        "consultation_outcomes": None if outcomes is None else [row.as_dict() for row in outcomes],
    }


PERIOD_PARAMETERS = [
    OpenApiParameter("from", PERIOD_SCHEMA, description=f"First month or quarter, included. {PERIOD_HELP}"),
    OpenApiParameter("to", PERIOD_SCHEMA, description=f"Last month or quarter, included. {PERIOD_HELP}"),
]


class StatisticsView(APIView):
    """Transparency statistics, read from the monthly tallies (never from all rows)."""

    def subject(self) -> selectors.Subject:
        """What the page is about, from the URL's arguments (self.kwargs)."""
        return selectors.overall()

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=StatisticsOutput)
    def get(self, request, **kwargs):
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        first, last = form.months()
        stats = selectors.statistics(self.subject(), first=first, last=last)
        return Response(StatisticsOutput(_output(stats, first, last)).data)


class OrganizationStatistics(StatisticsView):
    def subject(self) -> selectors.Subject:
        return selectors.for_organization(get_object_or_404(Organization, slug=self.kwargs["org"]))


class SystemStatistics(StatisticsView):
    def subject(self) -> selectors.Subject:
        return selectors.for_system(selectors.system_named(self.kwargs["org"], self.kwargs["system"]))


class GuidelineStatistics(StatisticsView):
    def subject(self) -> selectors.Subject:
        return selectors.for_guideline(selectors.guideline_named(self.kwargs["org"], self.kwargs["guideline"]))


class ClauseStatistics(StatisticsView):
    def subject(self) -> selectors.Subject:
        guideline = selectors.guideline_named(self.kwargs["org"], self.kwargs["guideline"])
        return selectors.for_clause(guideline, self.kwargs["key"])


class TopicStatistics(StatisticsView):
    def subject(self) -> selectors.Subject:
        return selectors.for_topic(self.kwargs["topic"].lower())

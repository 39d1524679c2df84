from django.urls import path

from appeals import (
    api,
    case_comment_api,
    company_api,
    dsa_api,
    precedent_api,
    recommendation_api,
    refusal_statement_api,
    system_key_api,
)
from appeals.urls import PublicIdConverter  # noqa: F401 (registers the public_id converter)

urlpatterns = [
    path("appeals/", api.AppealCreate.as_view(), name="api-appeals"),
    path("appeals/<public_id:public_id>/", api.AppealDetail.as_view(), name="api-appeal"),
    path(
        "appeals/<public_id:public_id>/comments/",
        case_comment_api.CaseCommentList.as_view(),
        name="api-case-comments",
    ),
    path("decisions/", api.DecisionList.as_view(), name="api-decisions"),
    path("decisions/dsa-sor/", dsa_api.DsaStatementList.as_view(), name="api-decisions-dsa"),
    path(
        "organizations/<slug:org>/appeals/",
        company_api.OrganizationAppealList.as_view(),
        name="api-organization-appeals",
    ),
    path("decisions/<int:pk>/responses/", company_api.DecisionResponseCreate.as_view(), name="api-decision-responses"),
    path(
        "organizations/<slug:org>/refusal-statements/",
        refusal_statement_api.RefusalStatementBatch.as_view(),
        name="api-refusal-statements",
    ),
    path(
        "decisions/<int:pk>/citations/",
        precedent_api.DecisionCitationList.as_view(),
        name="api-decision-citations",
    ),
    path(
        "organizations/<slug:org>/recommendations/",
        recommendation_api.OrganizationRecommendationList.as_view(),
        name="api-organization-recommendations",
    ),
    path(
        "organizations/<slug:org>/systems/<slug:system>/keys/",
        system_key_api.SystemKeySet.as_view(),
        name="api-system-keys",
    ),
    path(
        "recommendations/<str:public_id>/steps/",
        recommendation_api.RecommendationAnswer.as_view(),
        name="api-recommendation-answer",
    ),
]

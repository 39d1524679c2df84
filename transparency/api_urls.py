from django.urls import path

from transparency import api

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="api-statistics"),
    path("statistics/topics/<str:topic>/", api.TopicStatistics.as_view(), name="api-statistics-topic"),
    path(
        "statistics/organizations/<slug:org>/", api.OrganizationStatistics.as_view(), name="api-statistics-organization"
    ),
    path(
        "statistics/organizations/<slug:org>/systems/<slug:system>/",
        api.SystemStatistics.as_view(),
        name="api-statistics-system",
    ),
    path(
        "statistics/organizations/<slug:org>/guidelines/<slug:guideline>/",
        api.GuidelineStatistics.as_view(),
        name="api-statistics-guideline",
    ),
    path(
        "statistics/organizations/<slug:org>/guidelines/<slug:guideline>/clauses/<str:key>/",
        api.ClauseStatistics.as_view(),
        name="api-statistics-clause",
    ),
]

from django.urls import path

from transparency import views

urlpatterns = [
    path("statistics/", views.overall, name="statistics"),
    path("statistics/topics/<str:topic>/", views.topic, name="statistics-topic"),
    path("statistics/organizations/<slug:org>/", views.organization, name="statistics-organization"),
    path("statistics/organizations/<slug:org>/systems/<slug:system>/", views.system, name="statistics-system"),
    path(
        "statistics/organizations/<slug:org>/guidelines/<slug:guideline>/", views.guideline, name="statistics-guideline"
    ),
    path(
        "statistics/organizations/<slug:org>/guidelines/<slug:guideline>/clauses/<str:key>/",
        views.clause,
        name="statistics-clause",
    ),
    path(
        "organizations/<slug:org>/reports/<int:year>-Q<int:quarter>/",
        views.quarterly_report,
        name="transparency-report",
    ),
    path(
        "organizations/<slug:org>/reports/<int:year>-Q<int:quarter>.csv",
        views.quarterly_report_csv,
        name="transparency-report-csv",
    ),
]

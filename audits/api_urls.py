from django.urls import path

from audits import api

urlpatterns = [
    path("audits/", api.AuditList.as_view(), name="api-audits"),
    path("audits/<int:pk>/", api.AuditDetail.as_view(), name="api-audit"),
]

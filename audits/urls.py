from django.urls import path

from appeals.urls import PublicIdConverter  # noqa: F401 (registers the public_id converter)
from audits import auditor_views, publisher_views, views

urlpatterns = [
    path("audits/", views.audit_list, name="audits"),
    path("audits/new/", auditor_views.declare_audit, name="declare-audit"),
    path("audits/<int:pk>/", views.audit_detail, name="audit"),
    path("audits/<int:pk>/close/", auditor_views.close_audit, name="close-audit"),
    path("audits/<int:pk>/report/", auditor_views.publish_report, name="publish-audit-report"),
    path("audits/<int:pk>/reports/<int:report>.pdf", views.report_pdf, name="audit-report-pdf"),
    path("audits/<int:pk>/respond/", publisher_views.respond_to_audit, name="respond-to-audit"),
    path("audits/<int:pk>/appeals/", auditor_views.audit_appeals, name="audit-appeals"),
    path("audits/<int:pk>/appeals/<public_id:public_id>/", auditor_views.audit_appeal, name="audit-appeal"),
    path(
        "audits/<int:pk>/appeals/<public_id:public_id>/attachments/<int:attachment>/",
        auditor_views.audit_attachment,
        name="audit-attachment",
    ),
]

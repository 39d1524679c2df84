from django.urls import path, register_converter

from appeals import views


class PublicIdConverter:
    regex = r"A-[0-9]{4}-[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

urlpatterns = [
    path("appeals/new/", views.file_appeal, name="file-appeal"),
    path("appeals/mine/", views.my_appeals, name="my-appeals"),
    path("appeals/<public_id:public_id>/", views.appeal_detail, name="appeal"),
    path("appeals/<public_id:public_id>/filed/", views.appeal_filed, name="appeal-filed"),
    path("appeals/<public_id:public_id>/withdraw/", views.withdraw_appeal, name="withdraw-appeal"),
    path("appeals/<public_id:public_id>/attachments/<int:pk>/", views.attachment, name="appeal-attachment"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/export.csv", views.decisions_export, name="decisions-export"),
    path("decisions/to-answer/", views.decisions_to_answer, name="decisions-to-answer"),
    path("decisions/<int:pk>/respond/", views.respond_to_decision, name="respond-to-decision"),
    path("decisions/<int:pk>/correct/", views.correct_decision, name="correct-decision"),
    path("moderation/appeals/", views.moderation_queue, name="appeal-screening-queue"),
    path("moderation/appeals/<public_id:public_id>/", views.screen_appeal, name="screen-appeal"),
    path("moderation/appeals/<public_id:public_id>/start/", views.start_screening, name="start-screening"),
    path("moderation/appeals/<public_id:public_id>/redact/", views.redact, name="redact-appeal"),
    path("moderation/appeals/<public_id:public_id>/admit/", views.admit, name="admit-appeal"),
    path("moderation/appeals/<public_id:public_id>/inadmissible/", views.inadmissible, name="declare-inadmissible"),
    path("moderation/appeals/<public_id:public_id>/route/", views.route_by_hand, name="route-appeal"),
    path("reviewing/", views.reviewer_home, name="reviewer-home"),
    path("reviewing/<int:pk>/", views.review, name="review"),
    path("reviewing/<int:pk>/accept/", views.accept, name="accept-assignment"),
    path("reviewing/<int:pk>/decline/", views.decline, name="decline-assignment"),
    path("reviewing/<int:pk>/decide/", views.decide, name="decide-appeal"),
]

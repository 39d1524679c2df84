from django.urls import path, register_converter

from appeals import (
    api_key_views,
    case_comment_views,
    feeds,
    filing_views,
    moderation_views,
    organization_views,
    public_views,
    publisher_views,
    reviewing_views,
    system_key_views,
)


class PublicIdConverter:
    regex = r"A-[0-9]{4}-[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

urlpatterns = [
    path("appeals/", public_views.appeal_list, name="appeal-list"),
    path("appeals/new/", filing_views.file_appeal, name="file-appeal"),
    path("appeals/new/receipt/", filing_views.bring_receipt, name="bring-receipt"),
    path("appeals/mine/", filing_views.my_appeals, name="my-appeals"),
    path("appeals/open-for-comment/", case_comment_views.open_for_comment_list, name="appeals-open-for-comment"),
    path("appeals/<public_id:public_id>/", public_views.appeal_detail, name="appeal"),
    path("appeals/<public_id:public_id>/comments/new/", public_views.post_case_comment, name="case-comment-new"),
    path("appeals/<public_id:public_id>/filed/", filing_views.appeal_filed, name="appeal-filed"),
    path("appeals/<public_id:public_id>/withdraw/", filing_views.withdraw_appeal, name="withdraw-appeal"),
    path("appeals/<public_id:public_id>/attachments/<int:pk>/", public_views.attachment, name="appeal-attachment"),
    path("decisions/", public_views.decisions, name="decisions"),
    path("feeds/decisions/", feeds.DecisionsFeed(), name="feed-decisions"),
    path("feeds/appeals/<public_id:public_id>/", feeds.AppealFeed(), name="feed-appeal"),
    path("decisions/export.csv", public_views.decisions_export, name="decisions-export"),
    path("decisions/to-answer/", publisher_views.decisions_to_answer, name="decisions-to-answer"),
    path("decisions/<int:pk>/respond/", publisher_views.respond_to_decision, name="respond-to-decision"),
    path("decisions/<int:pk>/correct/", reviewing_views.correct_decision, name="correct-decision"),
    path("recommendations/<int:pk>/answer/", publisher_views.answer_recommendation, name="answer-recommendation"),
    path("organizations/", organization_views.organization_list, name="organization-list"),
    path("organizations/<slug:org>/", organization_views.organization, name="organization"),
    path("organizations/<slug:org>/systems/<slug:system>/keys/", system_key_views.system_key_list, name="system-keys"),
    path(
        "organizations/<slug:org>/systems/<slug:system>/keys/new/",
        system_key_views.add_system_key,
        name="add-system-key",
    ),
    path(
        "organizations/<slug:org>/systems/<slug:system>/keys/<str:kid>/retire/",
        system_key_views.retire_system_key,
        name="retire-system-key",
    ),
    path("organizations/<slug:org>/api-keys/", api_key_views.api_keys, name="organization-api-keys"),
    path(
        "organizations/<slug:org>/api-keys/<int:pk>/revoke/",
        api_key_views.revoke_api_key,
        name="revoke-organization-api-key",
    ),
    path("moderation/appeals/", moderation_views.moderation_queue, name="appeal-screening-queue"),
    path("moderation/appeals/<public_id:public_id>/", moderation_views.screen_appeal, name="screen-appeal"),
    path("moderation/appeals/<public_id:public_id>/start/", moderation_views.start_screening, name="start-screening"),
    path("moderation/appeals/<public_id:public_id>/redact/", moderation_views.redact, name="redact-appeal"),
    path("moderation/appeals/<public_id:public_id>/admit/", moderation_views.admit, name="admit-appeal"),
    path(
        "moderation/appeals/<public_id:public_id>/inadmissible/",
        moderation_views.inadmissible,
        name="declare-inadmissible",
    ),
    path("moderation/appeals/<public_id:public_id>/route/", moderation_views.route_by_hand, name="route-appeal"),
    path(
        "moderation/appeals/<public_id:public_id>/public-comment/",
        case_comment_views.public_comment,
        name="appeal-public-comment",
    ),
    path(
        "moderation/appeals/<public_id:public_id>/public-comment/extend/",
        case_comment_views.extend_window,
        name="extend-comment-window",
    ),
    path("moderation/case-comments/<int:pk>/hide/", case_comment_views.hide_case_comment, name="hide-case-comment"),
    path("reviewing/", reviewing_views.reviewer_home, name="reviewer-home"),
    path("reviewing/<int:pk>/", reviewing_views.review, name="review"),
    path("reviewing/<int:pk>/accept/", reviewing_views.accept, name="accept-assignment"),
    path("reviewing/<int:pk>/decline/", reviewing_views.decline, name="decline-assignment"),
    path("reviewing/<int:pk>/decide/", reviewing_views.decide, name="decide-appeal"),
]

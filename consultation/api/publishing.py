"""The consultation API's publishers' workflow after drafting: comment periods, responses and the final version."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation.api.guidelines import CommentOutput, VersionOutput, clause_or_error, lookup_version
from consultation.models import (
    KEY_LENGTH,
    LONG_TEXT_LENGTH,
    NOTE_LENGTH,
)
from consultation.models import Response as Answer
from consultation.services import closing, periods


class PeriodInput(serializers.Serializer):
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField()


class ExtensionInput(serializers.Serializer):
    closes_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=NOTE_LENGTH, allow_blank=True)


class ResponseInput(serializers.Serializer):
    disposition = serializers.ChoiceField(
        choices=Answer.DISPOSITION_CHOICES, error_messages={"invalid_choice": Answer.DISPOSITION_REFUSAL}
    )
    text = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True)


class ClusterResponseInput(ResponseInput):
    cluster = serializers.IntegerField(min_value=1, help_text="A cluster's id: the id of its first comment.")


class ClauseResponseInput(ResponseInput):
    clause = serializers.CharField(max_length=KEY_LENGTH, help_text="A clause key, or 'general'.")


class StatementInput(serializers.Serializer):
    text = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True, required=False, default="")
    comments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


class FinalInput(serializers.Serializer):
    summary_of_changes = serializers.CharField(max_length=LONG_TEXT_LENGTH, allow_blank=True)
    statements = serializers.DictField(child=StatementInput(), required=False, default=dict)


class PeriodSchedule(APIView):
    """Publishers: schedule the comment period of a draft, which makes it public and freezes its text."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=PeriodInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        data = PeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        periods.schedule_comment_period(version=version, **data.validated_data, by=request.user)
        return Response(VersionOutput(lookup_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)


class PeriodExtend(APIView):
    """Publishers: a later closing time with a public reason."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ExtensionInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        if version.period is None:
            raise Http404
        data = ExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        periods.extend_comment_period(period=version.period, **data.validated_data, by=request.user)
        return Response(VersionOutput(lookup_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)


class CommentRespond(APIView):
    """Publishers: answer one comment after the period closed."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ResponseInput, responses={201: CommentOutput})
    def post(self, request, org: str, slug: str, number: int, pk: int):
        version = lookup_version(request, org, slug, number)
        comment = get_object_or_404(version.comments, pk=pk)
        data = ResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        closing.respond_to_comment(comment=comment, **data.validated_data, by=request.user)
        return Response(CommentOutput(version.comments.for_display().get(pk=pk)).data, status=status.HTTP_201_CREATED)


class ClauseRespond(APIView):
    """Publishers: give every unanswered comment on a clause the same answer."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ClauseResponseInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        data = ClauseResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "clause": clause_or_error(version, data.validated_data["clause"])}
        count = closing.respond_to_clause_comments(version=version, **values, by=request.user)
        return Response({"answered": count}, status=status.HTTP_201_CREATED)


class ClusterRespond(APIView):
    """Publishers: give every unanswered comment of a cluster of near-identical comments the same answer."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=ClusterResponseInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        data = ClusterResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        cluster = version.clusters.filter(pk=data.validated_data.pop("cluster")).first()
        if cluster is None:
            raise ValidationError({"cluster": [f"There is no such cluster of comments on version {version.number}."]})
        count = closing.respond_to_cluster(cluster=cluster, **data.validated_data, by=request.user)
        return Response({"answered": count}, status=status.HTTP_201_CREATED)


class PublishFinal(APIView):
    """Publishers: publish a draft that follows a closed consultation as the final version."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=FinalInput, responses={201: VersionOutput})
    def post(self, request, org: str, slug: str, number: int):
        version = lookup_version(request, org, slug, number)
        data = FinalInput(data=request.data)
        data.is_valid(raise_exception=True)
        closing.publish_final_version(version=version, **data.validated_data, by=request.user)
        return Response(VersionOutput(lookup_version(request, org, slug, number)).data, status=status.HTTP_201_CREATED)

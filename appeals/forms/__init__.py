"""Every input of the appeals pages, one module per kind of user. The limits come from appeals.models, so the forms,
the API serializers and the model fields share one definition of each."""

from appeals.forms.case_comments import CaseCommentForm, ExtendWindowForm, HideCaseCommentForm, OpenForCommentForm
from appeals.forms.deciding import (
    AnswerRecommendationForm,
    CorrectionForm,
    DecisionForm,
    DeclineForm,
    RecommendationStepField,
    ResponseForm,
)
from appeals.forms.filing import (
    CLOCK_SKEW,
    WEB_ADDRESS,
    AppealForm,
    FilingStepsForm,
    MultipleFileField,
    MultipleFileInput,
    RefusalDateForm,
    WebAddressField,
    at_most_attachments,
    at_most_clauses,
    not_in_the_future,
)
from appeals.forms.lists import APPEAL_STATUS_CHOICES, AppealListForm, DecisionSearchForm, RecommendationFilterForm
from appeals.forms.moderation import AdmitForm, InadmissibleForm, RedactForm, RouteForm
from appeals.forms.receipts import ReceiptForm, RetireKeyForm, SystemKeyForm, parse_public_key

__all__ = [
    "CaseCommentForm",
    "ExtendWindowForm",
    "HideCaseCommentForm",
    "OpenForCommentForm",
    "APPEAL_STATUS_CHOICES",
    "AdmitForm",
    "AnswerRecommendationForm",
    "AppealForm",
    "AppealListForm",
    "CLOCK_SKEW",
    "CorrectionForm",
    "DecisionForm",
    "DecisionSearchForm",
    "DeclineForm",
    "FilingStepsForm",
    "InadmissibleForm",
    "MultipleFileField",
    "MultipleFileInput",
    "RecommendationFilterForm",
    "RecommendationStepField",
    "ReceiptForm",
    "RedactForm",
    "RetireKeyForm",
    "SystemKeyForm",
    "parse_public_key",
    "RefusalDateForm",
    "ResponseForm",
    "RouteForm",
    "WEB_ADDRESS",
    "WebAddressField",
    "at_most_attachments",
    "at_most_clauses",
    "not_in_the_future",
]

from django import template

from ledger.receipts import ReceiptLink, receipt_link

register = template.Library()


@register.inclusion_tag("ledger/includes/receipt.html")
def receipt_for(subject: str, decision: int | None = None, what: str = "") -> dict[str, ReceiptLink | str | None]:
    """The "Download the receipt" line of one object's page: `{% receipt_for comment.subject %}`, or for a decision
    `{% receipt_for appeal.subject decision=decision.pk %}`; one query."""
    return {"link": receipt_link(subject, decision), "what": what}


@register.filter
def receipt_of(links: dict[tuple[str, int | None], ReceiptLink], subject_or_decision: str | int) -> ReceiptLink | None:
    """In a page whose view looked up every receipt it shows at once (ledger.receipts.receipt_links): by a record
    subject (`statement.subject`), or by a decision's id (`decision.pk`), decisions being entries about their appeal."""
    if isinstance(subject_or_decision, str):
        return links.get((subject_or_decision, None))
    return next((link for (_, decision), link in links.items() if decision == subject_or_decision), None)

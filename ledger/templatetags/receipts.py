from django import template

from ledger.receipts import ReceiptLink, receipt_link

register = template.Library()


@register.inclusion_tag("ledger/includes/receipt.html")
def receipt_for(subject: str, decision: int | None = None, what: str = "") -> dict[str, ReceiptLink | str | None]:
    """The "Download the receipt" line of one object's page: `{% receipt_for comment.subject %}`, or for a decision
    `{% receipt_for appeal.subject decision=decision.pk %}`; two queries."""
    return {"link": receipt_link(subject, decision), "what": what}


@register.filter
def receipt_of(links: dict[tuple[str, int | None], ReceiptLink], subject: str) -> ReceiptLink | None:
    """In a list whose view looked up every row's receipt at once (ledger.receipts.receipt_links)."""
    return links.get((subject, None))

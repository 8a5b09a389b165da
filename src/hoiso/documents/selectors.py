"""Documents and receipts through the scope. A document is readable at a unit when the unit (or
one below it) issued it or received it, or when it was sent to the user herself by name."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.core.text import fold
from hoiso.documents.models import Attachment, Document, Receipt


def documents_of(scope: Scope) -> QuerySet[Document]:
    """The documents readable at the scope's unit."""
    path = scope.unit.path
    received = Receipt.objects.filter(Q(unit_path__startswith=path) | Q(user=scope.user)).values(
        "document_id"
    )
    return Document.objects.filter(Q(unit_path__startswith=path) | Q(pk__in=received))


def access_document(scope: Scope, pk: Any) -> Document:
    return access(documents_of(scope).select_related("unit"), pk, "document")


def own_receipt(scope: Scope, document: Document) -> Receipt | None:
    """The receipt of the scope's unit (or, failing one, of the user by name) for the document."""
    receipts = Receipt.objects.filter(document=document).filter(
        Q(unit=scope.unit) | Q(user=scope.user)
    )
    return receipts.order_by("user_id").select_related("forwarded_from__sender").first()


def access_issued(scope: Scope, pk: Any) -> Document:
    """A document the scope's unit sent (issued or forwarded), for its tracking page."""
    sent = Receipt.objects.filter(sender=scope.unit).values("document_id")
    documents = Document.objects.filter(Q(unit=scope.unit) | Q(pk__in=sent))
    return access(documents.select_related("unit"), pk, "document")


def access_attachment(scope: Scope, document: Document, pk: Any) -> Attachment:
    """A file of the document, or of a report on it that the scope's unit sent or received."""
    path = scope.unit.path
    files = Attachment.objects.filter(
        Q(document=document)
        | Q(receipt__document=document)
        & (
            Q(receipt__unit_path__startswith=path)
            | Q(receipt__sender__path__startswith=path)
            | Q(receipt__user=scope.user)
        )
    )
    return access(files, pk, "file")


def inbox(scope: Scope) -> QuerySet[Receipt]:
    """What has come to the scope's unit, and to the user by name, newest first."""
    return (
        Receipt.objects.filter(Q(unit=scope.unit) | Q(user=scope.user))
        .select_related("document__unit", "sender")
        .order_by("-sent_at", "-pk")
    )


def words(text: str) -> list[str]:
    """The folded words of a query: `15/KH` → ["15", "kh"] (each must appear)."""
    return re.findall(r"[a-z0-9]+", fold(text))[:10]


_NUMBER = re.compile(r"^\s*0*(\d{1,6})\s*/")


def register(scope: Scope, filters: dict[str, Any]) -> QuerySet[Document]:
    """The unit's register: documents sent to it (`direction` "in", the default) or issued
    ("out"), narrowed by number or words (without diacritics), kind, issuer and date range."""
    if filters.get("direction") == "out":
        docs = Document.objects.filter(unit=scope.unit)
    else:
        # The unit's register of documents received (those sent to a person by name are in
        # her inbox, not in the unit's book): a join from its receipts' index, which both
        # databases drive from the unit (an OR with her own receipts made them scan).
        docs = Document.objects.filter(receipts__unit=scope.unit)
    q = filters.get("q") or ""
    number = _NUMBER.match(q)
    if number:  # "15/KH…": the number itself narrows the rows before any word is looked for
        docs = docs.filter(number=int(number.group(1)))
    for word in words(q):
        docs = docs.filter(search_text__contains=word)
    if filters.get("kind"):
        docs = docs.filter(kind=filters["kind"])
    if filters.get("issuer"):
        # The issuer's name is folded into the search text too (the symbol's tail as well).
        for word in words(filters["issuer"]):
            docs = docs.filter(search_text__contains=word)
    if filters.get("start"):
        docs = docs.filter(issued_on__gte=filters["start"])
    if filters.get("end"):
        docs = docs.filter(issued_on__lte=filters["end"])
    return docs.select_related("unit").order_by("-issued_on", "-pk")


def unread_count(scope: Scope) -> int:
    """How many documents the scope's unit (or she by name) has not opened yet."""
    unread = Receipt.objects.filter(read_at__isnull=True)
    return unread.filter(unit=scope.unit).count() + unread.filter(user=scope.user).count()

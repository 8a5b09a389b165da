from typing import Any

from django import template

from hoiso.voices.surveys import QuestionResult

register = template.Library()


@register.filter
def table(result: QuestionResult, groups: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """A question's results as rows: the whole, then each group."""
    return result.table(groups)

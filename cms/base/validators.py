"""Model-level wrappers of gongshi.rules: a refusal becomes a ValidationError on its field."""

from django.core.exceptions import ValidationError

from gongshi.rules import RuleViolation, document_number


def clean_document_number(value: str, field: str) -> str:
    """The 文号 normalised (ASCII digits), or a ValidationError on `field` saying why not."""
    if not value:
        return value
    try:
        return document_number.validate(value)
    except RuleViolation as refusal:
        raise ValidationError({field: refusal.message}) from refusal

from django.core.exceptions import ValidationError

from .credit_code import credit_code_error


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="credit_code")

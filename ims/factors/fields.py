"""A model field for published figures: a decimal kept as its exact text.

``DecimalField`` goes through a binary float on SQLite and is limited to 15
significant digits there, and it fixes the number of decimal places. Emission
factors are quoted to whatever precision the publisher chose (0.177, 2.57082,
0.00000486077670538599), so they are stored as text and handed to Python as
``Decimal``: the value read back is the value written, on every database.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


def to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("“%(value)s” is not a number.", params={"value": value})
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError("“%(value)s” is not a number.", params={"value": value}) from None
    if not number.is_finite():
        raise ValidationError("“%(value)s” is not a number.", params={"value": value})
    return number


class ExactDecimalField(models.Field):
    """A ``Decimal`` stored as its exact decimal text (plain notation, no exponent)."""

    _pyi_private_set_type: Decimal | str | int | None
    _pyi_private_get_type: Decimal | None

    description = "Decimal number stored as exact text"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        return "CharField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None or value == "" else Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        return to_decimal(value)

    def get_prep_value(self, value: Any) -> str | None:
        number = to_decimal(value)
        return None if number is None else format(number, "f")

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        text = self.get_prep_value(value)
        if text is not None and self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(
                "Has %(n)d characters written out; at most %(max)d allowed.",
                params={"n": len(text), "max": self.max_length},
            )

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or forms.DecimalField, choices_form_class=choices_form_class, **kwargs
        )

"""Turn the catalogue model's validation errors into Django form errors.

Pages validate by building their `samenloket.model` object: the model decides what
is valid, the CMS only reports it on the right field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from pydantic import ValidationError as ModelValidationError

_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "string_too_short": "tekst is te kort",
    "string_too_long": "tekst is te lang",
    "too_short": "te weinig items",
    "too_long": "te veel items",
    "string_pattern_mismatch": "heeft niet de juiste vorm",
}


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    where = ".".join(str(p) for p in error["loc"][1:])
    text = _MESSAGES.get(kind, str(error.get("msg", "")))
    return f"{where}: {text}" if where else text


def model_errors(
    build: Callable[[], Any],
    form_fields: Iterable[str],
    aliases: dict[str, str] | None = None,
) -> Any:
    """Call build(); raise ValidationError keyed by form field on model errors.

    aliases maps a model field to the form field that edits it (sections.costs →
    costs); errors on fields not in the form become non-field errors.
    """
    fields = set(form_fields)
    aliases = aliases or {}
    try:
        return build()
    except ModelValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            loc = [str(p) for p in error["loc"]]
            if loc and loc[0] == "sections":
                key = ".".join(loc[:2])
            else:
                key = loc[0] if loc else ""
            key = aliases.get(key, key)
            target = key if key in fields else NON_FIELD_ERRORS
            errors.setdefault(target, []).append(_message(error))
        raise ValidationError(errors) from None

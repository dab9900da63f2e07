"""Model fields whose stored value is exactly what the catalogue model holds.

Lists are JSON (order kept, so a list loaded from content/ is written back in the
same order); Markdown is plain text in a textarea (see markdown.py for why).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from .markdown import HELP_TEXT, normalise_newlines, validate_markdown


class MarkdownFormField(forms.CharField):
    """A textarea for Markdown: LF line endings, surrounding whitespace stripped."""

    def __init__(self, *, rows: int = 8, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_newlines(super().to_python(value) or "").strip()


class MarkdownField(models.TextField):
    """Markdown text checked with the content rules (no HTML, safe links)."""

    def __init__(self, *args: Any, rows: int = 8, **kwargs: Any) -> None:
        self.rows = rows
        kwargs.setdefault("help_text", HELP_TEXT)
        kwargs.setdefault("validators", [validate_markdown])
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if self.rows != 8:
            kwargs["rows"] = self.rows
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> forms.Field:
        kwargs.pop("widget", None)
        return MarkdownFormField(
            rows=self.rows,
            required=not self.blank,
            label=kwargs.pop("label", None) or self.verbose_name.capitalize(),
            help_text=kwargs.pop("help_text", None) or self.help_text,
            validators=[validate_markdown],
        )


class ChoiceListFormField(forms.MultipleChoiceField):
    """Checkboxes; the stored list keeps the order of the choices."""

    widget = forms.CheckboxSelectMultiple


class ChoiceListField(models.JSONField):
    """A list of values from fixed choices (audience, channels), stored as JSON."""

    def __init__(self, *args: Any, list_choices: Any = (), **kwargs: Any) -> None:
        self.list_choices = list(list_choices)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        kwargs["list_choices"] = self.list_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> forms.Field:
        return ChoiceListFormField(
            choices=self.list_choices,
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


class LineListFormField(forms.CharField):
    """One value per line (synonyms, UPL URIs): no separator can clash with text."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = normalise_newlines(super().to_python(value) or "")
        return [line.strip() for line in text.split("\n") if line.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(
                self.error_messages["required"], code="required"
            )

    def run_validators(self, value: list[str]) -> None:
        for item in value:
            super().run_validators(item)


class LineListField(models.JSONField):
    """An ordered list of short texts, stored as JSON, edited one per line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return LineListFormField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )

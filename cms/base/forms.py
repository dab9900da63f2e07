"""The admin page form: after Django's own checks, the catalogue model decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm


class CatalogueAdminPageForm(WagtailAdminPageForm):
    """Validates the page as its samenloket.model object on publish/submit.

    A plain "save draft" (deferred validation) may stay incomplete; submitting for
    moderation or publishing must give an object the model accepts.
    """

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.is_deferred_validation or self._errors:
            return
        validate = getattr(self.instance, "validate_catalogue", None)
        if validate is None:
            return
        try:
            validate(set(self.fields))
        except ValidationError as exc:
            self._update_errors(exc)

"""`/api/catalogue/`: the whole published catalogue as `samenloket dump` prints it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from samenloket.commands.dump import canonical_json

from .catalogue import catalogue_from_cms, for_gemeente


@require_safe
def catalogue_json(request: HttpRequest, cbs_code: str | None = None) -> HttpResponse:
    """Canonical JSON of the published catalogue (all, or one gemeente's view)."""
    catalogue = catalogue_from_cms()
    if cbs_code is not None:
        code = cbs_code.upper()
        if code not in catalogue.gemeenten:
            raise Http404(
                f"onbekende gemeente {code}: gebruik een CBS-code zoals GM0344"
            )
        catalogue = for_gemeente(catalogue, code)
    return HttpResponse(canonical_json(catalogue),
                        content_type="application/json; charset=utf-8")

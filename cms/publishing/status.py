"""Admin page 'Sites bouwen': build status per gemeente and the latest runs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.gemeenten.models import GemeentePage

from .models import BuildRun, SiteBuild


class BuildStatusView(WagtailAdminTemplateMixin, TemplateView):
    """Gemeente editors see their own site; national roles see all sites."""

    template_name = "publishing/build_status.html"
    page_title = "Sites bouwen"
    header_icon = "cogs"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sites = SiteBuild.objects.all()
        runs = BuildRun.objects.all()[:20]
        groups = set(user.groups.values_list("name", flat=True))
        national = user.is_superuser or groups & {
            "Landelijke redactie",
            "Moderatoren",
            "Lezers",
        }
        if not national:
            own = [
                p.cbs_code
                for p in GemeentePage.objects.all()
                if f"Redactie {p.title}" in groups
            ]
            sites = sites.filter(cbs_code__in=own)
            query = Q()
            for code in own:
                query |= Q(gemeenten__contains=code)
            runs = BuildRun.objects.filter(query)[:20] if own else []
        context.update(sites=sites, runs=runs)
        return context

"""CMS pages map one-to-one onto the catalogue model; the model decides validity."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.models import Page

from cms.catalogue.models import LifeEventPage, ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage, NewsPage
from samenloket.loader import load_catalogue
from samenloket.resolve import resolve


def _edit(client: Client, user: object, page: Page, data: dict) -> object:
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                       {**data, "action-publish": "1"})


def _all_pages() -> list[Page]:
    return [
        *ProductPage.objects.all(), *LifeEventPage.objects.all(),
        *GemeentePage.objects.all(), *LocalProductPage.objects.all(),
        *NewsPage.objects.all(),
    ]


def _as_model(page: Page) -> object:
    for method in ("to_product", "to_life_event", "to_profile", "to_local", "to_news"):
        if hasattr(page, method):
            return getattr(page, method)()
    raise AssertionError(page)


@pytest.mark.django_db
def test_saving_unchanged_forms_changes_no_data(client: Client, django_user_model,
                                                form_data: Callable) -> None:
    """Publishing every page's admin form as-is leaves its model object identical
    (order of lists, amounts, empty optional fields, nested steps and hours)."""
    admin = django_user_model.objects.create_superuser("beheer", password="x")
    for page in _all_pages():
        before = _as_model(page)
        response = _edit(client, admin, page, form_data(page))
        assert response.status_code == 302, (page, response.context["form"].errors)
        assert _as_model(type(page).objects.get(pk=page.pk)) == before, page


@pytest.mark.django_db
def test_pages_equal_the_files(fixture_content: Path) -> None:
    """Every page converts to exactly the object the loader reads from its file."""
    files = load_catalogue(fixture_content)
    for slug, product in files.products.items():
        assert ProductPage.objects.get(slug=slug).to_product() == product
    event = LifeEventPage.objects.get().to_life_event()
    assert event == files.life_events["kind-krijgen"]
    news = NewsPage.objects.get(slug="2026-01-12-afvalkalender")
    assert news.to_news() == files.profiles["GM0193"].news[0]


@pytest.mark.django_db
def test_amounts_are_the_loaders_values(fixture_content: Path) -> None:
    """82.30 in a file is Decimal('82.3') in the model, from files and from the CMS."""
    fees = ProductPage.objects.get(slug="paspoort-aanvragen").to_product().fees
    assert [item.amount for item in fees.items] == [Decimal("82.3"), Decimal("61.0")]


@pytest.mark.django_db
def test_upl_must_be_on_the_list(client: Client, users: dict,
                                 form_data: Callable) -> None:
    """A UPL URI that is not on the reference list is refused."""
    page = ProductPage.objects.get(slug="geboorteaangifte")
    data = form_data(page)
    data["upl-0-value"] = "http://standaarden.overheid.nl/owms/terms/verzonnen"
    response = _edit(client, users["moderator"], page, data)
    assert response.status_code == 200
    assert "upl" in response.context["form"].errors
    assert ProductPage.objects.get(pk=page.pk).upl_uris == page.upl_uris


@pytest.mark.django_db
def test_model_rules_show_on_the_form(client: Client, users: dict,
                                      form_data: Callable) -> None:
    """Rules of the catalogue model (amounts need a year) appear as form errors."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    data = form_data(page)
    data["fees_year"] = ""
    response = _edit(client, users["moderator"], page, data)
    assert response.status_code == 200
    assert "jaartal" in str(response.context["form"].errors)


@pytest.mark.django_db
def test_local_product_shows_national_values(users: dict) -> None:
    """Beside each local field the editor reads the national value it inherits."""
    local = LocalProductPage.objects.get(
        path__startswith=GemeentePage.objects.get(cbs_code="GM0193").path,
        slug="paspoort-aanvragen")
    request = RequestFactory().get("/")
    request.user = users["zwolle"]
    handler = LocalProductPage.get_edit_handler()
    form = handler.get_form_class()(instance=local, for_user=users["zwolle"])
    bound = handler.get_bound_panel(instance=local, request=request, form=form)
    html = bound.render_html()
    assert "Landelijk: Meestal binnen 6 werkdagen." in html
    assert ("Landelijk: rijk (2024) — Paspoort, 18 jaar en ouder "
            "(maximumtarief): € 82.30") in html
    assert "Landelijk: Met een paspoort reist u naar alle landen." in html


@pytest.mark.django_db
def test_local_values_inherit_through_resolve() -> None:
    """What the gemeente left empty comes from the national product (resolve.py)."""
    from cms.publishing.catalogue import catalogue_from_cms

    catalogue = catalogue_from_cms()
    zwolle = resolve(catalogue, "GM0193", "paspoort-aanvragen")
    assert zwolle.delivery_time == "Binnen 5 werkdagen."
    assert zwolle.fees == catalogue.products["paspoort-aanvragen"].fees
    utrecht = resolve(catalogue, "GM0344", "paspoort-aanvragen")
    assert utrecht.fees_are_local and utrecht.fees.year == 2026
    assert utrecht.sections["costs"] == "In Utrecht betaalt u bij de balie."


@pytest.mark.django_db
def test_second_local_version_is_refused() -> None:
    """One local version per product per gemeente: the clash names the product."""
    from django.core.exceptions import ValidationError

    utrecht = GemeentePage.objects.get(cbs_code="GM0344")
    page = LocalProductPage(product=ProductPage.objects.get(slug="paspoort-aanvragen"))
    page.depth, page.path = utrecht.depth + 1, utrecht.path + "ZZZZ"
    with pytest.raises(ValidationError) as info:
        page.full_clean()
    assert "product" in info.value.message_dict


@pytest.mark.django_db
def test_gemeente_name_and_slug_come_from_the_reference_list() -> None:
    """Title and slug of a gemeente page follow its CBS code, not free text."""
    page = GemeentePage.objects.get(cbs_code="GM0193")
    page.title, page.slug = "Verkeerd", "verkeerd"
    page.full_clean()
    assert (page.title, page.slug) == ("Zwolle", "zwolle")


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "slug"), [
    ("paspoort", "paspoort-aanvragen"),        # title
    ("reisdocument", "paspoort-aanvragen"),    # synonym
    ("verhuismelding", "verhuizing-doorgeven"),  # UPL name
    ("adreswijziging", "verhuizing-doorgeven"),  # synonym
])
def test_editor_search_finds_products(query: str, slug: str) -> None:
    """Wagtail search finds products by title, synonyms and UPL name."""
    results = [p.slug for p in ProductPage.objects.live().search(query)]
    assert slug in results


@pytest.mark.django_db
def test_admin_search_finds_by_synonym(client: Client, users: dict) -> None:
    """The admin page search (what editors use) finds a product by a synonym."""
    client.force_login(users["landelijk"])
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "adreswijziging"})
    assert response.status_code == 200
    assert b"Verhuizing doorgeven" in response.content


@pytest.mark.django_db
def test_admin_forms_render_for_every_page_type(client: Client,
                                                django_user_model) -> None:
    """Edit and create forms of every page type open without errors."""
    admin = django_user_model.objects.create_superuser("beheer", password="x")
    client.force_login(admin)
    seen = set()
    for page in _all_pages():
        if type(page) in seen:
            continue
        seen.add(type(page))
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert edit.status_code == 200, page
        parent = page.get_parent()
        meta = type(page)._meta
        add = client.get(reverse("wagtailadmin_pages:add",
                                 args=[meta.app_label, meta.model_name, parent.pk]))
        assert add.status_code == 200, page
    assert len(seen) == 5


@pytest.mark.django_db
def test_gemeente_editor_adds_a_local_product(client: Client, users: dict,
                                              tmp_path: Path) -> None:
    """Utrecht adds its own delivery time for a product; the export gets the file
    gemeenten/utrecht/producten/<slug>.md with only that override."""
    from cms.publishing.exporter import export_content

    utrecht = GemeentePage.objects.get(cbs_code="GM0344")
    product = ProductPage.objects.get(slug="identiteitskaart-aanvragen")
    client.force_login(users["utrecht"])
    url = reverse("wagtailadmin_pages:add",
                  args=["gemeenten", "localproductpage", utrecht.pk])
    response = client.post(url, {
        "product": str(product.pk), "offered": "on", "delivery_time": "Binnen 4 dagen.",
        "fee_items-count": "0", "action-publish": "1",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.context["form"].errors
    local = LocalProductPage.objects.child_of(utrecht).get(product=product)
    assert (local.title, local.slug, local.live) == (
        "Identiteitskaart aanvragen", "identiteitskaart-aanvragen", True)
    export_content(tmp_path)
    written = tmp_path / "gemeenten/utrecht/producten/identiteitskaart-aanvragen.md"
    assert written.read_text() == (
        "---\noffered: true\ndelivery_time: Binnen 4 dagen.\n---\n")

"""Who may do what: every role × every action, in the admin and the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, Revision

from cms.base.permissions import user_can_explore
from cms.catalogue.models import LifeEventPage, ProductIndexPage, ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage, NewsPage

ROLES = ("landelijk", "moderator", "utrecht", "zwolle", "lezer", "schiermonnikoog")


def _pages() -> dict[str, Page]:
    utrecht = GemeentePage.objects.get(cbs_code="GM0344")
    zwolle = GemeentePage.objects.get(cbs_code="GM0193")
    return {
        "product": ProductPage.objects.get(slug="paspoort-aanvragen"),
        "index": ProductIndexPage.objects.get(),
        "event": LifeEventPage.objects.get(slug="kind-krijgen"),
        "utrecht": utrecht,
        "utrecht_local": LocalProductPage.objects.child_of(utrecht).first(),
        "utrecht_news": NewsPage.objects.child_of(utrecht).first(),
        "zwolle": zwolle,
        "zwolle_local": LocalProductPage.objects.child_of(zwolle).first(),
    }


def _can(page: str, check: str) -> Callable[[Any, dict[str, Page]], bool]:
    return lambda user, pages: getattr(pages[page].permissions_for_user(user), check)()


ACTIONS: dict[str, Callable[[Any, dict[str, Page]], bool]] = {
    "read national catalogue":
        lambda user, pages: user_can_explore(user, pages["product"]),
    "edit national product": _can("product", "can_edit"),
    "publish national product": _can("product", "can_publish"),
    "add national product": _can("index", "can_add_subpage"),
    "lock national product": _can("product", "can_lock"),
    "edit life event": _can("event", "can_edit"),
    "edit Utrecht profile": _can("utrecht", "can_edit"),
    "publish Utrecht local product": _can("utrecht_local", "can_publish"),
    "add Utrecht news": _can("utrecht", "can_add_subpage"),
    "delete Utrecht news": _can("utrecht_news", "can_delete"),
    "delete Utrecht page": _can("utrecht", "can_delete"),
    "edit Zwolle profile": _can("zwolle", "can_edit"),
    "edit Zwolle local product": _can("zwolle_local", "can_edit"),
    "add Zwolle news": _can("zwolle", "can_add_subpage"),
    "change catalogue settings":
        lambda user, pages: user.has_perm("base.change_cataloguesettings"),
}

# Expected outcome per action for: landelijk, moderator, utrecht, zwolle, lezer,
# schiermonnikoog (an editor of a gemeente without a page: no rights at all).
T, F = True, False
MATRIX: dict[str, tuple[bool, ...]] = {
    "read national catalogue":       (T, T, T, T, T, F),
    "edit national product":         (T, T, F, F, F, F),
    "publish national product":      (F, T, F, F, F, F),
    "add national product":          (T, T, F, F, F, F),
    "lock national product":         (T, T, F, F, F, F),
    "edit life event":               (T, T, F, F, F, F),
    "edit Utrecht profile":          (F, F, T, F, F, F),
    "publish Utrecht local product": (F, F, T, F, F, F),
    "add Utrecht news":              (F, F, T, F, F, F),
    "delete Utrecht news":           (F, F, T, F, F, F),
    "delete Utrecht page":           (F, F, F, F, F, F),
    "edit Zwolle profile":           (F, F, F, T, F, F),
    "edit Zwolle local product":     (F, F, F, T, F, F),
    "add Zwolle news":               (F, F, F, T, F, F),
    "change catalogue settings":     (T, F, F, F, F, F),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action: str, users: dict) -> None:
    """Each role may do exactly what the matrix says, no more and no less."""
    pages = _pages()
    got = tuple(ACTIONS[action](users[role], pages) for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(
        zip(ROLES, MATRIX[action], strict=True))


@pytest.mark.django_db
def test_superuser_may_delete_structure_pages(django_user_model: Any) -> None:
    """Structure pages (a gemeente with its subtree) are for superusers only."""
    admin = django_user_model.objects.create_superuser("beheer", password="x")
    assert _pages()["utrecht"].permissions_for_user(admin).can_delete()


def _refused(response: Any) -> bool:
    """Wagtail answers a forbidden admin action with 403 or a redirect away."""
    return response.status_code in (302, 403)


@pytest.mark.django_db
def test_utrecht_editor_cannot_change_zwolle_in_admin(
    client: Client, users: dict, form_data: Callable
) -> None:
    """Utrecht's editor posting Zwolle's edit forms is refused; nothing changes."""
    pages = _pages()
    client.force_login(users["utrecht"])
    revisions = Revision.objects.count()
    for key, field in (("zwolle", "phone"), ("zwolle_local", "delivery_time")):
        page = pages[key]
        data = form_data(page)
        data[field] = "gewijzigd door Utrecht"
        for action in ("action-publish", "action-save"):
            response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                                   {**data, action: "1"})
            assert _refused(response)
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])
                          ).status_code in (302, 403)
    add_news = reverse("wagtailadmin_pages:add",
                       args=["gemeenten", "newspage", pages["zwolle"].pk])
    assert _refused(client.get(add_news))
    assert Revision.objects.count() == revisions
    assert GemeentePage.objects.get(cbs_code="GM0193").phone == "14 038"


@pytest.mark.django_db
def test_utrecht_editor_can_change_utrecht_in_admin(
    client: Client, users: dict, form_data: Callable
) -> None:
    """Utrecht's editor publishes Utrecht's profile and local product directly."""
    pages = _pages()
    client.force_login(users["utrecht"])
    local = pages["utrecht_local"]
    before = local.to_local()
    data = form_data(local)
    data["delivery_time"] = "Binnen 3 werkdagen."
    response = client.post(reverse("wagtailadmin_pages:edit", args=[local.pk]),
                           {**data, "action-publish": "1"})
    assert response.status_code == 302
    local.refresh_from_db()
    assert local.to_local() == before.model_copy(
        update={"delivery_time": "Binnen 3 werkdagen."})


@pytest.mark.django_db
def test_utrecht_editor_adds_news_with_dated_slug(client: Client, users: dict) -> None:
    """A new news item is published at once and gets <date>-<slug> as its slug."""
    utrecht = _pages()["utrecht"]
    client.force_login(users["utrecht"])
    url = reverse("wagtailadmin_pages:add", args=["gemeenten", "newspage", utrecht.pk])
    response = client.post(url, {
        "title": "Nieuwe afvalkalender", "slug": "afvalkalender",
        "date": "2026-03-01", "summary": "De kalender staat online.",
        "body": "Bekijk de kalender.", "action-publish": "1",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, getattr(response, "context", None) and \
        response.context["form"].errors
    news = NewsPage.objects.child_of(utrecht).get(title="Nieuwe afvalkalender")
    assert news.live and news.slug == "2026-03-01-afvalkalender"
    assert news.owner == users["utrecht"]


@pytest.mark.django_db
def test_utrecht_editor_cannot_move_news_to_zwolle(users: dict) -> None:
    """Moving a page into another gemeente needs rights there: refused."""
    pages = _pages()
    tester = pages["utrecht_news"].permissions_for_user(users["utrecht"])
    assert not tester.can_move_to(pages["zwolle"])


@pytest.mark.django_db
def test_gemeente_editor_reads_but_cannot_edit_national(client: Client,
                                                        users: dict) -> None:
    """The explorer shows the national catalogue; its edit form is refused."""
    pages = _pages()
    client.force_login(users["utrecht"])
    explore = client.get(reverse("wagtailadmin_explore", args=[pages["index"].pk]))
    assert explore.status_code == 200
    assert b"Paspoort aanvragen" in explore.content
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[pages["product"].pk]))
    assert _refused(edit)


@pytest.mark.django_db
def test_reader_cannot_lock(client: Client, users: dict) -> None:
    """Readers only see pages: locking (which would block editors) is refused."""
    product = _pages()["product"]
    client.force_login(users["lezer"])
    response = client.post(reverse("wagtailadmin_pages:lock", args=[product.pk]))
    assert _refused(response)
    product.refresh_from_db()
    assert not product.locked


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client: Client) -> None:
    """Without logging in, the admin shows nothing."""
    response = client.get(reverse("wagtailadmin_pages:edit",
                                  args=[_pages()["utrecht"].pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_new_gemeente_page_gets_its_own_group(groups: dict) -> None:
    """Adding a gemeente creates "Redactie <naam>" with rights on that page only."""
    from wagtail.models import GroupPagePermission

    from cms.gemeenten.models import GemeenteIndexPage

    parent = GemeenteIndexPage.objects.get()
    page = GemeentePage(cbs_code="GM0088", title="?", slug="nieuw")
    parent.add_child(instance=page)  # title and slug come from the reference list
    assert (page.title, page.slug) == ("Schiermonnikoog", "schiermonnikoog")
    perms = GroupPagePermission.objects.filter(group__name="Redactie Schiermonnikoog")
    edited = {p.page_id for p in perms if p.permission.codename == "change_page"}
    assert edited == {page.pk}


@pytest.mark.django_db
def test_readers_read_published_pages_as_files(client: Client, users: dict) -> None:
    """Readers (and gemeente editors, for national pages) open a read-only view;
    an editor of another gemeente cannot read Zwolle's local pages that way."""
    pages = _pages()
    url = reverse("samenloket_read_page", args=[pages["product"].pk])
    for role in ("lezer", "utrecht"):
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "content/producten/paspoort-aanvragen.md" in html
        assert "<strong>6 werkdagen</strong>" in html
    explore = client.get(reverse("wagtailadmin_explore", args=[pages["index"].pk]))
    assert b"Bekijken" in explore.content
    client.force_login(users["utrecht"])
    zwolle = reverse("samenloket_read_page", args=[pages["zwolle_local"].pk])
    assert _refused(client.get(zwolle))
    client.force_login(users["schiermonnikoog"])
    assert _refused(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_the_dashboard(client: Client, users: dict,
                                          role: str) -> None:
    """Each account with a role can open the admin (in Dutch); an account without
    a group (here: a gemeente without a page) cannot."""
    client.force_login(users[role])
    response = client.get(reverse("wagtailadmin_home"))
    if role == "schiermonnikoog":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert b'lang="nl"' in response.content

"""The API for sitegen: canonical catalogue JSON, read-only pages, draft previews."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory

from cms.catalogue.models import ProductPage
from cms.gemeenten.models import GemeentePage
from samenloket import cli
from samenloket.loader import load_catalogue


def _dump(content: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    capsys.readouterr()
    assert cli.main(["--content", str(content), "dump", *extra]) == 0
    return capsys.readouterr().out


@pytest.mark.django_db
def test_catalogue_endpoint_equals_samenloket_dump(
    client: Client, fixture_content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/api/catalogue/ returns exactly what `samenloket dump` prints for the files."""
    response = client.get("/api/catalogue/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.content.decode("utf-8") == _dump(fixture_content, capsys)


@pytest.mark.django_db
def test_catalogue_endpoint_per_gemeente(
    client: Client, fixture_content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/api/catalogue/GM0344/ equals `samenloket dump --gemeente GM0344`,
    also for a gemeente without own data."""
    for code in ("GM0344", "gm0193", "GM0088"):
        response = client.get(f"/api/catalogue/{code}/")
        assert response.status_code == 200
        expected = _dump(fixture_content, capsys, "--gemeente", code)
        assert response.content.decode("utf-8") == expected


@pytest.mark.django_db
def test_catalogue_endpoint_refuses_unknown_gemeente_and_writes(client: Client) -> None:
    """An unknown CBS code is 404; the endpoint only answers GET and HEAD."""
    assert client.get("/api/catalogue/GM9999/").status_code == 404
    assert client.post("/api/catalogue/", {}).status_code == 405
    assert client.put("/api/catalogue/GM0344/").status_code == 405
    assert client.head("/api/catalogue/").status_code == 200


@pytest.mark.django_db
def test_dump_catalogue_command(fixture_content: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """`manage.py dump_catalogue` prints the same bytes as `samenloket dump`."""
    out = io.StringIO()
    call_command("dump_catalogue", stdout=out)
    assert out.getvalue() == _dump(fixture_content, capsys)
    out = io.StringIO()
    call_command("dump_catalogue", gemeente="GM0193", stdout=out)
    assert out.getvalue() == _dump(fixture_content, capsys, "--gemeente", "GM0193")


@pytest.mark.django_db
def test_catalogue_endpoint_ignores_drafts_and_unpublished(
    client: Client, fixture_content: Path
) -> None:
    """Drafts stay out; an unpublished product disappears with its references."""
    page = ProductPage.objects.get(slug="identiteitskaart-aanvragen")
    draft = ProductPage.objects.get(slug="paspoort-aanvragen")
    draft.summary = "Concept dat nog niet live mag."
    draft.save_revision()
    page.unpublish()

    data = json.loads(client.get("/api/catalogue/").content)

    assert "identiteitskaart-aanvragen" not in data["products"]
    paspoort = data["products"]["paspoort-aanvragen"]
    assert paspoort["summary"] == load_catalogue(fixture_content).products[
        "paspoort-aanvragen"].summary
    assert paspoort["related"] == []
    steps = data["life_events"]["kind-krijgen"]["steps"]
    assert [i["product"] for i in steps[2]["items"]] == ["paspoort-aanvragen"]


@pytest.mark.django_db
def test_pages_api_lists_only_published_pages(client: Client) -> None:
    """API v2 shows live pages with their catalogue JSON; unpublished ones are 404."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    listing = client.get("/api/v2/pages/?type=catalogue.ProductPage&fields=summary")
    assert listing.status_code == 200
    slugs = {item["meta"]["slug"] for item in listing.json()["items"]}
    assert slugs == {"paspoort-aanvragen", "identiteitskaart-aanvragen",
                     "geboorteaangifte", "verhuizing-doorgeven"}

    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["samenloket"] == page.to_product().model_dump(mode="json")
    term = detail["sections_html"]["term"]
    assert term == "<p>Meestal <strong>6 werkdagen</strong>.</p>"

    page.unpublish()
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404


@pytest.mark.django_db
def test_pages_api_is_read_only(client: Client, users: dict) -> None:
    """Writing through API v2 is refused (405) for everyone, even a superuser."""
    zwolle = GemeentePage.objects.get(cbs_code="GM0193")
    url = f"/api/v2/pages/{zwolle.pk}/"
    for user in (None, users["zwolle"], users["landelijk"]):
        if user is not None:
            client.force_login(user)
        assert client.post("/api/v2/pages/", {"title": "x"}).status_code == 405
        for method in (client.put, client.patch, client.delete):
            response = method(url, data=json.dumps({"phone": "112"}),
                              content_type="application/json")
            assert response.status_code == 405
    zwolle.refresh_from_db()
    assert zwolle.phone == "14 038"


@pytest.mark.django_db
def test_preview_token_gives_the_draft(client: Client, users: dict) -> None:
    """A preview issues a signed token for sitegen's preview server; the preview
    endpoint returns the unsaved draft for it and refuses a forged token."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    page.summary = "Nog niet opgeslagen conceptsamenvatting."
    request = RequestFactory().get("/admin/")
    request.user = users["landelijk"]
    response = page.serve_preview(request, "")
    assert b"http://127.0.0.1:8001/preview?content_type=catalogue.productpage" in \
        response.content
    preview = page.create_page_preview()

    answer = client.get("/api/v2/page_preview/",
                        {"content_type": "catalogue.productpage",
                         "token": preview.token})
    assert answer.status_code == 200
    assert answer.json()["summary"] == "Nog niet opgeslagen conceptsamenvatting."
    forged = client.get("/api/v2/page_preview/",
                        {"content_type": "catalogue.productpage",
                         "token": preview.token[:-2] + "xx"})
    assert forged.status_code == 404
    assert ProductPage.objects.get(pk=page.pk).summary != page.summary

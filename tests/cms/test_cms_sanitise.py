"""Editors write Markdown; HTML and unsafe links are refused, output is sanitised."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cms.base.markdown import render_markdown, sanitise_html, validate_markdown
from cms.catalogue.models import ProductPage

UNSAFE = [
    "Klik <script>alert('x')</script> hier.",
    "[Klik hier](javascript:alert(1))",
    '<a href="https://x.nl" onclick="steal()">link</a>',
    '<img src="https://x.nl/a.png" onerror="steal()">',
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
]


@pytest.mark.parametrize("text", UNSAFE)
def test_unsafe_markdown_is_refused(text: str) -> None:
    """HTML and non-https links never get into the CMS (same rules as content/)."""
    with pytest.raises(ValidationError) as info:
        validate_markdown(text)
    assert "regel 1" in str(info.value)


def test_supported_markdown_is_accepted() -> None:
    """Paragraphs, h3, lists, bold and https or site-path links are fine."""
    validate_markdown("### Kop\n\n- een\n- **twee**\n\n1. [x](https://a.nl)\n"
                      "2. [y](/producten/paspoort-aanvragen/)")


def test_render_keeps_only_supported_features() -> None:
    """Rendering keeps h3, ul, ol, li, p, strong and a[href]; the rest is text."""
    html = render_markdown(
        "### Kop\n\n*schuin* en **vet**\n\n- [a](https://a.nl)\n\nTekst\n\n"
        "1. b\n\n## Groot\n\n"
        "![plaatje](https://a.nl/x.png)"
    )
    assert "<h3>Kop</h3>" in html
    assert "<strong>vet</strong>" in html and "<em>" not in html and "schuin" in html
    assert '<ul>\n<li><a href="https://a.nl">a</a></li>\n</ul>' in html
    assert "<ol>" in html and "<h2>" not in html and "Groot" in html
    assert "<img" not in html


def test_sanitiser_strips_scripts_events_and_javascript_links() -> None:
    """Whatever reaches the renderer: scripts, event attributes, javascript: go."""
    html = sanitise_html(
        '<p onclick="x()">a<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)" onmouseover="x()">b</a>'
        '<a href="https://ok.nl" style="color:red">c</a><iframe src="https://e.nl">'
    )
    assert html == '<p>a</p><a>b</a><a href="https://ok.nl">c</a>'


@pytest.mark.django_db
def test_admin_refuses_html_in_a_section(client: Client, users: dict,
                                         form_data: Callable) -> None:
    """Posting a section with a script tag gives a form error and saves nothing."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    data = form_data(page)
    data["conditions"] = "Neem mee: <script>alert(1)</script>"
    data["more_info"] = "[Klik](javascript:alert(1))"
    client.force_login(users["moderator"])
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                           {**data, "action-publish": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "HTML is niet toegestaan" in str(errors["conditions"])
    assert "javascript:alert" in str(errors["more_info"])
    assert ProductPage.objects.get(pk=page.pk).conditions == page.conditions
    after = ProductPage.objects.get(pk=page.pk)
    assert page.revisions.count() == after.revisions.count()


@pytest.mark.django_db
def test_api_html_is_sanitised_even_for_unchecked_text(client: Client) -> None:
    """Text that bypassed validation (direct database write) is still rendered safe."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    ProductPage.objects.filter(pk=page.pk).update(
        what_it_is='<script>alert(1)</script><a href="javascript:x()" onclick="y()">'
                   "klik</a>")
    html = client.get(f"/api/v2/pages/{page.pk}/").json()["sections_html"]["what_it_is"]
    assert "script" not in html and "javascript" not in html and "onclick" not in html
    assert "klik" in html


def test_textarea_input_is_normalised() -> None:
    """Browsers post CRLF; the stored Markdown has LF and no outer whitespace."""
    from cms.base.fields import MarkdownFormField

    assert MarkdownFormField().clean("  a\r\n\r\n- b\r\n ") == "a\n\n- b"

"""content/ → CMS → content/: the same bytes, and loading twice changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import PageLogEntry, Revision

from cms.catalogue.models import ProductPage
from cms.publishing.catalogue import catalogue_from_cms
from cms.publishing.exporter import export_content
from cms.publishing.importer import load_content
from samenloket import cli
from samenloket.loader import load_catalogue
from samenloket.writer import render_catalogue


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*")) if path.is_file()
    }


def test_fixture_is_canonical(fixture_content: Path,
                              fixture_files: dict[str, str]) -> None:
    """The writer renders the hand-written README-format fixture byte for byte."""
    assert render_catalogue(load_catalogue(fixture_content)) == fixture_files


@pytest.mark.django_db
def test_export_equals_loaded_content(fixture_content: Path, tmp_path: Path) -> None:
    """Loading canonical content and exporting it gives byte-identical files."""
    export_content(tmp_path)
    assert _tree(tmp_path) == _tree(fixture_content)


@pytest.mark.django_db
def test_export_content_command_writes_nothing_twice(tmp_path: Path) -> None:
    """A second export into the same folder changes no file."""
    call_command("export_content", out=str(tmp_path), stdout=open("/dev/null", "w"))
    assert export_content(tmp_path) == []


@pytest.mark.django_db
def test_cms_catalogue_equals_file_catalogue(fixture_content: Path) -> None:
    """The model built from the CMS equals the model loaded from the files."""
    assert catalogue_from_cms() == load_catalogue(fixture_content)


@pytest.mark.django_db
def test_loading_twice_changes_nothing(fixture_content: Path) -> None:
    """A second load_content adds no page, revision or log entry."""
    counts = (ProductPage.objects.count(), Revision.objects.count(),
              PageLogEntry.objects.count())
    report = load_content(fixture_content)
    assert report.created == [] and report.updated == []
    assert report.unchanged == 4 + 1 + 2 + 4 + 3  # products, event, gemeenten, children
    assert (ProductPage.objects.count(), Revision.objects.count(),
            PageLogEntry.objects.count()) == counts


@pytest.mark.django_db
def test_changed_file_updates_only_that_page(fixture_content: Path,
                                             tmp_path: Path) -> None:
    """One edited file gives one new published revision, logged as an import."""
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    path = content / "producten" / "geboorteaangifte.md"
    path.write_text(path.read_text().replace("Direct.", "Meteen."), encoding="utf-8")
    revisions = Revision.objects.count()

    report = load_content(content)

    assert report.updated == ["producten/geboorteaangifte"]
    assert Revision.objects.count() == revisions + 1
    page = ProductPage.objects.get(slug="geboorteaangifte")
    assert page.term == "Meteen."
    entries = PageLogEntry.objects.filter(page=page)
    actions = set(entries.values_list("action", flat=True))
    assert {"samenloket.import", "wagtail.publish", "wagtail.edit"} <= actions
    export = tmp_path / "export"
    export_content(export)
    assert _tree(export) == _tree(content)


@pytest.mark.django_db
def test_draft_in_cms_is_not_exported(fixture_content: Path, tmp_path: Path) -> None:
    """Only published content leaves the CMS; a saved draft stays inside."""
    page = ProductPage.objects.get(slug="paspoort-aanvragen")
    page.summary = "Een conceptversie die nog niet gepubliceerd is."
    page.save_revision()
    export_content(tmp_path)
    assert _tree(tmp_path) == _tree(fixture_content)


def test_fmt_check_and_rewrite(fixture_content: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """`samenloket fmt --check` lists non-canonical files; `fmt` rewrites them."""
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    assert cli.main(["--content", str(content), "fmt", "--check"]) == 0
    path = content / "producten" / "verhuizing-doorgeven.md"
    original = path.read_bytes()
    path.write_text(path.read_text().replace("fees:\n  set_by: gemeente\n",
                                             "fees: {set_by: gemeente}\n"
                                             "appointment: false\n"))
    (content / "gemeenten" / "zwolle" / "home.md").write_text("---\n---\n")
    capsys.readouterr()

    assert cli.main(["--content", str(content), "fmt", "--check"]) == 1
    out = capsys.readouterr().out
    assert "verhuizing-doorgeven.md" in out and "zwolle/home.md" in out
    assert path.read_bytes() != original  # --check writes nothing

    assert cli.main(["--content", str(content), "fmt"]) == 0
    assert path.read_bytes() == original
    assert not (content / "gemeenten" / "zwolle" / "home.md").exists()
    assert _tree(content) == _tree(fixture_content)


def test_fmt_refuses_invalid_content(fixture_content: Path, tmp_path: Path) -> None:
    """fmt on content with errors reports them and writes nothing."""
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    path = content / "producten" / "paspoort-aanvragen.md"
    broken = path.read_text().replace("title: Paspoort aanvragen\n", "")
    path.write_text(broken)
    assert cli.main(["--content", str(content), "fmt"]) == 1
    assert path.read_text() == broken

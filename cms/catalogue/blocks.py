"""Blocks of a life event: ordered steps, each pointing at products or services."""

from __future__ import annotations

from wagtail import blocks

from cms.base.blocks import HttpsURLBlock


def _upl_choices() -> list[tuple[str, str]]:
    from cms.base.reference import upl_choices

    return upl_choices()


class UplBlock(blocks.ChoiceBlock):
    """A name from the Uniforme Productnamenlijst: only names on the list."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("choices", _upl_choices)
        kwargs.setdefault("label", "UPL-naam")
        super().__init__(**kwargs)

    class Meta:
        icon = "tag"


class ProductStepBlock(blocks.StructBlock):
    """A step item that is one of the national products (its page on every site)."""

    product = blocks.PageChooserBlock(page_type="catalogue.ProductPage",
                                      label="landelijk product")
    text = blocks.TextBlock(required=False, label="korte toelichting", rows=2)

    class Meta:
        icon = "doc-full"
        label = "product van de gemeente"


class ExternalServiceBlock(blocks.StructBlock):
    """A step item at another organisation (SVB, UWV, KVK …): no wrong door."""

    organisation = blocks.CharBlock(label="organisatie")
    title = blocks.CharBlock(label="titel")
    url = HttpsURLBlock(label="link (https://)")
    text = blocks.TextBlock(required=False, label="korte toelichting", rows=2)

    class Meta:
        icon = "link-external"
        label = "dienst van een andere organisatie"


class StepBlock(blocks.StructBlock):
    """One step of the journey; 'of' means the citizen picks one of the items."""

    title = blocks.CharBlock(label="titel van de stap")
    choice = blocks.ChoiceBlock(
        choices=[("en", "en: alles doen"), ("of", "of: kies er één")],
        default="en",
        label="en/of",
        help_text="Alleen van belang bij twee of meer onderdelen.",
    )
    items = blocks.StreamBlock(
        [("product", ProductStepBlock()), ("external", ExternalServiceBlock())],
        min_num=1,
        label="onderdelen",
    )

    class Meta:
        icon = "list-ol"
        label = "stap"

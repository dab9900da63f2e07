"""Headless Wagtail CMS for the samenloket catalogue (see cms/README in the report).

National editors keep products and life events; each gemeente keeps its own local
data, homepage and news. The CMS imports and exports the one catalogue model in
`samenloket.model`; it never defines catalogue semantics of its own.
"""

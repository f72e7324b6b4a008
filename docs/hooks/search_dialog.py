"""The theme's search box opens as a dialog with no name; here it gets one ("Search"),
so a screen reader says what opened. A theme whose markup changed fails the build here
rather than losing the name unnoticed."""

from __future__ import annotations

DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def _named(output: str, where: str) -> str:
    if output.count(DIALOG) != 1:
        raise ValueError(f"{where}: the theme's search dialog is not the one this hook names "
                         f"({DIALOG!r} once)")
    return output.replace(DIALOG, NAMED)


def on_post_page(output: str, page, config) -> str:
    return _named(output, page.file.src_uri)


def on_post_template(output: str, template_name: str, config) -> str:
    return _named(output, template_name) if template_name == "404.html" else output

"""The notebook `examples/backprop_tour.ipynb` as a page of the site.

It stays where learners open it (examples/, committed without outputs); this hook hands
it to mkdocs-jupyter, which executes it at build time, and removes the MathJax that
nbconvert's template loads from a CDN: the notebook has no math, and the site fetches
nothing from another host. Its links to the docs (`../docs/article_001_twelve_points.md`,
right from examples/) become links to their pages. The page opens with a link to download
the notebook itself (mkdocs-jupyter's `include_source` puts it beside the page), to run
it in Jupyter.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "backprop_tour.ipynb"
CDN_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE)
MATHJAX_CONFIG = re.compile(r"<script type=\"text/x-mathjax-config\">.*?</script>", re.DOTALL)
DOWNLOAD = (f'<p class="notebook-download"><a href="{NOTEBOOK.name}" download>Download the '
            f'notebook ({NOTEBOOK.name})</a> to run it in Jupyter: it is saved without its '
            "outputs, which running it draws again.</p>\n")
DOCS_LINK = re.compile(r'href="\.\./docs/([\w-]+)\.md(#[^"]*)?"')


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files: Files, config) -> Files:
    files.append(File(NOTEBOOK.name, src_dir=str(NOTEBOOK.parent), dest_dir=config["site_dir"],
                      use_directory_urls=config["use_directory_urls"]))
    return files


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri != NOTEBOOK.name:
        return html
    html = DOWNLOAD + MATHJAX_CONFIG.sub("", CDN_SCRIPT.sub("", html))
    return DOCS_LINK.sub(lambda m: f'href="../{m.group(1)}/{m.group(2) or ""}"', html)

"""The site fetches nothing from another host: a page that would is a failed build.

Links (`<a href>`, and `<link rel="canonical">`, which names the page's address and
loads nothing) may lead anywhere; what a page loads by itself (scripts, styles, images,
frames, fonts) must come from the site.
"""

from __future__ import annotations

import re

LOADED_FROM_ELSEWHERE = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"']?(?:https?:)?//[^\"'\s>]+"
    r"|<link\b(?![^>]*\brel=[\"']?(?:canonical|alternate)\b)[^>]*\bhref=[\"']?(?:https?:)?//[^\"'\s>]+"
    r"|@import\s+url\([\"']?(?:https?:)?//[^)]+"
    r"|@font-face[^}]*url\([\"']?(?:https?:)?//[^)]+",
    re.IGNORECASE,
)


def on_post_page(output: str, page, config) -> str:
    found = LOADED_FROM_ELSEWHERE.search(output)
    if found:
        raise ValueError(f"{page.file.src_uri} would load {found.group(0)!r} from another host; "
                         "the site must work offline")
    return output

"""axe-core, the accessibility checker, run inside a page a selenium driver shows.

The checker is one file of npm's axe-core, kept in tests/vendor/axe-core with its licence
and version, so every machine runs the same rules offline (the copy that PyPI's
axe-selenium-python bundles is axe-core 3.1.1, from 2018, and passes pages that today's
rules fail)."""

from __future__ import annotations

from pathlib import Path

AXE_CORE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")

_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
   .then(result => done({violations: result.violations}), error => done({error: String(error)}));
"""


def serious_violations(driver, timeout: float = 120) -> list[tuple[str, str, list]]:
    """Every rule of axe-core that the page now shown breaks with serious or critical
    impact, as (rule, impact, targets of the nodes that break it)."""
    driver.set_script_timeout(timeout)
    driver.execute_script(AXE_CORE.read_text(encoding="utf-8"))
    answer = driver.execute_async_script(_RUN)
    if "error" in answer:
        raise RuntimeError(f"axe-core failed in the page: {answer['error']}")
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]])
            for v in answer["violations"] if v["impact"] in SEVERE]

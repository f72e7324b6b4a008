/* A region of a page that scrolls (a code block, a formula, a graph drawing, a notebook cell) is a
   stop of the Tab key while its content overflows, so that the arrow keys can scroll it, and it is named
   for what it holds. Material makes a code block focusable only on a device that hovers,
   and takes the tabindex away again on others: it is put back whenever it is taken. */
const SCROLL_REGIONS = [
  [".md-typeset pre > code", "Code"],
  [".md-typeset .math-display", "Formula"],
  [".md-typeset p:has(> img:is([src$='graph.png'], [src*='network'][src$='.png']))", "Figure"],
  [".jp-Notebook .highlight-ipynb", "Notebook cell, code"],
  [".jp-Notebook .jp-OutputArea-output", "Notebook cell, output"],
];

function overflows(region) {
  return region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
}

function setIfDifferent(element, name, value) {
  if (value === null) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

function markRegion(region) {
  const scrolls = overflows(region);
  setIfDifferent(region, "tabindex", scrolls ? "0" : null);
  setIfDifferent(region, "role", scrolls ? "group" : null);
  setIfDifferent(region, "aria-label", scrolls ? region.dataset.scrollRegion : null);
}

function markScrollRegions() {
  const resized = new ResizeObserver((entries) => entries.forEach((e) => markRegion(e.target)));
  const retouched = new MutationObserver((records) => records.forEach((r) => markRegion(r.target)));
  for (const [selector, name] of SCROLL_REGIONS) {
    for (const region of document.querySelectorAll(selector)) {
      region.dataset.scrollRegion = name;
      markRegion(region);
      resized.observe(region);
      retouched.observe(region, {attributes: true, attributeFilter: ["tabindex"]});
    }
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", markScrollRegions);
} else {
  markScrollRegions();
}

/* The page's keyboard and pointer behaviour that Dash components do not have. */

/* The tab list: arrow keys, Home and End move to a tab and open it (WAI-ARIA tabs). */
document.addEventListener("keydown", (event) => {
  const tab = event.target.closest && event.target.closest("[role=tab]");
  if (!tab) return;
  const tabs = [...tab.parentElement.querySelectorAll("[role=tab]")];
  const here = tabs.indexOf(tab);
  const next = {ArrowRight: here + 1, ArrowLeft: here - 1, Home: 0, End: tabs.length - 1}[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const target = tabs[(next + tabs.length) % tabs.length];
  target.focus();
  target.click();
});

/* The graph drawing pans when dragged (it scrolls with wheel, scroll bars and arrow keys). */
document.addEventListener("pointerdown", (event) => {
  const frame = event.target.closest && event.target.closest(".graph-frame");
  if (!frame || event.button !== 0) return;
  event.preventDefault();
  const start = {x: event.clientX, y: event.clientY, left: frame.scrollLeft, top: frame.scrollTop};
  frame.classList.add("dragging");
  const move = (e) => {
    frame.scrollLeft = start.left - (e.clientX - start.x);
    frame.scrollTop = start.top - (e.clientY - start.y);
  };
  const stop = () => {
    frame.classList.remove("dragging");
    document.removeEventListener("pointermove", move);
    document.removeEventListener("pointerup", stop);
  };
  document.addEventListener("pointermove", move);
  document.addEventListener("pointerup", stop);
});

/* A control marked invalid (class "invalid": a text box, or a slider whose number box
   took a value) says so to assistive technology too, and points at its hint and its
   error message. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  playground: {
    markInvalid: function () {
      const ids = [];
      for (const context of window.dash_clientside.callback_context.inputs_list) {
        const control = document.getElementById(context.id);
        const box = control && (control.matches("input") ? control : control.querySelector("input"));
        if (!box) continue;
        const invalid = (context.value || "").split(" ").includes("invalid");
        box.setAttribute("aria-invalid", String(invalid));
        const notes = [`${context.id}-hint`, `${context.id}-error`];
        box.setAttribute("aria-describedby",
                         notes.filter((id) => document.getElementById(id)).join(" "));
        if (invalid) ids.push(context.id);
      }
      return ids;
    },
  },
});

/* Names and roles Dash's own controls leave out, restored whenever the page changes:
   a radio list is a radio group named by its legend (not a list box of options that
   hold radio buttons), and a slider's thumb and number box are named by its label. */
function setIfDifferent(element, name, value) {
  if (value === null) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

function nameControls() {
  for (const group of document.querySelectorAll(".dash-radioitems")) {
    const legend = group.closest("fieldset")?.querySelector("legend");
    setIfDifferent(group, "role", "radiogroup");
    if (legend) setIfDifferent(group, "aria-labelledby", legend.id);
    for (const option of group.querySelectorAll(".dash-options-list-option")) {
      setIfDifferent(option, "role", null);
      setIfDifferent(option, "aria-selected", null);
    }
  }
  for (const slider of document.querySelectorAll(".dash-slider-container[id]")) {
    const label = `${slider.id}-label`;
    for (const part of slider.querySelectorAll("[role=slider], input")) {
      setIfDifferent(part, "aria-labelledby", label);
    }
  }
}

new MutationObserver(nameControls).observe(document.documentElement, {
  subtree: true, childList: true, attributes: true,
  attributeFilter: ["role", "aria-selected", "aria-labelledby", "class"],
});

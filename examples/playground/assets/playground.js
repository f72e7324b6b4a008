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

/* The graph tab draws the run shown, one drawing at a time: the next is asked for
   (by setting graph-wanted, which the server answers with the drawing) once the browser
   has drawn the last. Asked for on every tick, no drawing would show while training on a
   busy machine: Dash drops an answer once a newer request has left, and a new picture
   replaces one still being decoded, unseen. A drawing lost on the way is given up after
   GRAPH_PATIENCE_MS. */
const GRAPH_PATIENCE_MS = 10000;
const graph = {tab: null, shown: null, asked: undefined, askedAt: 0, drawn: undefined};

/* Whether the last drawing asked for has not been drawn yet (nor given up). */
function drawingOnItsWay() {
  return graph.asked !== graph.drawn && Date.now() - graph.askedAt < GRAPH_PATIENCE_MS;
}

/* Ask for the drawing of the run shown, unless the tab is hidden, that drawing is on
   the page already, or the last one asked for is still on its way. */
function askForGraph() {
  if (graph.tab === "graph" && !drawingOnItsWay() && graph.shown !== graph.drawn) {
    graph.asked = graph.shown;
    graph.askedAt = Date.now();
    window.dash_clientside.set_props("graph-wanted", {data: graph.shown});
  }
}

/* A graph drawing the browser has drawn (or failed to) lets the next be asked for. Load
   and error do not bubble: they are caught on the way down. */
function graphDrawn(event) {
  const image = event.target;
  if (!(image.matches && image.matches("#graph-svg img"))) return;
  graph.drawn = image.dataset.run;
  askForGraph();
  window.dash_clientside.set_props("graph-frame", {"aria-busy": String(drawingOnItsWay())});
}
document.addEventListener("load", graphDrawn, true);
document.addEventListener("error", graphDrawn, true);

/* A text box marked invalid (class "invalid") says so to assistive technology too, and
   points at its hint and its error message. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  playground: {
    markInvalid: function () {
      const ids = [];
      for (const context of window.dash_clientside.callback_context.inputs_list) {
        const box = document.getElementById(context.id);
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
    /* The tab open or the run shown changed: the graph follows (askForGraph); its
       frame is busy while a drawing is on its way. */
    followGraph: function (tab, shown) {
      graph.tab = tab;
      graph.shown = shown;
      askForGraph();
      return String(drawingOnItsWay());
    },
  },
});

/* Names and roles Dash's own controls leave out, restored whenever the page changes:
   a radio list is a radio group named by its legend (not a list box of options that
   hold radio buttons), and a slider's thumb is named by its label. */
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
    const label = document.getElementById(`${slider.id}-label`);
    for (const part of slider.querySelectorAll("[role=slider]")) {
      setIfDifferent(part, "aria-labelledby", label.id);
      // The same words again: a checker reads the labelledby name only while the label
      // is on screen, and the drawer scrolls it out of sight on a phone.
      setIfDifferent(part, "aria-label", label.textContent);
    }
  }
}

/* On a narrow screen the settings start folded (the drawer then shows only the buttons);
   on a wide one they are always unfolded. */
const NARROW = window.matchMedia("(max-width: 900px)");
let settingsFolded = false;

function foldSettings() {
  const settings = document.getElementById("settings");
  if (!settings) return;
  settings.open = !NARROW.matches;
  settingsFolded = true;
}

NARROW.addEventListener("change", foldSettings);

/* The zoomed graph drawing opens on its middle, where a top-to-bottom drawing is, not
   on the blank left edge: its width (the zoom) is watched once it is on the page. */
let drawingWatched = false;

function watchDrawing() {
  const drawing = document.getElementById("graph-svg");
  if (!drawing) return;
  const frame = drawing.parentElement;
  new MutationObserver(() => requestAnimationFrame(() => {
    frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2;
  })).observe(drawing, {attributes: true, attributeFilter: ["style"]});
  drawingWatched = true;
}

new MutationObserver(() => {
  nameControls();
  if (!settingsFolded) foldSettings();
  if (!drawingWatched) watchDrawing();
}).observe(document.documentElement, {
  subtree: true, childList: true, attributes: true,
  attributeFilter: ["role", "aria-selected", "aria-labelledby", "class"],
});

/* What Dash does not tell the page: whether the server answers. A callback request that
   fails, or gets a server error, pauses the training and says so. The note stays until
   the reader acts again: answers to requests sent before the failure may still arrive,
   and the training they do not resume needs its reason on the page. Otherwise an answer
   clears the note, and a request unanswered for SLOW_MS says the page is waiting, and
   why it may be. An answer counts once its whole body is here: a server stopped while it
   writes sends headers whose body never comes, and Dash drops such an answer, and with
   it the next tick, without a word. */
const SLOW_MS = 5000;
const SERVER_DOWN = "The server does not answer (it was stopped or restarted), so training is " +
  "paused. Start it again with python examples/playground/app.py, then press Train.";
const SERVER_FAILED = "The server failed to answer (HTTP {status}), so training is paused; " +
  "its own output says why.";
const SERVER_SLOW = "Waiting for the server: it has not answered this page for 5 s. It may be " +
  "busy with other pages; a browser also opens at most six connections to one server, " +
  "shared by all its tabs, so close or pause other playground tabs.";

function connectionNote(text) {
  const note = document.getElementById("connection-note");
  if (note && note.textContent !== text) note.textContent = text;
}

function pauseTraining() {
  const set = window.dash_clientside && window.dash_clientside.set_props;
  if (!set) return;
  set("ticker", {disabled: true});
  set("train-button", {children: "▶ Train"});
}

let failureShown = false;
for (const action of ["pointerdown", "keydown"]) {
  document.addEventListener(action, () => { failureShown = false; }, true);
}

function showFailure(text) {
  failureShown = true;
  pauseTraining();
  connectionNote(text);
}

function answered(response, body) {
  if (response.status >= 500) showFailure(SERVER_FAILED.replace("{status}", response.status));
  else if (!failureShown) connectionNote("");
  const init = {status: response.status, statusText: response.statusText, headers: response.headers};
  return new Response(body.byteLength ? body : null, init);  // 204, no_update only: no body
}

function notAnswered(error) {
  showFailure(SERVER_DOWN);
  throw error;
}

const sendRequest = window.fetch;
window.fetch = function (resource) {
  const url = typeof resource === "string" ? resource : resource.url;
  if (!String(url).includes("_dash-update-component")) return sendRequest.apply(this, arguments);
  const slow = setTimeout(() => failureShown || connectionNote(SERVER_SLOW), SLOW_MS);
  return sendRequest.apply(this, arguments)
    .then((response) => response.arrayBuffer().then((body) => answered(response, body)))
    .catch(notAnswered)
    .finally(() => clearTimeout(slow));
};

/* While training, a screen reader hears the step, the loss and the accuracy every
   ANNOUNCE_MS through a polite live region: the tiles themselves change on every tick,
   too often to be announced. */
const ANNOUNCE_MS = 5000;
setInterval(() => {
  const region = document.getElementById("progress-announcement");
  const button = document.getElementById("train-button");
  if (!region || !button || !button.textContent.includes("Pause")) return;
  const value = (id) => (document.getElementById(id) || {}).textContent;
  const text = `Step ${value("step-count")}: training loss ${value("train-loss")}, ` +
    `test accuracy ${value("test-accuracy")}.`;
  if (region.textContent !== text) region.textContent = text;
}, ANNOUNCE_MS);

// The scenecodec page: one scene's cloud, registers, neighbours and pulse, drawn from the
// HTTP API of `scenecodec serve` (same origin; the token, if any, rides in a cookie).
// Cytoscape.js draws the cloud, uPlot the timeline; both are vendored under web/vendor/.
"use strict";

const PHASE_COLOURS = {
  scene: "#59a14f", entry: "#4e79a7", peak: "#e15759", decline: "#76b7b2", anchor: "#f28e2b",
};
const LIFECYCLE_COLOURS = {
  entry: "#9ecae9", unfolding: "#4e79a7", saturation: "#e15759", decline: "#bab0ac",
};
const SERIES_COLOURS = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
];
const REGISTERS = ["logical", "poetic", "emotional", "archetypal", "bodily"];
const TIMELINE_SERIES = 10;

const $ = (selector) => document.querySelector(selector);
const state = { root: null, cy: null, plot: null };
window.scenecodec = state; // for the browser test and for curious users in the console

/** An element with text and attributes; children appended in order. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k === "on") Object.entries(v).forEach(([e, f]) => node.addEventListener(e, f));
    else node.setAttribute(k, v);
  }
  children.filter((c) => c !== null && c !== undefined).forEach((c) => node.append(c));
  return node;
}

function say(message, error = false) {
  const status = $("#status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

/** POST (with a body) or GET (without) one endpoint; the API's {"error"} becomes an Error. */
async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

/** POST ``body`` to a newline-delimited JSON endpoint, calling ``onEvent`` with each line. */
async function streamed(path, body, onEvent) {
  const response = await fetch(path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new Error(data.error || `HTTP ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line);
      if (event.error) throw new Error(event.error);
      onEvent(event);
    }
  }
}

/** A link that opens another scene on the page. */
function sceneLink(cue, text) {
  return el("a", { class: "scene-link", href: "#", text: text || cue, on: {
    click: (event) => { event.preventDefault(); show(cue); },
  } });
}

// ---- the scene ------------------------------------------------------------------------

async function show(cue) {
  $("#scene").value = cue;
  say(`expanding ${cue} …`);
  try {
    let expansion = null;
    $("#registers").replaceChildren(); // the texts of the scene before would read as this one's
    await streamed("expand/stream", { scene: cue, depth: 2, neighbours: 8 }, (event) => {
      if (event.expansion) expansion = event.expansion;
      else if (event.register !== undefined && event.sample === 0) drawWriting(event);
    });
    state.root = expansion;
    drawHead(expansion);
    drawCloud(expansion);
    drawRegisters(expansion);
    drawNearest(expansion);
    say(`${expansion.scene.formula}: ${expansion.microscenes.length} micro-scenes`);
  } catch (error) {
    say(error.message, true);
  }
}

function drawHead(e) {
  $("#head").hidden = false;
  $("#formula").textContent = e.scene.formula;
  const rows = [
    ["name", e.scene.name],
    ["code", e.scene.code || "not stored"],
    ["glyph", e.scene.glyph],
    ["archetype", e.archetype ? `${e.archetype.name} (${e.archetype.system})` : "—"],
    ["tension", e.tension === null ? "—" : e.tension.toFixed(2)],
    ["residual", e.residual.toFixed(2)],
  ];
  $("#forms").replaceChildren(...rows.flatMap(([k, v]) => [
    el("dt", { text: k }), el("dd", { text: v, class: k === "glyph" ? "glyph" : "" })]));
}

// ---- the cloud ------------------------------------------------------------------------

function nodeLabel(m) {
  const kind = m.archetype ? m.archetype.name : m.gloss.join(" · ");
  return kind ? `${m.lemma}\n${kind}` : m.lemma;
}

function drawCloud(e) {
  $("#cloud-section").hidden = false;
  if (state.cy) state.cy.destroy();
  state.cy = cytoscape({
    container: $("#cloud"),
    minZoom: 0.3,
    maxZoom: 2.5,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", label: "data(label)", "text-wrap": "wrap",
        "text-max-width": "110px", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4,
        width: 26, height: 26, color: "#1d232a",
      } },
      { selector: "node[kind = 'scene']", style: { width: 40, height: 40, "font-weight": "bold" } },
      { selector: "node[?closed]", style: {
        "border-width": 3, "border-style": "dashed", "border-color": "#1d232a",
      } },
      { selector: "node:selected", style: { "overlay-opacity": 0.15, "overlay-color": "#4e79a7" } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "#c5ccd3", "target-arrow-shape": "triangle",
        "target-arrow-color": "#c5ccd3", "curve-style": "bezier",
      } },
    ],
  });
  const label = e.archetype ? `${e.scene.name}\n${e.archetype.name}` : e.scene.name;
  state.cy.add({ data: {
    id: "s", label, colour: PHASE_COLOURS.scene, kind: "scene", phase: "scene",
    formula: e.scene.formula, micro: null, closed: false,
  } });
  addMicroscenes("s", e.microscenes);
  state.cy.on("tap", "node", (event) => tap(event.target));
  relayout();
  $("#legend").replaceChildren(...Object.entries(PHASE_COLOURS).map(([phase, colour]) =>
    el("li", { style: `--swatch:${colour}`, text: phase })));
  detail(state.cy.getElementById("s"));
}

/** Children of ``parent``: one node per micro-scene, closed when it has its own unfolding. */
function addMicroscenes(parent, microscenes) {
  microscenes.forEach((m, i) => {
    const id = `${parent}/${i}`;
    state.cy.add([
      { data: {
        id, label: nodeLabel(m), colour: PHASE_COLOURS[m.phase] || "#999", kind: "micro",
        phase: m.phase, lemma: m.lemma, micro: m,
        formula: m.unfolding ? m.unfolding.formula : null, closed: Boolean(m.unfolding),
      } },
      { data: { id: `${id}-edge`, source: parent, target: id } },
    ]);
  });
  drawOutline();
}

function relayout() {
  state.cy.layout({ name: "breadthfirst", roots: ["s"], directed: true, spacingFactor: 1.6,
    animate: false, fit: true, padding: 24 }).run();
}

/** A click on a node: unfold it one level (its own scene's micro-scenes), or fold it. */
async function tap(node) {
  detail(node);
  if (node.data("kind") === "scene") return;
  const below = node.successors();
  if (below.length) {
    below.remove();
    node.data("closed", Boolean(node.data("formula")));
    drawOutline();
    relayout();
    return;
  }
  if (!node.data("closed") || node.data("busy")) return;
  node.data("busy", true); // a second click while the first is answered adds nothing
  say(`unfolding ${node.data("lemma")} …`);
  try {
    const e = await api("expand", {
      scene: node.data("formula"), depth: 2, neighbours: 0, context: [state.root.scene.formula],
    });
    node.data("closed", false);
    addMicroscenes(node.id(), e.microscenes);
    relayout();
    say(`${node.data("lemma")} → ${e.scene.formula}`);
  } catch (error) {
    say(error.message, true);
  } finally {
    node.data("busy", false);
  }
}

function detail(node) {
  const m = node.data("micro");
  const box = $("#detail");
  if (!m) {
    const e = state.root;
    box.replaceChildren(el("h3", { text: e.scene.formula }),
      el("p", { text: `${e.microscenes.length} micro-scenes; tension ${e.tension === null ? "—" : e.tension.toFixed(2)}` }));
    return;
  }
  const features = Object.entries(m.features).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ");
  box.replaceChildren(
    el("h3", { text: `${m.lemma} · ${m.phase}` }),
    el("p", { text: `gloss: ${m.gloss.join(", ") || "—"}` }),
    el("p", { text: `archetype: ${m.archetype ? `${m.archetype.name} (${m.archetype.system})` : "—"}` }),
    el("p", { text: `pull to the anchor: ${m.pull === null ? "— (the anchor)" : m.pull.toFixed(2)}` }),
    el("p", { text: `facets: ${features}` }),
    el("p", { text: `unfolds into: ${node.data("formula") || "— (nothing in memory near it yet)"}` }),
    el("p", { text: `near in memory: ${m.context.concepts.map((c) => c.lemma).join(", ") || "—"}` }),
    el("ul", {}, ...m.context.scenes.map((s) =>
      el("li", {}, sceneLink(s.code, `${s.code} ${s.formula}`), el("span", { class: "score", text: ` ${s.score.toFixed(2)}` })))),
  );
}

/** The cloud as a nested list: the same tree, readable without the canvas. */
function drawOutline() {
  const children = (id) => state.cy.getElementById(id).outgoers("node");
  const item = (node) => {
    const sub = children(node.id());
    return el("li", { "data-node": node.id(), "data-phase": node.data("phase") },
      node.data("label").replace("\n", " — "),
      sub.length ? el("ul", {}, ...sub.map(item)) : null);
  };
  $("#outline").replaceChildren(item(state.cy.getElementById("s")));
}

// ---- registers and neighbours -----------------------------------------------------------

function drawRegisters(e) {
  $("#registers-section").hidden = false;
  const pace = e.bridge.pace;
  $("#pace").textContent = `pace: depth ${pace.depth}, ${pace.length} sentence(s) — ${pace.reason}`;
  const routes = Object.fromEntries(e.bridge.routes.map((r) => [r.register, r]));
  $("#registers").replaceChildren(...REGISTERS.map((name) => {
    const route = routes[name];
    const text = e.registers[name];
    return el("article", { class: `register${text === undefined ? " inactive" : ""}`, "data-register": name },
      el("h3", { text: name }),
      el("div", { class: "weight", title: `weight ${route.weight}` },
        el("span", { style: `width:${Math.round(route.weight * 100)}%` })),
      el("p", { class: "meta", text: `weight ${route.weight.toFixed(2)} · voice ${route.voice}${written(e, name)} · ${route.reason}` }),
      el("p", { class: "text", text: text === undefined ? "not active" : text }));
  }));
}

/** Who wrote a register's text: `` (model)`` or `` (lexical)``, when the model voices spoke. */
function written(e, name) {
  const by = e.speech && e.speech.realiser[name];
  return by && Object.values(e.speech.realiser).includes("model") ? ` (${by})` : "";
}

/** A register's text as the model voice writes it, word by word, before the expansion arrives. */
function drawWriting(event) {
  $("#registers-section").hidden = false;
  let box = $(`#registers [data-register="${event.register}"] .text`);
  if (!box) {
    const article = el("article", { class: "register writing", "data-register": event.register },
      el("h3", { text: event.register }), el("p", { class: "text" }));
    $("#registers").append(article);
    box = article.querySelector(".text");
  }
  box.textContent = event.text;
}

function drawNearest(e) {
  $("#near-section").hidden = false;
  $("#neighbours").replaceChildren(...(e.neighbours.length ? e.neighbours.map((n) =>
    el("li", {}, sceneLink(n.scene.code, `${n.scene.code} ${n.scene.formula}`),
      el("span", { class: "score", text: ` ${n.score.toFixed(2)}` })))
    : [el("li", { text: "memory holds no other scene yet" })]));
  const templates = e.microscenes.flatMap((m) => m.templates.map((t) =>
    el("li", {}, `${m.lemma}: `, sceneLink(t.code, `${t.code} [${t.concepts.join(", ")}]`),
      el("span", { class: "score", text: ` shares ${t.shared}` }))));
  $("#templates").replaceChildren(...(templates.length ? templates
    : [el("li", { text: "no stored scene holds these concepts yet" })]));
}

// ---- the pulse --------------------------------------------------------------------------

/** Run ``/pulse/stream`` with ``body``, showing its progress lines; the timeline at the end. */
async function pulse(body) {
  const bar = $("#progress");
  const label = $("#progress-label");
  bar.hidden = false;
  bar.removeAttribute("value");
  label.textContent = "starting …";
  try {
    await streamed("pulse/stream", body, (event) => {
      if (event.timeline) drawTimeline(event.timeline);
      else if (event.stage !== undefined) {
        bar.max = Math.max(event.total, 1);
        bar.value = event.done;
        label.textContent = `${event.stage} ${event.done}${event.total ? ` / ${event.total}` : ""}`;
      }
    });
    say("pulse done");
  } catch (error) {
    say(error.message, true);
  } finally {
    bar.hidden = true;
    label.textContent = "";
  }
}

function drawTimeline(timeline) {
  const ticks = timeline.ticks.map((t) => t.tick);
  const labels = new Map();
  const peak = new Map();
  timeline.ticks.forEach((t) => t.focus.forEach((f) => {
    labels.set(f.key, f.label);
    peak.set(f.key, Math.max(peak.get(f.key) ?? -Infinity, f.activation));
  }));
  const keys = [...labels.keys()].sort((a, b) => peak.get(b) - peak.get(a)).slice(0, TIMELINE_SERIES);
  const at = timeline.ticks.map((t) => Object.fromEntries(t.focus.map((f) => [f.key, f])));
  const data = [ticks, ...keys.map((k) => at.map((row) => (row[k] ? row[k].activation : null)))];
  if (state.plot) state.plot.destroy();
  const box = $("#timeline");
  state.plot = new uPlot({
    width: Math.max(box.clientWidth, 320),
    height: 260,
    scales: { x: { time: false } },
    axes: [{ label: "tick" }, { label: "activation" }],
    series: [{ label: "tick" }, ...keys.map((k, i) => ({
      label: labels.get(k), stroke: SERIES_COLOURS[i % SERIES_COLOURS.length], width: 2,
    }))],
  }, data, box);
  $("#lifecycle").replaceChildren(...Object.entries(LIFECYCLE_COLOURS).map(([phase, colour]) =>
    el("li", { style: `--swatch:${colour}`, text: phase })));
  $("#phases").replaceChildren(...keys.map((k) => el("tr", { "data-key": k },
    el("th", { text: labels.get(k) }),
    ...at.map((row, i) => {
      const f = row[k];
      const title = f ? `tick ${ticks[i]}: ${f.phase}${f.decision ? `, ${f.decision}` : ""}` : `tick ${ticks[i]}: out of focus`;
      return el("td", { title, style: f ? `background:${LIFECYCLE_COLOURS[f.phase] || "#ddd"}` : "" });
    }))));
  $("#segments").replaceChildren(...(timeline.segments || []).map((s) =>
    el("li", {}, `tick ${s.tick}: ${s.sentences.length} sentence(s) → `,
      s.scene.code ? sceneLink(s.scene.code, `${s.scene.code} ${s.scene.formula}`) : s.scene.formula)));
}

// ---- wiring -----------------------------------------------------------------------------

$("#ask").addEventListener("submit", (event) => {
  event.preventDefault();
  const cue = $("#scene").value.trim();
  if (cue) show(cue);
});
$("#pulse-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const scene = state.root ? state.root.scene.formula : $("#scene").value.trim();
  if (!scene) return say("type a scene first", true);
  const goal = $("#goal").value.trim();
  pulse({ scene, ticks: Number($("#ticks").value) || 20, ...(goal ? { goal } : {}) });
});
$("#read-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("#text").value.trim();
  if (!text) return say("paste a text to read", true);
  pulse({ text });
});
const first = new URLSearchParams(location.search).get("scene");
if (first) show(first);

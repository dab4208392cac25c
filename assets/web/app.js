// regimes live: the page of `regimes serve`. It edits a scenario (ranges and hover
// help from the server's catalogue), asks the server to run it, draws the rows
// the server streams, and links the files the finished run leaves.
"use strict";

const PRESET_SLOTS = ["enclosure", "commons", "collectivist", "open_access", "cooperative", "patents", "collaborative", "p2p"];
// Okabe-Ito, as in the PNG charts (src/output/charts/style.rs).
const COLORS = ["#d55e00", "#009e73", "#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#000000", "#c8b914"];

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};

let cat = null;      // the catalogue
let form = null;     // the scenario being edited
let run = null;      // the run on screen: {id, info, source, charts, ...}

// ---------- the form ----------

function scenarioByKey(key) {
  return cat.scenarios.find((s) => s.key === key) || cat.scenarios[0];
}

function presetSettings(name) {
  const p = cat.presets.find((p) => p.name === name);
  return p ? p.settings : null;
}

function loadScenario(key) {
  const s = scenarioByKey(key);
  // A mixed world (spec §5) is one world of populations: the page edits them
  // in place of regimes, and runs them together.
  const pops = s.regimes.length === 1 && (s.regimes[0].populations || []).length ? s.regimes[0].populations : null;
  const entries = (pops || s.regimes).map((r) => ({
    name: r.name, preset: r.preset, settings: { ...r.settings }, original: { ...r.settings },
    base: r.name, enabled: true, share: pops ? r.share : undefined,
  }));
  for (const p of pops ? [] : cat.presets) {
    if (!entries.some((e) => e.name === p.name)) {
      entries.push({ name: p.name, preset: p.name, settings: { ...p.settings }, original: { ...p.settings },
        base: p.name, enabled: false });
    }
  }
  const headline = cat.metrics.filter((m) => m.headline).map((m) => m.name);
  form = {
    key: s.key, name: s.name, steps: s.steps, replicates: s.replicates, seed: s.seed,
    world: { ...s.world }, regimes: entries, edit: 0, mixed: !!pops,
    sweep: s.sweep.map((a) => ({ path: a.path, values: a.values, chosen: 0 })),
    metrics: headline,
  };
  // A sweep's first value stands until another is chosen.
  for (const a of form.sweep) applySweep(a);
  render();
}

function applySweep(axis) {
  const [table, key, popKey] = axis.path.split(".");
  const value = axis.values[axis.chosen];
  if (table === "world") form.world[key] = value;
  else if (table === "populations") {
    // populations.NAME.share or populations.NAME.KEY: one population's.
    const p = form.regimes.find((r) => r.name === key);
    if (p && popKey === "share") p.share = value;
    else if (p) { p.settings[popKey] = value; p.original[popKey] = value; }
  } else for (const r of form.regimes) { r.settings[key] = value; r.original[key] = value; }
}

function regimeName(r) {
  if (form.mixed) return r.name;
  const changed = Object.keys(r.settings).some((k) => JSON.stringify(r.settings[k]) !== JSON.stringify(r.original[k]));
  return changed ? `${r.base}_custom` : r.base;
}

function colorsOf(names, presets) {
  const used = new Array(8).fill(false);
  const slots = names.map((n) => { const i = PRESET_SLOTS.indexOf(n); if (i >= 0) used[i] = true; return i >= 0 ? i : null; });
  return slots.map((s, i) => {
    if (s === null) {
      const p = PRESET_SLOTS.indexOf(presets[i]);
      s = p >= 0 && !used[p] ? p : used.indexOf(false);
      if (s < 0) s = i % 8;
      used[s] = true;
    }
    return COLORS[s];
  });
}

function help(param) {
  return `${param.path}: ${param.meaning}\nAllowed: ${param.allowed}. Default: ${JSON.stringify(param.default)}.`;
}

// One control for one parameter; `get`/`set` read and write its value.
function control(param, value, set, world) {
  const c = param.control;
  const name = el("span", { class: "name", title: help(param), text: param.key });
  const out = el("output", { text: String(value) });
  let input;
  if (c.kind === "slider") {
    let max = c.max;
    if (c.max_param && world && typeof world[c.max_param] === "number") max = Math.min(c.max, world[c.max_param] + c.max_offset);
    input = el("input", { type: "range", min: c.min, max: Math.max(c.min, max), step: c.step, value, title: help(param) });
    input.addEventListener("input", () => { const v = c.integer ? parseInt(input.value, 10) : parseFloat(input.value); out.textContent = v; set(v); });
    input.addEventListener("change", () => render());
  } else if (c.kind === "toggle") {
    input = el("input", { type: "checkbox", title: help(param) });
    input.checked = value === true;
    input.addEventListener("change", () => { set(input.checked); out.textContent = input.checked; });
  } else if (c.kind === "choice") {
    input = el("select", { title: help(param) }, ...c.options.map((o) => el("option", { value: o, text: o })));
    input.value = value;
    input.addEventListener("change", () => { set(input.value); out.textContent = input.value; render(); });
  } else {
    input = el("input", { type: "text", value: String(value), title: help(param), inputmode: "decimal" });
    input.addEventListener("change", () => {
      const t = input.value.trim();
      const v = c.none && t === "none" ? "none" : Number(t);
      set(Number.isNaN(v) ? t : v);
      out.textContent = input.value;
    });
  }
  return el("div", { class: "row", title: help(param) }, name, input, out);
}

function render() {
  const s = scenarioByKey(form.key);
  $("scenario").value = form.key;
  $("scenario-description").textContent = s.description.trim();
  const sweep = $("sweep");
  sweep.replaceChildren();
  if (form.sweep.length) {
    sweep.append(el("p", { class: "explain", text: "This scenario sweeps the parameters below; the page runs one value of each at a time (regimes run FILE runs them all)." }));
    for (const a of form.sweep) {
      const sel = el("select", {}, ...a.values.map((v, i) => el("option", { value: i, text: String(v) })));
      sel.value = a.chosen;
      sel.addEventListener("change", () => { a.chosen = parseInt(sel.value, 10); applySweep(a); render(); });
      sweep.append(el("label", { class: "row" }, el("span", { class: "name", text: a.path }), sel));
    }
  }
  const enabled = form.regimes.filter((r) => r.enabled);
  const colors = colorsOf(enabled.map(regimeName), enabled.map((r) => r.preset || ""));
  const list = $("regimes");
  list.replaceChildren();
  $("regimes-title").textContent = form.mixed ? "Populations of one mixed world" : "Regimes compared";
  if (form.mixed) {
    list.append(el("p", { class: "explain", text: "They share the problems and the users; each is a share of the producers under its regime (the one without a share takes the rest)." }));
  }
  form.regimes.forEach((r) => {
    const box = el("input", { type: "checkbox" });
    box.checked = r.enabled;
    box.disabled = form.mixed;
    box.addEventListener("change", () => { r.enabled = box.checked; render(); });
    const p = cat.presets.find((p) => p.name === r.preset);
    const i = enabled.indexOf(r);
    const swatch = el("span", { class: "swatch", style: `background:${i >= 0 ? colors[i] : "transparent"}` });
    const share = r.share === null ? "the rest" : r.share;
    const note = form.mixed ? `${r.preset || "default axes"} · share ${share}` : (p ? p.summary : "");
    list.append(el("label", { class: "regime", title: p ? `${p.summary}\n\n${p.description}` : "" }, box, swatch,
      el("span", { text: regimeName(r) }), el("small", { text: note })));
  });
  const world = (key) => (v) => { form.world[key] = v; };
  const key = $("world-key"), more = $("world-more");
  key.replaceChildren(); more.replaceChildren();
  for (const p of cat.world) {
    (p.key_parameter ? key : more).append(control(p, form.world[p.key], world(p.key), form.world));
  }
  const edit = $("edit-regime");
  edit.replaceChildren(...form.regimes.map((r, i) => el("option", { value: i, text: regimeName(r) + (r.enabled ? "" : " (not compared)") })));
  edit.value = form.edit;
  const r = form.regimes[form.edit];
  const axes = $("axes");
  axes.replaceChildren();
  for (const a of cat.axes) {
    const box = el("fieldset", { class: "axis" }, el("legend", { title: a.meaning, text: a.name }));
    for (const k of a.keys) {
      const p = cat.regime.find((q) => q.key === k);
      box.append(control(p, r.settings[k], (v) => { r.settings[k] = v; }, form.world));
    }
    axes.append(box);
  }
  const settings = $("run-settings");
  const L = cat.limits;
  const worlds = form.mixed ? 1 : enabled.length;
  const maxReplicates = Math.max(1, Math.min(30, Math.floor(L.runs / Math.max(1, worlds))));
  settings.replaceChildren(
    control({ key: "steps", path: "steps", meaning: "Steps each run lasts.", allowed: `1..=${L.steps} here`, default: s.steps,
      control: { kind: "slider", min: 1, max: L.steps, step: 1, integer: true } }, form.steps, (v) => { form.steps = v; }),
    control({ key: "replicates", path: "replicates", meaning: "Runs of each regime with different seeds: the band spans them.", allowed: `1..=${maxReplicates} here`, default: s.replicates,
      control: { kind: "slider", min: 1, max: maxReplicates, step: 1, integer: true } }, Math.min(form.replicates, maxReplicates), (v) => { form.replicates = v; }),
    control({ key: "seed", path: "seed", meaning: "Seed of every random draw: the same seed gives the same run, bit for bit.", allowed: "an integer >= 0", default: s.seed,
      control: { kind: "number", min: 0, integer: true, none: false } }, form.seed, (v) => { form.seed = v; }),
  );
  form.replicates = Math.min(form.replicates, maxReplicates);
  const pick = $("metric-pick");
  pick.replaceChildren(el("p", { class: "explain", text: "Up to 8 metrics; each gets a chart." }));
  for (const m of cat.metrics) {
    const box = el("input", { type: "checkbox" });
    box.checked = form.metrics.includes(m.name);
    box.addEventListener("change", () => {
      form.metrics = box.checked ? [...form.metrics, m.name] : form.metrics.filter((x) => x !== m.name);
      render();
    });
    pick.append(el("label", { class: "regime", title: m.description }, box, el("span", { text: m.name })));
  }
}

function request(paused) {
  const regimes = form.regimes.filter((r) => r.enabled).map((r) => {
    const entry = { name: regimeName(r), ...r.settings };
    if (r.preset) entry.preset = r.preset;
    return entry;
  });
  const body = {
    name: form.name, steps: form.steps, replicates: form.replicates, seed: form.seed,
    world: form.world, metrics: form.metrics,
    delay_ms: parseInt($("pace").value, 10), paused,
  };
  if (!form.mixed) return { ...body, regimes };
  // A mixed world's populations, in their order (producers are laid out in it).
  body.populations = form.regimes.map((r) => {
    const entry = { name: r.name, ...r.settings };
    if (r.preset) entry.regime = r.preset;
    if (r.share !== null && r.share !== undefined) entry.share = r.share;
    return entry;
  });
  return body;
}

// ---------- the run ----------

function showError(text) {
  const box = $("errors");
  box.hidden = !text;
  box.textContent = text || "";
}

function setStatus(text, phase) {
  const s = $("status");
  s.textContent = text;
  s.dataset.phase = phase;
}

async function call(method, path, body) {
  const res = await fetch(path, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
  const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `${res.status} ${res.statusText}`);
  return json;
}

function buttons() {
  const live = run && !run.over;
  $("run").disabled = !!(live && !run.paused);
  $("pause").disabled = !(live && !run.paused);
  $("step").disabled = !!(run && run.over);
  $("reset").disabled = !run;
  $("form").disabled = !!live;
}

async function start(paused) {
  showError("");
  let info;
  try {
    info = await call("POST", "/api/runs", request(paused));
  } catch (e) {
    showError(e.message);
    return false;
  }
  run = { id: info.id, info, paused, over: false, rows: 0, replicatesDone: 0 };
  buildCharts(info);
  const links = $("files");
  links.replaceChildren(el("li", {}, el("a", { href: `/api/runs/${info.id}/scenario.toml`, download: `${info.name}.toml`, text: `${info.name}.toml (the scenario)` })));
  $("rerun").textContent = `regimes run ${info.name}.toml`;
  $("downloads").hidden = false;
  const source = new EventSource(`/api/runs/${info.id}/events`);
  run.source = source;
  source.addEventListener("row", (e) => onRow(JSON.parse(e.data)));
  source.addEventListener("replicate", (e) => onReplicate(JSON.parse(e.data).replicate));
  source.addEventListener("done", (e) => onDone(JSON.parse(e.data).files));
  source.addEventListener("failed", (e) => { showError(JSON.parse(e.data).error); finish("failed"); });
  source.onerror = () => { if (run && !run.over) { showError("The connection to the server was lost."); finish("lost"); } };
  buttons();
  progress();
  return true;
}

function finish(phase) {
  if (!run) return;
  run.over = true;
  if (run.source) run.source.close();
  buttons();
  progress(phase);
}

function progress(phase) {
  if (!run) { setStatus("Set up a run, then press Run.", "idle"); return; }
  const i = run.info;
  const rep = Math.min(run.replicatesDone + 1, i.replicates);
  const word = phase || (run.paused ? "paused" : "running");
  const step = run.lastStep === undefined ? 0 : run.lastStep + 1;
  const worlds = (i.populations || []).length ? `a mixed world of ${i.populations.length} populations` : `${i.regimes.length} regimes`;
  if (phase === "done") setStatus(`done: ${i.replicates} replicates x ${worlds} of ${i.steps} steps`, "done");
  else setStatus(`${word}: replicate ${rep} of ${i.replicates}, step ${step} of ${i.steps}`, word);
}

async function command(body) {
  if (!run || run.over) return;
  try {
    await call("POST", `/api/runs/${run.id}/control`, body);
  } catch (e) { showError(e.message); }
}

$("run").addEventListener("click", async () => {
  if (run && !run.over) { run.paused = false; buttons(); progress(); return command({ action: "resume" }); }
  if (run) await reset();
  await start(false);
});
$("pause").addEventListener("click", () => { run.paused = true; buttons(); progress(); command({ action: "pause" }); });
$("step").addEventListener("click", async () => {
  if (!run) { if (!(await start(true))) return; }
  run.paused = true; buttons(); progress();
  command({ action: "step" });
});
$("reset").addEventListener("click", () => reset());
$("pace").addEventListener("change", () => command({ delay_ms: parseInt($("pace").value, 10) }));

async function reset() {
  if (!run) return;
  const old = run;
  run = null;
  if (old.source) old.source.close();
  if (!old.over) await fetch(`/api/runs/${old.id}`, { method: "DELETE" }).catch(() => {});
  $("charts").replaceChildren();
  $("downloads").hidden = true;
  showError("");
  buttons();
  progress();
}

// ---------- the charts ----------

// Per metric: x (recorded steps), and per regime the live replicate, the finished
// replicates, and their mean, lowest and highest.
function buildCharts(info) {
  const xs = [];
  for (let t = 0; t < info.steps; t += info.record_every) xs.push(t);
  const presets = info.regimes.map((n) => (form.regimes.find((r) => regimeName(r) === n) || {}).preset || "");
  const colors = colorsOf(info.regimes, presets);
  const holder = $("charts");
  holder.replaceChildren();
  // A mixed world is drawn as its producers together, in black (as in the
  // charts of `regimes plot`), apart from its populations' colours.
  const pops = info.populations || [];
  const world = pops.length ? { names: ["all producers"], colors: [COLORS[6]] } : { names: info.regimes, colors };
  const metrics = info.metrics.map((name) => ({ name, ...world }));
  // A mixed world: each population's share of the producers, first.
  if (pops.length) {
    const presets = pops.map((n) => (form.regimes.find((r) => r.name === n) || {}).preset || "");
    metrics.unshift({ name: "population_share", names: pops, colors: colorsOf(pops, presets), shares: true });
  }
  run.charts = metrics.map(({ name, names, colors, shares }) => {
    const m = cat.metrics.find((x) => x.name === name);
    const blank = () => xs.map(() => null);
    const lines = names.map(() => ({ live: blank(), mean: blank(), lo: blank(), hi: blank(), reps: [] }));
    const { series, bands } = shares ? stackedSeries(names, colors) : lineSeries(names, colors);
    const latest = el("p", { class: "latest" });
    const plot = el("div", { class: "plot" });
    const title = shares ? "share of the producers in each population" : m.label;
    const key = shares ? el("p", { class: "key" }, ...names.map((n, g) =>
      el("span", { class: "regime" }, el("span", { class: "swatch", style: `background:${colors[g]}` }), el("span", { text: n })))) : "";
    const card = el("div", { class: "card", "data-metric": name, "data-points": "0" },
      el("div", {}, el("h3", { text: title }), plot),
      el("div", { class: "text" }, el("p", { text: m.description }), key, shares ? el("p", { text: STACKED }) : "", latest,
        el("p", { text: `Column ${name} of the tables; \`regimes explain ${name}\` says more.` })));
    holder.append(card);
    const width = Math.max(320, plot.clientWidth || card.clientWidth - 300);
    const scales = shares ? { x: { time: false }, y: { range: [0, 1] } } : { x: { time: false } };
    const chart = { name, names, shares: !!shares, xs, lines, card, latest, points: 0 };
    chart.u = new uPlot({
      width, height: 220, series, bands, scales,
      axes: [{ label: "step" }, { size: 60 }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    }, chartData(chart), plot);
    return chart;
  });
}

// Per regime: its live replicate, the mean of the finished ones, and their
// lowest and highest as a band.
function lineSeries(names, colors) {
  const series = [{ label: "step" }];
  const bands = [];
  names.forEach((r, g) => {
    const base = series.length;
    series.push({ label: r, stroke: colors[g], width: 1.2 });
    series.push({ label: `${r} mean`, stroke: colors[g], width: 2.6 });
    series.push({ label: `${r} lowest`, stroke: "transparent", width: 0, points: { show: false } });
    series.push({ label: `${r} highest`, stroke: "transparent", width: 0, points: { show: false } });
    bands.push({ series: [base + 3, base + 2], fill: colors[g] + "33" });
  });
  return { series, bands };
}

const STACKED = "Stacked: each population's band is its share. The bands are the mean over the finished " +
  "replicates (the running replicate's until one has finished); dashed lines are the running replicate's edges.";

// A mixed world's shares of the producers, stacked as in the PNG chart
// (population_shares), so that equal shares do not hide each other: each
// population's area lies between the sum of the shares before it and the sum
// with it. The areas are the mean over the finished replicates (the live
// replicate's until one has finished); dashed lines are the live replicate's edges.
function stackedSeries(names, colors) {
  const series = [{ label: "step" }];
  const bands = [];
  names.forEach((r, g) => {
    series.push({ label: r, stroke: colors[g], width: 1, points: { show: false },
      ...(g === 0 ? { fill: colors[g] + "aa", fillTo: () => 0 } : {}) });
    if (g > 0) bands.push({ series: [g + 1, g], fill: colors[g] + "aa" });
  });
  names.forEach((r) => series.push({ label: `${r} live`, stroke: "#222", width: 1, dash: [4, 3], points: { show: false } }));
  return { series, bands };
}

// The running sums over the populations of `pick`'s values, step by step.
function cumulative(c, pick) {
  const sum = c.xs.map(() => 0);
  return c.lines.map((l) => sum.map((s, i) => {
    const v = pick(l)[i];
    sum[i] = s === null || v === null || v === undefined ? null : s + v;
    return sum[i];
  }));
}

function chartData(c) {
  if (!c.shares) return [c.xs, ...c.lines.flatMap((l) => [l.live, l.mean, l.lo, l.hi])];
  const finished = c.lines.every((l) => l.reps.length > 0);
  const areas = cumulative(c, (l) => (finished ? l.mean : l.live));
  const live = finished ? cumulative(c, (l) => l.live) : c.lines.map(() => c.xs.map(() => null));
  return [c.xs, ...areas, ...live];
}

let dirty = false;
function redraw() {
  dirty = false;
  if (!run || !run.charts) return;
  for (const c of run.charts) {
    c.u.setData(chartData(c));
    c.card.dataset.points = String(c.points);
  }
  progress(run.over ? run.phaseWord : undefined);
}
function later() { if (!dirty) { dirty = true; requestAnimationFrame(redraw); } }

function onRow(row) {
  if (!run) return;
  const i = row.step / run.info.record_every;
  run.lastStep = row.step;
  let k = 0;
  for (const c of run.charts) {
    if (c.shares) (row.shares || []).forEach((v, p) => { c.lines[p].live[i] = v; });
    else c.lines[row.regime].live[i] = row.values[k++];
    c.points += 1;
  }
  later();
}

function onReplicate(r) {
  run.replicatesDone = r + 1;
  for (const c of run.charts) {
    for (const l of c.lines) {
      l.reps.push(l.live);
      for (let i = 0; i < c.xs.length; i++) {
        const vals = l.reps.map((rep) => rep[i]).filter((v) => v !== null && v !== undefined);
        if (!vals.length) continue;
        l.mean[i] = vals.reduce((a, b) => a + b, 0) / vals.length;
        if (l.reps.length >= 2) { l.lo[i] = Math.min(...vals); l.hi[i] = Math.max(...vals); }
      }
      l.live = c.xs.map(() => null);
    }
    const last = c.lines.map((l, g) => `${c.names[g]} ${fmt(l.mean[c.xs.length - 1])}`).join(", ");
    c.latest.textContent = `Mean at the last step over ${r + 1} replicate${r ? "s" : ""}: ${last}.`;
  }
  later();
}

function fmt(v) {
  if (v === null || v === undefined) return "n/a";
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function onDone(files) {
  run.phaseWord = "done";
  finish("done");
  const links = $("files");
  for (const f of files) {
    links.append(el("li", {}, el("a", { href: `/api/runs/${run.id}/files/${f}`, download: f.replace("/", "-"), text: f })));
  }
}

// ---------- start ----------

async function main() {
  try {
    cat = await call("GET", "/api/catalogue");
  } catch (e) {
    showError(`Cannot read the catalogue: ${e.message}`);
    return;
  }
  const L = cat.limits;
  $("limits").textContent = `Limits of this server: up to ${L.producers} producers, ${L.problems} problems, ` +
    `${L.steps} steps, ${L.regimes} regimes, ${L.runs} runs (regimes x replicates) and ` +
    `${(L.work / 1e6).toFixed(0)} million producer-steps per run request; ${L.live} runs at once over every tab.`;
  const select = $("scenario");
  select.replaceChildren(...cat.scenarios.map((s) => el("option", { value: s.key, text: s.key })));
  select.addEventListener("change", () => loadScenario(select.value));
  const params = new URLSearchParams(location.search);
  loadScenario(params.get("scenario") || cat.initial);
  if (params.has("steps")) form.steps = parseInt(params.get("steps"), 10);
  if (params.has("replicates")) form.replicates = parseInt(params.get("replicates"), 10);
  if (params.has("pace")) $("pace").value = params.get("pace");
  render();
  buttons();
  if (params.has("autorun")) $("run").click();
}

main();

// The pure parts of stepguide/ui/static/plotly_view.js: what a figure becomes before Plotly.react draws it.
// Run: node --test tests/js/*.test.mjs (tests/test_static_modules.py runs them under pytest).
import assert from "node:assert/strict";
import { test } from "node:test";

import { staticModule } from "./load.mjs";

const view = await staticModule("plotly_view.js");
const { CONFIG, NARROW, chartHeight, darken, keepMeta, narrow, plotConfig, prepare, roleOf, scaleFonts, share, slug,
  titleText, walk, wrapTitle } = view;

// The shape of PlotlyView's `_palette` trait: {id: [light, dark]} (data/palette.csv).
const PALETTE = {
  background: ["#FFFFFF", "#1D232A"],
  text: ["#222222", "#ECEFF2"],
  grid: ["#E6E6E6", "#3B444E"],
  axis: ["#999999", "#8A949E"],
  base: ["#0072B2", "#56B4E9"],
  label_back: ["rgba(255,255,255,0.85)", "rgba(29,35,42,0.88)"],
};

test("the module keeps anywidget's default export", () => {
  assert.equal(typeof view.default.render, "function");
  assert.equal(typeof view.default.initialize, "function");
});

test("titleText: a chart's accessible name from its title, markup and extra spaces gone", () => {
  assert.equal(titleText({ title: "Plain" }), "Plain");
  assert.equal(titleText({ title: { text: "Fallback <b>title</b><br>two  lines" } }), "Fallback title two lines");
  assert.equal(titleText({ title: { text: 2026 } }), "2026");
  assert.equal(titleText({}), "");
  assert.equal(titleText(undefined), "");
});

test("walk: every leaf through the function with its key; meta is the page's and stays the very object", () => {
  const meta = { colour: "#FFFFFF" };
  const seen = [];
  const out = walk({ a: 1, b: { c: "x" }, list: [2, { d: 3 }], meta }, (v, key) => {
    seen.push(key);
    return typeof v === "number" ? v * 10 : v;
  });
  assert.deepEqual(out, { a: 10, b: { c: "x" }, list: [20, { d: 30 }], meta });
  assert.equal(out.meta, meta);
  assert.deepEqual(seen.sort(), ["a", "c", "d", undefined].sort()); // an array's items have no key of their own
});

test("scaleFonts: every numeric size grows by k (presenter mode); a size list and meta stay", () => {
  const layout = { font: { size: 12 }, title: { font: { size: 14 } }, meta: { size: 5 }, marker: { size: [1, 2] } };
  assert.deepEqual(scaleFonts(layout, 1.5), { font: { size: 18 }, title: { font: { size: 21 } }, meta: { size: 5 },
    marker: { size: [1, 2] } });
  assert.equal(layout.font.size, 12); // a new object: the model's figure is never changed
});

test("darken: every light colour of the palette becomes its dark one, whatever its case or spaces", () => {
  const fig = {
    data: [{ marker: { color: ["#0072b2", " #0072B2 ", "#123456"] }, meta: { keep: "#0072B2" } }],
    layout: { annotations: [{ bgcolor: "rgba(255,255,255,0.85)", text: "You are here" }],
      template: { layout: { paper_bgcolor: "#FFFFFF", font: { color: "#222222" } } } },
  };
  const dark = darken(fig, PALETTE);
  assert.deepEqual(dark.data[0].marker.color, ["#56B4E9", "#56B4E9", "#123456"]); // not in the table: as it was
  assert.deepEqual(dark.data[0].meta, { keep: "#0072B2" });
  assert.equal(dark.layout.annotations[0].bgcolor, "rgba(29,35,42,0.88)");
  assert.equal(dark.layout.annotations[0].text, "You are here");
  assert.equal(dark.layout.template.layout.paper_bgcolor, "#1D232A");
  assert.equal(fig.data[0].marker.color[0], "#0072b2"); // the figure given is left as it was
});

test("darken: what plotly would draw in its light defaults takes the palette's dark ones", () => {
  const dark = darken({ data: [], layout: { xaxis: { gridcolor: "#E6E6E6" }, yaxis2: {}, font: { size: 11 } } }, PALETTE);
  assert.equal(dark.layout.paper_bgcolor, "#1D232A");
  assert.equal(dark.layout.plot_bgcolor, "#1D232A");
  assert.deepEqual(dark.layout.font, { size: 11, color: "#ECEFF2" });
  assert.deepEqual(dark.layout.xaxis, { gridcolor: "#3B444E", linecolor: "#8A949E", zerolinecolor: "#8A949E" });
  assert.deepEqual(dark.layout.yaxis2, { gridcolor: "#3B444E", linecolor: "#8A949E", zerolinecolor: "#8A949E" });
  const own = darken({ layout: { font: { color: "#ff0000" } } }, PALETTE);
  assert.equal(own.layout.font.color, "#ff0000"); // a colour the figure chose itself is kept
  assert.deepEqual(own.data, []);
});

test("wrapTitle: a title too long for the chart's width wraps, and the top margin grows by its lines", () => {
  const title = { text: "Matched applicants' Step 2 CK means by specialty and year", font: { size: 14 }, pad: { t: 8 } };
  const layout = { title, margin: { t: 40, l: 8 } };
  const phone = wrapTitle(layout, 340);
  const lines = phone.title.text.split("<br>");
  assert.ok(lines.length >= 2 && lines.every((line) => line.length <= Math.floor((340 - 24) / (14 * 0.56))));
  assert.equal(lines.join(" "), title.text);
  assert.equal(phone.title.pad.t, 16);
  assert.equal(phone.margin.t, 40 + Math.ceil((lines.length - 1) * 14 * 1.25));
  assert.equal(phone.margin.l, 8);
  assert.equal(layout.title.text, title.text); // not changed in place
  assert.equal(wrapTitle(layout, 1200), layout); // fits: the same object
  assert.equal(wrapTitle(layout, 0), layout); // width not known yet
  const broken = { title: { text: "Already<br>two lines, however long they are on a phone" } };
  assert.equal(wrapTitle(broken, 200), broken);
});

test("chartHeight: layout.height (360 px without one) times the chart scale, in whole pixels", () => {
  assert.equal(chartHeight({ height: 300 }), 300);
  assert.equal(chartHeight({}), 360);
  assert.equal(chartHeight(undefined), 360);
  assert.equal(chartHeight({ height: -5 }), 360);
  assert.equal(chartHeight({ height: 301 }, 1.6), 482);
});

test("prepare: the figure as drawn, the model's copy untouched", () => {
  const figure = { data: [{ type: "bar", marker: { color: "#0072B2" } }],
    layout: { height: 300, width: 500, font: { size: 10 }, meta: { mark: 1 } } };
  const before = structuredClone(figure);
  const light = prepare(figure, { width: 600 });
  assert.deepEqual(light.layout, { height: 300, font: { size: 10 }, meta: { mark: 1 }, autosize: true });
  assert.equal(light.data[0].marker.color, "#0072B2");
  const dark = prepare(figure, { k: 2, palette: PALETTE, width: 600 });
  assert.equal(dark.data[0].marker.color, "#56B4E9");
  assert.equal(dark.layout.font.size, 20);
  assert.equal(dark.layout.height, 600);
  const paper = prepare(figure, { print: 680, width: 900 });
  assert.equal(paper.layout.width, 680);
  assert.equal(paper.layout.autosize, false);
  assert.deepEqual(figure, before);
  assert.deepEqual(prepare({}), { data: [], layout: { autosize: true, height: 360 } });
});

test("plotConfig and roleOf: no mode bar by default, so the chart is an image; with one it is a figure", () => {
  assert.equal(CONFIG.displayModeBar, false);
  assert.equal(CONFIG.showSendToCloud, false);
  assert.equal(roleOf(plotConfig(undefined, {})), "img");
  const bar = plotConfig({ displayModeBar: "hover", scrollZoom: true }, { displayModeBar: true });
  assert.equal(bar.displayModeBar, true); // the widget's config wins over the figure's
  assert.equal(bar.scrollZoom, true);
  assert.equal(roleOf(bar), "figure");
  assert.equal(roleOf({ ...bar, staticPlot: true }), "img");
});

test("share: every part equal to the one drawn is that very object, so Plotly.react skips it", () => {
  const prev = { data: [{ x: [1, 2], y: [3, 4] }], layout: { shapes: [{ x0: 0 }], title: { text: "t" } } };
  const next = structuredClone(prev);
  assert.equal(share(next, prev), prev);
  next.layout.shapes[0].x0 = 1;
  const out = share(next, prev);
  assert.notEqual(out, prev);
  assert.equal(out.data, prev.data);
  assert.equal(out.layout.title, prev.layout.title);
  assert.notEqual(out.layout.shapes, prev.layout.shapes);
  assert.deepEqual(out.layout.shapes, [{ x0: 1 }]);
  assert.deepEqual(share({ a: [1] }, { a: [1], b: 2 }), { a: [1] }); // a key fewer: a new object
  assert.deepEqual(share({ a: [1, 2] }, { a: [1] }), { a: [1, 2] });
  assert.deepEqual(share({ a: { 0: 1 } }, { a: [1] }), { a: { 0: 1 } }); // an object is not an array
});

test("keepMeta: the meta drawn last is refilled in place, so a new meta alone redraws nothing", () => {
  const oldMeta = { mark: 0, gone: true };
  const oldTrace = { meta: { i: 0 } };
  const prev = { data: [oldTrace], layout: { meta: oldMeta } };
  const next = { data: [{ meta: { i: 1 } }], layout: { meta: { mark: 1 } } };
  const out = keepMeta(next, prev);
  assert.equal(out.layout.meta, oldMeta);
  assert.deepEqual(oldMeta, { mark: 1 });
  assert.equal(out.data[0].meta, oldTrace.meta);
  assert.deepEqual(oldTrace.meta, { i: 1 });
  // A text that shows meta (%{meta...}) needs Plotly to see the change: the new objects are kept.
  const shown = { data: [{ texttemplate: "%{meta.i}", meta: { i: 2 } }], layout: { meta: { mark: 2 } } };
  assert.equal(keepMeta(shown, prev), shown);
});

test("slug: a chart's name as a file name", () => {
  assert.equal(slug("C3: Where 248 falls — Step 2 CK"), "c3-where-248-falls-step-2-ck");
  assert.equal(slug("***"), "chart");
  assert.equal(slug("x".repeat(80)).length, 60);
});


test("narrow: below NARROW px the layout keys the builder made for a phone (meta.narrow) replace the wide ones", () => {
  const phone = { height: 400, margin: { t: 40, b: 90 }, xaxis: { ticktext: ["<b>A</b><br><b>You are here</b>"] } };
  const fig = { data: [], layout: { height: 300, margin: { t: 40, b: 50 }, title: { text: "T" },
    xaxis: { type: "category" }, meta: { chart: "C5", narrow: phone } } };
  const small = narrow(fig, 338);
  assert.equal(small.layout.height, 400);
  assert.equal(small.layout.xaxis, phone.xaxis);
  assert.equal(small.layout.title, fig.layout.title); // what the phone layout leaves alone stays
  assert.equal(fig.layout.height, 300, "the figure itself is not changed");
  assert.equal(narrow(fig, NARROW), fig); // wide enough: as it is
  assert.equal(narrow(fig, 0), fig); // width not known yet
  assert.equal(prepare(fig, { width: 338 }).layout.height, 400);
  assert.equal(prepare(fig, { width: 338, print: 680 }).layout.height, 300); // paper is never a phone
});

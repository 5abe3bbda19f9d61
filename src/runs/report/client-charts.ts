/**
 * The page's chart script (plain browser JavaScript, kept as a string and
 * inlined): learning curves with 95% bootstrap bands and each design's term returns,
 * drawn with uPlot from the `#report-data` JSON block. Legends are uPlot's
 * live legends (values under the cursor); the band edges are series too,
 * hidden from the legend and shown or hidden with their design's line.
 *
 * Written without template literals so it can live in this TS string.
 */
export const CHARTS_JS = String.raw`
var REPORT = JSON.parse(document.getElementById("report-data").textContent);

function fmtSteps(v) {
  if (v == null) return "";
  var a = Math.abs(v);
  if (a >= 1e6) return +(v / 1e6).toFixed(2) + "M";
  if (a >= 1e3) return +(v / 1e3).toFixed(1) + "k";
  return String(Math.round(v));
}
function fmtNum(v, digits) { return v == null || isNaN(v) ? "—" : v.toFixed(digits); }
function rgba(hex, a) {
  var n = parseInt(hex.slice(1), 16);
  return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
}

// A dashed line at y = 0, drawn under the series, when 0 is in view.
function zeroLine(u) {
  var y = u.valToPos(0, "y", true);
  var b = u.bbox;
  if (!(y > b.top && y < b.top + b.height)) return;
  var ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = "#9aa3b2";
  ctx.lineWidth = 1;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(b.left, Math.round(y) + 0.5);
  ctx.lineTo(b.left + b.width, Math.round(y) + 0.5);
  ctx.stroke();
  ctx.restore();
}

// Returns are read against 0: the y range always includes it, with a little room above and below.
function yRange(u, min, max) {
  if (min == null || max == null) return [0, 1];
  var lo = Math.min(0, min), hi = Math.max(0, max);
  if (hi - lo < 1e-9) hi = lo + 1;
  var pad = 0.06 * (hi - lo);
  return [lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi];
}
function xRange(u, min, max) { return [0, max == null || max <= 0 ? 1 : max]; }

var CHARTS = [];
function chartWidth(el) { return Math.max(280, Math.floor(el.getBoundingClientRect().width)); }

function axes(yLabel, yFormat) {
  var common = { stroke: "#5b6472", grid: { stroke: "#eceff3", width: 1 }, ticks: { stroke: "#d5dae2", width: 1 }, font: "12px system-ui, sans-serif", labelFont: "600 12.5px system-ui, sans-serif" };
  return [
    Object.assign({}, common, { label: "environment steps", values: function (u, splits) { return splits.map(fmtSteps); } }),
    Object.assign({}, common, { label: yLabel, size: 58, values: function (u, splits) { return splits.map(yFormat); } }),
  ];
}

/**
 * One chart: a line per entry of lines = [{label, color, mean, lo?, hi?}] over
 * REPORT.steps. Lines with a band get two more (hidden) series for its edges.
 */
function lineChart(el, title, yLabel, lines, opts) {
  opts = opts || {};
  var unit = opts.unit || "";
  var digits = opts.digits == null ? 3 : opts.digits;
  var series = [{ label: "steps", value: function (u, v) { return v == null ? "—" : fmtSteps(v); } }];
  var data = [REPORT.steps];
  var bands = [];
  var edgesOf = {};
  var hidden = [];
  var means = [];
  lines.forEach(function (l) {
    var i = series.length;
    means.push(i);
    series.push({ label: l.label, stroke: l.color, width: 2, spanGaps: false, points: { size: 5 }, value: function (u, v) { return v == null ? "—" : v.toFixed(digits) + unit; } });
    data.push(l.mean);
    if (l.hi && l.hi.some(function (v) { return v != null; })) {
      var edge = { label: l.label + " (95% bootstrap)", stroke: rgba(l.color, 0.35), width: 0.5, points: { show: false }, value: function (u, v) { return v == null ? "—" : v.toFixed(digits) + unit; } };
      series.push(Object.assign({}, edge), Object.assign({}, edge));
      data.push(l.hi, l.lo);
      bands.push({ series: [i + 1, i + 2], fill: rgba(l.color, 0.12) });
      edgesOf[i] = [i + 1, i + 2];
      hidden.push(i + 1, i + 2);
    }
  });
  var yFormat = opts.yFormat || function (v) { return v == null ? "" : +v.toFixed(3) + unit; };
  var syncing = false;
  // The y range follows the lines shown and their bands (a bootstrap band stays within the seeds' values).
  function meanRange(u) {
    var min = Infinity, max = -Infinity;
    means.forEach(function (i) {
      if (u.series[i] && u.series[i].show === false) return;
      [i].concat(edgesOf[i] || []).forEach(function (j) {
        u.data[j].forEach(function (v) { if (v != null) { min = Math.min(min, v); max = Math.max(max, v); } });
      });
    });
    return min === Infinity ? [0, 1] : yRange(u, min, max);
  }
  var u = new uPlot({
    title: title,
    width: chartWidth(el),
    height: opts.height || 320,
    series: series,
    bands: bands,
    scales: { x: { time: false, range: xRange }, y: { range: opts.range || meanRange } },
    axes: axes(yLabel, yFormat),
    legend: { live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 7 } },
    hooks: {
      drawAxes: [zeroLine],
      setSeries: [function (u, i, o) {
        if (syncing || !edgesOf[i] || !o || o.show == null) return;
        syncing = true;
        edgesOf[i].forEach(function (j) { u.setSeries(j, { show: o.show }); });
        syncing = false;
      }],
    },
  }, data, el);
  var rows = u.root.querySelectorAll(".u-legend .u-series");
  hidden.forEach(function (j) { if (rows[j]) rows[j].style.display = "none"; });
  el.uplot = u;
  CHARTS.push({ u: u, el: el, height: opts.height || 320 });
  return u;
}

function learningCurves() {
  var w = REPORT.window;
  var primary = REPORT.designs.map(function (d) { return { label: d.name, color: d.color, mean: d.primary.mean, lo: d.primary.lo, hi: d.primary.hi }; });
  lineChart(document.getElementById("chart-primary"), "Primary return", "primary return (window mean)", primary, { digits: 3 });
  var el = document.getElementById("chart-success");
  if (!el) return;
  var pct = function (xs) { return xs.map(function (v) { return v == null ? null : 100 * v; }); };
  var success = REPORT.designs.map(function (d) { return { label: d.name, color: d.color, mean: pct(d.success.mean), lo: pct(d.success.lo), hi: pct(d.success.hi) }; });
  lineChart(el, "Success rate", "success rate (%)", success, { digits: 1, unit: "%", range: [0, 100], yFormat: function (v) { return v + "%"; } });
}

function termCharts() {
  var color = {};
  REPORT.terms.forEach(function (t) { color[t.name] = t.color; });
  REPORT.designs.forEach(function (d, k) {
    var el = document.getElementById("chart-terms-" + k);
    var lines = Object.keys(d.terms).map(function (t) { return { label: t, color: color[t] || "#888", mean: d.terms[t] }; });
    lineChart(el, d.name, "term's episode return", lines, { digits: 3, height: 260 });
  });
}

function agentCharts() {
  REPORT.designs.forEach(function (d, k) {
    var el = document.getElementById("chart-agents-" + k);
    if (!el || !d.agents) return;
    var lines = d.agents.map(function (series, j) { return { label: "agent " + j, color: REPORT.agentColors[j % REPORT.agentColors.length], mean: series }; });
    lineChart(el, d.name, "primary episode return", lines, { digits: 3, height: 260 });
  });
}

var resizeTimer = 0;
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () {
    CHARTS.forEach(function (c) { c.u.setSize({ width: chartWidth(c.el), height: c.height }); });
  }, 100);
});

learningCurves();
termCharts();
agentCharts();

// A live page (rewardlab ui) hands new data here as a run trains: the same charts, drawn again.
window.rewardlabRedraw = function (data) {
  CHARTS.forEach(function (c) { c.u.destroy(); });
  CHARTS.length = 0;
  REPORT = data;
  learningCurves();
  termCharts();
  agentCharts();
};
`;

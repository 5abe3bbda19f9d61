/**
 * The page's gridworld script (plain browser JavaScript, kept as a string and
 * inlined): a visitation heatmap per design and replays of evaluation
 * episodes. Frames are the text of `renderGrid` (two characters a cell: the
 * object's letter and its color's, `>>` `VV` `<<` `^^` the agent), drawn on
 * a canvas in MiniGrid's look. Runs after the chart script (uses REPORT).
 *
 * Written without template literals so it can live in this TS string.
 */
export const GRID_JS = String.raw`
// ── heatmap ────────────────────────────────────────────────────────────────
var VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
function viridis(t) {
  t = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  var i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return "rgb(" + Math.round(a[0] + f * (b[0] - a[0])) + "," + Math.round(a[1] + f * (b[1] - a[1])) + "," + Math.round(a[2] + f * (b[2] - a[2])) + ")";
}
function hidpi(canvas, w, h) {
  var r = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * r);
  canvas.height = Math.round(h * r);
  canvas.style.width = w + "px";
  canvas.style.height = h + "px";
  var ctx = canvas.getContext("2d");
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}
function pct(x) { return x >= 0.1 ? (100 * x).toFixed(0) + "%" : x >= 0.001 ? (100 * x).toFixed(1) + "%" : (100 * x).toFixed(2) + "%"; }

function heatmap(root, v) {
  var W = v.width, H = v.height, s = Math.max(14, Math.min(40, Math.floor(330 / Math.max(W, H))));
  var total = v.counts.reduce(function (a, b) { return a + b; }, 0) || 1;
  var max = Math.max.apply(null, v.counts) || 1;
  var canvas = root.querySelector("canvas.heat-map");
  var ctx = hidpi(canvas, W * s, H * s);
  for (var y = 0; y < H; y++) for (var x = 0; x < W; x++) {
    var c = v.counts[y * W + x];
    ctx.fillStyle = c === 0 ? "#e4e7ec" : viridis(Math.log1p(c) / Math.log1p(max));
    ctx.fillRect(x * s, y * s, s, s);
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1;
    ctx.strokeRect(x * s + 0.5, y * s + 0.5, s - 1, s - 1);
  }
  var bar = root.querySelector("canvas.heat-bar");
  var bctx = hidpi(bar, 14, 160);
  for (var k = 0; k < 160; k++) { bctx.fillStyle = viridis(1 - k / 159); bctx.fillRect(0, k, 14, 1); }
  root.querySelector(".bar-max").textContent = max.toLocaleString("en") + " (" + pct(max / total) + ")";
  var hover = root.querySelector(".hover");
  canvas.addEventListener("mousemove", function (e) {
    var r = canvas.getBoundingClientRect(), x = Math.floor((e.clientX - r.left) / s), y = Math.floor((e.clientY - r.top) / s);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    var c = v.counts[y * W + x];
    hover.textContent = "cell (" + x + ", " + y + "): " + c.toLocaleString("en") + " visits, " + pct(c / total) + " of the cells counted";
  });
  canvas.addEventListener("mouseleave", function () { hover.textContent = ""; });
}

// ── frames ─────────────────────────────────────────────────────────────────
// Color letters of renderGrid; "G" is both green and grey there, read as green (walls are always grey).
var COLOR = { R: "#e5484d", G: "#2fb344", B: "#3d7fe6", P: "#a259d9", Y: "#f0c419", E: "#9a9a9a" };
var AGENT = { ">>": 0, "VV": 1, "<<": 2, "^^": 3 };

function parseFrame(text) {
  var lines = text.split("\n"), carry = "";
  if (lines.length && lines[lines.length - 1].indexOf("carrying:") === 0) carry = lines.pop().slice(9).trim();
  return { rows: lines, carry: carry };
}

function drawCell(ctx, code, px, py, s) {
  var t = code.charAt(0), col = COLOR[code.charAt(1)] || "#9a9a9a", m = s / 2;
  ctx.fillStyle = "#111";
  ctx.fillRect(px, py, s, s);
  ctx.strokeStyle = "#2b2b2b";
  ctx.lineWidth = 1;
  ctx.strokeRect(px + 0.5, py + 0.5, s - 1, s - 1);
  if (AGENT[code] != null) {
    ctx.save();
    ctx.translate(px + m, py + m);
    ctx.rotate(AGENT[code] * Math.PI / 2);
    ctx.fillStyle = "#ff3b30";
    ctx.beginPath();
    ctx.moveTo(s * 0.36, 0);
    ctx.lineTo(-s * 0.3, -s * 0.27);
    ctx.lineTo(-s * 0.3, s * 0.27);
    ctx.closePath();
    ctx.fill();
    ctx.restore();
    return;
  }
  ctx.fillStyle = col;
  ctx.strokeStyle = col;
  switch (t) {
    case "W": ctx.fillStyle = "#6e6e6e"; ctx.fillRect(px, py, s, s); break;
    case "G": ctx.fillStyle = "#1f9d3a"; ctx.fillRect(px + 1, py + 1, s - 2, s - 2); break;
    case "F": ctx.globalAlpha = 0.35; ctx.fillRect(px + 1, py + 1, s - 2, s - 2); ctx.globalAlpha = 1; break;
    case "V":
      ctx.fillStyle = "#ff8a1f"; ctx.fillRect(px + 1, py + 1, s - 2, s - 2);
      ctx.strokeStyle = "#111"; ctx.lineWidth = Math.max(1, s / 16);
      for (var w = 0; w < 3; w++) { var y = py + s * (0.3 + 0.2 * w); ctx.beginPath(); ctx.moveTo(px + s * 0.15, y); ctx.quadraticCurveTo(px + s * 0.35, y - s * 0.08, px + m, y); ctx.quadraticCurveTo(px + s * 0.65, y + s * 0.08, px + s * 0.85, y); ctx.stroke(); }
      break;
    case "K":
      ctx.lineWidth = Math.max(2, s / 10);
      ctx.beginPath(); ctx.arc(px + m, py + s * 0.32, s * 0.15, 0, 2 * Math.PI); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(px + m, py + s * 0.47); ctx.lineTo(px + m, py + s * 0.85); ctx.moveTo(px + m, py + s * 0.7); ctx.lineTo(px + s * 0.66, py + s * 0.7); ctx.moveTo(px + m, py + s * 0.82); ctx.lineTo(px + s * 0.62, py + s * 0.82); ctx.stroke();
      break;
    case "A": ctx.beginPath(); ctx.arc(px + m, py + m, s * 0.3, 0, 2 * Math.PI); ctx.fill(); break;
    case "B":
      ctx.lineWidth = Math.max(2, s / 12); ctx.strokeRect(px + s * 0.18, py + s * 0.18, s * 0.64, s * 0.64);
      ctx.beginPath(); ctx.moveTo(px + s * 0.18, py + m); ctx.lineTo(px + s * 0.82, py + m); ctx.stroke();
      break;
    case "D":
      ctx.lineWidth = Math.max(2, s / 12); ctx.strokeRect(px + 2, py + 2, s - 4, s - 4);
      ctx.beginPath(); ctx.arc(px + s * 0.72, py + m, s * 0.07, 0, 2 * Math.PI); ctx.fill();
      break;
    case "L":
      ctx.fillRect(px + 2, py + 2, s - 4, s - 4);
      ctx.strokeStyle = "#111"; ctx.lineWidth = Math.max(2, s / 14);
      ctx.beginPath(); ctx.moveTo(px + s * 0.62, py + m); ctx.lineTo(px + s * 0.8, py + m); ctx.stroke();
      break;
    case "_":
      ctx.strokeStyle = "#8a8a8a"; ctx.lineWidth = Math.max(2, s / 12);
      ctx.beginPath(); ctx.moveTo(px + 2, py + 2); ctx.lineTo(px + 2, py + s - 2); ctx.moveTo(px + s - 2, py + 2); ctx.lineTo(px + s - 2, py + s - 2); ctx.stroke();
      break;
  }
}

function drawFrame(canvas, text, s) {
  var f = parseFrame(text), H = f.rows.length, W = Math.floor((f.rows[0] || "").length / 2);
  var ctx = canvas.getContext("2d");
  for (var y = 0; y < H; y++) for (var x = 0; x < W; x++) drawCell(ctx, f.rows[y].substr(2 * x, 2), x * s, y * s, s);
  return f;
}

// ── replay player ──────────────────────────────────────────────────────────
function escHtml(x) { return String(x).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
function signed(v) { return v == null ? "—" : (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(3); }

function player(root, r) {
  var first = parseFrame(r.frames[0]), H = first.rows.length, W = Math.floor(first.rows[0].length / 2);
  var s = Math.max(14, Math.min(36, Math.floor(256 / Math.max(W, H))));
  var canvas = root.querySelector("canvas.frame");
  hidpi(canvas, W * s, H * s);
  var slider = root.querySelector("input[type=range]"), pos = root.querySelector(".pos"), play = root.querySelector("button.play");
  var info = root.querySelector(".info tbody"), events = root.querySelector(".events"), carry = root.querySelector(".carry");
  var speed = root.querySelector("select");
  var T = r.frames.length - 1, t = 0, timer = 0;
  var terms = Object.keys(r.terms);
  slider.max = String(T);
  canvas.setAttribute("aria-label", "episode frame");
  function row(name, step, sum) { return "<tr><td>" + name + "</td><td>" + step + "</td><td>" + sum + "</td></tr>"; }
  function show(k) {
    t = Math.max(0, Math.min(T, k));
    var f = drawFrame(canvas, r.frames[t], s);
    carry.textContent = f.carry ? "carrying " + f.carry : "";
    slider.value = String(t);
    pos.textContent = "step " + t + " / " + T;
    root.setAttribute("data-frame", String(t));
    canvas.title = r.frames[t];
    var sum = function (xs) { var a = 0; for (var i = 0; i < t; i++) a += xs[i]; return a; };
    var html = row("<b>action</b>", t > 0 ? escHtml(r.actions[t - 1]) : "start", "");
    html += row("total reward (trained on)", signed(t > 0 ? r.rewards[t - 1] : null), signed(sum(r.rewards)));
    html += row("primary reward", signed(t > 0 ? r.primaryRewards[t - 1] : null), signed(sum(r.primaryRewards)));
    terms.forEach(function (name) { html += row("&nbsp;&nbsp;term " + escHtml(name), signed(t > 0 ? r.terms[name][t - 1] : null), signed(sum(r.terms[name]))); });
    info.innerHTML = html;
    var ev = t > 0 ? r.events[t - 1] : [];
    events.textContent = ev.length ? "events: " + ev.join(", ") : "";
  }
  function stop() { clearInterval(timer); timer = 0; play.textContent = "Play"; }
  function start() {
    if (t >= T) show(0);
    play.textContent = "Pause";
    timer = setInterval(function () { if (t >= T) stop(); else show(t + 1); }, 1000 / Number(speed.value));
  }
  play.addEventListener("click", function () { if (timer) stop(); else start(); });
  speed.addEventListener("change", function () { if (timer) { stop(); start(); } });
  root.querySelector("button.first").addEventListener("click", function () { stop(); show(0); });
  root.querySelector("button.prev").addEventListener("click", function () { stop(); show(t - 1); });
  root.querySelector("button.next").addEventListener("click", function () { stop(); show(t + 1); });
  root.querySelector("button.last").addEventListener("click", function () { stop(); show(T); });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  root.addEventListener("keydown", function (e) {
    var keys = { ArrowLeft: t - 1, ArrowRight: t + 1, Home: 0, End: T };
    if (e.key in keys) { stop(); show(keys[e.key]); e.preventDefault(); }
    else if (e.key === " " && e.target === root) { if (timer) stop(); else start(); e.preventDefault(); }
  });
  show(0);
}

REPORT.designs.forEach(function (d, k) {
  var heat = document.getElementById("heat-" + k);
  if (heat && d.visits) heatmap(heat, d.visits);
  if (d.agentVisits) d.agentVisits.counts.forEach(function (counts, j) {
    var el = document.getElementById("heat-agent-" + k + "-" + j);
    if (el) heatmap(el, { width: d.agentVisits.width, height: d.agentVisits.height, counts: counts });
  });
  ["best", "worst"].forEach(function (kind) {
    var el = document.getElementById("replay-" + kind + "-" + k);
    if (el && d.evaluation) player(el, d.evaluation[kind]);
  });
});
`;

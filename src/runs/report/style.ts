/** The report's stylesheet: a light, print-friendly page that reads well on a laptop screen. */
export const REPORT_CSS = `
:root {
  --fg: #1d2330; --muted: #5b6472; --faint: #8a93a3; --line: #dfe3ea; --bg: #f6f7f9; --card: #fff;
  --accent: #0b5cad; --good: #1a7f37; --bad: #b42318;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
header.report { border-bottom: 1px solid var(--line); margin-bottom: 20px; padding-bottom: 14px; }
header.report h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
.meta { color: var(--muted); font-size: 14px; }
.meta span + span::before { content: "·"; margin: 0 8px; color: var(--faint); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px 20px; margin: 0 0 20px; }
section > h2 { font-size: 18px; margin: 0 0 4px; }
section > p.lead { color: var(--muted); margin: 0 0 14px; font-size: 14px; max-width: 900px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px 24px; }
.grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 18px 24px; }
.figure h3 { font-size: 15px; margin: 0 0 6px; font-weight: 600; }
.figure .caption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 7px; vertical-align: -1px; }
table.summary { border-collapse: collapse; width: 100%; font-size: 14px; }
table.summary th, table.summary td { padding: 8px 10px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: middle; }
table.summary th { font-weight: 600; color: var(--muted); font-size: 12.5px; text-transform: uppercase; letter-spacing: 0.03em; border-bottom: 2px solid var(--line); }
table.summary td.name, table.summary th.name { text-align: left; font-weight: 600; }
table.summary td.shares, table.summary th.shares { text-align: left; }
table.summary tr.best td.primary { color: var(--good); font-weight: 600; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.pm { color: var(--faint); }
table.summary .seeds { color: var(--faint); font-size: 11.5px; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.summary .verdict { color: var(--muted); font-size: 12px; }
table.summary .verdict.better { color: var(--good); font-weight: 600; }
table.summary th.versus { text-transform: none; }
.shares .share { display: flex; align-items: center; gap: 8px; font-size: 12.5px; line-height: 1.6; }
.shares .share .bar { width: 110px; height: 8px; background: #eef0f4; border-radius: 4px; position: relative; flex: none; }
.shares .share .bar i { position: absolute; top: 0; bottom: 0; border-radius: 4px; }
.shares .share .bar::after { content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px; border-left: 1px solid #b9c0cc; }
.shares .share .label { color: var(--muted); }
ul.notes { margin: 14px 0 0; padding-left: 20px; }
ul.notes li { margin: 3px 0; }
.footnote { color: var(--faint); font-size: 12.5px; margin-top: 10px; }
.empty { color: var(--faint); font-style: italic; padding: 12px 0; }
.chart { width: 100%; min-height: 100px; }
.uplot { font-family: inherit; }
.u-title { font-size: 15px !important; font-weight: 600 !important; text-align: left !important; padding-left: 8px; }
.u-legend { font-size: 13px; text-align: left; padding-left: 56px; }
.u-legend .u-marker { border-radius: 2px; }
.heat { display: flex; gap: 14px; align-items: flex-start; }
.heat canvas { border-radius: 4px; display: block; }
.colorbar { display: flex; flex-direction: column; align-items: flex-start; gap: 4px; font-size: 12px; color: var(--muted); }
.colorbar canvas { width: 14px; height: 160px; border: 1px solid var(--line); }
.hover { font-size: 13px; color: var(--muted); min-height: 1.4em; margin-top: 6px; font-variant-numeric: tabular-nums; }
.replays { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px 24px; margin-bottom: 18px; }
.design-head { font-size: 16px; font-weight: 600; margin: 10px 0 8px; display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.design-head .stats { font-weight: 400; color: var(--muted); font-size: 13.5px; }
.replay { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.replay h4 { margin: 0 0 8px; font-size: 14px; display: flex; justify-content: space-between; gap: 8px; }
.replay h4 .tag { font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; }
.replay h4 .tag.best { background: #e6f4ea; color: var(--good); }
.replay h4 .tag.worst { background: #fdecea; color: var(--bad); }
.replay .body { display: flex; gap: 14px; align-items: flex-start; flex-wrap: wrap; }
.replay canvas.frame { border-radius: 4px; display: block; background: #111; }
.replay .carry { font-size: 12.5px; color: var(--muted); min-height: 1.3em; margin-top: 4px; }
.replay .info { flex: 1; min-width: 210px; font-size: 13px; }
.replay .info thead td { color: var(--faint); font-size: 12px; }
.replay .info table { border-collapse: collapse; width: 100%; }
.replay .info td { padding: 2px 4px; border-bottom: 1px solid #f0f2f5; }
.replay .info td:last-child { text-align: right; font-variant-numeric: tabular-nums; }
.replay .info .events { color: var(--accent); min-height: 1.3em; }
.controls { display: flex; align-items: center; gap: 6px; margin-top: 10px; flex-wrap: wrap; }
.controls button svg { vertical-align: -2px; }
.controls button { font: inherit; font-size: 13px; min-width: 34px; height: 30px; border: 1px solid #c9cfd9; background: #fff; border-radius: 5px; cursor: pointer; color: var(--fg); }
.controls button:hover { background: #f0f3f8; }
.controls button.play { min-width: 64px; font-weight: 600; }
.controls input[type=range] { flex: 1; min-width: 120px; }
.controls .pos { font-size: 13px; color: var(--muted); font-variant-numeric: tabular-nums; min-width: 92px; text-align: right; }
.controls select { font: inherit; font-size: 13px; height: 30px; }
details.config pre { background: #f3f5f8; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; font-size: 12.5px; max-height: 420px; }
details.config summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
footer { color: var(--faint); font-size: 12.5px; text-align: center; margin-top: 8px; }
@media print { section { break-inside: avoid; } .controls { display: none; } }
`;

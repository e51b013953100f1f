/** The report's fixed markup and style; everything in it is static text. */
export const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 0; color: #222; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 12px; background: #f3f1ea; border-bottom: 1px solid #ddd; }
header h1 { font-size: 16px; margin: 0; }
nav button, .chip, #menu button { font: inherit; border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
nav button.active { background: #333; color: #fff; border-color: #333; }
label { font-size: 13px; }
input[type=number] { width: 5em; }
#status { color: #a50; }
#graph { position: relative; overflow: hidden; height: calc(100vh - 110px); cursor: grab; background: #fff; }
#graph svg { transform-origin: 0 0; }
#graph g.node { cursor: pointer; }
#filters { padding: 4px 12px; min-height: 24px; }
#graph-notes { margin: 0 12px; color: #a50; }
#graph-notes:empty { display: none; }
#menu[hidden] { display: none; }
#menu { position: fixed; z-index: 10; background: #fff; border: 1px solid #999; box-shadow: 0 2px 8px #0003; padding: 6px; display: flex; flex-direction: column; gap: 4px; max-width: 420px; }
#menu .menu-name { font-family: monospace; word-break: break-all; padding: 2px 4px; }
#flame { width: 100%; height: calc(100vh - 80px); border: 0; }
#top { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; }
#top th { cursor: pointer; text-align: right; padding: 2px 8px; border-bottom: 1px solid #999; position: sticky; top: 0; background: #fff; }
#top td { text-align: right; padding: 0 8px; height: 20px; line-height: 20px; white-space: pre; box-sizing: border-box; }
#top-scroll { height: calc(100vh - 130px); overflow: auto; }
#top td:last-child, #top th:last-child { text-align: left; }
#top tr.has-lines { cursor: pointer; }
#top tr.has-lines:hover, #lines tr.line:hover { background: #f3f1ea; }
#lines { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; }
#lines th { text-align: right; padding: 2px 8px; border-bottom: 1px solid #999; }
#lines td { text-align: right; padding: 1px 8px; white-space: pre; }
#lines td:first-child, #lines th:first-child, #lines td:last-child, #lines th:last-child { text-align: left; }
#lines tr.call td { color: #555; }
#lines-title { font: 600 15px ui-monospace, monospace; word-break: break-all; }
section { padding: 0 12px; }
`

export const BODY = `<header>
<h1>profconv report</h1>
<span id="info"></span>
<nav><button id="tab-graph">Call graph</button> <button id="tab-flame">Flame graph</button> <button id="tab-top">Top</button> <button id="tab-lines" hidden>Lines</button> <button id="tab-notes">Notes</button></nav>
<label>metric <select id="metric"></select></label>
<label>node threshold % <input id="node-thres" type="number" step="0.1" min="0"></label>
<label>edge threshold % <input id="edge-thres" type="number" step="0.1" min="0"></label>
<label>at most <input id="node-count" type="number" step="10" min="1"> functions</label>
<span id="status"></span>
</header>
<section id="view-graph"><div id="filters"></div><p id="graph-notes"></p><div id="graph"></div></section>
<section id="view-flame" hidden><iframe id="flame" title="flame graph"></iframe></section>
<section id="view-top" hidden><p><input id="top-search" type="search" placeholder="filter functions (regular expression)" size="40"> <span id="top-count"></span></p>
<div id="top-scroll"><div id="top-rows"><table id="top"><thead><tr><th data-sort="self">self</th><th data-sort="self">self%</th><th data-sort="total">total</th><th data-sort="total">total%</th><th data-sort="calls">calls</th><th data-sort="name">function</th></tr></thead><tbody></tbody></table></div></div></section>
<section id="view-lines" hidden><h2 id="lines-title"></h2><p><span id="lines-files"></span>: self and inclusive cost per source line; the calls made from a line (→) with their inclusive cost.</p>
<table id="lines"><thead><tr><th>line</th><th>self</th><th>self%</th><th>inclusive</th><th>incl%</th><th>calls made there</th></tr></thead><tbody></tbody></table></section>
<section id="view-notes" hidden><h2>Notes</h2><p>What a conversion estimated or dropped.</p><ul id="notes-list"></ul></section>
<div id="menu" hidden></div>
`

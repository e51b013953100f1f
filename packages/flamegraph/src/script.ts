/**
 * The style and script every flame graph carries. The script reads the frames from the SVG's
 * elements (`data-x`, `data-w` in the metric's unit, the label from `<title>`), never from
 * text spliced into code: a function name is data only. It finds its own `<svg>` through
 * `document.currentScript`, so it works the same standalone and inlined in an HTML page
 * (where it leaves the URL and the keyboard alone).
 *
 * - click a box: zoom to it (its ancestors stay, dimmed, at full width); "Reset Zoom" undoes;
 * - "Search" (or Ctrl-F / F3 standalone): a regular expression; matching boxes turn magenta
 *   and "Matched:" shows their share of the total, overlaps counted once; "ic" ignores case;
 * - standalone, `?s=regex` and `?x=…&y=…` (a box's `data-x` and its rect's `y`) in the URL
 *   restore a search and a zoom, and are kept up to date;
 * - `svg.flamegraph` offers `zoom(g)`, `reset()`, `search(source)` (returns the matched value)
 *   to pages that embed the graph.
 */
export const STYLE = `
text { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.fg-frames text { font-size: 12px; fill: #000; pointer-events: none; }
.fg-frames g { cursor: pointer; }
.fg-frames g:hover rect { stroke: #000; stroke-width: 0.5; }
.fg-frames g.fg-hide { display: none; }
.fg-frames g.fg-parent { opacity: 0.5; }
.fg-title { font-size: 17px; text-anchor: middle; }
.fg-subtitle { font-size: 12px; text-anchor: middle; fill: #555; }
.fg-button { font-size: 12px; cursor: pointer; fill: #333; }
.fg-button:hover { fill: #a00; text-decoration: underline; }
.fg-right { text-anchor: end; }
.fg-off { opacity: 0.25; }
.fg-hidden { display: none; }
.fg-details { font-size: 12px; fill: #000; }
`

export const SCRIPT = `
(function () {
  'use strict';
  var script = document.currentScript;
  var svg = script && script.closest ? script.closest('svg') : document.documentElement;
  if (!svg || svg.flamegraph) return;
  var standalone = svg === document.documentElement;
  var holder = svg.querySelector('.fg-frames');
  var num = function (el, name) { return Number(el.getAttribute(name)); };
  var total = num(holder, 'data-total');
  var left = num(holder, 'data-left');
  var width = num(holder, 'data-width');
  var charWidth = num(holder, 'data-char');
  var down = num(holder, 'data-down');
  var eps = total * 1e-9;
  var details = svg.querySelector('.fg-details');
  var resetButton = svg.querySelector('.fg-reset');
  var searchButton = svg.querySelector('.fg-search');
  var caseButton = svg.querySelector('.fg-ic');
  var matched = svg.querySelector('.fg-matched');
  var frames = [];
  for (var i = 0; i < holder.children.length; i++) {
    var g = holder.children[i];
    var title = g.querySelector('title');
    frames.push({
      g: g,
      rect: g.querySelector('rect'),
      text: g.querySelector('text'),
      x: num(g, 'data-x'),
      w: num(g, 'data-w'),
      y: num(g.querySelector('rect'), 'y'),
      label: title.textContent.slice(0, num(g, 'data-l')),
      name: title.textContent.slice(0, num(g, 'data-n')),
      merged: g.hasAttribute('data-m'),
      fill: g.querySelector('rect').getAttribute('fill')
    });
    g.fgIndex = i;
  }
  var zoomed = null;
  var pattern = '';
  var ignoreCase = false;

  function fit(f, px) {
    var room = Math.floor((px - 6) / charWidth);
    var label = f.name;
    f.text.textContent = room < 3 ? '' : label.length <= room ? label : label.slice(0, room - 2) + '..';
  }
  function place(f, px, pw) {
    f.rect.setAttribute('x', px.toFixed(2));
    f.rect.setAttribute('width', pw.toFixed(2));
    f.text.setAttribute('x', (px + 3).toFixed(2));
    fit(f, pw);
  }
  function show(f, visible, parent) {
    f.g.classList.toggle('fg-hide', !visible);
    f.g.classList.toggle('fg-parent', parent);
  }
  function setParams(change) {
    if (!standalone || !window.history || !history.replaceState) return;
    var params = new URLSearchParams(location.search);
    for (var key in change) {
      if (change[key] === null) params.delete(key);
      else params.set(key, change[key]);
    }
    var query = params.toString();
    history.replaceState(null, '', query ? '?' + query : location.pathname);
  }
  function zoom(target) {
    if (typeof target === 'number') target = frames[target];
    else if (target && target.fgIndex !== undefined) target = frames[target.fgIndex];
    if (!target) return;
    var x0 = target.x, end = target.x + target.w, w0 = target.w || 1;
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      var depth = (f.y - target.y) * down;
      if (depth < 0) {
        var contains = f.x <= x0 + eps && f.x + f.w >= end - eps;
        show(f, contains, true);
        if (contains) place(f, left, width);
      } else {
        var inside = f.x >= x0 - eps && f.x + f.w <= end + eps;
        show(f, inside, false);
        if (inside) place(f, left + ((f.x - x0) / w0) * width, (f.w / w0) * width);
      }
    }
    zoomed = target;
    resetButton.classList.remove('fg-hidden');
    setParams({ x: String(target.x), y: String(target.y) });
  }
  function reset() {
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      show(f, true, false);
      place(f, left + (f.x / total) * width, (f.w / total) * width);
    }
    zoomed = null;
    resetButton.classList.add('fg-hidden');
    setParams({ x: null, y: null });
  }
  function search(source) {
    var re = null;
    if (source) {
      try {
        re = new RegExp(source, ignoreCase ? 'i' : '');
      } catch (e) {
        matched.textContent = 'Bad expression';
        return NaN;
      }
    }
    pattern = re ? source : '';
    var spans = [];
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      var hit = re !== null && !f.merged && re.test(f.label);
      f.rect.setAttribute('fill', hit ? 'rgb(230,0,230)' : f.fill);
      if (hit) spans.push([f.x, f.x + f.w]);
    }
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var sum = 0, start = 0, stop = -Infinity;
    for (var j = 0; j < spans.length; j++) {
      if (spans[j][0] >= stop) {
        if (stop > start) sum += stop - start;
        start = spans[j][0];
        stop = spans[j][1];
      } else if (spans[j][1] > stop) stop = spans[j][1];
    }
    if (stop > start) sum += stop - start;
    if (re) {
      matched.textContent = 'Matched: ' + (total > 0 ? (100 * sum) / total : 0).toFixed(2) + '%';
      matched.setAttribute('data-value', String(sum));
      searchButton.textContent = 'Reset Search';
    } else {
      matched.textContent = '';
      matched.removeAttribute('data-value');
      searchButton.textContent = 'Search';
    }
    setParams({ s: re ? source : null });
    return sum;
  }
  function ask() {
    if (pattern) {
      search('');
      return;
    }
    var answer = window.prompt('Search for a function (regular expression)', '');
    if (answer) search(answer);
  }

  holder.addEventListener('click', function (e) {
    var g = e.target.closest('g');
    if (g && g.fgIndex !== undefined) zoom(frames[g.fgIndex]);
  });
  holder.addEventListener('mouseover', function (e) {
    var g = e.target.closest('g');
    if (g && g.fgIndex !== undefined) details.textContent = g.querySelector('title').textContent;
  });
  holder.addEventListener('mouseout', function () {
    details.textContent = ' ';
  });
  resetButton.addEventListener('click', reset);
  searchButton.addEventListener('click', ask);
  caseButton.addEventListener('click', function () {
    ignoreCase = !ignoreCase;
    caseButton.classList.toggle('fg-off', !ignoreCase);
    if (pattern) search(pattern);
  });
  if (standalone) {
    window.addEventListener('keydown', function (e) {
      if (e.key === 'F3' || ((e.ctrlKey || e.metaKey) && e.key === 'f')) {
        e.preventDefault();
        ask();
      }
    });
    var params = new URLSearchParams(location.search);
    if (params.get('x') !== null && params.get('y') !== null) {
      var x = Number(params.get('x')), y = Number(params.get('y'));
      for (var k = 0; k < frames.length; k++) {
        if (frames[k].x === x && frames[k].y === y) {
          zoom(frames[k]);
          break;
        }
      }
    }
    if (params.get('s')) search(params.get('s'));
  }
  svg.flamegraph = { zoom: zoom, reset: reset, search: search, frames: frames };
})();
`

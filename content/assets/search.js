/* The site's search box, over the sharded index policy_compare/search.py writes into search/.
 *
 * Nothing is fetched until the reader uses the box. Then: search/meta.js (groups, fold table, synonyms),
 * the term shards of the query's characters (search/<v>/t/<k>.js) and the display chunks of the results
 * shown (search/<v>/d/<j>.js), each as a <script> (JSONP: works online and from file://).
 * The query is folded as the index was (Traditional -> Simplified per character, full-width -> ASCII,
 * lower case), synonym forms become their group's term, Han runs are cut by longest match against the
 * index's terms, and results must hold every term (else the best partial matches, each naming only the
 * terms it really lacks). Results group by plan or page; every string from the index is rendered as text.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = script ? script.src.replace(/assets\/search\.js([?#].*)?$/, "") : "";
  var FILE = location.protocol === "file:";
  var EN = (document.documentElement.lang || "").slice(0, 2) === "en";
  var L = EN ? {
    none: "No matching results", loading: "Loading the search index…", error: "The search index could not be loaded.",
    count: function (n, g) { return n + (n === 1 ? " result" : " results") + " in " + g + (g === 1 ? " page" : " pages"); },
    partial: "No result contains every word; closest matches:", missing: "Missing: ",
    more: function (n) { return n + " more here"; }, next: "Show more results"
  } : {
    none: "没有找到符合条件的结果", loading: "正在加载搜索索引…", error: "无法加载搜索索引。",
    count: function (n, g) { return "找到 " + n + " 条结果，分布在 " + g + " 个页面"; },
    partial: "没有同时包含所有词的结果，以下为最接近的结果：", missing: "缺少：",
    more: function (n) { return "此处还有 " + n + " 条"; }, next: "显示更多结果"
  };
  var GROUPS_PER_PAGE = 10, DOCS_PER_GROUP = 2, SNIPPET = 160;
  var toggle = document.getElementById("__search");
  var box = document.getElementById("pc-search");
  if (!toggle || !box) return;
  var style = document.createElement("style");  // the few rules Material has no class for (fixed text, no data)
  style.textContent = "#pc-search .pc-search-row,#pc-search .pc-search-missing{font-size:.64rem;color:var(--md-default-fg-color--light)}" +
    "#pc-search .pc-search-row{border-left:.1rem solid var(--md-default-fg-color--lightest);padding-left:.4rem}" +
    "#pc-search .pc-search-more,#pc-search .pc-search-next{display:block;margin:0 0 .4rem 3.2rem;padding:.2rem 0;border:0;background:none;" +
    "color:var(--md-typeset-a-color);font:inherit;font-size:.64rem;cursor:pointer}#pc-search .pc-search-next{margin:.6rem auto}" +
    "#pc-search .md-search-result__meta{color:var(--md-default-fg-color)}" +  // Material's greys and orange marks fail
    "#pc-search mark{color:var(--md-default-fg-color);background:var(--md-accent-fg-color--transparent);text-decoration:underline}";  // WCAG contrast
  document.head.appendChild(style);
  var input = box.querySelector(".md-search__input");
  var form = box.querySelector("form");
  var metaEl = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");

  /* ---- loading (JSONP) ---- */
  var loaded = Object.create(null), pending = Object.create(null);
  window.__pcSearch = function (key, data) { loaded[key] = data; };
  function load(key, path) {
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = BASE + "search/" + path + ".js";
        s.onload = function () { if (key in loaded) resolve(loaded[key]); else fail(); };
        s.onerror = fail;
        function fail() { delete pending[key]; reject(new Error("search/" + path)); }
        document.head.appendChild(s);
      });
    }
    return pending[key];
  }
  var meta = null, foldMap = null, synForms = [], shardMaps = Object.create(null);
  function loadMeta() {
    return load("meta", "meta").then(function (m) {
      if (!meta) {
        meta = m;
        foldMap = new Map();
        for (var i = 0; i < m.fold[0].length; i++) foldMap.set(m.fold[0][i], m.fold[1][i]);
        m.syn.forEach(function (g) { g[1].forEach(function (f) { synForms.push([f, g[0]]); }); });
        synForms.sort(function (a, b) { return b[0].length - a[0].length; });
      }
      return meta;
    });
  }
  function shardOf(term) { return term.charCodeAt(0) % meta.shards; }
  function loadShard(k) {
    return load("t/" + k, meta.v + "/t/" + k).then(function (rows) {
      if (!shardMaps[k]) { var m = new Map(); rows.forEach(function (r) { m.set(r[0], r); }); shardMaps[k] = m; }
      return shardMaps[k];
    });
  }
  function loadChunk(j) { return load("d/" + j, meta.v + "/d/" + j); }

  /* ---- folding and query analysis (same rules as search.py) ---- */
  function fold(s) {
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s[i], k = s.charCodeAt(i);
      if (k >= 65 && k <= 90) c = String.fromCharCode(k + 32);
      else if (k >= 0xFF01 && k <= 0xFF5E) c = String.fromCharCode(k - 0xFEE0).toLowerCase();
      else if (k === 0x3000) c = " ";
      else if (foldMap.has(c)) c = foldMap.get(c);
      out += c;
    }
    return out;
  }
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g, HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var ALNUM = /[a-z0-9]/;
  function analyse(q) {
    var units = [], plain = "";
    function flush() {
      var m; TOKEN.lastIndex = 0;
      while ((m = TOKEN.exec(plain))) units.push({ text: m[0], han: HAN.test(m[0]) });
      plain = "";
    }
    for (var i = 0; i < q.length;) {
      var hit = null;
      for (var s = 0; s < synForms.length && !hit; s++) {
        var f = synForms[s][0];
        if (q.startsWith(f, i) && (HAN.test(f) || (!ALNUM.test(q[i - 1] || "") && !ALNUM.test(q[i + f.length] || "")))) hit = synForms[s];
      }
      if (hit) { flush(); units.push({ text: hit[0], syn: hit[1] }); i += hit[0].length; }
      else { plain += q[i]; i++; }
    }
    flush();
    return units;
  }
  function entry(term) { var m = shardMaps[shardOf(term)]; return m ? m.get(term) : undefined; }
  function segment(run) {
    var out = [], s = 0;
    function longest(o) { for (var k = run.length; k > o; k--) if (entry(run.slice(o, k))) return k - o; return 0; }
    while (s < run.length) {
      var n = longest(s);
      if (n) { out.push(run.substr(s, n)); s += n; continue; }
      var e = s + 1;
      while (e < run.length && !longest(e)) e++;
      out.push(run.slice(s, e)); s = e;
    }
    return out;
  }
  var decoded = new Map();
  function postings(r) {
    if (!decoded.has(r)) {
      var sum = function (d) { var out = new Array(d.length), x = 0; for (var i = 0; i < d.length; i++) out[i] = x += d[i]; return out; };
      decoded.set(r, { ids: sum(r[1]), title: new Set(r[2] ? sum(r[2]) : []) });
    }
    return decoded.get(r);
  }
  /* one query unit -> { label, ids (Set), title (Set), marks (strings to highlight) } */
  function resolve(label, key, marks, prefix) {
    var u = { label: label, ids: new Set(), title: new Set(), marks: marks };
    var rows = [], r = entry(key);
    if (r) rows.push(r);
    if (!r || prefix) {
      var m = shardMaps[shardOf(key)], n = 0;
      if (m) m.forEach(function (row, t) { if (n < 200 && t !== key && t.startsWith(key)) { rows.push(row); marks.push(t); n++; } });
    }
    rows.forEach(function (row) {
      var p = postings(row);
      p.ids.forEach(function (i) { u.ids.add(i); });
      p.title.forEach(function (i) { u.title.add(i); });
    });
    return u;
  }
  function query(raw) {
    var q = fold(raw.normalize ? raw.normalize("NFC") : raw);
    var parts = analyse(q);
    var shards = new Set();
    parts.forEach(function (p) {
      if (p.syn) shards.add(shardOf(p.syn));
      else if (p.han) for (var i = 0; i < p.text.length; i++) shards.add(shardOf(p.text[i]));
      else shards.add(shardOf(p.text));
    });
    return Promise.all(Array.from(shards).map(loadShard)).then(function () {
      var units = [];
      parts.forEach(function (p, i) {
        if (p.syn) {
          var forms = synForms.filter(function (f) { return f[1] === p.syn; }).map(function (f) { return f[0]; });
          units.push(resolve(p.text, p.syn, forms, false));
        } else if (p.han) {
          segment(p.text).forEach(function (w) { units.push(resolve(w, w, [w], false)); });
        } else {
          units.push(resolve(p.text, p.text, [p.text], i === parts.length - 1));
        }
      });
      return rank(units);
    });
  }
  function rank(units) {
    var n = meta.n, scores = new Map();
    units.forEach(function (u, k) {
      var idf = Math.log(1 + n / Math.max(1, u.ids.size));
      u.ids.forEach(function (d) {
        var s = scores.get(d) || { doc: d, score: 0, hits: 0, has: [] };
        s.score += idf * (u.title.has(d) ? 3 : 1); s.hits++; s.has[k] = true;
        scores.set(d, s);
      });
    });
    var all = Array.from(scores.values());
    var full = all.filter(function (s) { return s.hits === units.length; });
    var partial = !full.length && units.length > 1;
    var hits = partial ? all : full;
    hits.sort(function (a, b) { return b.hits - a.hits || b.score - a.score || a.doc - b.doc; });
    var groups = new Map();
    hits.forEach(function (h) {
      var g = groupOf(h.doc);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(h);
    });
    return { units: units, partial: partial, total: hits.length, groups: Array.from(groups.entries()) };
  }
  function groupOf(doc) {
    var g = meta.groups, lo = 0, hi = g.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (g[mid][3] <= doc) lo = mid; else hi = mid - 1; }
    return lo;
  }

  /* ---- rendering (text only) ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function safeUrl(url) { return /^[a-z][a-z0-9+.\-]*:/i.test(url) || url.indexOf("//") === 0 ? null : url; }
  function href(groupUrl, anchor) {
    var url = safeUrl(groupUrl);
    if (url === null) return null;
    if (FILE && (url === "" || url.slice(-1) === "/")) url += "index.html";
    return BASE + url + (anchor ? "#" + encodeURIComponent(anchor) : "");
  }
  function spans(text, marks) {
    var f = fold(text), out = [];
    marks.forEach(function (m) {
      if (!m) return;
      for (var i = f.indexOf(m); i >= 0; i = f.indexOf(m, i + m.length)) out.push([i, i + m.length]);
    });
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
    });
    return merged;
  }
  function marked(tag, cls, text, marks, from, to) {
    var e = el(tag, cls);
    from = from || 0; to = to == null ? text.length : to;
    var at = from;
    if (from > 0) e.appendChild(document.createTextNode("…"));
    spans(text, marks).forEach(function (s) {
      if (s[1] <= from || s[0] >= to) return;
      var a = Math.max(s[0], from), b = Math.min(s[1], to);
      if (a > at) e.appendChild(document.createTextNode(text.slice(at, a)));
      e.appendChild(el("mark", null, text.slice(a, b)));
      at = b;
    });
    if (at < to) e.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) e.appendChild(document.createTextNode("…"));
    return e;
  }
  function snippet(text, marks) {
    var s = spans(text, marks), start = 0;
    if (s.length && s[0][0] > 40) start = s[0][0] - 40;
    return [start, Math.min(text.length, start + SNIPPET), s.length];
  }
  function docLink(g, hit, rec, res, marks) {
    var url = href(g[1], rec[0]);
    var a = el("a", "md-search-result__link");
    if (url !== null) a.href = url;
    var art = el("article", "md-search-result__article md-typeset");
    if (rec[0] || rec[1] !== g[0]) art.appendChild(marked("h2", null, rec[1], marks));  // not the page title again
    var text = rec[2] || "", win = snippet(text, marks);
    if (text && (win[2] || !rec[3])) art.appendChild(marked("p", null, text, marks, win[0], win[1]));
    if (rec[3]) {  // a table: the row that matches best (never the whole table)
      var best = null, bestN = 0;
      rec[3].forEach(function (row) { var n = spans(row, marks).length; if (n > bestN) { best = row; bestN = n; } });
      if (best) { var w = snippet(best, marks); art.appendChild(marked("p", "pc-search-row", best, marks, w[0], w[1])); }
      else if (!text) art.appendChild(el("p", null, rec[3][0] || ""));
    }
    if (res.partial) {  // name only the words this result really lacks
      var whole = fold(rec[1] + " " + text + " " + (rec[3] || []).join(" "));
      var lacking = res.units.filter(function (u, k) {
        return !hit.has[k] && !u.marks.some(function (m) { return m && whole.indexOf(m) >= 0; });
      }).map(function (u) { return u.label; });
      if (lacking.length) art.appendChild(el("p", "pc-search-missing", L.missing + lacking.join(" ")));
    }
    a.appendChild(art);
    return a;
  }
  function groupHead(g) {
    var a = el("a", "md-search-result__link"), url = href(g[1], "");
    if (url !== null) a.href = url;
    var art = el("article", "md-search-result__article md-search-result__article--document md-typeset");
    art.appendChild(el("div", "md-search-result__icon md-icon"));
    art.appendChild(el("h1", null, g[0]));
    a.appendChild(art);
    return a;
  }
  function recordsFor(hits) {
    var chunks = new Set(hits.map(function (h) { return Math.floor(h.doc / meta.chunk); }));
    return Promise.all(Array.from(chunks).map(function (j) { return loadChunk(j).then(function (d) { return [j, d]; }); }))
      .then(function (pairs) {
        var by = new Map(pairs);
        return hits.map(function (h) { return by.get(Math.floor(h.doc / meta.chunk))[h.doc % meta.chunk]; });
      });
  }
  function marksOf(res) { var m = []; res.units.forEach(function (u) { m = m.concat(u.marks); }); return m; }
  function renderGroups(res, from, seq) {
    var slice = res.groups.slice(from, from + GROUPS_PER_PAGE);
    var hits = [];
    slice.forEach(function (gr) { hits = hits.concat(gr[1].slice(0, DOCS_PER_GROUP)); });
    return recordsFor(hits).then(function (recs) {
      if (seq !== current) return;
      var marks = marksOf(res), k = 0;
      slice.forEach(function (gr) {
        var g = meta.groups[gr[0]], li = el("li", "md-search-result__item");
        li.appendChild(groupHead(g));
        var shown = gr[1].slice(0, DOCS_PER_GROUP);
        shown.forEach(function (h) {
          var rec = recs[k++];
          if (rec[0] || rec[2] || rec[3]) li.appendChild(docLink(g, h, rec, res, marks));
        });
        if (gr[1].length > shown.length) li.appendChild(moreButton(g, gr[1].slice(shown.length), res, marks));
        list.appendChild(li);
      });
      var old = box.querySelector(".pc-search-next");
      if (old) old.remove();
      if (from + GROUPS_PER_PAGE < res.groups.length) {
        var b = el("button", "pc-search-next", L.next);
        b.type = "button";
        b.addEventListener("click", function () { b.disabled = true; renderGroups(res, from + GROUPS_PER_PAGE, seq); });
        list.parentNode.appendChild(b);
      }
    });
  }
  function moreButton(g, rest, res, marks) {
    var b = el("button", "pc-search-more", L.more(rest.length));
    b.type = "button";
    b.addEventListener("click", function () {
      b.disabled = true;
      recordsFor(rest).then(function (recs) {
        var frag = document.createDocumentFragment();
        rest.forEach(function (h, i) { frag.appendChild(docLink(g, h, recs[i], res, marks)); });
        b.replaceWith(frag);
      });
    });
    return b;
  }

  /* ---- wiring ---- */
  var current = 0, timer = null;
  function clear() {
    list.textContent = "";
    var old = box.querySelector(".pc-search-next");
    if (old) old.remove();
  }
  function run() {
    var q = input.value.trim(), seq = ++current;
    box.removeAttribute("data-done");
    if (!q) { clear(); metaEl.textContent = input.placeholder; return; }
    loadMeta().then(function () { return query(q); }).then(function (res) {
      if (seq !== current) return;
      clear();
      metaEl.textContent = !res.total ? L.none : res.partial ? L.partial : L.count(res.total, res.groups.length);
      return renderGroups(res, 0, seq);
    }).catch(function () { if (seq === current) { clear(); metaEl.textContent = L.error; } })
      .then(function () { if (seq === current) box.setAttribute("data-done", q); });  // for tests: this query is shown
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(run, 120); }
  function open() {
    if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    input.focus();
  }
  function close() {
    if (toggle.checked) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); }
    input.blur();
  }
  function prepare() {
    if (!meta) { metaEl.textContent = L.loading; loadMeta().then(function () { if (!input.value.trim()) metaEl.textContent = input.placeholder; }, function () { metaEl.textContent = L.error; }); }
  }
  toggle.addEventListener("change", function () { if (toggle.checked) { input.focus(); prepare(); } });
  input.addEventListener("focus", function () { prepare(); if (!toggle.checked) open(); });
  input.addEventListener("input", function (e) { if (!e.isComposing) schedule(); });  // typing, pasting, dropping
  input.addEventListener("compositionend", schedule);
  form.addEventListener("reset", function () { setTimeout(function () { run(); input.focus(); }, 0); });
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link[href]")); }
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { var first = links()[0]; if (first) { e.preventDefault(); first.click(); } }
    else if (e.key === "ArrowDown") { var l = links()[0]; if (l) { e.preventDefault(); l.focus(); } }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var all = links(), i = all.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === "ArrowDown" && i + 1 < all.length) all[i + 1].focus();
    else if (e.key === "ArrowUp") (i ? all[i - 1] : input).focus();
  });
  list.addEventListener("click", function (e) {  // a result on this very page: close the search, go to the anchor
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && a.pathname === location.pathname) close();
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target, editable = t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName));
    if (e.key === "Escape" && toggle.checked) { close(); return; }
    if (editable || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "s" || e.key === "f" || e.key === "/") { e.preventDefault(); open(); }
  });
})();

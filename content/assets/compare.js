/* Topic pages: which cities show side by side. The page holds a few cities' provisions (the default);
   the others are small script files beside the page (pcFragment(plan, html)), loaded when the reader
   brings a city in — <script> loads from file:// too, so the offline zip works the same.
   The choice lives in the URL (?cities=a,b, to share) and in localStorage (kept across topics). */
(function () {
  var KEY = "pc-cities";
  var pending = {};
  window.pcFragment = function (plan, html) {
    var col = document.querySelector('.compare-col[data-plan="' + plan + '"]');
    if (!col) return;
    col.innerHTML = html;  // MkDocs' own HTML, every data field escaped at build time; nothing in it runs
    col.removeAttribute("data-src");
    col.dataset.loaded = "1";
    if (pending[plan]) pending[plan]();
    delete pending[plan];
  };
  function store(ids) { try { localStorage.setItem(KEY, ids.join(",")); } catch (e) { /* private mode */ } }
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }

  function setup() {
    var bar = document.querySelector(".city-bar");
    var grid = document.querySelector(".compare");
    if (!bar || !grid || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    var en = document.documentElement.lang === "en";
    var boxes = Array.prototype.slice.call(bar.querySelectorAll(".city-picker input[type=checkbox]"));
    var cols = Array.prototype.slice.call(grid.querySelectorAll(".compare-col"));
    var known = cols.map(function (c) { return c.dataset.plan; });
    var names = {};
    boxes.forEach(function (b) {
      b.disabled = false;
      names[b.value] = b.parentNode.dataset.name;
    });
    var defaults = (bar.dataset.default || "").split(",").filter(Boolean);
    function valid(list) { return (list || "").split(",").filter(function (id) { return known.indexOf(id) >= 0; }); }
    var chosen = valid(new URLSearchParams(location.search).get("cities"));
    if (!chosen.length) chosen = valid(stored());
    if (!chosen.length) chosen = defaults.slice();
    var hash = decodeURIComponent(location.hash.slice(1));
    var hashPlan = hash.indexOf("city-") === 0 ? hash.slice(5) : hash.split("--")[0];
    if (known.indexOf(hashPlan) >= 0 && chosen.indexOf(hashPlan) < 0) chosen.push(hashPlan);
    var first = chosen.slice();

    function load(col) {
      if (!col.dataset.src || col.dataset.loading) return;
      col.dataset.loading = "1";
      col.setAttribute("aria-busy", "true");
      var h = document.createElement("p"), note = document.createElement("p");
      h.className = "compare-city";
      h.setAttribute("role", "heading");
      h.setAttribute("aria-level", "2");
      h.textContent = names[col.dataset.plan] || col.dataset.plan;  // a city name is data: text, never markup
      note.className = "col-loading";
      note.textContent = en ? "Loading…" : "正在加载…";
      col.replaceChildren(h, note);
      var s = document.createElement("script");
      s.src = col.dataset.src;
      s.onerror = function () {
        col.querySelector(".col-loading").textContent = en ? "Could not load this city's provisions." : "无法加载此城市的条文。";
        delete col.dataset.loading;
      };
      pending[col.dataset.plan] = function () { col.removeAttribute("aria-busy"); decorate(col); scrollToHash(); };
      document.head.appendChild(s);
    }
    function scrollToHash() {
      if (!hash) return;
      var target = document.getElementById(hash);
      if (target && !target.closest("[hidden]")) target.scrollIntoView();
    }
    function decorate(col) {  // a button on each city heading folds the column (phones start folded)
      var h = col.querySelector(".compare-city");
      if (!h || h.querySelector(".col-toggle")) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "col-toggle";
      b.setAttribute("aria-expanded", "true");
      b.setAttribute("aria-label", (en ? "Fold or unfold " : "折叠/展开 ") + (names[col.dataset.plan] || ""));
      b.addEventListener("click", function () { fold(col, !col.classList.contains("is-folded")); });
      h.appendChild(b);
      // phones open on the first city; the others fold to their heading (a city the reader adds later opens)
      if (narrow() && first.indexOf(col.dataset.plan) > 0 && hashPlan !== col.dataset.plan) fold(col, true);
    }
    function fold(col, folded) {
      col.classList.toggle("is-folded", folded);
      var b = col.querySelector(".col-toggle");
      if (b) b.setAttribute("aria-expanded", String(!folded));
    }
    function narrow() { return window.matchMedia("(max-width: 60em)").matches; }

    function apply(save) {
      cols.forEach(function (c) {
        var on = chosen.indexOf(c.dataset.plan) >= 0;
        c.hidden = !on;
        if (on) load(c);
      });
      // chosen order: as the reader picked them
      chosen.forEach(function (id) { var c = grid.querySelector('.compare-col[data-plan="' + id + '"]'); if (c) grid.appendChild(c); });
      boxes.forEach(function (b) { b.checked = chosen.indexOf(b.value) >= 0; });
      grid.style.setProperty("--cols", Math.max(chosen.length, 1));
      grid.dataset.chosen = String(chosen.length);
      bar.querySelector(".n-shown").textContent = String(chosen.length);
      var hidden = boxes.filter(function (b) { return !b.checked; }).map(function (b) { return names[b.value]; });
      var list = bar.querySelector(".hidden-cities");
      list.textContent = hidden.length ? (en ? "Not shown: " : "未显示：") + hidden.slice(0, 12).join(en ? ", " : "、") +
        (hidden.length > 12 ? (en ? " and " + (hidden.length - 12) + " more" : " 等 " + (hidden.length - 12) + " 个") : "") : "";
      if (save) {
        var url = new URL(location.href);
        if (chosen.join(",") === defaults.join(",")) url.searchParams.delete("cities");
        else url.searchParams.set("cities", chosen.join(","));
        history.replaceState(null, "", url);
        store(chosen);
      }
    }
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        chosen = chosen.filter(function (id) { return id !== b.value; });
        if (b.checked) chosen.push(b.value);
        apply(true);
      });
    });
    var search = bar.querySelector(".picker-search");
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      bar.querySelectorAll(".picker-group").forEach(function (g) {
        var any = false;
        g.querySelectorAll("label").forEach(function (l) {
          var hit = !q || l.dataset.search.indexOf(q) >= 0 || l.textContent.toLowerCase().indexOf(q) >= 0;
          l.hidden = !hit;
          any = any || hit;
        });
        g.hidden = !any;
      });
    });
    bar.querySelector(".picker-default").addEventListener("click", function () { chosen = defaults.slice(); apply(true); });
    bar.querySelector(".picker-none").addEventListener("click", function () { chosen = []; apply(true); });
    bar.querySelector(".picker-print").addEventListener("click", function () { window.print(); });
    bar.querySelector(".picker-tools").hidden = false;
    bar.querySelector(".picker-actions").hidden = false;
    cols.forEach(function (c) { if (!c.dataset.src) decorate(c); });
    apply(false);
    scrollToHash();
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();

/* Sortable overview tables (self-hosted; Material's tablesort would load from a CDN).
   Click a column header to sort by it; cells without a number ("no target", "—") always sort last. */
(function () {
  function key(cell) {
    var m = (cell.textContent || "").replace(/[≥≤≈<>+]/g, "").match(/-?\d+(\.\d+)?/);
    return m ? parseFloat(m[0]) : null;
  }
  function setup() {
    document.querySelectorAll(".matrix-wrap table").forEach(function (table) {
      if (table.dataset.sortable) return;
      table.dataset.sortable = "1";
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        var en = document.documentElement.lang === "en";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-btn";
        button.textContent = "⇅";
        button.setAttribute("aria-label", (en ? "Sort by " : "排序：") + th.textContent.trim());
        button.title = en ? "Click to sort" : "点击排序";
        th.appendChild(button);
        function sort() {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = key(a.cells[col]), y = key(b.cells[col]);
            if (col === 0 || (x === null && y === null)) {
              var s = a.cells[col].textContent.localeCompare(b.cells[col].textContent, "zh");
              return asc ? s : -s;
            }
            if (x === null) return 1;
            if (y === null) return -1;
            return asc ? x - y : y - x;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        }
        button.addEventListener("click", sort);
      });
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();

/* Printouts cite the exact address, including a ?cities= selection. */
(function () {
  function stamp() {
    document.querySelectorAll(".print-citation .pc-url").forEach(function (el) { el.textContent = location.href; });
  }
  window.addEventListener("beforeprint", stamp);
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(stamp);
  else document.addEventListener("DOMContentLoaded", stamp);
})();

/* Tables: header cells say what they head (scope), and each data cell carries its column's name, which
   phones show beside the value when a table is stacked into one block per row (.stack-sm). */
(function () {
  function setup() {
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      if (table.dataset.scoped) return;
      table.dataset.scoped = "1";
      var head = table.tHead && table.tHead.rows[0];
      Array.prototype.forEach.call(table.querySelectorAll("th:not([scope])"), function (th) {
        th.setAttribute("scope", th.closest("thead") || !th.parentNode.querySelector("td") ? "col" : "row");
      });
      if (!head) return;
      var labels = Array.prototype.map.call(head.cells, function (c) { return c.textContent.replace("⇅", "").trim(); });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell, i) { if (labels[i]) cell.dataset.label = labels[i]; });
        });
      });
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();

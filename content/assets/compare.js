/* Topic pages: choose which cities to show side by side. The choice lives in the URL
   (?cities=ordos-2020,lishui-2021) so a trainer can share it. Without JavaScript every city shows. */
(function () {
  function setup() {
    var picker = document.querySelector(".city-picker");
    var grid = document.querySelector(".compare");
    if (!picker || !grid || picker.dataset.ready) return;
    picker.dataset.ready = "1";
    var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));
    var cols = Array.prototype.slice.call(grid.querySelectorAll(".compare-col"));
    var param = picker.dataset.param || "cities";
    var wanted = new URLSearchParams(location.search).get(param);
    if (wanted) {
      var set = wanted.split(",");
      boxes.forEach(function (b) { b.checked = set.indexOf(b.value) >= 0; });
    }
    function apply(updateUrl) {
      var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      cols.forEach(function (c) { c.hidden = chosen.indexOf(c.dataset.plan) < 0; });
      document.querySelectorAll(".print-source").forEach(function (s) { s.hidden = chosen.indexOf(s.dataset.plan) < 0; });
      grid.style.setProperty("--cols", Math.max(chosen.length, 1));
      grid.dataset.chosen = String(chosen.length);
      if (updateUrl) {
        var url = new URL(location.href);
        if (chosen.length === boxes.length) url.searchParams.delete(param);
        else url.searchParams.set(param, chosen.join(","));
        history.replaceState(null, "", url);
      }
    }
    boxes.forEach(function (b) { b.addEventListener("change", function () { apply(true); }); });
    var printButton = picker.querySelector(".picker-print");
    if (printButton) printButton.addEventListener("click", function () { window.print(); });
    picker.hidden = false;
    apply(false);
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

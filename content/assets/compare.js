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
      grid.style.setProperty("--cols", Math.max(chosen.length, 1));
      if (updateUrl) {
        var url = new URL(location.href);
        if (chosen.length === boxes.length) url.searchParams.delete(param);
        else url.searchParams.set(param, chosen.join(","));
        history.replaceState(null, "", url);
      }
    }
    boxes.forEach(function (b) { b.addEventListener("change", function () { apply(true); }); });
    picker.hidden = false;
    apply(false);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();

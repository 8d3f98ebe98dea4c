// Bar charts for the mentor and staff pages (chart.js, vendored).
//  - canvas[data-bar]: data-labels (JSON list) and data-series (JSON list of {label, values});
//    data-horizontal draws the bars sideways (long lesson titles).
// Every chart has a table with the same numbers on the page.
(function () {
  "use strict";
  var registry = (window.softSynced = window.softSynced || {}).charts =
    (window.softSynced && window.softSynced.charts) || {};
  var styles = getComputedStyle(document.documentElement);
  function cssVar(name, fallback) { return (styles.getPropertyValue(name) || "").trim() || fallback; }
  var palette = [cssVar("--accent", "#1c6570"), cssVar("--chart-2", "#b4532a"), "#5b4a8a"];
  var text = cssVar("--text", "#1d2126");

  function draw(canvas) {
    if (typeof Chart === "undefined") return;
    var labels = JSON.parse(canvas.getAttribute("data-labels") || "[]");
    var series = JSON.parse(canvas.getAttribute("data-series") || "[]");
    var horizontal = canvas.hasAttribute("data-horizontal");
    registry[canvas.id] = new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: palette[i % palette.length] };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: horizontal ? 1.1 : 1.6,
        indexAxis: horizontal ? "y" : "x",
        scales: {
          x: { ticks: { color: text, precision: 0 }, beginAtZero: true },
          y: { ticks: { color: text, precision: 0 }, beginAtZero: true },
        },
        plugins: { legend: { display: series.length > 1, position: "bottom", labels: { color: text } } },
      },
    });
  }

  function init() { document.querySelectorAll("canvas[data-bar]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

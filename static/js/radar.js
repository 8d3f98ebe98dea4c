// Radar charts for Soft Synced (chart.js, vendored).
//  - [data-radar-live]: redraws from the rating sliders as they move.
//  - [data-radar]: a static chart from data attributes (skills history, comparison).
// Every chart also has a table of the same numbers on the page.
(function () {
  "use strict";
  var registry = (window.softSynced = window.softSynced || {}).charts = {};
  var styles = getComputedStyle(document.documentElement);
  function cssVar(name, fallback) { return (styles.getPropertyValue(name) || "").trim() || fallback; }
  var palette = [cssVar("--accent", "#2f5d8a"), cssVar("--chart-2", "#b4532a")];
  var text = cssVar("--text", "#1d2126");

  function dataset(label, values, index) {
    var color = palette[index % palette.length];
    return {
      label: label,
      data: values,
      borderColor: color,
      // Only the first series is filled: two tinted fills over each other turn grey.
      backgroundColor: index ? "transparent" : color + "33",
      pointBackgroundColor: color,
      borderWidth: 2,
      borderDash: index ? [6, 4] : [],
      pointStyle: index ? "rectRot" : "circle",
      pointRadius: 4,
    };
  }

  // "Emotional intelligence" on two lines: long names beside the web would
  // otherwise squeeze it to a small shape in the middle of the canvas.
  function wrapLabel(label) {
    return label.length > 12 && label.indexOf(" ") > 0 ? label.split(" ") : label;
  }

  function makeChart(canvas, labels, sets) {
    if (typeof Chart === "undefined") return null;
    var chart = new Chart(canvas, {
      type: "radar",
      data: { labels: labels.map(wrapLabel), datasets: sets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        // Wider than tall: long category names sit left and right, so a square
        // canvas leaves empty bands above and below the web.
        aspectRatio: 1.25,
        scales: { r: { min: 0, max: 10, ticks: { stepSize: 2, backdropColor: "transparent" },
                       pointLabels: { font: { size: 14 }, color: text } } },
        plugins: { legend: { display: sets.length > 1, position: "bottom",
                             labels: { font: { size: 13 }, color: text } } },
      },
    });
    registry[canvas.id] = chart;
    return chart;
  }

  function nums(text) {
    return (text || "").split(",").filter(Boolean).map(function (v) { return parseFloat(v); });
  }

  // The author's descriptor at or just below a value, e.g. 6 -> the text for 5.
  function levelText(slider, value) {
    var levels = {};
    try { levels = JSON.parse(slider.getAttribute("data-levels") || "{}"); } catch (e) { return ""; }
    var best = -1, text = "";
    Object.keys(levels).forEach(function (key) {
      var level = parseInt(key, 10);
      if (level <= value && level > best) { best = level; text = levels[key]; }
    });
    return text;
  }

  function live(canvas) {
    var form = canvas.closest("form");
    var sliders = Array.prototype.slice.call(form.querySelectorAll("input[type=range]"));
    var labels = sliders.map(function (s) { return s.getAttribute("data-category"); });
    var values = function () { return sliders.map(function (s) { return parseInt(s.value, 10); }); };
    var sets = [dataset(canvas.getAttribute("data-label") || "Now", values(), 0)];
    if (canvas.hasAttribute("data-previous")) {
      sets.push(dataset(canvas.getAttribute("data-previous-label") || "Before", nums(canvas.getAttribute("data-previous")), 1));
    }
    var chart = makeChart(canvas, labels, sets);
    canvas.setAttribute("data-values", values().join(","));
    sliders.forEach(function (slider) {
      slider.addEventListener("input", function () {
        var output = form.querySelector("#" + slider.id + "-value");
        if (output) output.textContent = slider.value;
        var level = form.querySelector("#" + slider.id + "-level");
        var text = levelText(slider, parseInt(slider.value, 10));
        if (level) level.textContent = text;
        slider.setAttribute("aria-valuetext", slider.value + " out of 10" + (text ? ": " + text : ""));
        var current = values();
        canvas.setAttribute("data-values", current.join(","));
        if (chart) { chart.data.datasets[0].data = current; chart.update(); }
      });
    });
  }

  function still(canvas) {
    var labels = JSON.parse(canvas.getAttribute("data-labels") || "[]");
    var series = JSON.parse(canvas.getAttribute("data-series") || "[]");
    makeChart(canvas, labels, series.map(function (s, i) { return dataset(s.label, s.values, i); }));
  }

  function downloads() {
    document.querySelectorAll("[data-download-chart]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var canvas = document.getElementById(link.getAttribute("data-download-chart"));
        if (!canvas) return;
        event.preventDefault();
        // Paint a white background so the PNG reads well outside the page.
        var copy = document.createElement("canvas");
        copy.width = canvas.width; copy.height = canvas.height;
        var ctx = copy.getContext("2d");
        ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, copy.width, copy.height);
        ctx.drawImage(canvas, 0, 0);
        var a = document.createElement("a");
        a.href = copy.toDataURL("image/png");
        a.download = link.getAttribute("data-filename") || "soft-synced-skills.png";
        document.body.appendChild(a); a.click(); a.remove();
      });
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-radar-live]").forEach(live);
    document.querySelectorAll("canvas[data-radar]").forEach(still);
    downloads();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

// Admin: show only the fields that apply to each section's kind (an audio
// example has a file and a description, a warm-up prompt its answer count…).
// Without this script every field shows, and saving works the same.
(function () {
  "use strict";

  function rowFor(container, name) {
    return container.querySelector(".form-row.field-" + name) ||
      container.querySelector(".fieldBox.field-" + name);
  }

  function apply(select) {
    var map;
    try { map = JSON.parse(select.dataset.kindFields || "{}"); } catch (e) { return; }
    var container = select.closest(".inline-related");
    if (!container) return;
    var all = {};
    Object.keys(map).forEach(function (kind) { map[kind].forEach(function (name) { all[name] = true; }); });
    var shown = map[select.value] || Object.keys(all);
    Object.keys(all).forEach(function (name) {
      var row = rowFor(container, name);
      if (row) row.hidden = shown.indexOf(name) === -1;
    });
  }

  function scan() {
    document.querySelectorAll("select.section-kind").forEach(function (select) {
      if (select.name.indexOf("__prefix__") !== -1) return;
      if (!select.dataset.kindReady) {
        select.dataset.kindReady = "1";
        select.addEventListener("change", function () { apply(select); });
      }
      apply(select);
    });
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("formset:added", scan);
})();

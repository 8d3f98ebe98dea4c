// Admin: a "Preview" toggle under each Markdown field, rendered by the server
// with the same sanitiser that saving uses, so what you see is what students get.
// The preview opens beside the editor on wide screens (each half of the row,
// the editor keeps its full height) and under it on narrow ones.
(function () {
  "use strict";
  var root = (document.location.pathname.match(/^(.*?\/admin\/)/) || [null, "/admin/"])[1];
  var endpoint = root + "lessons/lesson/markdown-preview/";
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  function attach(textarea) {
    if (textarea.dataset.previewReady || textarea.name.indexOf("__prefix__") !== -1) return;
    textarea.dataset.previewReady = "1";
    var editor = document.createElement("div");
    editor.className = "md-editor";
    textarea.insertAdjacentElement("beforebegin", editor);
    editor.appendChild(textarea);
    var panel = document.createElement("div");
    panel.className = "md-preview";
    panel.hidden = true;
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("aria-label", "Preview");
    editor.appendChild(panel);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button md-preview-toggle";
    button.textContent = "Preview";
    button.setAttribute("aria-expanded", "false");
    editor.insertAdjacentElement("afterend", button);

    function render() {
      fetch(endpoint, {
        method: "POST",
        headers: { "X-CSRFToken": csrf },
        body: new URLSearchParams({ text: textarea.value }),
        credentials: "same-origin",
      })
        .then(function (r) { return r.json(); })
        .then(function (data) { panel.innerHTML = data.html || ""; })
        .catch(function () { panel.textContent = "The preview could not be rendered."; });
    }

    var timer = null;
    textarea.addEventListener("input", function () {
      if (panel.hidden) return;
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    button.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      editor.classList.toggle("md-editor--open", open);
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide preview" : "Preview";
      if (!open) return;
      panel.textContent = "Rendering…";
      render();
    });
  }

  function scan() {
    document.querySelectorAll("textarea[name$='_md']").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("formset:added", scan);
})();

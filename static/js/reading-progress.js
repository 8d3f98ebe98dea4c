// Reports the furthest Guide section a student has scrolled to, so
// "Continue" can bring them back there. Only forward moves are sent.
(function () {
  "use strict";
  var article = document.querySelector("[data-progress-url]");
  if (!article || !("IntersectionObserver" in window)) return;
  var url = article.getAttribute("data-progress-url");
  var furthest = parseInt(article.getAttribute("data-furthest") || "0", 10);
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1];
  var pending = null;
  var timer = null;

  function send() {
    timer = null;
    if (!pending) return;
    var body = new URLSearchParams({ section: pending.id });
    pending = null;
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf || "", Accept: "application/json" },
      body: body,
      credentials: "same-origin",
    }).catch(function () { /* progress is best effort; the next scroll retries */ });
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      var position = parseInt(entry.target.getAttribute("data-position"), 10);
      if (position > furthest) {
        furthest = position;
        pending = { id: entry.target.getAttribute("data-section-id") };
        if (!timer) timer = window.setTimeout(send, 800);
      }
    });
  }, { rootMargin: "0px 0px -40% 0px" });

  document.querySelectorAll("[data-section-id]").forEach(function (el) { observer.observe(el); });
})();

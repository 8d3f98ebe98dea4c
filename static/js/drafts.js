// Nothing a student writes is lost: drafts and the live word count.
//  - form[data-draft-url]: while the student types, the box's content is kept in
//    this browser (localStorage) at once and sent to the server as a draft after
//    a pause (PUT to the API, session cookie + CSRF). Offline or signed out, the
//    local copy stays and is restored on the next visit; the status line says
//    what happened and when.
//  - form[data-min-words]: a live count that counts exactly as the server does
//    (assessments/depth.py): NFC, words = runs of [\p{L}\p{N}_'’-], case folded,
//    each different word counting at most data-max-repeats times.
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}_'’-]+/gu;
  var PAUSE_MS = 1200;

  function wordStats(text, maxRepeats) {
    var words = (text.normalize("NFC").match(WORD) || []).map(function (w) { return w.toLowerCase(); });
    var counts = new Map();
    words.forEach(function (w) { counts.set(w, (counts.get(w) || 0) + 1); });
    var counted = 0;
    counts.forEach(function (n) { counted += Math.min(n, maxRepeats); });
    return { words: words.length, different: counts.size, counted: counted };
  }
  // Exposed for the test that feeds the same strings to the server's count.
  (window.softSynced = window.softSynced || {}).wordStats = wordStats;

  function timeLabel(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function contentOf(form) {
    var area = form.querySelector("textarea");
    if (area) return { text: area.value };
    var answers = [];
    form.querySelectorAll("[data-answer]").forEach(function (input) {
      var select = form.querySelector("[data-category='" + input.dataset.answer + "']");
      answers.push({ text: input.value, category: select ? select.value : "" });
    });
    return { section: Number(form.dataset.section), answers: answers };
  }

  function fill(form, content) {
    var area = form.querySelector("textarea");
    if (area && typeof content.text === "string") { area.value = content.text; return; }
    (content.answers || []).forEach(function (answer, index) {
      var input = form.querySelector("[data-answer='" + (index + 1) + "']");
      var select = form.querySelector("[data-category='" + (index + 1) + "']");
      if (input) input.value = answer.text || "";
      if (select) select.value = answer.category || "";
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function setUpDraft(form) {
    var key = "softsynced:draft:" + form.dataset.draftKey;
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var sent = contentOf(form);

    function say(message) { if (status) status.textContent = message; }

    // A local copy newer than anything the server holds (saved text or draft) comes back.
    try {
      var local = JSON.parse(localStorage.getItem(key) || "null");
      var serverTimes = [form.dataset.savedAt, form.dataset.draftAt].filter(Boolean).map(Date.parse);
      var newest = serverTimes.length ? Math.max.apply(null, serverTimes) : 0;
      if (local && local.at > newest && !same(local.content, contentOf(form))) {
        fill(form, local.content);
        say("Restored what you typed on this device at " + timeLabel(new Date(local.at)) + ". It is not saved yet.");
        schedule();
      } else if (local) {
        localStorage.removeItem(key);
      }
    } catch (e) { /* storage unavailable: the server draft still works */ }

    function send() {
      var content = contentOf(form);
      if (same(content, sent)) return;
      fetch(form.dataset.draftUrl, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form), "Accept": "application/json" },
        body: JSON.stringify(content),
      }).then(function (response) {
        if (response.ok) {
          sent = content;
          try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
          say("Draft saved at " + timeLabel(new Date()) + ". Press Save to keep it for good.");
        } else if (response.status === 401 || response.status === 403) {
          say("You are signed out. What you typed is kept on this device; sign in again and it comes back.");
        } else {
          response.json().then(function (body) {
            say(body && body.error ? body.error.message : "The draft could not be saved.");
          }, function () { say("The draft could not be saved; it is kept on this device."); });
        }
      }, function () {
        say("Offline: what you typed is kept on this device and will be sent when you are back.");
      });
    }

    function schedule() {
      try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), content: contentOf(form) })); } catch (e) { /* ignore */ }
      clearTimeout(timer);
      timer = setTimeout(send, PAUSE_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.addEventListener("online", send);
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      // The page the form leads to shows the saved text; a failed save (signed
      // out, an error) still has the local copy.
    });
  }

  function setUpCount(form) {
    var area = form.querySelector("textarea");
    var out = form.querySelector("[data-word-count]");
    if (!area || !out) return;
    var min = Number(form.dataset.minWords || 0);
    var maxChars = Number(form.dataset.maxChars || 0);
    var repeats = Number(form.dataset.maxRepeats || 3);
    function update() {
      var stats = wordStats(area.value, repeats);
      var parts = [stats.counted + (stats.counted === 1 ? " word counts" : " words count")];
      if (min) parts[0] += " of the " + min + " needed";
      if (stats.counted !== stats.words) parts.push(stats.words + " written, " + stats.different + " different");
      var text = parts.join(" · ");
      // Characters as the server counts them: code points (an emoji is one, not two UTF-16 units).
      var chars = Array.from(area.value.trim()).length;
      if (maxChars && chars > maxChars) {
        // Thousands separators, as the limit is written beside the box ("At most 10,000 characters").
        text += " · too long: " + chars.toLocaleString("en") + " characters of " +
          maxChars.toLocaleString("en") + " allowed";
        out.classList.add("word-count--over");
      } else {
        out.classList.remove("word-count--over");
      }
      out.textContent = text + ".";
      out.hidden = false;
    }
    area.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("form[data-draft-url]").forEach(setUpDraft);
  document.querySelectorAll("form[data-min-words]").forEach(setUpCount);
})();

/* Progressive enhancement for every page: the service worker, and a quiz that goes on offline.
   Without JavaScript none of this runs and the forms post as usual. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.caches) return;
  var QUIZ_CACHE = "kns-quiz";

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});

  function note(show) {
    var el = document.getElementById("pending-note");
    if (el) el.hidden = !show;
  }

  function keepPack() {
    /* On a question page, keep the attempt's remaining questions on the device for offline use. */
    var quiz = document.querySelector("#quiz[data-pack]");
    if (!quiz || !navigator.onLine) return;
    caches.open(QUIZ_CACHE).then(function (cache) { return cache.match("/quiz/pack"); })
      .then(function (r) { return r ? r.json() : null; })
      .then(function (kept) {
        if (kept && kept.id === quiz.dataset.pack) return null;  /* once per attempt: steps stay small */
        return fetch("/quiz/pack", { credentials: "same-origin" });
      })
      .then(function (r) { return r && r.ok ? r.json() : null; })
      .then(function (pack) {
        if (!pack) return;
        return caches.open(QUIZ_CACHE).then(function (cache) {
          return cache.put("/quiz/pack", new Response(JSON.stringify(pack), { headers: { "Content-Type": "application/json" } }));
        });
      })
      .catch(function () {});
  }

  function freshKeys() {
    /* Each answer carries a client-made idempotency key: a replayed submission is stored once. */
    document.querySelectorAll("input[name=submission]").forEach(function (input) {
      if (!input.dataset.client && window.crypto && crypto.randomUUID) {
        input.value = crypto.randomUUID();
        input.dataset.client = "1";
      }
    });
  }

  function rememberCurrent() {
    /* Note in the pack which question is on screen, so a reload while offline resumes there. */
    var input = document.querySelector("#quiz input[name=question]");
    if (!input) return;
    caches.open(QUIZ_CACHE).then(function (cache) {
      return cache.match("/quiz/pack").then(function (r) { return r ? r.json() : null; }).then(function (pack) {
        if (!pack || pack.current === input.value) return;
        pack.current = input.value;
        return cache.put("/quiz/pack", new Response(JSON.stringify(pack), { headers: { "Content-Type": "application/json" } }));
      });
    }).catch(function () {});
  }

  function resumeOffline() {
    /* The offline page shown for /quiz: continue from the pack if questions are left. */
    var slot = document.getElementById("quiz-resume");
    if (!slot) return;
    caches.open(QUIZ_CACHE).then(function (cache) { return cache.match("/quiz/pack"); })
      .then(function (r) { return r ? r.json() : null; })
      .then(function (pack) {
        if (!pack) return;
        var answered = pack.answered || [];
        var left = pack.questions.filter(function (q) { return answered.indexOf(q.id) < 0; });
        var next = left.filter(function (q) { return q.id === pack.current; })[0] || left[0];
        slot.innerHTML = next ? next.html : pack.pending_html;
        if (window.htmx) htmx.process(slot);
        freshKeys();
      });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "queued") note(true);
    if (data.type === "pending") note(data.pending > 0);
    if (data.type === "synced") {
      note(false);
      if (document.getElementById("quiz-pending")) window.location.assign("/quiz");
    }
  });

  window.addEventListener("online", function () {
    if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "replay" });
  });

  function onPage() {
    freshKeys();
    keepPack();
    rememberCurrent();
    resumeOffline();
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "pending" });
      if (navigator.onLine) navigator.serviceWorker.controller.postMessage({ type: "replay" });
    }
  }
  document.addEventListener("DOMContentLoaded", onPage);
  document.addEventListener("htmx:afterSettle", function (event) {
    freshKeys();
    keepPack();
    rememberCurrent();
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Queued")) note(true);
  });
})();

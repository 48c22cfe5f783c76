/* Progressive enhancement for every page: the service worker, and a quiz that goes on offline.
   Without JavaScript none of this runs and the forms post as usual. */
(function () {
  "use strict";
  var unavailable = false;

  function sayOfflineUnavailable() {
    /* The browser cannot keep the quiz (no service worker, no Cache Storage, or a private window that refuses
       them): say so in plain words on the question page; the quiz itself goes on online. */
    unavailable = true;
    var el = document.getElementById("offline-unavailable");
    if (el) el.hidden = false;
  }

  if (!("serviceWorker" in navigator) || !window.caches) {
    document.addEventListener("DOMContentLoaded", sayOfflineUnavailable);
    document.addEventListener("htmx:afterSettle", sayOfflineUnavailable);
    return;
  }
  var QUIZ_CACHE = "kns-quiz";

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(sayOfflineUnavailable);
  caches.open(QUIZ_CACHE).catch(sayOfflineUnavailable);

  function note(show) {
    var el = document.getElementById("pending-note");
    if (!el) return;
    if (show) withoutSync(el.parentNode);
    el.hidden = !show;
  }

  function keepPack() {
    /* On a question page, keep the attempt's remaining questions on the device for offline use: once per
       attempt, so each step stays small. A new attempt starts with no answered marks. */
    var quiz = document.querySelector("#quiz[data-pack]");
    if (!quiz || !navigator.onLine) return;
    caches.open(QUIZ_CACHE).then(function (cache) {
      return cache.match("/quiz/pack").then(function (r) { return r ? r.json() : null; }).then(function (kept) {
        if (kept && kept.id === quiz.dataset.pack) return null;
        return fetch("/quiz/pack", { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (pack) {
            if (!pack) return;
            return cache.keys().then(function (keys) {
              return Promise.all(keys.map(function (k) { return cache.delete(k); }));
            }).then(function () {
              return cache.put("/quiz/pack", new Response(JSON.stringify(pack), { headers: { "Content-Type": "application/json" } }));
            });
          });
      });
    }).catch(function () {});
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
    /* Note which question is on screen, so a reload while offline resumes there. */
    var input = document.querySelector("#quiz input[name=question]");
    if (!input) return;
    caches.open(QUIZ_CACHE).then(function (cache) { return cache.put("/quiz/current", new Response(input.value)); })
      .catch(function () {});
  }

  function resumeOffline() {
    /* The offline page shown for /quiz: continue from the pack if questions are left. */
    var slot = document.getElementById("quiz-resume");
    if (!slot) return;
    caches.open(QUIZ_CACHE).then(function (cache) {
      return Promise.all([
        cache.match("/quiz/pack").then(function (r) { return r ? r.json() : null; }),
        cache.match("/quiz/current").then(function (r) { return r ? r.text() : ""; }),
        cache.keys(),
      ]);
    }).then(function (found) {
      var pack = found[0], current = found[1];
      if (!pack) return;
      var answered = found[2].map(function (r) { return new URL(r.url).pathname; })
        .filter(function (p) { return p.indexOf("/quiz/answered/") === 0; })
        .map(function (p) { return decodeURIComponent(p.slice(15)); });
      var left = pack.questions.filter(function (q) { return answered.indexOf(q.id) < 0; });
      var next = left.filter(function (q) { return q.id === current; })[0] || left[0];
      slot.innerHTML = next ? next.html : pack.pending_html;
      if (window.htmx) htmx.process(slot);
      freshKeys();
    }).catch(function () {});
  }

  function showKept(html) {
    /* The next question from the phone, in place of the one whose answer the worker kept. */
    var quiz = document.getElementById("quiz");
    if (!quiz || !html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var next = holder.firstElementChild;
    quiz.replaceWith(next);
    if (window.htmx) htmx.process(next);
    window.scrollTo(0, 0);
    freshKeys();
    rememberCurrent();
    withoutSync(next);
  }

  function withoutSync(root) {
    /* Without Background Sync (every iPhone) nothing sends the answers while the app is closed: say when they go. */
    if ("SyncManager" in window) return;
    root.querySelectorAll("[data-without-sync]").forEach(function (el) { el.textContent = el.dataset.withoutSync; });
  }

  document.addEventListener("htmx:sendError", function (event) {
    /* The answer could not reach the server: hand it to the worker as the text of the form, to keep and send
       later; the worker answers with the next question kept on the phone. */
    var form = event.detail && event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (!form || form.getAttribute("action") !== "/quiz/answer" || !navigator.serviceWorker.controller) return;
    var body = new URLSearchParams(new FormData(form)).toString();
    navigator.serviceWorker.controller.postMessage({ type: "answer", body: body });
  });

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "kept") {
      showKept(data.html);
      note(true);
    }
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
    if (unavailable) sayOfflineUnavailable();
    freshKeys();
    keepPack();
    rememberCurrent();
  });
})();

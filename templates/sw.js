/* Kỹ Năng Số service worker, release {{ version }}.
   Precaches the app shell, lesson pages and scenario pictures; lets a quiz go on offline, queueing answers in
   IndexedDB (Workbox background sync) and sending them when the connection returns. Staff pages and results are
   never cached: only the precached list below is ever stored. */
importScripts("{{ workbox }}/workbox-sw.js");
workbox.setConfig({ modulePathPrefix: "{{ workbox }}", debug: false });

const VERSION = "{{ version }}";
const QUIZ_CACHE = "kns-quiz";  /* not versioned: a new release must not drop a quiz in progress */
const PACK_URL = "/quiz/pack";
const PRECACHE = {{ precache|tojson }};
const PAGES = {{ pages|tojson }};

workbox.core.setCacheNameDetails({ prefix: "kns", precache: "precache", suffix: VERSION });
workbox.precaching.precacheAndRoute(PRECACHE.map((url) => ({ url, revision: null }))
  .concat(PAGES.map((url) => ({ url, revision: VERSION }))), { ignoreURLParametersMatching: [/.*/] });
workbox.precaching.cleanupOutdatedCaches();

/* Declared before the queue: where the browser has no Background Sync (WebKit, so every iPhone, and Firefox),
   Workbox's Queue runs its sync callback at once, inside its constructor, before `queue` exists. The callback
   is handed the queue it belongs to, and replays from that. */
let replaying = null;
const queue = new workbox.backgroundSync.Queue("quiz-answers", {
  maxRetentionTime: 14 * 24 * 60,
  onSync: ({ queue: started }) => replay(started),
});

async function freshToken() {
  const response = await fetch("/quiz", { credentials: "same-origin", headers: { "HX-Request": "true" } });
  const match = /name="_csrf_token" value="([^"]+)"/.exec(await response.text());
  return match ? match[1] : null;
}

async function notify(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

function replay(from = queue) {
  /* One replay at a time; each queued answer is sent as it was, with a fresh CSRF token if the old one has
     expired (a browser restart while offline). The server stores each submission once, so a replay is safe. */
  replaying = replaying || (async () => {
    let entry;
    try {
      while ((entry = await from.shiftRequest())) {
        let response;
        try {
          response = await fetch(entry.request.clone(), { credentials: "same-origin", redirect: "manual" });
          if (response.status === 403) {
            const token = await freshToken();
            const body = new URLSearchParams(await entry.request.clone().text());
            if (token) body.set("_csrf_token", token);
            response = await fetch(entry.request.url, {
              method: "POST", body, credentials: "same-origin", redirect: "manual",
              headers: { "Content-Type": "application/x-www-form-urlencoded" },
            });
          }
        } catch (error) {
          await from.unshiftRequest(entry);
          throw error;
        }
      }
      await notify({ type: "synced" });
    } finally {
      replaying = null;
    }
  })();
  return replaying;
}

async function pending() {
  return (await queue.getAll()).length;
}

async function readPack() {
  const cache = await caches.open(QUIZ_CACHE);
  const response = await cache.match(PACK_URL);
  return response ? response.json() : null;
}

async function answeredIds(cache) {
  /* One entry per answered question: written, never rewritten, so no update can overwrite another. */
  return (await cache.keys()).map((r) => new URL(r.url).pathname)
    .filter((p) => p.startsWith("/quiz/answered/")).map((p) => decodeURIComponent(p.slice(15)));
}

async function offlineNext(body) {
  /* The next question of the attempt from the pack the page left on the device, marking this one answered. */
  const form = new URLSearchParams(body);
  const pack = await readPack();
  if (!pack) return "";
  const cache = await caches.open(QUIZ_CACHE);
  const answered = form.get("question");
  await cache.put("/quiz/answered/" + encodeURIComponent(answered), new Response("1"));
  const done = await answeredIds(cache);
  /* Questions are asked in order: the next one is the first unanswered after this one. */
  const from = pack.questions.findIndex((q) => q.id === answered);
  const next = pack.questions.slice(from + 1).find((q) => !done.includes(q.id));
  await cache.put("/quiz/current", new Response(next ? next.id : ""));
  return next ? next.html : pack.pending_html;
}

async function keepAnswer(body) {
  /* An answer the page could not send (no connection, or a blip). The worker never intercepts answer posts:
     online they go from the page to the server untouched (WebKit has been seen to send an empty body when a
     worker re-sends a POST it intercepted). What could not be sent is kept as its urlencoded text, and the
     request is built from that text when it is replayed. */
  const request = new Request("/quiz/answer", {
    method: "POST", body, credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  await queue.pushRequest({ request });
  /* A failure while the device says it is online is usually a blip: try again soon, not only at the next
     sync event. */
  if (self.navigator.onLine) setTimeout(() => replay().catch(() => null), 3000);
  return offlineNext(body);
}

/* Pages: the network first (fresh CSRF tokens, current content); when offline, the precached copy, and for
   anything else the offline page. */
async function fetchPage(request) {
  /* Cheap phones on 3G see short drops: one retry before calling the page unreachable. */
  try {
    return await fetch(request);
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return fetch(request);
  }
}

workbox.routing.registerRoute(
  ({ request }) => request.mode === "navigate",
  async (options) => {
    try {
      return await fetchPage(options.request);
    } catch (error) {
      const url = new URL(options.request.url);
      const cached = await workbox.precaching.matchPrecache(url.pathname);
      return cached || (await workbox.precaching.matchPrecache("/offline")) || Response.error();
    }
  },
);

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "replay") event.waitUntil(replay().catch(() => null));
  if (data.type === "answer" && typeof data.body === "string") {
    event.waitUntil(keepAnswer(data.body).then(async (html) => {
      if (event.source) event.source.postMessage({ type: "kept", html, pending: await pending() });
    }));
  }
  if (data.type === "pending") event.waitUntil(pending().then((n) => event.source && event.source.postMessage({ type: "pending", pending: n })));
});

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  /* A new release takes over at once; the queue and the quiz pack are not versioned, so answers waiting to be
     sent survive it and are sent by the new worker. */
  event.waitUntil(self.clients.claim());
  /* Not inside waitUntil: page loads wait for activation, and must not wait for a slow replay. */
  replay().catch(() => null);
});

/* Warns staff before the session times out and lets them extend it (WCAG 2.2.1).
   Markup: div#session-timeout[hidden][data-idle-seconds][data-warn-seconds][data-keepalive-url][data-login-url]
   [data-text-warning][data-text-ended][data-text-login?] > p.message + button.keepalive */
(function () {
  'use strict';
  if (!window.fetch) return;
  var started = Date.now();
  var timer = null;
  var ended = false;
  var busy = false;
  var before = null; // where focus was before the warning took it

  function box() { return document.getElementById('session-timeout'); }
  function seconds(el, name, fallback) {
    var n = parseFloat(el.getAttribute(name));
    return isFinite(n) && n >= 0 ? n : fallback;
  }
  function parts(el) { return { message: el.querySelector('.message'), button: el.querySelector('.keepalive') }; }

  function show(el, text) {
    var p = parts(el);
    var opening = el.hidden;
    el.hidden = false;
    if (p.message) {
      p.message.setAttribute('role', 'alert');
      if (p.message.textContent !== text) p.message.textContent = text;
    }
    if (opening && p.button) {
      if (!el.contains(document.activeElement)) before = document.activeElement;
      p.button.focus();
    }
  }

  function end(el) {
    ended = true;
    clearTimeout(timer);
    var login = el.getAttribute('data-text-login');
    var button = parts(el).button;
    if (button && login) button.textContent = login;
    el.hidden = true; // (re)open: announce the alert and move focus
    show(el, el.getAttribute('data-text-ended') || '');
  }

  function tick() {
    clearTimeout(timer);
    var el = box();
    if (!el || ended) return;
    var left = seconds(el, 'data-idle-seconds', 1800) - (Date.now() - started) / 1000;
    var warn = seconds(el, 'data-warn-seconds', 120);
    if (left <= 0) return end(el);
    if (left > warn) {
      timer = setTimeout(tick, (left - warn) * 1000 + 20);
      return;
    }
    var minutes = Math.ceil(left / 60);
    show(el, (el.getAttribute('data-text-warning') || '').replace(/\{minutes\}/g, String(minutes)));
    timer = setTimeout(tick, (left - (minutes - 1) * 60) * 1000 + 20); // when the minutes change or time is up
  }

  function restart() {
    if (ended) return;
    started = Date.now();
    var el = box();
    if (el) {
      var refocus = el.contains(document.activeElement) && before && document.contains(before);
      el.hidden = true;
      if (refocus) before.focus();
      var message = parts(el).message;
      if (message) {
        message.removeAttribute('role');
        message.textContent = '';
      }
    }
    tick();
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('#session-timeout .keepalive');
    if (!button) return;
    var el = box();
    if (ended) {
      window.location.assign(el.getAttribute('data-login-url') || '/');
      return;
    }
    if (busy) return;
    busy = true;
    fetch(el.getAttribute('data-keepalive-url'), {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual', // a redirect (to the login page) means the session is gone
      headers: { 'x-csrftoken': csrfToken() },
    })
      .then(function (response) {
        if (response.ok) restart();
        else if (response.status === 401 || response.status === 403 || response.type === 'opaqueredirect') end(el);
      })
      .catch(function () { /* offline: keep the warning, let them try again */ })
      .then(function () { busy = false; });
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401 && box()) end(box());
    else if (!xhr || xhr.status) restart(); // status 0: the server never saw it
  });
  document.addEventListener('htmx:afterSettle', tick);
  // Timers are throttled in background tabs: look again when the tab comes back.
  document.addEventListener('visibilitychange', tick);
  tick();
})();

/* Read-aloud buttons (button[data-read-aloud="#selector"], rendered hidden). They are shown only when the
   browser has a Vietnamese voice: never let Vietnamese text be read by an English voice. */
(function () {
  'use strict';
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  var SELECTOR = 'button[data-read-aloud]';
  var speaking = null; // { button, utterance } while speaking; also keeps the utterance from being collected

  function findVoice() {
    var voices, i, best = null;
    try { voices = synth.getVoices() || []; } catch (e) { return null; }
    for (i = 0; i < voices.length; i++) {
      var lang = String((voices[i] && voices[i].lang) || '').replace('_', '-').toLowerCase();
      if (lang === 'vi-vn') return voices[i];
      if (!best && /^vi(-|$)/.test(lang)) best = voices[i];
    }
    return best;
  }

  function stop() {
    if (!speaking) return;
    speaking.button.setAttribute('aria-pressed', 'false');
    speaking = null;
    try { synth.cancel(); } catch (e) { /* nothing to stop */ }
  }

  function refresh() {
    var show = !!findVoice();
    document.querySelectorAll(SELECTOR).forEach(function (button) {
      button.hidden = !show;
      if (!button.hasAttribute('aria-pressed')) button.setAttribute('aria-pressed', 'false');
    });
    if (speaking && !document.contains(speaking.button)) stop();
  }

  function speak(button) {
    var target = null;
    try { target = document.querySelector(button.getAttribute('data-read-aloud')); } catch (e) { /* bad selector */ }
    var text = target ? target.textContent.replace(/\s+/g, ' ').trim() : '';
    var voice = findVoice();
    if (!text || !voice) return;
    var u = new Utterance(text);
    try {
      u.voice = voice;
    } catch (e) {
      return; // no Vietnamese voice after all: stay silent
    }
    u.lang = 'vi-VN';
    u.rate = 0.9;
    var current = { button: button, utterance: u };
    u.onend = u.onerror = function () {
      if (speaking === current) {
        speaking = null;
        button.setAttribute('aria-pressed', 'false');
      }
    };
    speaking = current;
    button.setAttribute('aria-pressed', 'true');
    synth.speak(u);
  }

  window.kynangsoReadAloud = { hasVietnameseVoice: function () { return !!(synth && Utterance && findVoice()); } };
  if (!synth || !Utterance || typeof synth.getVoices !== 'function') return;

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest(SELECTOR);
    if (!button || button.hidden) return;
    var again = speaking && speaking.button === button;
    stop();
    if (!again) speak(button); // a second press on the speaking button just stops it
  });
  document.addEventListener('htmx:afterSettle', refresh);
  window.addEventListener('pagehide', stop);
  if (typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', refresh);
  else synth.onvoiceschanged = refresh;
  // Some browsers never fire voiceschanged: look again a few times.
  [0, 500, 2000].forEach(function (ms) { setTimeout(refresh, ms); });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', refresh);
  else refresh();
})();

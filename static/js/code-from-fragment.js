/* /code#ABCD-2345 (the link in a result's QR code): put the code from the fragment into the lookup form, take it
   out of the address bar and the history, and post the form. The fragment never reaches the server, and the post
   carries the code in its body, so the code stays out of every URL the server or a proxy could log.
   Without JavaScript the page asks the person to type the code printed beside the QR code. */
(function () {
  "use strict";
  var form = document.getElementById("code-lookup");
  var input = document.getElementById("code-input");
  if (!form || !input || !location.hash) return;
  var typed;
  try {
    typed = decodeURIComponent(location.hash.slice(1));
  } catch (error) {
    return;
  }
  var code = typed.replace(/[\s.\-]/g, "").toUpperCase();
  if (!/^[A-HJ-NP-Z2-9]{8}$/.test(code)) return; /* the alphabet of server/domain/codes.py */
  history.replaceState(history.state, "", location.pathname + location.search);
  input.value = code.slice(0, 4) + "-" + code.slice(4);
  if (form.requestSubmit) form.requestSubmit();
  else form.submit();
})();

/* Autosave of a questionnaire page (progressive enhancement: without it, every page is still
   saved when the respondent continues).

   The page's form says where drafts go (data-autosave). An answer ticked is saved at once, text a
   moment after the typing stops, and whatever is unsaved when the page is left (tab closed, link
   followed) goes with a beacon. A draft keeps the answers without moving the respondent on, so
   reopening the link returns to this page. A draft still on its way when the respondent continues
   is waited for first: the page's own save, which follows, always has the last word. The status
   line (role=status) says what happened, in the page's language (texts from its data- attributes). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave");
  var timer = null;
  var dirty = false;
  var inFlight = null;
  var continuing = false;

  function say(kind, time) {
    status.textContent = (status.getAttribute("data-" + kind) || "").replace("{time}", time || "");
  }

  function clock() {
    return new Date().toLocaleTimeString(document.documentElement.lang || undefined,
                                         {hour: "2-digit", minute: "2-digit"});
  }

  function save() {
    timer = null;
    if (inFlight) {  // one draft at a time; the newest state follows when this one is done
      inFlight.then(function () { if (dirty && !timer && !continuing) { save(); } });
      return inFlight;
    }
    dirty = false;
    inFlight = fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok && answer.saved) {
            say(answer.invalid && answer.invalid.length ? "partial" : "saved", clock());
          } else {
            dirty = true;
            say("failed");
          }
        });
      })
      .catch(function () { dirty = true; say("failed"); })
      .then(function () { inFlight = null; });
    return inFlight;
  }

  function later(ms) {
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, ms);
  }

  form.addEventListener("change", function () { later(300); });
  form.addEventListener("input", function (event) {
    var t = event.target;
    if (t && (t.tagName === "TEXTAREA" || t.type === "text" || t.type === "number")) { later(1500); }
  });
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    dirty = false;  // the form's own save carries every answer
    continuing = true;
    if (inFlight && form.requestSubmit) {  // let the draft land first, then continue
      event.preventDefault();
      var submitter = event.submitter || null;
      var pending = inFlight;
      inFlight = null;
      pending.then(function () { form.requestSubmit(submitter); });
    }
  });
  window.addEventListener("pagehide", function () {
    if (dirty && !continuing && navigator.sendBeacon) {
      navigator.sendBeacon(url, new FormData(form));
    }
  });
}());

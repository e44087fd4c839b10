// Reloads a page that shows a background job in progress (an element with data-reload-seconds),
// so the admin sees it advance and finish without pressing anything.
(function () {
  "use strict";
  var el = document.querySelector("[data-reload-seconds]");
  if (!el) return;
  var seconds = parseInt(el.getAttribute("data-reload-seconds"), 10);
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();

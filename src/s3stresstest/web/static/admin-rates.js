/* Campaign page: refresh the response-rate table while the campaign is open, so an admin who
   keeps the page open during a campaign sees new respondents without reloading. The server sends
   the table alone (same template as the page); a failed refresh keeps the table shown. */
(function () {
  "use strict";
  var box = document.getElementById("rates");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-refresh");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds") || "0", 10);
  if (!url || !(seconds > 0)) {
    return;
  }
  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html;  // our own server-rendered, autoescaped fragment
        }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, seconds * 1000);
}());

// Keeps a live page current: every 10 s it fetches the page's body fragment ([data-live-url]) and swaps it
// in, while the tab is visible. Only the totals line ([data-live-summary]) is announced, when it changes.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) { return; }
  var state = document.querySelector("[data-live-state]");
  var announce = document.querySelector("[data-live-announce]");
  var EVERY = 10000;
  var timer = null;
  var busy = false;

  function summary(root) {
    var line = root.querySelector("[data-live-summary]");
    return line ? line.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function say(text) {
    if (state) { state.textContent = text; }
  }

  function swap(html) {
    // What the reader had open or focused survives the swap.
    var open = Array.prototype.map.call(box.querySelectorAll("details[open][id]"), function (d) { return d.id; });
    var focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement : null;
    var focusedId = focused ? focused.id : "";
    var focusedLabel = focused ? focused.getAttribute("aria-labelledby") : "";  // the scrolling table boxes
    var before = summary(box);
    box.innerHTML = html;
    open.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) { details.open = true; }
    });
    var again = focusedId ? document.getElementById(focusedId)
      : focusedLabel ? box.querySelector('[aria-labelledby="' + focusedLabel + '"]') : null;
    if (again) { again.focus({preventScroll: true}); }
    var after = summary(box);
    if (announce && after && after !== before) { announce.textContent = after; }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(refresh, EVERY);
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(box.dataset.liveUrl, {credentials: "same-origin", headers: {"Accept": "text/html"}, cache: "no-store"})
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        swap(html);
        say("Live: updates every 10 seconds while this tab is open.");
      })
      .catch(function () {
        say("Could not update: the figures below may be out of date. Retrying; reload the page if this stays.");
      })
      .then(function () {
        busy = false;
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
      say("Paused while this tab is hidden.");
    } else {
      refresh();
    }
  });
  say("Live: updates every 10 seconds while this tab is open.");
  schedule();
})();

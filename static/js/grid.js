// The program grid: drag a session card onto another cell to move it. The move form on each card does the
// same without JavaScript or a mouse; this only adds the shortcut. After a move the grid is fetched again,
// so its warnings are the server's, and the result is announced in the live region.
(function () {
  "use strict";
  var grid = document.getElementById("program-grid");
  var status = document.getElementById("grid-status");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!grid || !status || !token || !window.fetch || !window.DOMParser) { return; }
  var dragged = null;

  function say(message, failed) {
    status.textContent = message;
    status.className = "grid-status notice " + (failed ? "notice-error" : "notice-success");
  }

  function target(event) {
    var element = event.target.closest ? event.target : event.target.parentElement;
    return element ? element.closest("[data-drop]") : null;
  }

  function unmark() {
    document.querySelectorAll(".is-drop-target").forEach(function (element) {
      element.classList.remove("is-drop-target");
    });
  }

  function number(value) { return value ? Number(value) : null; }

  // Replace the grid with a fresh copy of this page's, keeping the reader where they were.
  function refresh() {
    return fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("program-grid");
        if (!fresh) { window.location.reload(); return; }
        grid.replaceWith(fresh);
        grid = fresh;
      });
  }

  function move(card, cell) {
    say("Moving “" + card.dataset.title + "” to " + cell.dataset.label + "…", false);
    fetch(grid.dataset.dropUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token.content},
      body: JSON.stringify({
        session_id: Number(card.dataset.sessionId),
        time_slot_id: number(cell.dataset.slotId),
        room_id: number(cell.dataset.roomId),
        day: cell.dataset.day || null
      })
    })
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (answer) {
        if (!answer.ok) { say(answer.body.error || "The session was not moved.", true); return; }
        return refresh().then(function () { say(answer.body.message, false); });
      })
      .catch(function () {
        say("The session could not be moved. Reload the page and try again, or use its Move form.", true);
      });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-session-id]");
    if (!card || !grid.contains(card)) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.title);
    card.classList.add("is-dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    dragged = null;
    unmark();
  });

  document.addEventListener("dragover", function (event) {
    var cell = dragged && target(event);
    if (!cell) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("is-drop-target")) {
      unmark();
      cell.classList.add("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var cell = dragged && target(event);
    if (!cell) { return; }
    event.preventDefault();
    var card = dragged;
    unmark();
    if (card.closest("[data-drop]") === cell) { return; }  // dropped where it already is
    move(card, cell);
  });
})();

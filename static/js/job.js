// Follows a background job: polls its JSON, moves the progress bar, and shows the way on when done.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var status = box.querySelector(".job-status");
  var next = box.querySelector(".job-next");
  function poll() {
    fetch(box.dataset.jobUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.status === "done" ? bar.max : job.done;
        status.textContent = job.percent + "%" + (job.message ? ": " + job.message : "");
        if (job.finished) {
          if (job.next) { window.location.assign(job.next); } else { window.location.reload(); }
          return;
        }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  if (!next || next.hidden) { window.setTimeout(poll, 300); }
})();

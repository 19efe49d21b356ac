// A background job's page (templates/core/jobs/detail.html) follows the job without a reload: it
// polls the job's JSON every few seconds while the job is queued or running and fills in the
// status, the progress bar, the text beside it (read by screen readers: role="status"), the error
// or the link to the result. Without JavaScript the page says how to refresh it by hand.
(function () {
  "use strict";
  function follow(section) {
    var url = section.getAttribute("data-job-status-url");
    var seconds = parseFloat(section.getAttribute("data-job-poll-seconds")) || 2;
    var part = function (name) { return section.querySelector("[data-job-" + name + "]"); };
    var lastText = "";

    function show(job) {
      part("status").textContent = job.status_label;
      var bar = part("progress");
      if (job.total) {
        bar.max = job.total;
        bar.value = job.done;
      } else if (!job.active) {
        bar.max = 1;
        bar.value = 1;
      }
      bar.textContent = (job.percent || 0) + "%";
      var text = (job.total ? "第 " + job.done + " / " + job.total + " 步（" + job.percent + "%）" : "") +
        (job.message ? " " + job.message : "");
      if (text !== lastText) {
        part("text").textContent = text;  // only on change, so screen readers hear each step once
        lastText = text;
      }
      if (job.error) {
        part("error-text").textContent = job.error;
        part("error").hidden = false;
      }
      if (job.result_url) {
        var link = part("result-link");
        link.href = job.result_url;
        link.textContent = job.result_label;
        part("result").hidden = false;
      }
      if (!job.active) {
        var refresh = part("refresh");
        if (refresh) refresh.hidden = true;
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (job) {
          show(job);
          if (job.active) window.setTimeout(poll, seconds * 1000);
        })
        .catch(function () { window.setTimeout(poll, seconds * 5000); });
    }

    if (section.getAttribute("data-job-active") === "true") window.setTimeout(poll, seconds * 1000);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-job-status-url]"), follow);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

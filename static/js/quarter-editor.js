// Quarter pages (评级) are decided by the committee, never autosaved: Wagtail's autosave posts the
// whole edit form, hidden workflow-action fields included, and so could approve a quarter a second
// time while the real approval is still on its way. The server refuses such a post anyway
// (ratings/admin/review.py); this only stops the browser from sending it. Disclosure pages are
// reviewed the same way and carry data-no-autosave (disclosures/wagtail_hooks.py refuses the post).
(function () {
  "use strict";
  function withoutAutosave() {
    if (!document.querySelector("[data-quarter-review], [data-no-autosave]")) return;
    var form = document.querySelector("form[data-edit-form]");
    if (!form) return;
    form.setAttribute(
      "data-controller",
      (form.getAttribute("data-controller") || "")
        .split(/\s+/)
        .filter(function (name) { return name && name !== "w-autosave"; })
        .join(" ")
    );
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", withoutAutosave);
  } else {
    withoutAutosave();
  }
})();

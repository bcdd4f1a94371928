// A little help where JavaScript runs; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Take keyboard and screen-reader users straight to a form's error summary.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  // Ask before a form marked as irreversible is sent.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
});

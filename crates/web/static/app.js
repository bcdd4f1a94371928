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
  // While an applicant describes what they seek, show what is already public and the notice
  // a petition's or complaint's wording brings (/apply/suggest); the preview shows the same
  // without JavaScript. Built with textContent only: nothing typed becomes markup.
  var text = document.querySelector("textarea[data-suggest]");
  var box = document.getElementById("suggestions");
  if (text && box) {
    var agency = document.getElementById("agency");
    var timer = null;
    var shown = "";
    var show = function (data) {
      box.textContent = "";
      data.notices.forEach(function (n) {
        var p = document.createElement("p");
        p.className = "notice";
        p.textContent = n;
        box.appendChild(p);
      });
      if (data.items.length) {
        var h = document.createElement("h2");
        h.textContent = "已主动公开，可直接查阅";
        box.appendChild(h);
        var ul = document.createElement("ul");
        data.items.forEach(function (i) {
          var li = document.createElement("li");
          var tag = document.createElement("span");
          tag.className = "tag";
          tag.textContent = i.kind;
          var a = document.createElement("a");
          a.href = i.href;
          a.textContent = i.title;
          a.target = "_blank";
          a.rel = "noopener";
          li.appendChild(tag);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(a);
          li.appendChild(document.createTextNode(" " + i.agency));
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      box.hidden = !box.firstChild;
    };
    var ask = function () {
      var q = text.value.trim();
      var key = (agency ? agency.value : "") + "|" + q;
      if (key === shown) {
        return;
      }
      shown = key;
      if (q.length < 2) {
        box.hidden = true;
        return;
      }
      var url = "/apply/suggest?agency=" + encodeURIComponent(agency ? agency.value : "") +
        "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && shown === key) { show(data); } })
        .catch(function () {});
    };
    var later = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 400);
    };
    text.addEventListener("input", later);
    if (agency) {
      agency.addEventListener("change", later);
    }
  }
});

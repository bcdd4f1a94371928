// The redaction page (区分处理): draw a box on a page image with the mouse. The box is shown
// over the page and added to the form as a new row (page, position and size in percent of the
// page), whose reason the officer picks before saving. Without JavaScript the same form's
// empty row takes the numbers by hand.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("redaction-form");
  var template = document.getElementById("new-row");
  if (!form || !template) {
    return;
  }
  var next = parseInt(form.getAttribute("data-next"), 10) || 0;
  var svgNs = "http://www.w3.org/2000/svg";

  function pct(v) {
    return (Math.round(v * 10000) / 100).toFixed(2);
  }

  // A new row of the form for a box drawn on `page`, named like the stored ones (b{n}_…).
  function addRow(page, box) {
    var row = template.cloneNode(true);
    var n = next++;
    row.removeAttribute("id");
    row.querySelectorAll("input, select, label").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v && v.indexOf("new_") === 0) {
          el.setAttribute(attr, "b" + n + "_" + v.slice(4));
        }
      });
    });
    var values = { page: page, x: pct(box.x), y: pct(box.y), w: pct(box.w), h: pct(box.h) };
    Object.keys(values).forEach(function (k) {
      row.querySelector("[name=b" + n + "_" + k + "]").value = values[k];
    });
    row.children[6].textContent = "新画（未保存）";
    template.parentNode.insertBefore(row, template);
    row.querySelector("select").focus();
  }

  document.querySelectorAll(".redact-sheet").forEach(function (sheet) {
    var svg = sheet.querySelector("svg");
    var start = null;
    var rect = null;

    function at(event) {
      var r = sheet.getBoundingClientRect();
      return {
        x: Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1),
        y: Math.min(Math.max((event.clientY - r.top) / r.height, 0), 1),
      };
    }

    function box(a, b) {
      return {
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        w: Math.abs(a.x - b.x),
        h: Math.abs(a.y - b.y),
      };
    }

    function draw(b) {
      rect.setAttribute("x", b.x * 1000);
      rect.setAttribute("y", b.y * 1000);
      rect.setAttribute("width", b.w * 1000);
      rect.setAttribute("height", b.h * 1000);
    }

    sheet.addEventListener("mousedown", function (event) {
      if (event.button !== 0) {
        return;
      }
      event.preventDefault();
      start = at(event);
      rect = document.createElementNS(svgNs, "rect");
      rect.setAttribute("class", "new");
      svg.appendChild(rect);
      draw(box(start, start));
    });
    sheet.addEventListener("mousemove", function (event) {
      if (start) {
        draw(box(start, at(event)));
      }
    });
    function finish(event) {
      if (!start) {
        return;
      }
      var b = box(start, at(event));
      start = null;
      // A click without a drag marks nothing.
      if (b.w < 0.003 || b.h < 0.003) {
        svg.removeChild(rect);
        return;
      }
      draw(b);
      addRow(sheet.getAttribute("data-page"), b);
    }
    sheet.addEventListener("mouseup", finish);
    sheet.addEventListener("mouseleave", finish);
  });
});

/* healthcheck_admin: small progressive enhancements; every form also works without this file. */
"use strict";

/* Key/value rows (headers, cookies): "Add a row" appends an empty row. Without this script the
   form still offers one empty row on each load, so nothing depends on it. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".hc-rows").forEach(function (widget) {
    var button = widget.querySelector(".hc-add-row");
    var body = widget.querySelector("tbody");
    if (!button || !body) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr.hc-row");
      var row = rows[rows.length - 1].cloneNode(true);
      var number = rows.length + 1;
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.removeAttribute("id");
        var label = input.getAttribute("aria-label") || "";
        input.setAttribute("aria-label", label.replace(/\d+$/, String(number)));
      });
      body.appendChild(row);
      row.querySelector("input").focus();
    });
  });
});

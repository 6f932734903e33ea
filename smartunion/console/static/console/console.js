// On a phone the console's tables turn into cards (console.css, max-width: 720px); each cell then
// shows its column's heading beside it. The heading is copied here from the table's <thead> into the
// cell's data-label, for the page as served and for every part htmx swaps in later.
(function () {
  "use strict";

  function labelCells(root) {
    var tables = root.matches && root.matches("table") ? [root] : root.querySelectorAll("table");
    Array.prototype.forEach.call(tables, function (table) {
      var headings = table.querySelectorAll("thead tr:first-child > th");
      if (!headings.length) {
        return;
      }
      var labels = Array.prototype.map.call(headings, function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          // A cell spanning several columns (a "nothing here" row) belongs to none of them.
          if (!cell.hasAttribute("data-label") && labels[column] && cell.colSpan <= 1) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
  });
  document.addEventListener("htmx:load", function (event) {
    var table = event.target.closest ? event.target.closest("table") : null;
    labelCells(table || event.target);
  });
})();

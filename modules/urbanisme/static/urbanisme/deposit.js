// The deposit form shows only the pieces of the chosen kind (the server ignores the others anyway).
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) { return; }
  function show() {
    document.querySelectorAll("#pieces .piece").forEach(function (row) {
      var input = row.querySelector("input");
      var match = input && input.value.split(":")[0] === kind.value;
      row.hidden = !match;
    });
  }
  kind.addEventListener("change", show);
  show();
})();

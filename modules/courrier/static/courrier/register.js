/* The clerk's registration form: field styles, focus on the first field, sender suggestions as one types. */
(function () {
  var form = document.getElementById("register-form");
  form.querySelectorAll("input:not([type=checkbox]):not([type=file]):not([type=hidden]), select, textarea").forEach(function (el) { el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control"); });
  var name = form.querySelector("[name=name]"); name.setAttribute("list", "correspondents"); name.setAttribute("autocomplete", "off");
  if (!form.querySelector(".invalid-feedback")) { form.querySelector("[name=kind]").focus(); }
  var list = document.getElementById("correspondents"), timer;
  name.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (name.value.length < 2) { return; }
      fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(name.value)).then(function (r) { return r.json(); }).then(function (data) {
        list.innerHTML = "";
        data.results.forEach(function (c) { var o = document.createElement("option"); o.value = c.name; o.label = c.identifier; list.appendChild(o); });
      });
    }, 200);
  });
})();

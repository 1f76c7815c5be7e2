// The inspector's position, from the phone's GPS, into the PV's latitude and longitude fields.
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) { if (button) button.hidden = true; return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
    }, function () { button.textContent = button.dataset.error; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();

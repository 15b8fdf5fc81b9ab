// Scans a card's QR code with the phone's camera where the browser can (BarcodeDetector), puts
// the value in the card field and looks the card up. Elsewhere the button stays hidden and the
// cashier types the number printed under the code.
(function () {
  "use strict";
  var button = document.getElementById("scan");
  var field = document.getElementById("f-card");
  var video = document.getElementById("scan-video");
  if (!button || !field || !video || !("BarcodeDetector" in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      return video.play().then(function () {
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              video.hidden = true;
              field.value = codes[0].rawValue;
              field.form.submit();
            } else {
              window.requestAnimationFrame(look);
            }
          }, function () { window.requestAnimationFrame(look); });
        };
        look();
      });
    }, function () {
      button.hidden = true;
    });
  });
})();

// The clerk's scan page: read a QR code with the phone's camera where the browser offers the
// BarcodeDetector API and a camera (getUserMedia, which needs HTTPS or localhost), put what it
// reads into the code field and send the form. Without either, the page says so and the clerk
// types the code the member reads out: the server decides in both cases.
(function () {
  "use strict";

  function ready() {
    var form = document.getElementById("scan-form");
    var box = document.getElementById("scan-camera");
    var video = document.getElementById("scan-video");
    var start = document.getElementById("scan-start");
    var note = document.getElementById("scan-no-camera");
    var field = document.getElementById("id_code");
    if (!form || !box || !video || !start || !field) {
      return;
    }
    var media = navigator.mediaDevices;
    if (!("BarcodeDetector" in window) || !media || !media.getUserMedia) {
      return; // the note stays: type the code
    }
    box.hidden = false;
    if (note) {
      note.hidden = true;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
        stream = null;
      }
      video.hidden = true;
      start.hidden = false;
    }

    function look() {
      if (!stream) {
        return;
      }
      detector
        .detect(video)
        .then(function (codes) {
          if (codes.length && codes[0].rawValue) {
            field.value = codes[0].rawValue;
            stop();
            form.submit();
            return;
          }
          window.setTimeout(look, 250);
        })
        .catch(function () {
          window.setTimeout(look, 500);
        });
    }

    start.addEventListener("click", function () {
      media
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          start.hidden = true;
          return video.play();
        })
        .then(look)
        .catch(function () {
          stop();
          box.hidden = true;
          if (note) {
            note.hidden = false;
          }
        });
    });
    video.hidden = true;
    window.addEventListener("pagehide", stop);
  }

  document.addEventListener("DOMContentLoaded", ready);
})();

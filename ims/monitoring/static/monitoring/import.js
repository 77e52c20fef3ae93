// Upload progress for the readings import: the file is sent with XMLHttpRequest so the
// bar shows the bytes really sent; then the server checks and writes the whole file in
// the same request, shown as an indeterminate bar, and its answer replaces the page.
// Without script the form posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.DOMParser) { return; }
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var label = box.querySelector("label");
  var status = box.querySelector("span");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round(100 * e.loaded / e.total);
        status.textContent = Math.round(e.loaded / 1024) + " / " + Math.round(e.total / 1024) + " KB";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      label.textContent = form.getAttribute("data-checking") || "Checking and importing";
      status.textContent = "";
    });
    xhr.addEventListener("load", function () {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.getElementById("main");
      if (xhr.responseURL && xhr.responseURL !== window.location.href) { window.location.href = xhr.responseURL; return; }
      if (main) {
        document.getElementById("main").innerHTML = main.innerHTML;
        document.title = page.title;
        var script = document.createElement("script");
        script.src = document.querySelector("script[src$='monitoring/import.js']").src;
        document.body.appendChild(script);
      } else { window.location.reload(); }
    });
    xhr.addEventListener("error", function () { form.submit(); });
    xhr.send(new FormData(form));
  });
})();

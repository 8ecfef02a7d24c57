// New courier job, progressive enhancement: show only the pickup fields that apply (one of our
// stores, or an address), and what we know about the chosen store. Without this file every field
// is shown; the server reads only those of the chosen kind.
(function () {
  "use strict";

  var form = document.querySelector("form[data-job-form]");
  if (!form) {
    return;
  }
  var kinds = form.querySelectorAll("input[name='pickup_kind']");
  var sections = form.querySelectorAll("[data-pickup]");
  var store = form.elements.pickup_store;
  var preview = form.querySelector("[data-store-preview]");
  var previewsNode = document.getElementById("store-previews");
  var previews = previewsNode ? JSON.parse(previewsNode.textContent) : {};

  function chosenKind() {
    for (var i = 0; i < kinds.length; i += 1) {
      if (kinds[i].checked) {
        return kinds[i].value;
      }
    }
    return "";
  }

  function syncKind() {
    var kind = chosenKind();
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = kind !== "" && section.getAttribute("data-pickup") !== kind;
    });
  }

  function syncPreview() {
    if (!store || !preview) {
      return;
    }
    var info = previews[store.value];
    preview.classList.remove("is-problem");
    if (!info) {
      preview.textContent = "";
      return;
    }
    if (info.coordinates) {
      preview.textContent = info.address + " · " + info.coordinates;
    } else {
      preview.textContent = info.address + " · no coordinates on record: LineTen cannot quote from this store";
      preview.classList.add("is-problem");
    }
  }

  Array.prototype.forEach.call(kinds, function (radio) {
    radio.addEventListener("change", syncKind);
  });
  if (store) {
    store.addEventListener("change", syncPreview);
  }
  syncKind();
  syncPreview();
})();

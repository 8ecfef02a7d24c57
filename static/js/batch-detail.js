// A batch's page: its stops on a map, buttons that post once, and the import's live progress.
// The page asks OUR server every two seconds (progress.json, one query); the worker is the one
// that asks Locate2u. When the import is over, the page's results are fetched once and swapped
// in, so the failed stops and Locate2u's ids appear without a reload.
(function () {
  "use strict";

  // --- buttons that must post once (Submit to Locate2u, Look again, New draft from failed stops) --
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) {
      return;
    }
    if (form.getAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "1");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("data-label", button.textContent);
      button.textContent = button.getAttribute("data-busy-text") || button.textContent;
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
      form.removeAttribute("data-sending");
      var button = form.querySelector("button[type=submit]");
      if (button && button.getAttribute("data-label")) {
        button.disabled = false;
        button.textContent = button.getAttribute("data-label");
      }
    });
  });

  // --- map ----------------------------------------------------------------------------------------
  var mapElement = document.getElementById("batch-map");
  if (mapElement && window.L) {
    var points = JSON.parse(document.getElementById("batch-map-points").textContent);
    var tiles = JSON.parse(document.getElementById("batch-map-tiles").textContent);
    var map = L.map(mapElement, { minZoom: 1, maxZoom: 18, scrollWheelZoom: false, worldCopyJump: true });
    if (tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var labelled = points.length <= 25; // more than that, and names only on hover
    var bounds = [];
    points.forEach(function (point) {
      var pickup = point.kind === "pickup";
      var badge = (pickup ? "P" : "D") + point.number;
      var box = document.createElement("div");
      box.className = "map-popup";
      var title = document.createElement("strong");
      title.textContent = badge + " · " + point.ref;
      var name = document.createElement("p");
      name.textContent = point.name;
      var address = document.createElement("p");
      address.textContent = point.address;
      box.appendChild(title);
      box.appendChild(name);
      box.appendChild(address);
      L.circleMarker([point.lat, point.lon], {
        radius: pickup ? 8 : 6,
        weight: 2,
        fillOpacity: 1,
        className: "map-marker is-" + point.kind + (point.result === "failed" ? " is-failed" : ""),
      })
        .bindPopup(box)
        .bindTooltip(badge + " " + point.ref, { permanent: labelled, direction: "right", offset: [8, 0], className: "map-label" })
        .addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(L.latLngBounds(bounds), { padding: [36, 36], maxZoom: 14 });
  }

  // --- live progress ------------------------------------------------------------------------------
  var panel = document.getElementById("batch-progress");
  if (!panel || panel.hasAttribute("data-final")) {
    return;
  }
  var url = panel.getAttribute("data-progress-url");
  var every = parseInt(panel.getAttribute("data-poll-ms"), 10) || 2000;
  var TONES = ["ok", "warn", "bad", "info", "muted"];

  function setTone(element, prefix, tone) {
    TONES.forEach(function (name) { element.classList.remove(prefix + name); });
    element.classList.add(prefix + tone);
  }

  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString("en-GB", { hour12: false }) : "—";
  }

  function show(data) {
    var live = document.getElementById("batch-progress");
    var bar = live.querySelector("[data-progressbar]");
    bar.setAttribute("aria-valuenow", String(data.percent));
    bar.setAttribute("aria-valuetext", data.percent + "%: " + data.processed + " of " + data.total + " stops processed");
    bar.querySelector("progress").value = data.percent;
    setTone(bar, "tone-", data.tone);
    var status = live.querySelector("[data-batch-status]");
    status.textContent = data.statusLabel;
    setTone(status, "tone-", data.tone);
    Array.prototype.forEach.call(document.querySelectorAll("[data-batch-status-pill]"), function (pill) {
      pill.textContent = data.statusLabel;
      setTone(pill, "pill-", data.tone);
    });
    var values = {
      hint: data.hint, processed: data.processed, total: data.total, succeeded: data.succeeded, failed: data.failed,
      locate2uStatus: data.locate2uStatus || "—", lastPolledAt: clock(data.lastPolledAt), importError: data.importError,
    };
    Object.keys(values).forEach(function (key) {
      var element = live.querySelector('[data-field="' + key + '"]');
      if (element) {
        element.textContent = String(values[key]);
      }
    });
    // No longer followed: the hint says so (importError would repeat it), and a dispatcher may look again.
    live.querySelector('[data-field-box="importError"]').hidden = !data.importError || data.followLapsed;
    var lapsed = live.querySelector('[data-field-box="followLapsed"]');
    if (lapsed) {
      lapsed.hidden = !data.followLapsed;
    }
  }

  function swapInResults(data) {
    // The finished page, fetched once: its summary, results and stops table replace these.
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(document.querySelectorAll("[data-live-region]"), function (region) {
          var replacement = region.id && fresh.getElementById(region.id);
          if (replacement) {
            region.replaceWith(document.importNode(replacement, true));
          }
        });
      })
      .catch(function () { show(data); })
      .then(function () {
        var announce = document.querySelector("#batch-progress [data-announce]");
        if (announce) {
          announce.textContent = "Import finished: " + data.statusLabel + ".";
        }
      });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.final) {
          return swapInResults(data);
        }
        // Still importing but no longer followed: nothing moves until someone looks again, so ask rarely.
        window.setTimeout(poll, data.followLapsed ? every * 15 : every);
      })
      .catch(function () {
        window.setTimeout(poll, every * 3); // the server restarting, say: keep asking, less often
      });
  }

  window.setTimeout(poll, every);
})();

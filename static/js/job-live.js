// A courier job's page: follows the job without reloads. Progressive enhancement: without this
// file every button is a plain form POST answered by a redirect, and the page is reloaded by hand.
//
// - Polls state.json while the job is working or on its way (the server says how often) and
//   swaps in the new live part when the job changed.
// - Sends the page's action forms (Request quotes, Book, Immediate booking, Cancel booking) with
//   fetch; a second click while one is under way does nothing.
// - Counts every quote down to its expiry; an expired quote greys out and loses its Book button.
// - Sorts the quote board by a column heading; asks once more before cancelling a booking.
(function () {
  "use strict";

  var live = document.getElementById("job-live");
  if (!live) {
    return;
  }
  var pills = document.getElementById("job-pills");
  var notices = document.getElementById("job-notices");
  var stateUrl = live.getAttribute("data-state-url");
  var signature = live.getAttribute("data-signature");
  var pollMs = Number(live.getAttribute("data-poll-ms")) || 0;
  var pollTimer = null;
  var clockOffset = 0; // server clock minus this browser's, in ms
  var sort = { key: "price", dir: 1 };
  var cancelArmed = false;
  var failures = 0;
  var SOON_SECONDS = 120;

  // --- messages --------------------------------------------------------------------------------
  function notify(message) {
    notices.textContent = "";
    if (!message) {
      return;
    }
    var p = document.createElement("p");
    p.className = "message message-" + message.level;
    if (message.level === "error") {
      p.setAttribute("role", "alert");
    }
    p.textContent = message.text;
    notices.appendChild(p);
  }

  // --- polling -----------------------------------------------------------------------------------
  function schedule(delay) {
    window.clearTimeout(pollTimer);
    pollTimer = null;
    if (pollMs > 0) {
      pollTimer = window.setTimeout(poll, delay === undefined ? pollMs : delay);
    }
  }

  function poll() {
    if (document.hidden) {
      schedule();
      return;
    }
    fetch(stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        apply(data, false);
      })
      .catch(function () {
        failures += 1;
        if (failures === 3) {
          notify({ level: "warning", text: "The portal is not answering; this page will catch up when it does." });
        }
        schedule(Math.min(pollMs * (failures + 1), 15000));
      });
  }

  // force: the answer to one of our actions (always shown, with its message); otherwise a poll,
  // which swaps the live part only when the job changed, and then clears the messages of
  // actions that are over by now ("Asking for quotes…" once the quotes are here).
  function apply(data, force) {
    var changed = data.signature !== signature;
    if (force || changed) {
      signature = data.signature;
      live.innerHTML = data.html;
      if (pills) {
        pills.innerHTML = data.pills;
      }
      enhance();
    }
    if (data.message) {
      notify(data.message);
    } else if (changed || (failures === 0 && notices.querySelector(".message-warning"))) {
      notify(null);
    }
    pollMs = data.pollMs || 0;
    schedule();
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && pollMs > 0) {
      schedule(0);
    }
  });

  // --- actions -----------------------------------------------------------------------------------
  function setBusy(form, button, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    Array.prototype.forEach.call(live.querySelectorAll("form[data-live-form] button"), function (other) {
      other.disabled = busy;
    });
    if (button) {
      button.classList.toggle("is-busy", busy);
    }
  }

  function arm(form, armed) {
    cancelArmed = armed;
    form.classList.toggle("is-armed", armed);
    form.querySelector("[data-confirm-text]").hidden = !armed;
    form.querySelector("[data-keep]").hidden = !armed;
  }

  live.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-live-form]")) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return; // a double click: the first one is under way
    }
    if (form.hasAttribute("data-confirm") && !form.classList.contains("is-armed")) {
      arm(form, true);
      return;
    }
    var button = event.submitter || form.querySelector("button[type='submit']");
    setBusy(form, button, true);
    window.clearTimeout(pollTimer);
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        cancelArmed = false;
        apply(data, true);
      })
      .catch(function () {
        setBusy(form, button, false);
        notify({ level: "error", text: "The portal did not answer. Check your connection and try again." });
        schedule();
      });
  });

  live.addEventListener("click", function (event) {
    var keep = event.target.closest("[data-keep]");
    if (keep) {
      arm(keep.form, false);
      return;
    }
    var heading = event.target.closest("button[data-sort]");
    if (heading) {
      var key = heading.getAttribute("data-sort");
      sort = { key: key, dir: sort.key === key ? -sort.dir : 1 };
      sortBoard();
    }
  });

  // --- the quote board ---------------------------------------------------------------------------
  function board() {
    return live.querySelector("[data-quote-board]");
  }

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tr[data-quote-row]"));
  }

  function value(row, key) {
    var raw = row.getAttribute("data-" + key);
    if (key === "provider") {
      return raw.toLowerCase();
    }
    return raw === "" || raw === null ? Infinity : Number(raw);
  }

  function sortBoard() {
    var table = board();
    if (!table) {
      return;
    }
    var body = table.tBodies[0];
    var rows = rowsOf(table);
    rows.sort(function (a, b) {
      var x = value(a, sort.key);
      var y = value(b, sort.key);
      if (x < y) {
        return -sort.dir;
      }
      if (x > y) {
        return sort.dir;
      }
      return value(a, "price") - value(b, "price");
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) {
      var button = th.querySelector("button[data-sort]");
      if (button) {
        var on = button.getAttribute("data-sort") === sort.key;
        th.setAttribute("aria-sort", on ? (sort.dir > 0 ? "ascending" : "descending") : "none");
      }
    });
  }

  // Cheapest and fastest among the quotes that can still be booked (the server's rule, again).
  function mark(table) {
    var open = rowsOf(table).filter(function (row) {
      return !row.classList.contains("is-expired");
    });
    function best(key) {
      var chosen = null;
      open.forEach(function (row) {
        var v = value(row, key);
        if (v === Infinity) {
          return;
        }
        if (chosen === null || v < value(chosen, key) ||
            (v === value(chosen, key) && value(row, "price") < value(chosen, "price"))) {
          chosen = row;
        }
      });
      return chosen;
    }
    var cheapest = best("price");
    var fastest = best("ride");
    rowsOf(table).forEach(function (row) {
      row.classList.toggle("is-cheapest", row === cheapest);
      row.classList.toggle("is-fastest", row === fastest);
      row.querySelector("[data-badge='cheapest']").hidden = row !== cheapest;
      row.querySelector("[data-badge='fastest']").hidden = row !== fastest;
    });
    var count = live.querySelector("[data-bookable-count]");
    if (count) {
      count.textContent = String(open.length);
    }
    var allGone = open.length === 0;
    var banner = live.querySelector("[data-all-expired]");
    if (banner) {
      banner.hidden = !allGone;
    }
  }

  function expire(row) {
    row.classList.add("is-expired");
    var form = row.querySelector("form[data-book-form]");
    if (form) {
      form.remove();
    }
    row.querySelector("[data-expired-note]").hidden = false;
  }

  function tick() {
    var table = board();
    if (!table) {
      return;
    }
    var now = (Date.now() + clockOffset) / 1000;
    var changed = false;
    rowsOf(table).forEach(function (row) {
      var cell = row.querySelector("[data-countdown]");
      var expires = Number(row.getAttribute("data-expires"));
      if (!cell || !expires) {
        return;
      }
      var left = Math.floor(expires - now);
      if (left <= 0) {
        cell.textContent = "Expired";
        cell.classList.remove("is-soon");
        if (!row.classList.contains("is-expired")) {
          expire(row);
          changed = true;
        }
        return;
      }
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      cell.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      cell.classList.toggle("is-soon", left <= SOON_SECONDS);
    });
    if (changed) {
      mark(table);
    }
  }

  // --- after every render ------------------------------------------------------------------------
  function enhance() {
    var table = board();
    if (table) {
      var serverNow = Number(table.getAttribute("data-now"));
      if (serverNow) {
        clockOffset = serverNow * 1000 - Date.now();
      }
      sortBoard();
      tick();
    }
    var cancel = live.querySelector("form[data-confirm]");
    if (cancel && cancelArmed) {
      arm(cancel, true);
    }
  }

  enhance();
  window.setInterval(tick, 1000);
  schedule();
})();

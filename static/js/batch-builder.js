// The batch builder, progressive enhancement. Without this file the page still works: one row of
// each kind, item references typed into each stop, pickups filled from a location on save.
// With it:
// - rows are added (a copy of the formset's empty form) and removed (the row's DELETE box, with
//   Undo), so nothing typed elsewhere is lost and the server sees the same formset fields;
// - each stop lists the items typed above as checkboxes, kept in step with the text field the
//   server reads; renaming an item renames it in every stop;
// - choosing one of our locations fills the pickup's name, address, coordinates and reference
//   at once, and a time window outside that location's opening hours is pointed out (a warning,
//   the server repeats it on save and never refuses a batch for it).
(function () {
  "use strict";

  var form = document.querySelector("form[data-batch-builder]");
  if (!form) {
    return;
  }
  form.classList.add("js");
  var locations = JSON.parse(document.getElementById("pickup-locations").textContent);
  var itemsSection = form.querySelector('[data-formset="items"]');
  var serviceDate = form.querySelector("[data-service-date] input");
  var DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var DAY_NAMES = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday",
    sat: "Saturday", sun: "Sunday" };

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function field(row, name) {
    // Form fields are named <prefix>-<index>-<name>; [name$="-name"] does not match "-contact_name".
    return row.querySelector('[name$="-' + name + '"]');
  }

  function rows(section) {
    return Array.prototype.filter.call(section.querySelector("[data-rows]").children, function (el) {
      return el.hasAttribute("data-row");
    });
  }

  function liveRows(section) {
    return rows(section).filter(function (row) { return !row.classList.contains("is-removed"); });
  }

  function renumber(section) {
    var n = 0;
    rows(section).forEach(function (row) {
      if (row.classList.contains("is-removed")) {
        return;
      }
      n += 1;
      row.querySelector("[data-row-number]").textContent = String(n);
      if (row.getAttribute("role") === "group") {
        row.setAttribute("aria-label", row.getAttribute("data-noun") + " " + n);
      }
    });
    section.querySelector("[data-row-count]").textContent = String(n);
  }

  // --- items of each stop ------------------------------------------------------------------------
  function parseRefs(text) {
    var seen = [];
    (text || "").split(/[,\n]/).forEach(function (part) {
      var ref = part.trim();
      if (ref && seen.indexOf(ref) < 0) {
        seen.push(ref);
      }
    });
    return seen;
  }

  function itemRefs() {
    var refs = [];
    liveRows(itemsSection).forEach(function (row) {
      var ref = field(row, "item_source_reference").value.trim();
      if (ref && refs.indexOf(ref) < 0) {
        refs.push(ref);
      }
    });
    return refs;
  }

  function stopRows() {
    var found = [];
    each(form.querySelectorAll('[data-formset="pickups"], [data-formset="dropoffs"]'), function (section) {
      found = found.concat(rows(section));
    });
    return found;
  }

  function renderPicker(row, refs) {
    var input = row.querySelector("input[data-item-refs]");
    var picker = row.querySelector("[data-item-picker]");
    if (!input || !picker) {
      return;
    }
    var chosen = parseRefs(input.value);
    picker.textContent = "";
    var shown = refs.concat(chosen.filter(function (ref) { return refs.indexOf(ref) < 0; }));
    if (!shown.length) {
      var empty = document.createElement("span");
      empty.className = "picker-empty";
      empty.textContent = "Type the items above first; they appear here to tick.";
      picker.appendChild(empty);
      return;
    }
    shown.forEach(function (ref) {
      var label = document.createElement("label");
      label.className = "item-chip" + (refs.indexOf(ref) < 0 ? " is-unknown" : "");
      if (refs.indexOf(ref) < 0) {
        label.title = "Not among the items above";
      }
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = ref;
      box.checked = chosen.indexOf(ref) >= 0;
      box.addEventListener("change", function () { pickerChanged(row); });
      label.appendChild(box);
      label.appendChild(document.createTextNode(ref));
      picker.appendChild(label);
    });
    if (refs.length > 1) {
      var all = document.createElement("button");
      all.type = "button";
      all.className = "text-button picker-all";
      all.textContent = "All items";
      all.addEventListener("click", function () {
        each(picker.querySelectorAll("input[type=checkbox]"), function (box) {
          if (refs.indexOf(box.value) >= 0) {
            box.checked = true;
          }
        });
        pickerChanged(row);
      });
      picker.appendChild(all);
    }
  }

  function pickerChanged(row) {
    var input = row.querySelector("input[data-item-refs]");
    var picked = [];
    each(row.querySelectorAll("[data-item-picker] input[type=checkbox]"), function (box) {
      if (box.checked) {
        picked.push(box.value);
      }
    });
    input.value = picked.join(", ");
  }

  function refreshPickers() {
    var refs = itemRefs();
    stopRows().forEach(function (row) { renderPicker(row, refs); });
  }

  // A removed item leaves the stops that carried it; Undo puts it back on the same stops.
  function takeItemOffStops(itemRow) {
    var ref = field(itemRow, "item_source_reference").value.trim();
    var carried = [];
    stopRows().forEach(function (row) {
      var input = row.querySelector("input[data-item-refs]");
      var refs = parseRefs(input.value);
      if (ref && refs.indexOf(ref) >= 0) {
        carried.push(input);
        input.value = refs.filter(function (other) { return other !== ref; }).join(", ");
      }
    });
    itemRow.carriedBy = carried;
  }

  function putItemBackOnStops(itemRow) {
    var ref = field(itemRow, "item_source_reference").value.trim();
    (itemRow.carriedBy || []).forEach(function (input) {
      var refs = parseRefs(input.value);
      if (ref && refs.indexOf(ref) < 0) {
        refs.push(ref);
        input.value = refs.join(", ");
      }
    });
    itemRow.carriedBy = [];
  }

  function renameItem(oldRef, newRef) {
    if (!oldRef || oldRef === newRef) {
      return;
    }
    stopRows().forEach(function (row) {
      var input = row.querySelector("input[data-item-refs]");
      var refs = parseRefs(input.value);
      var at = refs.indexOf(oldRef);
      if (at >= 0) {
        if (newRef && refs.indexOf(newRef) < 0) {
          refs[at] = newRef;
        } else {
          refs.splice(at, 1);
        }
        input.value = refs.join(", ");
      }
    });
  }

  // --- pickups from our locations and their opening hours ---------------------------------------
  function hhmm(value) {
    var text = String(value).padStart(4, "0");
    return text.slice(0, 2) + ":" + text.slice(2);
  }

  function readLocal(text) {
    // A time as the dispatcher wrote it, without an offset: the location's own clock. With an
    // offset the server converts it on save; here it is left alone (undefined).
    if (!text) {
      return null;
    }
    var m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text.trim());
    if (!m) {
      return undefined;
    }
    var day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
    return { day: DAYS[(day + 6) % 7], hhmm: +m[4] * 100 + +m[5], label: m[4] + ":" + m[5] };
  }

  function fits(week, moment, closing) {
    var hours = week[moment.day];
    if (hours[0] === 0 && hours[1] === 0) {
      return { ok: false, hours: hours };
    }
    var ok = closing ? hours[0] < moment.hhmm && moment.hhmm <= hours[1]
      : hours[0] <= moment.hhmm && moment.hhmm < hours[1];
    return { ok: ok, hours: hours };
  }

  // The same words as the server's pickup_hours_warning (deliveries/selectors.py).
  function hoursWarning(location, trip, start, end) {
    var first = readLocal(start);
    var last = readLocal(end);
    var what;
    var checks;
    if (first === undefined || last === undefined) {
      return undefined;
    }
    if (!first && !last) {
      var at = readLocal(trip);
      if (!at) {
        return at === undefined ? undefined : null;
      }
      what = "the pickup time " + at.label;
      checks = [[at, false]];
    } else {
      checks = [];
      if (first) { checks.push([first, false]); }
      if (last) { checks.push([last, true]); }
      what = first && last ? "the pickup window " + first.label + "–" + last.label
        : "the pickup window " + (first ? "from " + first.label : "until " + last.label);
    }
    for (var i = 0; i < checks.length; i++) {
      var result = fits(location.week, checks[i][0], checks[i][1]);
      if (!result.ok) {
        var dayName = DAY_NAMES[checks[i][0].day] + "s";
        if (result.hours[0] === 0 && result.hours[1] === 0) {
          return location.name + " is closed on " + dayName + " (" + location.timeZone + "); " + what +
            " is outside its hours.";
        }
        return location.name + " is open " + hhmm(result.hours[0]) + "–" + hhmm(result.hours[1]) + " on " + dayName +
          " (" + location.timeZone + "); " + what + " is outside those hours.";
      }
    }
    return null;
  }

  function checkHours(row) {
    var select = row.querySelector("select[data-location-select]");
    var box = row.querySelector("[data-hours-warning]");
    if (!select || !box) {
      return;
    }
    var location = locations[select.value];
    var warning = location ? hoursWarning(location, field(row, "trip_date").value, field(row, "time_window_start").value,
      field(row, "time_window_end").value) : null;
    if (warning === undefined) {
      return; // times the server reads better than this script: it decides on save
    }
    box.hidden = !warning;
    box.querySelector("[data-hours-warning-text]").textContent = warning ? "Outside opening hours: " + warning : "";
  }

  function fillFromLocation(row) {
    var select = row.querySelector("select[data-location-select]");
    var location = locations[select.value];
    if (location) {
      ["name", "address", "latitude", "longitude", "warehouse_source_reference"].forEach(function (name) {
        var input = field(row, name);
        input.value = location[name];
        input.classList.remove("is-filled");
        void input.offsetWidth; // restart the highlight when chosen twice
        input.classList.add("is-filled");
      });
      field(row, "filled_from").value = select.value;
    }
    checkHours(row);
  }

  function limitToServiceDate() {
    // Opens each picker on the service date; the server still checks every trip date against it.
    var day = serviceDate && /^\d{4}-\d{2}-\d{2}$/.test(serviceDate.value) ? serviceDate.value : "";
    each(form.querySelectorAll('input[type="datetime-local"]'), function (input) {
      if (day) {
        input.min = day + "T00:00";
        input.max = day + "T23:59";
      } else {
        input.removeAttribute("min");
        input.removeAttribute("max");
      }
    });
  }

  // --- "More" shows how many of its fields are filled -------------------------------------------
  function countMore(row) {
    var details = row.querySelector(".row-more");
    if (!details) {
      return;
    }
    var count = 0;
    each(details.querySelectorAll("input, select, textarea"), function (input) {
      if (input.type === "checkbox") {
        // Contents flags count when ticked; the "required" flags (ticked by default) when not.
        var byDefault = /require_/.test(input.name);
        count += input.checked !== byDefault ? 1 : 0;
      } else if (input.value.trim()) {
        count += 1;
      }
    });
    var summary = details.querySelector("summary");
    var badge = summary.querySelector(".more-count");
    if (!count && badge) {
      badge.remove();
    } else if (count) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "more-count";
        badge.title = "fields filled in";
        summary.insertBefore(badge, summary.firstChild.nextSibling);
      }
      badge.textContent = String(count);
    }
  }

  // --- rows ---------------------------------------------------------------------------------------
  function setRemoved(section, row, removed) {
    var box = field(row, "DELETE");
    box.checked = removed;
    var number = row.querySelector("[data-row-number]").textContent;
    row.classList.toggle("is-removed", removed);
    row.querySelector("[data-removed-note]").hidden = !removed;
    if (removed) {
      var label = row.getAttribute("data-noun") + " " + number;
      var ref = row.querySelector('[name$="_source_reference"]');
      row.querySelector("[data-removed-text]").textContent =
        label + (ref && ref.value.trim() ? " (" + ref.value.trim() + ")" : "") + " removed.";
    }
    renumber(section);
    if (section === itemsSection) {
      if (removed) {
        takeItemOffStops(row);
      } else {
        putItemBackOnStops(row);
      }
      refreshPickers();
    }
    (removed ? row.querySelector("[data-undo-row]") : row.querySelector("[data-remove-row]")).focus();
  }

  function enhanceRow(section, row) {
    var remove = row.querySelector("[data-remove-row]");
    remove.hidden = false;
    remove.addEventListener("click", function () { setRemoved(section, row, true); });
    row.querySelector("[data-undo-row]").addEventListener("click", function () { setRemoved(section, row, false); });
    if (field(row, "DELETE").checked) {
      row.classList.add("is-removed");
      row.querySelector("[data-removed-note]").hidden = false;
    }
    var details = row.querySelector(".row-more");
    if (details) {
      details.addEventListener("change", function () { countMore(row); });
    }

    if (section === itemsSection) {
      var ref = field(row, "item_source_reference");
      ref.addEventListener("focus", function () { ref.setAttribute("data-was", ref.value.trim()); });
      ref.addEventListener("change", function () {
        renameItem(ref.getAttribute("data-was"), ref.value.trim());
        ref.setAttribute("data-was", ref.value.trim());
        refreshPickers();
      });
      return;
    }
    var input = row.querySelector("input[data-item-refs]");
    input.hidden = true;
    row.querySelector("[data-item-picker]").hidden = false;
    renderPicker(row, itemRefs());
    var select = row.querySelector("select[data-location-select]");
    if (select) {
      select.addEventListener("change", function () { fillFromLocation(row); });
      ["trip_date", "time_window_start", "time_window_end"].forEach(function (name) {
        field(row, name).addEventListener("change", function () { checkHours(row); });
      });
    }
  }

  function addRow(section) {
    var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = section.querySelector("template[data-empty-row]").innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.querySelector("[data-row]");
    section.querySelector("[data-rows]").appendChild(row);
    total.value = String(index + 1);
    enhanceRow(section, row);
    limitToServiceDate();
    renumber(section);
    if (section === itemsSection) {
      refreshPickers();
    }
    row.classList.add("is-new");
    var first = row.querySelector("select, input:not([type=hidden]):not([type=checkbox])");
    if (first) {
      first.focus();
    }
  }

  each(form.querySelectorAll("[data-formset]"), function (section) {
    rows(section).forEach(function (row) { enhanceRow(section, row); });
    renumber(section);
    var add = section.querySelector("[data-add-row]");
    add.hidden = false;
    add.addEventListener("click", function () { addRow(section); });
  });
  if (serviceDate) {
    serviceDate.addEventListener("change", limitToServiceDate);
  }
  limitToServiceDate();

  // One save per click: a second click while the page is on its way does nothing.
  var save = form.querySelector("[data-save]");
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "1");
    save.disabled = true;
    save.textContent = "Saving…";
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { // back to this page from the next one: usable again
      form.removeAttribute("data-sending");
      save.disabled = false;
      save.textContent = "Save draft";
    }
  });

  // The list of problems at the top links to each field: go there and put the cursor in it.
  each(form.querySelectorAll("a[data-error-link]"), function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      var details = target.closest("details");
      if (details) {
        details.open = true;
      }
      target.scrollIntoView({ block: "center" });
      if (target.matches("input, select, textarea")) {
        target.focus({ preventScroll: true });
      }
    });
  });
})();

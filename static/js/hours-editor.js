// Opening-hours editor, progressive enhancement: copy one day's hours to other days, and set
// aside the times of a day marked Closed or 24 hours. Without this file the form works the same;
// the server ignores the times of such a day and checks everything again.
(function () {
  "use strict";

  var form = document.querySelector("form[data-hours-editor]");
  if (!form) {
    return;
  }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-day]"));
  var status = form.querySelector("[data-hours-status]");
  var WEEKDAYS = ["tue", "wed", "thu", "fri"];

  function parts(row) {
    var day = row.getAttribute("data-day");
    return {
      opens: form.elements[day + "-opens"],
      closes: form.elements[day + "-closes"],
      closed: form.elements[day + "-closed"],
      allDay: form.elements[day + "-all_day"],
    };
  }

  // A whole-day choice makes the times meaningless: disable them (disabled fields are not sent)
  // but keep their values, so unticking the box brings the day's times back.
  function sync(row) {
    var day = parts(row);
    var wholeDay = day.closed.checked || day.allDay.checked;
    day.opens.disabled = wholeDay;
    day.closes.disabled = wholeDay;
    row.classList.toggle("is-whole-day", wholeDay);
  }

  function flash(row) {
    row.classList.remove("is-copied");
    void row.offsetWidth; // restart the animation when the same row is copied to twice
    row.classList.add("is-copied");
  }

  function copy(fromRow, toRows) {
    var from = parts(fromRow);
    toRows.forEach(function (row) {
      var to = parts(row);
      to.opens.value = from.opens.value;
      to.closes.value = from.closes.value;
      to.closed.checked = from.closed.checked;
      to.allDay.checked = from.allDay.checked;
      sync(row);
      flash(row);
    });
    var names = toRows.map(function (row) { return row.getAttribute("data-day-name"); });
    status.textContent = fromRow.getAttribute("data-day-name") + "’s hours copied to " + names.join(", ") + ".";
  }

  rows.forEach(function (row) {
    var day = parts(row);
    // Closed and 24 hours exclude each other.
    day.closed.addEventListener("change", function () {
      if (day.closed.checked) {
        day.allDay.checked = false;
      }
      sync(row);
    });
    day.allDay.addEventListener("change", function () {
      if (day.allDay.checked) {
        day.closed.checked = false;
      }
      sync(row);
    });
    row.addEventListener("animationend", function () {
      row.classList.remove("is-copied");
    });
    sync(row);

    Array.prototype.forEach.call(row.querySelectorAll("button[data-copy]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var targets = rows.filter(function (other) {
          if (other === row) {
            return false;
          }
          return button.getAttribute("data-copy") === "all" || WEEKDAYS.indexOf(other.getAttribute("data-day")) !== -1;
        });
        copy(row, targets);
      });
    });
  });
})();

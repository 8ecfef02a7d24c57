// The map of the location list. Markers come in one request to map.json with the page's filters
// (every filtered location, not just the page), never a request per location. Without a tile
// source the map is a plain background, so the markers carry the meaning: they are fitted into
// view, gathered into numbered circles where they would overlap, labelled with their ref where
// the labels do not collide, and open a popup with the name and a link to the location.
(function () {
  "use strict";

  var element = document.getElementById("location-map");
  if (!element) {
    return;
  }
  var count = document.getElementById("location-map-count");
  var message = document.getElementById("location-map-message");
  var FAILED = "The map could not be loaded; the table below lists the same locations.";

  // Where the map would be, a sentence instead (no points, or no map at all).
  function showInstead(text) {
    element.hidden = true;
    element.removeAttribute("aria-busy");
    message.textContent = text;
    message.hidden = false;
  }

  function mapFailed() {
    count.closest(".map-legend").hidden = true; // a key to markers that are not there says nothing
    showInstead(FAILED);
  }

  function pointsArrived(answer) {
    var shown = answer.points.length;
    count.textContent = shown + " on the map" +
      (answer.truncated ? " (the first " + shown + "; narrow the filters to see the rest)" : "");
    if (shown === 0) {
      showInstead("No location with coordinates to show.");
      return;
    }
    element.removeAttribute("aria-busy");
    drawMap(answer.points);
  }

  if (!window.L) {
    mapFailed();
    return;
  }
  fetch(element.getAttribute("data-points-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("map points: HTTP " + response.status);
      }
      return response.json(); // a signed-out user gets the login page, which fails here too
    })
    // Only a failed request is "could not be loaded"; a fault in drawing stays a console error.
    .then(pointsArrived, mapFailed);

  function drawMap(points) {
    var tiles = JSON.parse(document.getElementById("location-map-tiles").textContent);
    var detailUrl = element.getAttribute("data-detail-url"); // …/0/ for location 0

    var map = L.map(element, {
      minZoom: 1,
      maxZoom: 18,
      scrollWheelZoom: false, // the page scrolls; zoom with the buttons, a double click or a pinch
      worldCopyJump: true,
    });
    if (tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);

    function popupContent(point) {
      // Built from nodes, not HTML strings: names come from partners and are shown as text.
      var box = document.createElement("div");
      box.className = "map-popup";
      var link = document.createElement("a");
      link.href = detailUrl.replace(/0\/$/, point.id + "/");
      link.textContent = point.name;
      var meta = document.createElement("p");
      meta.textContent = point.ref + " · " + point.type;
      var hours = document.createElement("p");
      var pill = document.createElement("span");
      pill.className = "pill " + (point.open ? "pill-ok" : "pill-muted");
      pill.textContent = point.open ? "Open now" : "Closed";
      hours.appendChild(pill);
      hours.appendChild(document.createTextNode("Today " + point.today));
      box.appendChild(link);
      box.appendChild(meta);
      box.appendChild(hours);
      return box;
    }

    var markers = points.map(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 6,
        weight: 2,
        fillOpacity: 1,
        className: "map-marker " + (point.open ? "is-open" : "is-closed"),
      });
      marker.point = point;
      marker.bindPopup(popupContent(point));
      marker.bindTooltip(point.ref, { permanent: true, direction: "right", offset: [7, 0], className: "map-label" });
      marker.on("mouseover", function () { toggleHover(marker, true); });
      marker.on("mouseout", function () { toggleHover(marker, false); });
      marker.labelWidth = point.ref.length * 7 + 12; // close enough for the small label font
      return marker;
    });
    var clusters = L.layerGroup().addTo(map);

    function toggleHover(marker, on) {
      var label = marker.getTooltip() && marker.getTooltip().getElement();
      if (label) {
        label.classList.toggle("is-hovered", on);
      }
    }

    // Markers closer than this on screen are drawn as one numbered circle; without tiles a heap
    // of overlapping dots says nothing, a count does. Clicking the circle zooms to its markers.
    var CLUSTER_PX = 26;

    function clusterIcon(members) {
      var open = members.filter(function (marker) { return marker.point.open; }).length;
      var element = document.createElement("span");
      element.textContent = String(members.length);
      return {
        icon: L.divIcon({ className: "map-cluster", html: element, iconSize: [30, 30] }),
        title: members.length + " locations, " + open + " open now. Zoom in to see them.",
      };
    }

    function listPopup(members) {
      var list = document.createElement("ul");
      list.className = "map-popup-list";
      members.forEach(function (marker) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = detailUrl.replace(/0\/$/, marker.point.id + "/");
        link.textContent = marker.point.name;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + marker.point.ref));
        list.appendChild(item);
      });
      return list;
    }

    function recluster() {
      var zoom = map.getZoom();
      var groups = [];
      markers.forEach(function (marker) {
        var at = map.project(marker.getLatLng(), zoom);
        var group = null;
        for (var i = 0; i < groups.length && !group; i++) {
          if (groups[i].at.distanceTo(at) < CLUSTER_PX) {
            group = groups[i];
          }
        }
        if (group) {
          group.members.push(marker);
        } else {
          groups.push({ at: at, members: [marker] });
        }
      });
      clusters.clearLayers();
      groups.forEach(function (group) {
        if (group.members.length === 1) {
          if (!map.hasLayer(group.members[0])) {
            group.members[0].addTo(map);
          }
          return;
        }
        var bounds = L.latLngBounds(group.members.map(function (marker) { return marker.getLatLng(); }));
        group.members.forEach(function (marker) { map.removeLayer(marker); });
        var look = clusterIcon(group.members);
        var cluster = L.marker(bounds.getCenter(), { icon: look.icon, title: look.title, riseOnHover: true });
        cluster.on("click", function () {
          if (map.getBoundsZoom(bounds, false, L.point(40, 40)) > zoom) {
            map.fitBounds(bounds, { padding: [40, 40], maxZoom: 16 });
          } else {
            // As close as the map goes (same address): list them instead.
            cluster.bindPopup(listPopup(group.members)).openPopup();
          }
        });
        clusters.addLayer(cluster);
      });
    }

    // Show a label only where it overlaps no cluster and no label already shown (first come, first
    // served, in list order); the others appear on hover.
    function declutter() {
      var taken = [];
      var bounds = map.getBounds();
      clusters.eachLayer(function (cluster) {
        var at = map.latLngToContainerPoint(cluster.getLatLng());
        taken.push({ left: at.x - 15, right: at.x + 15, top: at.y - 15, bottom: at.y + 15 });
      });
      markers.forEach(function (marker) {
        var label = marker.getTooltip() && marker.getTooltip().getElement();
        if (!label || !map.hasLayer(marker)) {
          return;
        }
        var visible = false;
        if (bounds.contains(marker.getLatLng())) {
          var at = map.latLngToContainerPoint(marker.getLatLng());
          var box = { left: at.x + 7, right: at.x + 14 + marker.labelWidth, top: at.y - 9, bottom: at.y + 9 };
          visible = !taken.some(function (other) {
            return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
          });
          if (visible) {
            taken.push(box);
          }
        }
        label.classList.toggle("is-hidden", !visible);
      });
    }

    map.fitBounds(L.latLngBounds(markers.map(function (marker) { return marker.getLatLng(); })), {
      padding: [36, 36],
      maxZoom: 13,
    });
    recluster();
    declutter();
    map.on("zoomend", function () {
      recluster();
      declutter();
    });
    map.on("moveend", declutter);
  }
})();

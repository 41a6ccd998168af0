/* kaart: the viewer's layout without collisions (issue 14 item 4).
 *
 * Panels (info, legend, analysis, layer control) can be folded to a button. After every
 * change of size or content, layout() starts from what the user asked for (opened or folded
 * panels) and makes the map more compact step by step until no control overlaps another or
 * sticks out of the map: fold the layer control, the info panel, the legend, the analysis
 * panel, put the tool buttons in a row, fold the search box, and finally limit the height of
 * the one panel left open (it scrolls). Popups pan below the top controls and get a maximum
 * height that fits, so their title and close button stay visible. */
(function () {
  "use strict";

  var counter = 0;

  function visible(el) {
    var s = window.getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== "none" && s.visibility !== "hidden" && r.width > 0 && r.height > 0;
  }

  /* The controls that overlap each other or stick out of the map (same rule as the test). */
  function collisions(map) {
    var container = map.getContainer(), m = container.getBoundingClientRect(), found = [];
    var controls = Array.prototype.filter.call(
      container.querySelectorAll(".leaflet-control"), visible);
    var boxes = controls.map(function (el) { return el.getBoundingClientRect(); });
    boxes.forEach(function (a, i) {
      if (a.left < m.left - 0.5 || a.top < m.top - 0.5 || a.right > m.right + 0.5 ||
          a.bottom > m.bottom + 0.5) { found.push(controls[i]); }
      boxes.slice(i + 1).forEach(function (b, j) {
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 &&
            b.top < a.bottom - 0.5) { found.push(controls[i], controls[i + 1 + j]); }
      });
    });
    return found;  /* the controls involved */
  }

  function side(el) {
    var corner = el.parentNode;
    return corner && corner.classList.contains("leaflet-left") ? "left" : "right";
  }

  /* A panel the user opened, or is typing in (a search: its list of hits grows and must
   * not fold the panel away under the cursor), is never folded by the layout. Focus on a
   * button or radio (the layer control) does not keep a panel open. */
  function kept(item) {
    var el = document.activeElement;
    var typing = el && item.box.contains(el) &&
      (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" &&
        /^(search|text)$/i.test(el.type || "text")));
    return item.wish === "open" || Boolean(typing);
  }

  function setOpen(item, open) {
    item.box.classList.toggle("kaart-ingeklapt", !open);
    item.button.setAttribute("aria-expanded", open ? "true" : "false");
    item.body.style.maxHeight = "";
  }

  function Layout(map) {
    this.map = map;
    this.items = [];
    this.steps = [];
    this.busy = false;
    var self = this;
    this.popupFold = 0;  /* 1: fold the panels that cover an open popup; 2: fold them all */
    map.on("resize overlayadd overlayremove", function () { self.update(); });
    map.on("popupopen", function (e) { self._popupOpened(e.popup); });
    map.on("draw:created", function () {  /* the analysis result must be seen */
      self._adopt();
      self.items.forEach(function (item) {
        if (item.box.classList.contains("kaart-analyse")) { self.open(item); }
      });
    });
    /* panels whose content changes later (a server answer, a search list) */
    this.observer = window.ResizeObserver ? new window.ResizeObserver(function () {
      if (self.busy || self.pending) { return; }
      self.pending = window.requestAnimationFrame(function () {
        self.pending = null;
        self.update();
      });
    }) : null;
    map.on("popupclose", function () {
      if (self.popupFold) { self.popupFold = 0; self.update(); }
    });
    window.addEventListener("resize", function () { self.update(); });
  }

  /* Make a panel foldable: a button with the panel's name opens and closes its body.
   * ``rank``: panels with a lower rank fold first when space runs out. */
  Layout.prototype.foldable = function (box, body, title, rank) {
    var id = "kaart-paneel-" + (++counter), self = this;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kaart-paneel-knop";
    button.textContent = title;
    button.setAttribute("aria-controls", id);
    button.setAttribute("aria-expanded", "true");
    body.id = id;
    body.classList.add("kaart-paneel-inhoud");
    box.insertBefore(button, box.firstChild);
    var item = {box: box, body: body, button: button, rank: rank, wish: null, title: title};
    button.addEventListener("click", function () {
      var open = box.classList.contains("kaart-ingeklapt");
      self.items.forEach(function (other) { if (other.wish === "open") { other.wish = null; } });
      item.wish = open ? "open" : "closed";
      self.update();
      if (open) { button.focus(); }
    });
    this.items.push(item);
    this.items.sort(function (a, b) { return a.rank - b.rank; });
    return item;
  };

  /* Panels other scripts add (the served viewer's search and analysis, maps/assets/
   * objecten.js) fold too: the heading (or the label) names the button. */
  var ADOPT = {"kaart-analyse": [4, "Gebied analyseren"], "kaart-zoek": [5, "Zoek object"],
               "kaart-versies": [0, "Versies"]};  /* versies.js (version picker): folds first */

  Layout.prototype._adopt = function () {
    var self = this, container = this.map.getContainer();
    container.querySelectorAll(".leaflet-control.kaart-paneel").forEach(function (box) {
      if (box.querySelector(":scope > .kaart-paneel-knop")) { return; }
      var kind = Object.keys(ADOPT).filter(function (k) { return box.classList.contains(k); })[0];
      if (!kind) { return; }
      var heading = box.querySelector(":scope > h3, :scope > h4");
      var title = heading ? heading.textContent : ADOPT[kind][1];
      if (heading) { box.removeChild(heading); }
      var body = document.createElement("div");
      while (box.firstChild) { body.appendChild(box.firstChild); }
      box.appendChild(body);
      box.setAttribute("role", box.getAttribute("role") || "region");
      box.setAttribute("aria-label", title);
      self.foldable(box, body, title, ADOPT[kind][0]);
    });
    if (this.observer) {
      container.querySelectorAll(".leaflet-control").forEach(function (el) {
        if (!el._kaartObserved) { el._kaartObserved = true; self.observer.observe(el); }
      });
    }
  };

  /* An extra compaction step (a function(on)) tried after folding the panels. */
  Layout.prototype.step = function (apply) { this.steps.push(apply); };

  Layout.prototype.open = function (item) {
    this.items.forEach(function (other) { if (other.wish === "open") { other.wish = null; } });
    item.wish = "open";
    this.update();
  };

  Layout.prototype.update = function () {
    if (this.busy) { return; }
    this.busy = true;
    try { this._adopt(); this._fit(); } finally { this.busy = false; }
    this._popupRoom();
  };

  Layout.prototype._fit = function () {
    var map = this.map, container = map.getContainer();
    var fold = this.popupFold;
    container.classList.remove("kaart-compact");
    this._shiftRight(false);
    this.steps.forEach(function (apply) { apply(false); });
    this.items.forEach(function (item) {
      setOpen(item, item.wish !== "closed" && !(fold === 2 || (fold && !kept(item))));
    });
    var small = container.clientWidth < 560 || container.clientHeight < 480;
    var actions = [function () { container.classList.add("kaart-compact"); }];
    this.steps.forEach(function (apply) { actions.push(function () { apply(true); }); });
    var self = this;
    actions.push(function () { self._shiftRight(true); });
    if (small) {  /* a phone or a zoomed-in page: start compact, panels as buttons */
      container.classList.add("kaart-compact");
      this.steps.forEach(function (apply) { apply(true); });
      this.items.forEach(function (item) { if (!kept(item)) { setOpen(item, false); } });
    }
    /* fold, lowest rank first, the panels on the side (left/right) where controls collide;
     * when none is left there, take the next compaction step */
    var next = 0, items = this.items;
    for (var guard = 0; guard < 40; guard++) {
      var hit = collisions(map), sides = {};
      if (!hit.length) { break; }
      hit.forEach(function (el) { sides[side(el)] = true; });
      var victim = items.filter(function (item) {
        return !kept(item) && sides[side(item.box)] &&
               !item.box.classList.contains("kaart-ingeklapt");
      })[0];
      if (victim) { setOpen(victim, false); } else if (next < actions.length) { actions[next++](); }
      else { break; }
    }
    this._limitOpen();
  };

  /* Last step before limiting heights: the top-right panels move below the tool buttons. */
  Layout.prototype._shiftRight = function (on) {
    var container = this.map.getContainer();
    var right = container.querySelector(".leaflet-top.leaflet-right");
    if (!right) { return; }
    right.style.top = "";
    if (!on) { return; }
    var m = container.getBoundingClientRect(), bottom = 0;
    container.querySelectorAll(".leaflet-top.leaflet-left .leaflet-control").forEach(function (el) {
      if (visible(el)) { bottom = Math.max(bottom, el.getBoundingClientRect().bottom - m.top); }
    });
    right.style.top = Math.ceil(bottom) + "px";
  };

  /* A popup whose title or close button is under a panel: fold the panels (all of them on
   * a small map) until it closes, and lay the popup out again in the room that gives. */
  Layout.prototype._popupOpened = function (popup) {
    var self = this, container = this.map.getContainer();
    function covered() {
      var box = popup.getElement && popup.getElement();
      if (!box) { return false; }
      var r = box.getBoundingClientRect(), head = {top: r.top, bottom: r.top + 40};
      return Array.prototype.some.call(container.querySelectorAll(".leaflet-control"),
        function (el) {
          if (!visible(el)) { return false; }
          var c = el.getBoundingClientRect();
          return c.left < r.right && r.left < c.right && c.top < head.bottom &&
                 head.top < c.bottom;
        });
    }
    function outside() {  /* opened during a zoom: its head may be above the map */
      var box = popup.getElement && popup.getElement(), m = container.getBoundingClientRect();
      if (!box) { return false; }
      var r = box.getBoundingClientRect();
      return r.top < m.top || r.left < m.left || r.right > m.right;
    }
    var tries = 0;
    function check() {
      if (!popup.isOpen() || tries >= 4) { return; }
      var compact = container.classList.contains("kaart-compact");
      if (!covered() && !outside() && (!compact || self.popupFold === 2)) { return; }
      tries += 1;
      var fold = compact || self.popupFold ? 2 : 1;
      if (self.popupFold !== fold) { self.popupFold = fold; self.update(); }
      popup.update();  /* lays out and pans again in the new room */
    }
    check();
    /* a popup opened during a zoom or pan animation is checked again when it ends */
    this.map.once("moveend", function () { window.setTimeout(check, 0); });
    window.setTimeout(check, 250);
  };

  /* Still colliding with everything folded: the open panels get a height that fits. */
  Layout.prototype._limitOpen = function () {
    var map = this.map;
    var open = this.items.filter(function (item) {
      return !item.box.classList.contains("kaart-ingeklapt");
    });
    for (var round = 0; round < 8 && open.length && collisions(map).length; round++) {
      open.forEach(function (item) {
        var h = item.body.getBoundingClientRect().height;
        item.body.style.maxHeight = Math.max(48, Math.floor(h * 0.7)) + "px";
      });
    }
    for (var i = 0; i < open.length && collisions(map).length; i++) { setOpen(open[i], false); }
  };

  /* The room a popup has: below the controls at the top, inside the map. */
  Layout.prototype._popupRoom = function () {
    var container = this.map.getContainer(), top = 0;
    var m = container.getBoundingClientRect();
    container.querySelectorAll(".leaflet-top .leaflet-control").forEach(function (el) {
      if (visible(el)) { top = Math.max(top, el.getBoundingClientRect().bottom - m.top); }
    });
    this.map._kaartPopupRoom = {top: Math.ceil(top) + 8, height: container.clientHeight};
  };

  /* Popups: pan below the top controls and scroll inside when the map is low. */
  var updateLayout = L.Popup.prototype._updateLayout;
  L.Popup.prototype._updateLayout = function () {
    var room = this._map && this._map._kaartPopupRoom;
    if (room) {
      this.options.autoPanPaddingTopLeft = L.point(8, room.top);
      this.options.autoPanPaddingBottomRight = L.point(8, 8);
      this.options.maxHeight = Math.max(120, room.height - room.top - 60);
      var width = this._map.getContainer().clientWidth - 70;  /* margins, close button */
      this.options.maxWidth = Math.min(this.options.maxWidth || 300, width);
      this.options.minWidth = Math.min(this.options.minWidth || 50, width);
    }
    var result = updateLayout.apply(this, arguments);
    var content = this._contentNode;  /* a scrolling popup can be scrolled by keyboard */
    if (content && content.classList.contains("leaflet-popup-scrolled")) {
      content.setAttribute("tabindex", "0");
    } else if (content) {
      content.removeAttribute("tabindex");
    }
    return result;
  };

  window.KaartIndeling = {
    create: function (map) { return new Layout(map); },
    collisions: collisions
  };
}());

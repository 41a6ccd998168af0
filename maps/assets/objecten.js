/* kaart: objects of the served viewer, loaded from the server instead of embedded in the page.
 *  - per theme a vector tile layer (MVT, /tiles/<kaart>/objecten/{z}/{x}/{y}.mvt?thema=...)
 *  - a click opens the object's popup (HTML from the server, escaped there)
 *  - search, "gebied analyseren" and the object table ask the server's table endpoint
 * Every text from the server is put in the page with textContent, never as markup (except
 * the popup HTML, which the server builds with every value escaped).
 * Built by maps/builder.py (config from Python); needs leaflet.vectorgrid. */
(function () {
  "use strict";

  var SORTABLE = [["naam", "Naam"], ["thema", "Thema"], ["gemeentenaam", "Gemeente"],
    ["score", "Score"], ["klasse", "Klasse"], ["volledigheid", "Volledigheid"]];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function query(params) {
    return Object.keys(params).filter(function (k) {
      return params[k] !== null && params[k] !== undefined && params[k] !== "";
    }).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  function getJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function number(value, digits) {
    if (value === null || value === undefined || value === "") { return "onbekend"; }
    return Number(value).toFixed(digits).replace(".", ",");
  }

  function percent(value) {
    if (value === null || value === undefined) { return "onbekend"; }
    return Math.round(Number(value) * 100) + "%";
  }

  function Objects(map, config) {
    this.map = map;
    this.config = config;
    this.layers = {};
    this.specs = {};
    this.kind = "gelegenheid";
  }

  /* The style of maps/style.py's object_style for the object's class on the map kind that
     is shown (risico and gecombineerd classes come from the gecombineerd run's tiles). */
  Objects.prototype.style = function (properties) {
    var kind = this.kind, styles = this.config.styles[kind];
    var value = properties[this.config.columns[kind]];
    var key = value === null || value === undefined ? "onbekend" : String(parseInt(value, 10));
    return L.extend({fill: true, radius: 7}, styles[key] || styles.onbekend);
  };

  /* The URL a theme layer draws from for the shown kind: the gecombineerd run's objects for
     risico and gecombineerd (when the user may see them), else the map's own objects. */
  Objects.prototype.urlFor = function (spec) {
    return this.kind !== "gelegenheid" && spec.classUrl ? spec.classUrl : spec.url;
  };

  /* kaart.js fires kaart:objectkleur when another map kind is shown: redraw in its colours. */
  Objects.prototype.setKind = function (kind) {
    if (!this.config.styles[kind] || kind === this.kind) { return; }
    this.kind = kind;
    var self = this;
    Object.keys(this.layers).forEach(function (thema) {
      var layer = self.layers[thema], url = self.urlFor(self.specs[thema]);
      if (layer._url !== url) { layer.setUrl(url); } else { layer.redraw(); }
    });
    this.map.getContainer().setAttribute("data-objecten-soort", kind);
  };

  /* Objects are drawn above the offline background and boundaries (overlayPane, 400): in
     the tile pane the background's kernen covered them. */
  var PANE = "kaartObjecten";

  Objects.prototype.addLayers = function (control) {
    var self = this;
    if (!this.map.getPane(PANE)) { this.map.createPane(PANE).style.zIndex = 450; }
    this.config.layers.forEach(function (spec) {
      var styles = {};
      styles[self.config.mvtLayer] = function (properties) { return self.style(properties); };
      self.specs[spec.thema] = spec;
      var layer = L.vectorGrid.protobuf(self.urlFor(spec), {
        vectorTileLayerStyles: styles, interactive: true, maxZoom: 22, pane: PANE,
        minZoom: self.config.minZoom || 0,
        fetchOptions: {credentials: "same-origin"},
        getFeatureId: function (f) { return f.properties.thema + "|" + f.properties.id; }
      });
      layer.on("click", function (e) {
        var p = e.layer && e.layer.properties;
        if (p) { self.openPopup(p.thema, p.id, e.latlng); }
      });
      layer.addTo(self.map);
      if (control) { control.addOverlay(layer, spec.name); }
      self.layers[spec.thema] = layer;
    });
  };

  Objects.prototype.openPopup = function (thema, id, latlng) {
    var self = this;
    var layer = this.layers[thema];
    if (layer && !this.map.hasLayer(layer)) { this.map.addLayer(layer); }
    return getJson(this.config.popupUrl + "?" + query({thema: thema, id: id}))
      .then(function (data) {
        L.popup({maxWidth: 460, minWidth: 320, autoPanPadding: [40, 60]})
          .setLatLng(latlng).setContent(data.html).openOn(self.map);
      });
  };

  Objects.prototype.showRow = function (row) {
    var g = row.grenzen;
    if (g && g[0] !== null) {
      this.map.fitBounds([[g[0], g[1]], [g[2], g[3]]], {maxZoom: 16});
    } else {
      this.map.setView([row.lat, row.lon], 16);
    }
    return this.openPopup(row.thema, row.id, L.latLng(row.lat, row.lon));
  };

  /* Search: a text box and a list of buttons (keyboard: Tab and Enter). */
  Objects.prototype.addSearch = function () {
    var self = this, timer = null;
    var Control = L.Control.extend({
      onAdd: function () {
        var box = el("div", "kaart-paneel kaart-zoek");
        var label = el("label", "kaart-zoek-label", "Zoek object");
        var input = el("input", "kaart-zoek-invoer");
        input.type = "search";
        input.id = "kaart-zoek-invoer";
        input.placeholder = "Zoek object op naam…";
        input.setAttribute("autocomplete", "off");
        label.htmlFor = input.id;
        var list = el("ul", "kaart-zoek-lijst");
        list.setAttribute("aria-live", "polite");
        var hint = el("p", "kaart-zoom-hint", "Zoom in om objecten te zien.");
        hint.hidden = true;
        self.zoomHint = hint;
        box.appendChild(label);
        box.appendChild(input);
        box.appendChild(list);
        box.appendChild(hint);
        input.addEventListener("input", function () {
          clearTimeout(timer);
          timer = setTimeout(function () { self.search(input.value, list); }, 250);
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        self.searchBox = box;
        return box;
      }
    });
    new Control({position: "topleft"}).addTo(this.map);
  };

  Objects.prototype.search = function (text, list) {
    var self = this;
    list.textContent = "";
    if (text.trim().length < 2) { return; }
    getJson(this.config.tabelUrl + "?" + query({zoek: text.trim(), limit: 8})).then(function (data) {
      list.textContent = "";
      if (!data.rijen.length) { list.appendChild(el("li", "kaart-zoek-leeg", "Niet gevonden")); }
      data.rijen.forEach(function (row) {
        var item = el("li");
        var button = el("button", "kaart-zoek-treffer",
          (row.naam || row.id) + " — " + (row.thema_naam || row.thema) +
          (row.gemeentenaam ? ", " + row.gemeentenaam : ""));
        button.type = "button";
        button.addEventListener("click", function () { self.showRow(row); });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (data.aantal_gevonden > data.rijen.length) {
        list.appendChild(el("li", "kaart-zoek-meer", (data.aantal_gevonden - data.rijen.length) +
          " meer; verfijn de zoekterm of open de objectentabel."));
      }
    });
  };

  /* Gebied analyseren: the drawn shape goes to the server, which counts the objects. */
  function ringParam(layer) {
    var rings = layer.getLatLngs();
    while (rings.length && Array.isArray(rings[0])) { rings = rings[0]; }
    return rings.map(function (p) {
      return p.lng.toFixed(6) + "," + p.lat.toFixed(6);
    }).join(";");
  }

  Objects.prototype.countsTable = function (telling) {
    var names = this.config.classNames, table = el("table", "kaart-analyse-tabel");
    var order = this.config.classOrder, head = el("tr");
    head.appendChild(el("th", null, "Thema"));
    order.forEach(function (k) {
      var th = el("th", null, names[k] || k);
      head.appendChild(th);
    });
    head.appendChild(el("th", null, "Totaal"));
    table.appendChild(head);
    var self = this;
    Object.keys(telling).sort().forEach(function (thema) {
      var c = telling[thema], row = el("tr");
      row.appendChild(el("td", null, self.config.themes[thema] || thema));
      order.forEach(function (k) { row.appendChild(el("td", null, String(c[k] || 0))); });
      var total = el("td");
      total.appendChild(el("b", null, String(c.totaal)));
      row.appendChild(total);
      table.appendChild(row);
    });
    return table;
  };

  Objects.prototype.downloadLink = function (params, formaat, text, id, name) {
    var link = el("a", "kaart-knop", text);
    link.href = this.config.downloadUrl + "?" + query(L.extend({}, params, {formaat: formaat}));
    link.setAttribute("download", name || "");
    if (id) { link.id = id; }
    return link;
  };

  Objects.prototype.addAnalysis = function () {
    var self = this, config = this.config;
    var Control = L.Control.extend({
      onAdd: function () {
        var box = el("div", "kaart-paneel kaart-analyse");
        box.appendChild(el("h4", null, "Gebied analyseren"));
        box.appendChild(el("p", "kaart-analyse-hint", "Teken een gebied met de veelhoek- of " +
          "rechthoekknop links om objecten per thema en klasse te tellen."));
        box.appendChild(el("div", "kaart-analyse-resultaat"));
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    var control = new Control({position: "topright"}).addTo(this.map);
    var box = control.getContainer(), result = box.querySelector(".kaart-analyse-resultaat");
    var drawn = config.drawnItems ? window[config.drawnItems] : null;
    this.map.on("draw:created", function (e) {
      if (drawn) {
        drawn.eachLayer(function (layer) { if (layer !== e.layer) { drawn.removeLayer(layer); } });
      }
      var params = {veelhoek: ringParam(e.layer)};
      result.textContent = "Bezig met tellen…";
      getJson(config.tabelUrl + "?" + query(L.extend({limit: 1}, params))).then(function (data) {
        result.textContent = "";
        if (!data.aantal_gevonden) {
          result.appendChild(el("p", null, "Geen objecten in het getekende gebied."));
          return;
        }
        var intro = el("p");
        intro.appendChild(el("b", null, String(data.aantal_gevonden)));
        intro.appendChild(document.createTextNode(
          " objecten in het gebied (aantal per thema en klasse):"));
        result.appendChild(intro);
        /* downloads first: they stay reachable above the legend on small screens */
        result.appendChild(self.downloadLink(params, "csv", "Download CSV (" +
          data.aantal_gevonden + " objecten)", "kaart-analyse-csv", config.csvName));
        result.appendChild(self.downloadLink(params, "xlsx", "Download XLSX",
          "kaart-analyse-xlsx", config.csvName.replace(/\.csv$/, ".xlsx")));
        result.appendChild(self.countsTable(data.telling));
      }, function () {
        result.textContent = "Tellen lukte niet; probeer het opnieuw.";
      });
      box.classList.add("kaart-analyse-actief");
    });
    this.map.on("draw:deleted", function () { result.textContent = ""; });
  };

  /* Below minZoom (large maps) no object tiles are drawn: say so in the search panel and
     in the layer names (the layer control and search panel are where objects live). */
  Objects.prototype.showZoomHint = function (control) {
    var self = this, container = this.map.getContainer();
    function update() {
      var out = self.map.getZoom() < (self.config.minZoom || 0);
      container.setAttribute("data-objecten-zichtbaar", out ? "nee" : "ja");
      if (self.zoomHint) { self.zoomHint.hidden = !out; }
      self.config.layers.forEach(function (spec) {
        var layer = self.layers[spec.thema];
        if (!control || !layer) { return; }
        control.removeLayer(layer);
        control.addOverlay(layer, out ? spec.name + " – zoom in om objecten te zien" : spec.name);
      });
    }
    var shown = null;
    this.map.on("zoomend", function () {
      var out = self.map.getZoom() < (self.config.minZoom || 0);
      if (out !== shown) { shown = out; update(); }
    });
    shown = this.map.getZoom() < (this.config.minZoom || 0);
    update();
  };

  Objects.prototype.init = function (control) {
    var self = this, shown = this.map.getContainer().getAttribute("data-kaart-objectkleur");
    if (shown && this.config.styles[shown]) { this.kind = shown; }
    this.map.getContainer().setAttribute("data-objecten-soort", this.kind);
    this.map.on("kaart:objectkleur", function (e) { self.setKind(e.soort); });
    this.addLayers(control);
    this.addSearch();
    if (this.config.minZoom) { this.showZoomHint(control); }
    this.addAnalysis();
    if (window.KaartObjectTabel) { window.KaartObjectTabel.add(this); }
    this.map.getContainer().setAttribute("data-objecten-klaar", "ja");
  };

  window.KaartObjecten = {
    init: function (map, config, control) {
      var objects = new Objects(map, config);
      objects.init(control);
      window.KaartObjecten.current = objects;
      return objects;
    },
    helpers: {el: el, query: query, getJson: getJson, number: number, percent: percent,
      sortable: SORTABLE}
  };
})();

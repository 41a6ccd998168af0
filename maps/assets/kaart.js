/* kaart: panels, legend, offline fallback, search and "gebied analyseren" for Leaflet maps.
 * Built by maps/builder.py; works without network (no external requests of its own). */
(function () {
  "use strict";

  var CLASS_NAMES = {1: "zeer laag", 2: "laag", 3: "gemiddeld", 4: "hoog", 5: "zeer hoog"};

  function el(tag, className, html) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (html !== undefined) { node.innerHTML = html; }
    return node;
  }

  function esc(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function panel(map, position, className, html) {
    var Control = L.Control.extend({
      onAdd: function () {
        var div = el("div", "kaart-paneel " + className, html);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    var control = new Control({position: position});
    control.addTo(map);
    return control.getContainer();
  }

  /* A panel that folds to a button with its title (maps/assets/indeling.js). */
  function foldablePanel(map, layout, position, className, html, title, rank) {
    var box = panel(map, position, className, "");
    var body = el("div", "", html);
    box.appendChild(body);
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", title);
    return {box: box, body: body, item: layout.foldable(box, body, title, rank)};
  }

  /* Leaflet's layer control folds like the panels. */
  function foldableLayers(map, layout) {
    var box = map.getContainer().querySelector(".leaflet-control-layers");
    var body = box && box.querySelector(".leaflet-control-layers-list");
    if (!body) { return; }
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Kaartlagen");
    layout.foldable(box, body, "Kaartlagen", 1);
  }

  function dutchDraw() {
    if (!L.drawLocal) { return; }
    var d = L.drawLocal.draw;
    d.toolbar.actions = {title: "Tekenen annuleren", text: "Annuleren"};
    d.toolbar.finish = {title: "Tekenen afronden", text: "Afronden"};
    d.toolbar.undo = {title: "Laatste punt verwijderen", text: "Laatste punt verwijderen"};
    d.toolbar.buttons.polygon = "Gebied analyseren: teken een veelhoek";
    d.toolbar.buttons.rectangle = "Gebied analyseren: teken een rechthoek";
    d.handlers.polygon.tooltip = {
      start: "Klik om het gebied te beginnen.",
      cont: "Klik om verder te tekenen.",
      end: "Klik op het eerste punt om het gebied te sluiten."
    };
    d.handlers.rectangle.tooltip = {start: "Klik en sleep om een rechthoek te tekenen."};
    d.handlers.simpleshape.tooltip = {end: "Laat de muis los om af te ronden."};
    var e = L.drawLocal.edit;
    e.toolbar.buttons = {edit: "Gebied bewerken", editDisabled: "Geen gebied om te bewerken",
      remove: "Gebied wissen", removeDisabled: "Geen gebied om te wissen"};
    e.toolbar.actions = {save: {title: "Opslaan", text: "Opslaan"},
      cancel: {title: "Annuleren", text: "Annuleren"},
      clearAll: {title: "Alles wissen", text: "Alles wissen"}};
  }

  /* Ray casting on [lng, lat] rings: is the point inside the (outer) ring? */
  function inRing(lng, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i].lng, yi = ring[i].lat, xj = ring[j].lng, yj = ring[j].lat;
      if (((yi > lat) !== (yj > lat)) && (lng < (xj - xi) * (lat - yi) / (yj - yi) + xi)) {
        inside = !inside;
      }
    }
    return inside;
  }

  function outerRing(layer) {
    var rings = layer.getLatLngs();
    while (rings.length && Array.isArray(rings[0])) { rings = rings[0]; }
    return rings;
  }

  /* One CSV cell. Text starting with a formula trigger (=, +, -, @, tab, CR; the list
   * comes from geo/export/tabular.py) gets a leading quote, as in every other export;
   * numbers stay numbers. */
  function csvValue(value, triggers) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "number") { return String(value).replace(".", ","); }
    var text = String(value);
    if (text && (triggers || []).indexOf(text.charAt(0)) >= 0) { text = "'" + text; }
    return /[";\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function objectsInside(objectLayers, ring) {
    var found = [];
    Object.keys(objectLayers).forEach(function (thema) {
      objectLayers[thema].eachLayer(function (layer) {
        var p = layer.feature && layer.feature.properties;
        if (p && inRing(p._lon, p._lat, ring)) { found.push(p); }
      });
    });
    return found;
  }

  function analysisHtml(found, themes) {
    if (!found.length) { return "<p>Geen objecten in het getekende gebied.</p>"; }
    var counts = {};
    found.forEach(function (p) {
      counts[p.thema] = counts[p.thema] || {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, totaal: 0};
      counts[p.thema][p.klasse] = (counts[p.thema][p.klasse] || 0) + 1;
      counts[p.thema].totaal += 1;
    });
    var head = "<tr><th>Thema</th>";
    for (var k = 1; k <= 5; k++) { head += '<th title="' + CLASS_NAMES[k] + '">' + k + "</th>"; }
    head += "<th>Totaal</th></tr>";
    var rows = Object.keys(counts).sort().map(function (thema) {
      var c = counts[thema], row = "<tr><td>" + esc(themes[thema] || thema) + "</td>";
      for (var k = 1; k <= 5; k++) { row += "<td>" + (c[k] || 0) + "</td>"; }
      return row + "<td><b>" + c.totaal + "</b></td></tr>";
    }).join("");
    return "<p><b>" + found.length + "</b> objecten in het gebied (aantal per klasse 1 = zeer laag … 5 = zeer hoog):</p>" +
      '<table class="kaart-analyse-tabel">' + head + rows + "</table>";
  }

  function toCsv(found, columns, triggers) {
    var lines = [columns.map(function (c) { return c[1]; }).join(";")];
    found.forEach(function (p) {
      lines.push(columns.map(function (c) { return csvValue(p[c[0]], triggers); }).join(";"));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function addAnalysis(map, config, layout) {
    dutchDraw();
    var folded = foldablePanel(map, layout, "topright", "kaart-analyse",
      "<p class=\"kaart-analyse-hint\">Teken een gebied met de " +
      "veelhoek- of rechthoekknop links om objecten per thema en klasse te tellen.</p>" +
      '<div class="kaart-analyse-resultaat" aria-live="polite"></div>', "Gebied analyseren", 4);
    var box = folded.box;
    var result = box.querySelector(".kaart-analyse-resultaat");
    var drawn = config.drawnItems ? window[config.drawnItems] : null;
    map.on("draw:created", function (e) {
      if (drawn) {
        drawn.eachLayer(function (layer) { if (layer !== e.layer) { drawn.removeLayer(layer); } });
      }
      var found = objectsInside(config.objectLayers, outerRing(e.layer));
      result.innerHTML = analysisHtml(found, config.themes);
      if (found.length) {
        var blob = new Blob([toCsv(found, config.csvColumns, config.formulaTriggers)], {type: "text/csv;charset=utf-8"});
        var link = el("a", "kaart-knop", "Download CSV (" + found.length + " objecten)");
        link.href = URL.createObjectURL(blob);
        link.download = config.csvName || "gebied_analyse.csv";
        link.id = "kaart-analyse-csv";
        result.insertBefore(link, result.querySelector("table"));  /* visible first */
      }
      box.classList.add("kaart-analyse-actief");
      layout.open(folded.item);
      var body = folded.body;  /* a low panel scrolls: the result (and its CSV) first */
      body.scrollTop += result.getBoundingClientRect().top - body.getBoundingClientRect().top;
    });
    map.on("draw:deleted", function () { result.innerHTML = ""; layout.update(); });
  }

  function addSearch(map, config, layout) {
    if (!L.Control.Search) { return; }
    var group = L.layerGroup(Object.keys(config.objectLayers).map(function (k) {
      return config.objectLayers[k];
    }));
    var search = new L.Control.Search({
      layer: group, propertyName: "_zoeknaam", marker: false, initial: false,
      collapsed: false, position: "topleft", textPlaceholder: "Zoek object op naam…",
      /* the plug-in's default puts the (user-supplied) name in the list with innerHTML */
      buildTip: function (text) {
        var tip = document.createElement("li");
        tip.textContent = text;
        return tip;
      },
      textErr: "Niet gevonden", textCancel: "Wissen",
      moveToLocation: function (latlng, title, m) {
        /* no animation: the popup that opens next pans from the final view */
        var layer = latlng.layer, room = m._kaartPopupRoom || {top: 10};
        if (layer.getBounds) {
          m.fitBounds(layer.getBounds(), {maxZoom: 16, animate: false,
            paddingTopLeft: [10, room.top], paddingBottomRight: [10, 10]});
        } else { m.setView(latlng, 16, {animate: false}); }
      }
    });
    search.on("search:locationfound", function (e) {
      Object.keys(config.objectLayers).forEach(function (k) {
        var layer = config.objectLayers[k];
        if (layer.hasLayer(e.layer) && !map.hasLayer(layer)) { map.addLayer(layer); }
      });
      search._input.blur();
      layout.update();
      if (e.layer.openPopup) { e.layer.openPopup(); }
    });
    map.addControl(search);
    var input = search._input;
    input.removeAttribute("role");  /* the plug-in puts role=search on the input itself */
    input.setAttribute("aria-label", "Zoek object op naam");
    layout.step(function (compact) {  /* fold the search box to its button */
      search.options.collapsed = compact;
      var keep = !compact || document.activeElement === input || input.value;
      input.style.display = keep ? "block" : "none";
      search._container.classList.toggle("search-exp", !!keep);
    });
  }

  /* Objects take the colours of the legend block of the map that is shown (the swatches
     are the colours as drawn), read from the class column that block names. */
  function objectStyler(block) {
    var column = block ? block.getAttribute("data-eigenschap") : "klasse";
    var colours = {};
    if (block) {
      block.querySelectorAll("[data-klasse]").forEach(function (item) {
        var swatch = item.classList.contains("kaart-bivariaat-cel") ? item
          : item.querySelector(".kaart-swatch");
        if (swatch) { colours[item.getAttribute("data-klasse")] = swatch.style.backgroundColor; }
      });
    }
    return function (feature) {
      var value = feature && feature.properties ? feature.properties[column] : null;
      var key = value === null || value === undefined ? "0" : String(parseInt(value, 10));
      return {color: "#222222", weight: 2, opacity: 1, fillOpacity: 1,
              fillColor: colours[key] || colours["0"] || "#9e9e9e"};
    };
  }

  /* Objects drawn in the page (standalone map) are reachable by keyboard: Tab reaches each
   * one (its name, theme and class are read out), Enter or space opens its popup and puts
   * focus on the popup's close button; closing returns focus to the object. */
  function keyboardObjects(map, config) {
    function tag(feature) {
      var node = feature.getElement && feature.getElement(), p = feature.feature.properties;
      if (!node || node.getAttribute("tabindex")) { return; }
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", (p.naam || p.id || "object") + ", " +
        (config.themes[p.thema] || p.thema || "") + ", klasse " + (p.klasse_naam || "onbekend"));
      node.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") { return; }
        e.preventDefault();
        feature.openPopup();
        var popup = feature.getPopup(), box = popup && popup.getElement();
        var close = box && box.querySelector(".leaflet-popup-close-button");
        if (close) { close.focus(); }
        map.once("popupclose", function () { node.focus(); });
      });
    }
    Object.keys(config.objectLayers).forEach(function (thema) {
      config.objectLayers[thema].eachLayer(function (feature) {
        feature.on("add", function () { tag(feature); });
        tag(feature);
      });
    });
  }

  function addLegend(map, config, layout) {
    var box = foldablePanel(map, layout, "bottomright", "kaart-legenda", config.legend,
                            "Legenda", 3).box;
    var shown = null;
    function refresh(event) {
      var visible = {gelegenheid: true};
      config.rasters.forEach(function (r) {
        if (map.hasLayer(r.layer)) {
          visible[r.soort] = true;
          if (event && event.type === "overlayadd" && event.layer === r.layer) { shown = r.soort; }
        }
      });
      if (!shown || !visible[shown]) {
        shown = "gelegenheid";
        config.rasters.forEach(function (r) { if (map.hasLayer(r.layer)) { shown = r.soort; } });
      }
      box.querySelectorAll(".kaart-legenda-blok").forEach(function (block) {
        block.style.display = visible[block.getAttribute("data-soort")] ? "" : "none";
      });
      var styler = objectStyler(box.querySelector('.kaart-legenda-blok[data-soort="' + shown + '"]'));
      Object.keys(config.objectLayers).forEach(function (k) {
        var layer = config.objectLayers[k];
        layer.options.style = styler;  /* also used by resetStyle after a highlight */
        if (layer.setStyle) { layer.setStyle(styler); }
      });
      map.getContainer().setAttribute("data-kaart-objectkleur", shown);
      map.fire("kaart:objectkleur", {soort: shown});  /* objecten.js: served objects */
    }
    map.on("overlayadd overlayremove", refresh);
    refresh();
    layout.update();
  }

  function addOfflineFallback(map, config, layout) {
    if (!config.osm || !config.plain) { return; }
    var errors = 0, switched = false;
    config.osm.on("tileerror", function () {
      errors += 1;
      if (switched || errors < 2 || !map.hasLayer(config.osm)) { return; }
      switched = true;
      map.removeLayer(config.osm);
      map.addLayer(config.plain);
      map.getContainer().classList.add("kaart-offline");
      foldablePanel(map, layout, "bottomleft", "kaart-melding",
        "Achtergrondkaart niet bereikbaar (offline): eigen achtergrond getoond.",
        "Geen achtergrondkaart", 0);
      layout.update();
    });
  }

  /* Place names of the offline background only from zoom 10 on: zoomed out over a province
     or the country they pile up into an unreadable block. */
  function placeNames(map) {
    function update() {
      map.getContainer().classList.toggle("kaart-ver-uit", map.getZoom() < 10);
    }
    map.on("zoomend", update);
    update();
  }

  window.Kaart = {
    init: function (map, config) {
      var layout = window.KaartIndeling.create(map);
      L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
      foldablePanel(map, layout, "bottomleft", "kaart-info-paneel", config.info,
                    "Over deze kaart", 2);
      foldableLayers(map, layout);
      addLegend(map, config, layout);
      addOfflineFallback(map, config, layout);
      placeNames(map);
      if (Object.keys(config.objectLayers).length) {
        addSearch(map, config, layout);
        addAnalysis(map, config, layout);
        keyboardObjects(map, config);
      }
      layout.update();
      map.getContainer().setAttribute("data-kaart-klaar", "ja");
    },
    _inRing: inRing,
    _toCsv: toCsv
  };
})();

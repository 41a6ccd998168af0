/* Version picker and "veranderingen" layer of the served viewer (maps/versies.py).
 * Lists the versions of the area's gelegenheidskaart (GET versiesUrl) and shows per
 * changed object a marker (GET veranderingenUrl?van=&naar=). Every server string is put on
 * the page with textContent, never as HTML. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function dateText(iso) {
    if (!iso) return "datum onbekend";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "datum onbekend";
    return d.toLocaleDateString("nl-NL", {day: "2-digit", month: "2-digit", year: "numeric"});
  }

  function getJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok) {
            throw new Error(body.detail || body.melding || body.title || ("fout " + r.status));
          }
          return body;
        });
      });
  }

  function icon(style) {
    var html = el("span", "verandering-icoon", style.symbool);
    html.style.background = style.kleur;
    return L.divIcon({className: "kaart-verandering", html: html.outerHTML,
                      iconSize: [20, 20], iconAnchor: [10, 10]});
  }

  function popup(row, style) {
    var box = el("div");
    box.appendChild(el("strong", null, row.naam || row.id));
    box.appendChild(el("div", null, style.label + " (" + row.thema + ")"));
    var klasse = "klasse " + (row.klasse_van === null ? "–" : row.klasse_van) + " → " +
      (row.klasse_naar === null ? "–" : row.klasse_naar);
    box.appendChild(el("div", null, klasse));
    if (row.gemeentenaam) box.appendChild(el("div", null, row.gemeentenaam));
    return box;
  }

  function init(map, config) {
    var layer = L.featureGroup();
    var control = L.control({position: "bottomleft"});
    var parts = {};

    control.onAdd = function () {
      // a panel the viewer's layout (indeling.js) folds to a button "Versies" when space
      // runs out; the h3 names that button
      var box = el("div", "kaart-paneel kaart-versies");
      box.id = "kaart-versies";
      box.appendChild(el("h3", null, "Versies"));
      var inner = el("div", "inhoud");
      box.appendChild(inner);
      inner.appendChild(el("p", null, "Per object: hoger, lager, nieuw of verdwenen."));
      ["van", "naar"].forEach(function (name) {
        var label = el("label", null, name === "van" ? "Van versie" : "Naar versie");
        var select = el("select");
        select.id = "versie-" + name;
        label.htmlFor = select.id;
        parts[name] = select;
        inner.appendChild(label);
        inner.appendChild(select);
      });
      var buttons = el("div", "knoppen");
      parts.show = el("button", null, "Toon veranderingen");
      parts.show.type = "button";
      parts.show.id = "toon-veranderingen";
      parts.hide = el("button", null, "Wis");
      parts.hide.type = "button";
      buttons.appendChild(parts.show);
      buttons.appendChild(parts.hide);
      inner.appendChild(buttons);
      parts.result = el("div", "uitkomst");
      parts.result.id = "veranderingen-uitkomst";
      parts.result.setAttribute("role", "status");
      inner.appendChild(parts.result);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
    // let the layout (indeling.js, listening to window resizes) adopt the new panel
    window.dispatchEvent(new Event("resize"));

    function say(text) { parts.result.textContent = text; }

    function show() {
      layer.clearLayers();
      var url = config.veranderingenUrl + "?van=" + encodeURIComponent(parts.van.value) +
        "&naar=" + encodeURIComponent(parts.naar.value);
      say("Bezig met laden…");
      getJson(url).then(function (data) {
        parts.result.textContent = "";
        var summary = el("div", null, "v" + data.van + " → v" + data.naar + ", " +
                         config.gebied + ":");
        parts.result.appendChild(summary);
        var list = el("ul");
        Object.keys(config.stijlen).forEach(function (key) {
          var style = config.stijlen[key];
          var item = el("li");
          var symbol = el("span", "symbool", style.symbool);
          symbol.style.background = style.kleur;
          item.appendChild(symbol);
          item.appendChild(document.createTextNode(style.label + ": " +
                                                   ((data.aantallen || {})[key] || 0)));
          list.appendChild(item);
        });
        parts.result.appendChild(list);
        (data.veranderd || []).forEach(function (row) {
          var style = config.stijlen[row.verandering];
          if (!style || row.lat === null || row.lon === null) return;
          L.marker([row.lat, row.lon], {icon: icon(style), keyboard: true,
                                        title: style.label + ": " + (row.naam || row.id)})
            .bindPopup(popup(row, style)).addTo(layer);
        });
        if (!map.hasLayer(layer)) layer.addTo(map);
      }).catch(function (error) { say("Veranderingen niet geladen: " + error.message); });
    }

    parts.show.addEventListener("click", show);
    parts.hide.addEventListener("click", function () { layer.clearLayers(); say(""); });

    getJson(config.versiesUrl).then(function (versions) {
      versions.forEach(function (v) {
        var text = "v" + v.versie + " — " + dateText(v.tijdstip);
        parts.van.appendChild(el("option", null, text)).value = String(v.versie);
        parts.naar.appendChild(el("option", null, text)).value = String(v.versie);
      });
      if (versions.length < 2) {
        parts.show.disabled = true;
        say("Er is nog maar één versie; er is niets om te vergelijken.");
        return;
      }
      parts.van.value = String(versions[versions.length - 2].versie);
      parts.naar.value = String(versions[versions.length - 1].versie);
    }).catch(function (error) { say("Versies niet geladen: " + error.message); });
    return {layer: layer, control: control};
  }

  window.KaartVersies = {init: init};
})();

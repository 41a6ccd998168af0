/* Dutch texts for every Leaflet control and hint (zoom, layers, popup close button,
 * attribution, Leaflet.draw). The one place these texts live; loaded right after
 * leaflet.js on every map (maps.assets.MAP_JS). Leaflet.draw replaces L.drawLocal when it
 * loads, so its texts are set by a map init hook: every map is created after all plugin
 * scripts, and before any Draw control reads L.drawLocal. Measure uses its own "nl" locale
 * (localization="nl" in maps/builder.py), Fullscreen and Search get Dutch options there. */
(function () {
  "use strict";
  if (!window.L) { return; }

  var DRAW = {
    draw: {
      toolbar: {
        actions: {title: "Tekenen annuleren", text: "Annuleren"},
        finish: {title: "Tekenen afronden", text: "Afronden"},
        undo: {title: "Laatst getekende punt verwijderen", text: "Laatste punt verwijderen"},
        buttons: {
          polyline: "Lijn tekenen", polygon: "Gebied tekenen (veelhoek)",
          rectangle: "Gebied tekenen (rechthoek)", circle: "Cirkel tekenen",
          marker: "Punt plaatsen", circlemarker: "Cirkelpunt plaatsen"
        }
      },
      handlers: {
        circle: {tooltip: {start: "Klik en sleep om een cirkel te tekenen."}, radius: "Straal"},
        circlemarker: {tooltip: {start: "Klik op de kaart om een cirkelpunt te plaatsen."}},
        marker: {tooltip: {start: "Klik op de kaart om een punt te plaatsen."}},
        polygon: {tooltip: {
          start: "Klik om te beginnen met tekenen.",
          cont: "Klik om verder te tekenen.",
          end: "Klik op het eerste punt om het gebied te sluiten."
        }},
        polyline: {
          error: "<strong>Fout:</strong> randen mogen elkaar niet kruisen!",
          tooltip: {
            start: "Klik om een lijn te beginnen.",
            cont: "Klik om de lijn voort te zetten.",
            end: "Klik op het laatste punt om de lijn af te ronden."
          }
        },
        rectangle: {tooltip: {start: "Klik en sleep om een rechthoek te tekenen."}},
        simpleshape: {tooltip: {end: "Laat de muisknop los om af te ronden."}}
      }
    },
    edit: {
      toolbar: {
        actions: {
          save: {title: "Wijzigingen opslaan", text: "Opslaan"},
          cancel: {title: "Bewerken annuleren, wijzigingen vervallen", text: "Annuleren"},
          clearAll: {title: "Alle getekende gebieden verwijderen", text: "Alles verwijderen"}
        },
        buttons: {
          edit: "Getekende gebieden bewerken", editDisabled: "Geen gebieden om te bewerken",
          remove: "Getekende gebieden verwijderen", removeDisabled: "Geen gebieden om te verwijderen"
        }
      },
      handlers: {
        edit: {tooltip: {text: "Sleep de punten om het gebied aan te passen.",
                         subtext: "Klik op Annuleren om wijzigingen ongedaan te maken."}},
        remove: {tooltip: {text: "Klik op een getekend gebied om het te verwijderen."}}
      }
    }
  };

  L.Control.Zoom.prototype.options.zoomInTitle = "Inzoomen";
  L.Control.Zoom.prototype.options.zoomOutTitle = "Uitzoomen";
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="Leaflet: JavaScript-bibliotheek voor kaarten">Leaflet</a>';

  var layersLayout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.prototype._initLayout = function () {
    layersLayout.apply(this, arguments);
    if (this._layersLink) {
      this._layersLink.title = "Kaartlagen";
      this._layersLink.setAttribute("aria-label", "Kaartlagen");
    }
  };

  var popupLayout = L.Popup.prototype._initLayout;
  L.Popup.prototype._initLayout = function () {
    popupLayout.apply(this, arguments);
    var close = this._container && this._container.querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", "Pop-up sluiten");
      close.title = "Sluiten";
    }
  };

  L.Map.addInitHook(function () {
    if (L.drawLocal) { L.drawLocal = DRAW; }
  });
}());

/* kaart: the object table of the served viewer (sort, filter, page, CSV/XLSX download).
 * Rows come from the server's table endpoint; every value is shown as text. A row is
 * focusable: Enter or a click zooms to the object and opens the same popup as the map.
 * Loaded after objecten.js, which calls KaartObjectTabel.add(objects). */
(function () {
  "use strict";

  var PAGE = 25;

  function Table(objects) {
    var h = window.KaartObjecten.helpers;
    this.h = h;
    this.objects = objects;
    this.config = objects.config;
    this.state = {sorteer: "score", aflopend: true, offset: 0};
  }

  Table.prototype.select = function (name, label, options) {
    var h = this.h, wrap = h.el("label", "kaart-tabel-filter");
    wrap.appendChild(document.createTextNode(label + " "));
    var select = h.el("select");
    select.name = name;
    select.appendChild(new Option("alle", ""));
    options.forEach(function (o) { select.appendChild(new Option(o[1], o[0])); });
    wrap.appendChild(select);
    return wrap;
  };

  Table.prototype.build = function () {
    var h = this.h, config = this.config, self = this;
    var panel = h.el("section", "kaart-objecttabel");
    panel.id = "kaart-objecttabel";
    panel.hidden = true;
    panel.setAttribute("aria-label", "Objectentabel");
    var head = h.el("div", "kaart-tabel-kop");
    head.appendChild(h.el("h4", null, "Objectentabel"));
    var close = h.el("button", "kaart-tabel-sluit", "Sluiten");
    close.type = "button";
    close.addEventListener("click", function () { self.toggle(false); });
    head.appendChild(close);
    panel.appendChild(head);
    var form = h.el("form", "kaart-tabel-filters");
    form.setAttribute("role", "search");
    var zoek = h.el("label", "kaart-tabel-filter");
    zoek.appendChild(document.createTextNode("Naam of id "));
    var input = h.el("input");
    input.type = "search";
    input.name = "zoek";
    zoek.appendChild(input);
    form.appendChild(zoek);
    form.appendChild(this.select("thema", "Thema", config.layers.map(function (l) {
      return [l.thema, config.themes[l.thema] || l.thema];
    })));
    form.appendChild(this.select("klasse", "Klasse", config.classOrder.map(
      function (k) { return [k, k + " – " + config.classNames[k]]; })));
    form.appendChild(this.select("gemeente", "Gemeente", config.gemeenten));
    form.appendChild(this.select("volledigheid", "Volledigheid", [
      ["volledig", "volledig"], ["onvolledig", "onvolledig"], ["onbekend", "onbekend"]]));
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("change", function () { self.state.offset = 0; self.load(); });
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.state.offset = 0; self.load(); }, 300);
    });
    panel.appendChild(form);
    this.form = form;
    this.status = h.el("p", "kaart-tabel-status");
    this.status.setAttribute("aria-live", "polite");
    panel.appendChild(this.status);
    var scroll = h.el("div", "kaart-tabel-scroll");
    this.table = h.el("table", "kaart-tabel");
    scroll.appendChild(this.table);
    panel.appendChild(scroll);
    this.footer = h.el("div", "kaart-tabel-voet");
    panel.appendChild(this.footer);
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    this.objects.map.getContainer().appendChild(panel);
    this.panel = panel;
  };

  Table.prototype.params = function () {
    var params = {}, data = new FormData(this.form);
    data.forEach(function (value, key) { if (value) { params[key] = value; } });
    return params;
  };

  Table.prototype.header = function () {
    var h = this.h, self = this, row = h.el("tr");
    h.sortable.forEach(function (pair) {
      var th = h.el("th"), button = h.el("button", "kaart-tabel-sorteer", pair[1]);
      button.type = "button";
      if (self.state.sorteer === pair[0]) {
        th.setAttribute("aria-sort", self.state.aflopend ? "descending" : "ascending");
        button.textContent = pair[1] + (self.state.aflopend ? " ▼" : " ▲");
      }
      button.addEventListener("click", function () {
        if (self.state.sorteer === pair[0]) { self.state.aflopend = !self.state.aflopend; }
        else { self.state.sorteer = pair[0]; self.state.aflopend = pair[0] === "score"; }
        self.state.offset = 0;
        self.load(true);
      });
      th.appendChild(button);
      row.appendChild(th);
    });
    return row;
  };

  Table.prototype.row = function (r) {
    var h = this.h, self = this, tr = h.el("tr", "kaart-tabel-rij");
    tr.tabIndex = 0;
    tr.setAttribute("data-id", r.id);
    var klasse = r.klasse === null ? "onbekend" : r.klasse + " – " + (r.klasse_naam || "");
    [r.naam || r.id, r.thema_naam || r.thema, r.gemeentenaam || "–", h.number(r.score, 2),
      klasse, h.percent(r.volledigheid)].forEach(function (value) {
      tr.appendChild(h.el("td", null, value));
    });
    function open() { self.objects.showRow(r); }
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
    });
    return tr;
  };

  Table.prototype.render = function (data, focusSort) {
    var h = this.h, self = this;
    this.table.textContent = "";
    var thead = h.el("thead");
    thead.appendChild(this.header());
    this.table.appendChild(thead);
    var body = h.el("tbody");
    data.rijen.forEach(function (r) { body.appendChild(self.row(r)); });
    this.table.appendChild(body);
    var first = data.aantal_gevonden ? data.offset + 1 : 0;
    var last = data.offset + data.rijen.length;
    this.status.textContent = data.aantal_gevonden ? first + "–" + last + " van " +
      data.aantal_gevonden + " objecten" : "Geen objecten gevonden.";
    this.footer.textContent = "";
    var previous = h.el("button", "kaart-knop", "Vorige"), next = h.el("button", "kaart-knop",
      "Volgende");
    previous.type = next.type = "button";
    previous.disabled = data.offset === 0;
    next.disabled = last >= data.aantal_gevonden;
    previous.addEventListener("click", function () {
      self.state.offset = Math.max(0, self.state.offset - PAGE); self.load();
    });
    next.addEventListener("click", function () { self.state.offset += PAGE; self.load(); });
    this.footer.appendChild(previous);
    this.footer.appendChild(next);
    var params = L.extend(this.params(), {sorteer: this.state.sorteer,
      aflopend: this.state.aflopend});
    var name = this.config.csvName.replace(/^gebied_analyse_/, "objecten_");
    this.footer.appendChild(this.objects.downloadLink(params, "csv", "Download CSV",
      "kaart-tabel-csv", name));
    this.footer.appendChild(this.objects.downloadLink(params, "xlsx", "Download XLSX",
      "kaart-tabel-xlsx", name.replace(/\.csv$/, ".xlsx")));
    if (focusSort) {
      var sorted = this.table.querySelector("th[aria-sort] button");
      if (sorted) { sorted.focus(); }
    }
  };

  Table.prototype.load = function (focusSort) {
    var self = this;
    var params = L.extend(this.params(), {sorteer: this.state.sorteer,
      aflopend: this.state.aflopend, offset: this.state.offset, limit: PAGE});
    this.status.textContent = "Bezig met laden…";
    return this.h.getJson(this.config.tabelUrl + "?" + this.h.query(params)).then(
      function (data) { self.render(data, focusSort); },
      function () { self.status.textContent = "De objecten konden niet worden geladen."; });
  };

  Table.prototype.toggle = function (show) {
    this.panel.hidden = !show;
    this.button.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) {
      this.load();
      this.form.querySelector("input").focus();
    } else {
      this.button.focus();
    }
  };

  /* The button that opens the table: in the page's bar above the map when there is one
   * (never covered by map panels), else as a map control. */
  Table.prototype.addButton = function () {
    var self = this;
    var button = self.h.el("button", "kaart-knop kaart-tabel-open", "Objectentabel");
    button.type = "button";
    button.id = "kaart-objecttabel-knop";
    button.setAttribute("aria-controls", "kaart-objecttabel");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () { self.toggle(self.panel.hidden); });
    self.button = button;
    var bar = document.querySelector(".kaartbalk");
    if (bar) {
      var form = bar.querySelector("form");
      bar.insertBefore(button, form ? form.nextSibling : bar.firstChild);
      return;
    }
    var Control = L.Control.extend({
      onAdd: function () {
        var box = self.h.el("div", "kaart-paneel kaart-tabel-knop");
        box.appendChild(button);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    new Control({position: "topleft"}).addTo(this.objects.map);
  };

  window.KaartObjectTabel = {
    add: function (objects) {
      var table = new Table(objects);
      table.build();
      table.addButton();
      objects.table = table;
      return table;
    }
  };
})();

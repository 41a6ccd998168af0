// kaart: Swagger UI draws form controls without a label (axe select-name/label, WCAG 4.1.2):
// the server choice (<select id="servers">) and the value choice of enum parameters (the
// parameter's name stands in another table cell). Name them in Dutch whenever Swagger
// (re)draws them.
(function () {
  function name(element, text) {
    if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", text);
    }
  }
  function label() {
    var servers = document.getElementById("servers");
    if (servers) name(servers, "Server van de API");
    var rows = document.querySelectorAll("tr[data-param-name]");
    for (var i = 0; i < rows.length; i++) {
      var controls = rows[i].querySelectorAll("select, input, textarea");
      for (var j = 0; j < controls.length; j++) {
        name(controls[j], "Waarde van parameter " + rows[i].getAttribute("data-param-name"));
      }
    }
  }
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
  label();
})();
